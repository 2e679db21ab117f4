// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";
import {IModelLineage} from "../../contracts/interfaces/IModelLineage.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";

/// @notice The marketplace's invariants (README.md beside this file, "ModelMarketplace"): an Arena listing and an
/// alliance listing that pays a royalty to it, four buyers, every shareholder.
contract ModelMarketplaceInvariantTest is MarketBaseTest {
    MarketHandler internal handler;

    function setUp() public override {
        super.setUp();
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(3, 3);
        address[] memory fl = new address[](2);
        (fl[0], fl[1]) = (makeAddr("fl0"), makeAddr("fl1"));
        uint16[] memory bps = new uint16[](2);
        (bps[0], bps[1]) = (6000, 4000);
        string memory cid = _completedAlliance(1, IModelLineage.LineageSource.ArenaTask, taskId, fl, bps);
        uint256[] memory ids = new uint256[](2);
        ids[0] = _listTask(taskId);
        vm.prank(flCreator);
        ids[1] = market.list(_params(IModelMarketplace.ListingSource.Alliance, 1, cid));

        address[] memory listers = new address[](2);
        (listers[0], listers[1]) = (creator, flCreator);
        address[] memory buyers = new address[](4);
        for (uint256 i; i < 4; ++i) {
            buyers[i] = makeAddr(string.concat("invBuyer", vm.toString(i)));
        }
        address[] memory task = _everyone(trainers, validators);
        address[] memory holders = new address[](task.length + 3);
        for (uint256 i; i < task.length; ++i) {
            holders[i] = task[i];
        }
        (holders[task.length], holders[task.length + 1], holders[task.length + 2]) = (fl[0], fl[1], flCreator);

        handler = new MarketHandler(token, market, ids, listers, buyers, holders);
        token.grantRole(token.MINTER_ROLE(), address(handler));
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = MarketHandler.buy.selector;
        selectors[1] = MarketHandler.claim.selector;
        selectors[2] = MarketHandler.sweep.selector;
        selectors[3] = MarketHandler.setTerms.selector;
        selectors[4] = MarketHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    function _claimableEverywhere() internal view returns (uint256 sum) {
        uint256[] memory ids = handler.listings();
        address[] memory holders = handler.holders();
        for (uint256 l; l < ids.length; ++l) {
            sum += _claimableSum(ids[l], holders);
        }
    }

    /// All of them after every call (CI's 100,000-call campaign runs this one).
    function invariant_all() public view {
        invariant_flockConserved();
        invariant_balanceBacksEveryClaim();
        invariant_expiryOnlyGrows();
        invariant_splitsSumToOneHundredPercent();
        invariant_distributedIsClaimableOrClaimed();
    }

    /// 1
    function invariant_flockConserved() public view {
        assertEq(
            handler.ghostPaid(),
            _claimableEverywhere() + handler.ghostClaimed() + market.treasuryAccrued() + handler.ghostSwept(),
            "FLOCK conserved: paid == claimable + claimed + fee + dust"
        );
    }

    /// 2
    function invariant_balanceBacksEveryClaim() public view {
        assertEq(
            token.balanceOf(address(market)),
            _claimableEverywhere() + market.treasuryAccrued(),
            "marketplace balance == claimable + treasuryAccrued"
        );
    }

    /// 3
    function invariant_expiryOnlyGrows() public view {
        assertFalse(handler.ghostExpiryShrank(), "expiry only grows");
        uint256[] memory ids = handler.listings();
        address[] memory buyers = handler.buyers();
        for (uint256 l; l < ids.length; ++l) {
            for (uint256 b; b < buyers.length; ++b) {
                assertEq(
                    market.expiryOf(ids[l], buyers[b]),
                    handler.ghostExpiry(ids[l], buyers[b]),
                    "expiry only grows"
                );
            }
        }
    }

    /// 4
    function invariant_splitsSumToOneHundredPercent() public view {
        uint256[] memory ids = handler.listings();
        address[] memory holders = handler.holders();
        for (uint256 l; l < ids.length; ++l) {
            assertEq(_sharesSum(ids[l], holders), market.SHARES(), "splits sum to 100%");
        }
    }

    /// 5
    function invariant_distributedIsClaimableOrClaimed() public view {
        uint256[] memory ids = handler.listings();
        address[] memory holders = handler.holders();
        uint256 distributed;
        uint256 claimed;
        for (uint256 l; l < ids.length; ++l) {
            distributed += market.getListing(ids[l]).distributed;
            for (uint256 h; h < holders.length; ++h) {
                claimed += market.claimedOf(ids[l], holders[h]);
            }
        }
        assertEq(distributed, _claimableEverywhere() + claimed, "distributed == claimable + claimed");
    }

    function afterInvariant() external view {
        handler.logCounts();
        console.log("total successful calls", handler.totalCalls());
        console.log("FLOCK paid", handler.ghostPaid());
    }
}
