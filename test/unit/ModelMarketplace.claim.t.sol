// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";

contract ModelMarketplaceClaimTest is MarketBaseTest {
    uint256 internal listingId;
    address[] internal trainers;
    address[] internal everyone;

    function setUp() public override {
        super.setUp();
        (uint256 taskId, address[] memory t, address[] memory validators) = _settledTask(3, 3);
        trainers = t;
        listingId = _listTask(taskId);
        everyone = _everyone(t, validators);
    }

    function test_claim_paysTheWalletOnceForAnyCaller() public {
        _buy(buyer1, listingId, 1);
        uint256 owed = market.claimable(listingId, trainers[0]);
        assertGt(owed, 0);
        uint256 before = token.balanceOf(trainers[0]);
        vm.expectEmit(true, true, false, true, address(market));
        emit IModelMarketplace.RevenueClaimed(listingId, trainers[0], owed);
        vm.prank(attacker);
        assertEq(market.claim(listingId, trainers[0]), owed);
        assertEq(token.balanceOf(trainers[0]) - before, owed);
        assertEq(market.claimedOf(listingId, trainers[0]), owed);
        assertEq(market.claimable(listingId, trainers[0]), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IModelMarketplace.NothingToClaim.selector, listingId, trainers[0])
        );
        market.claim(listingId, trainers[0]);
        // later revenue is claimable again
        _buy(buyer2, listingId, 1);
        assertEq(market.claimable(listingId, trainers[0]), owed);
    }

    function test_claim_everyoneAndTheTreasuryAccountForEveryWei() public {
        _buy(buyer1, listingId, 3);
        _buy(buyer2, listingId, 7);
        uint256 paid = 10 * uint256(PRICE);
        uint256 total;
        for (uint256 i; i < everyone.length; ++i) {
            total += market.claim(listingId, everyone[i]);
        }
        uint256 treasuryBefore = token.balanceOf(treasury);
        uint256 swept = market.sweep(_one(listingId));
        assertEq(total + swept, paid);
        assertEq(token.balanceOf(treasury) - treasuryBefore, swept);
        assertEq(token.balanceOf(address(market)), 0);
        vm.expectRevert(IModelMarketplace.NothingToSweep.selector);
        market.sweep(_one(listingId));
    }

    function test_claimMany_skipsEmptyListingsAndCountsDuplicatesOnce() public {
        _buy(buyer1, listingId, 1);
        uint256 owed = market.claimable(listingId, creator);
        uint256[] memory ids = new uint256[](2);
        ids[0] = listingId;
        ids[1] = listingId;
        assertEq(market.claimMany(ids, creator), owed);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.NothingToClaim.selector, listingId, creator));
        market.claimMany(ids, creator);
    }

    function test_claim_revertsForAnUnknownListing() public {
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.UnknownListing.selector, 5));
        market.claim(5, creator);
        vm.expectRevert(
            abi.encodeWithSelector(IModelMarketplace.NothingToClaim.selector, listingId, attacker)
        );
        market.claim(listingId, attacker);
    }
}
