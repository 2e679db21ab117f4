// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {IModelLineage} from "../../contracts/interfaces/IModelLineage.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract ModelMarketplaceFuzzTest is MarketBaseTest {
    /// Any price, fee and number of periods: the buyer pays exactly price × periods, and every wei of it is either
    /// claimable by a shareholder or accrued to the treasury (the fee, plus dust < 1e9 base units).
    function testFuzz_buy_conservesToTheWei(uint256 price, uint256 periods, uint256 feeBps, uint256 nTrainers)
        public
    {
        _setParam(ConfigKeys.MARKET_FEE_BPS, bound(feeBps, 0, 2000));
        nTrainers = bound(nTrainers, 2, 6);
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(nTrainers, 3);
        uint256 id = _listTask(taskId);
        // forge-lint: disable-next-line(unsafe-typecast) bounded below 2^96
        uint96 p = uint96(bound(price, 1e12, 1e21));
        vm.prank(creator);
        market.setTerms(id, p, PERIOD);
        vm.warp(block.timestamp + 1 days);
        periods = bound(periods, 1, 1000);
        _buy(buyer1, id, periods);
        uint256 cost = uint256(p) * periods;
        address[] memory all = _everyone(trainers, validators);
        uint256 fee = cost * market.getListing(id).feeBps / 10_000;
        uint256 accrued = market.treasuryAccrued();
        assertEq(_claimableSum(id, all) + accrued, cost, "FLOCK conserved");
        assertGe(accrued, fee);
        assertLt(accrued - fee, 1e9, "dust < SHARES");
        assertEq(token.balanceOf(address(market)), cost);
    }

    /// Any split parameters and any alliance shares: the shares of a listing sum to exactly SHARES.
    function testFuzz_list_splitsSumToShares(
        uint256 creatorBps,
        uint256 validatorBps,
        uint256 royaltyBps,
        uint256 depth,
        uint16 a,
        uint16 b
    ) public {
        _setParam(ConfigKeys.MARKET_CREATOR_BPS, bound(creatorBps, 0, 5000));
        _setParam(ConfigKeys.MARKET_VALIDATOR_BPS, bound(validatorBps, 0, 5000));
        _setParam(ConfigKeys.MARKET_ROYALTY_BPS, bound(royaltyBps, 0, 5000));
        _setParam(ConfigKeys.MARKET_MAX_LINEAGE_DEPTH, bound(depth, 0, 4));
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(3, 3);
        address[] memory fl = new address[](2);
        (fl[0], fl[1]) = (makeAddr("fl0"), makeAddr("fl1"));
        uint16[] memory bps = new uint16[](2);
        // forge-lint: disable-next-line(unsafe-typecast) bounded ≤ 10000
        bps[0] = uint16(bound(a, 0, 10_000));
        bps[1] = 10_000 - bps[0];
        if (b % 2 == 0) bps[1] = 0; // sometimes the shares do not sum to 10000, or are all 0
        _completedAlliance(1, IModelLineage.LineageSource.ArenaTask, taskId, fl, bps);
        string memory cid = _completedAlliance(2, IModelLineage.LineageSource.Alliance, 1, fl, bps);
        uint256 arenaId = _listTask(taskId);
        vm.prank(flCreator);
        uint256 flId = market.list(_params(IModelMarketplace.ListingSource.Alliance, 2, cid));
        address[] memory all = _everyone(trainers, validators);
        assertEq(_sharesSum(arenaId, all), 1e9, "splits sum to 100%");
        assertEq(
            _sharesSum(flId, all) + _sharesSum(flId, fl) + market.sharesOf(flId, flCreator),
            1e9,
            "splits sum to 100%"
        );
    }
}
