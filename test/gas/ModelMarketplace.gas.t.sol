// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice The marketplace's hot paths with a 256-trainer listing (260 contributors), snapshotted into
/// snapshots/ModelMarketplace.json (`vm.snapshotGasLastCall`). `buy` and `claim` are O(1): asserted ≤ 120,000.
contract ModelMarketplaceGasTest is MarketBaseTest {
    uint256 internal constant BUY_GAS_LIMIT = 120_000;

    function test_gas_buyAndClaimWith256Contributors() public {
        // a slow rank decay, so all 256 trainers hold shares
        _setParam(ConfigKeys.RANK_DECAY_BPS, 9900);
        (uint256 taskId, address[] memory trainers,) = _settledTask(256, 3);
        uint256 id = _listTask(taskId);
        console.log(
            "list (256 trainers + 3 validators + creator)",
            vm.snapshotGasLastCall("ModelMarketplace", "list_260")
        );
        assertEq(market.getListing(id).contributors, 260);
        assertGt(market.sharesOf(id, trainers[255]), 0);

        uint256 cost = market.priceOf(id, 1);
        token.mint(buyer1, 3 * cost);
        vm.prank(buyer1);
        token.approve(address(market), type(uint256).max);

        vm.prank(buyer1);
        market.buy(id, 1);
        uint256 gasFirst = vm.snapshotGasLastCall("ModelMarketplace", "buy_first_256contributors");
        console.log("buy (first, 256 contributors)", gasFirst);
        assertLe(gasFirst, BUY_GAS_LIMIT, "buy <= 120,000 gas");

        vm.prank(buyer1);
        market.buy(id, 1);
        uint256 gasRenew = vm.snapshotGasLastCall("ModelMarketplace", "buy_renew_256contributors");
        console.log("buy (renewal)", gasRenew);
        assertLe(gasRenew, BUY_GAS_LIMIT);

        market.claim(id, trainers[255]);
        uint256 gasClaim = vm.snapshotGasLastCall("ModelMarketplace", "claim");
        console.log("claim", gasClaim);
        assertLe(gasClaim, BUY_GAS_LIMIT);

        _buy(buyer2, id, 1);
        console.log("buy (second buyer)", vm.snapshotGasLastCall("ModelMarketplace", "buy_second_buyer"));
        market.sweep(_one(id));
        console.log("sweep", vm.snapshotGasLastCall("ModelMarketplace", "sweep"));
    }

    function test_gas_buyDoesNotDependOnTheNumberOfContributors() public {
        (uint256 small,,) = _settledTask(2, 3);
        uint256 a = _listTask(small);
        token.mint(buyer1, 10 * uint256(PRICE));
        vm.prank(buyer1);
        token.approve(address(market), type(uint256).max);
        vm.prank(buyer1);
        market.buy(a, 1);
        uint256 gasSmall = vm.lastCallGas().gasTotalUsed;
        console.log("buy (first, 6 contributors)", gasSmall);
        assertLe(gasSmall, BUY_GAS_LIMIT);
        // silence an unused warning on the enum import in some compilers
        assertEq(uint8(market.getListing(a).source), uint8(IModelMarketplace.ListingSource.ArenaTask));
    }
}
