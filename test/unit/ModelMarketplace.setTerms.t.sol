// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";

contract ModelMarketplaceSetTermsTest is MarketBaseTest {
    uint256 internal listingId;

    function setUp() public override {
        super.setUp();
        (uint256 taskId,,) = _settledTask(2, 3);
        listingId = _listTask(taskId);
    }

    function test_setTerms_aDecreaseAppliesAtOnce() public {
        vm.expectEmit(true, false, false, true, address(market));
        emit IModelMarketplace.TermsSet(listingId, 5e18, PERIOD * 2, uint40(block.timestamp));
        vm.prank(creator);
        market.setTerms(listingId, 5e18, PERIOD * 2);
        (uint96 price, uint32 period) = market.termsOf(listingId);
        assertEq(price, 5e18);
        assertEq(period, PERIOD * 2);
        assertEq(market.priceOf(listingId, 3), 15e18);
    }

    function test_setTerms_anIncreaseWaitsForTheDelay() public {
        uint40 at = uint40(block.timestamp + 1 days);
        vm.expectEmit(true, false, false, true, address(market));
        emit IModelMarketplace.TermsSet(listingId, 50e18, PERIOD, at);
        vm.prank(creator);
        market.setTerms(listingId, 50e18, PERIOD);
        IModelMarketplace.ListingView memory l = market.getListing(listingId);
        assertEq(l.price, PRICE);
        assertEq(l.pendingPrice, 50e18);
        assertEq(l.pendingAt, at);
        // a buyer in the meantime pays the announced price
        _buy(buyer1, listingId, 1);
        assertEq(market.treasuryAccrued(), PRICE / 20);
        vm.warp(at - 1);
        assertEq(market.priceOf(listingId, 1), PRICE);
        vm.warp(at);
        assertEq(market.priceOf(listingId, 1), 50e18);
        l = market.getListing(listingId);
        assertEq(l.price, 50e18);
        assertEq(l.pendingAt, 0);
    }

    function test_setTerms_aShorterPeriodIsAnIncrease() public {
        vm.prank(creator);
        market.setTerms(listingId, PRICE, PERIOD / 2);
        (, uint32 period) = market.termsOf(listingId);
        assertEq(period, PERIOD);
    }

    function test_setTerms_replacesAScheduledChange() public {
        vm.startPrank(creator);
        market.setTerms(listingId, 50e18, PERIOD);
        market.setTerms(listingId, 1e18, PERIOD);
        vm.stopPrank();
        vm.warp(block.timestamp + 2 days);
        (uint96 price,) = market.termsOf(listingId);
        assertEq(price, 1e18);
    }

    function test_setTerms_aDueChangeIsInForceBeforeTheNext() public {
        vm.prank(creator);
        market.setTerms(listingId, 50e18, PERIOD);
        vm.warp(block.timestamp + 1 days);
        // 40 < 50 now in force: a decrease
        vm.prank(creator);
        market.setTerms(listingId, 40e18, PERIOD);
        (uint96 price,) = market.termsOf(listingId);
        assertEq(price, 40e18);
    }

    function test_setTerms_andSetActive_onlyListerOrGovernance() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelMarketplace.NotListingAdmin.selector, listingId, attacker)
        );
        vm.prank(attacker);
        market.setTerms(listingId, 1e18, PERIOD);
        vm.expectRevert(
            abi.encodeWithSelector(IModelMarketplace.NotListingAdmin.selector, listingId, attacker)
        );
        vm.prank(attacker);
        market.setActive(listingId, false);
        vm.expectEmit(true, false, false, true, address(market));
        emit IModelMarketplace.ListingActiveSet(listingId, false);
        market.setActive(listingId, false);
        assertFalse(market.getListing(listingId).active);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidTerms.selector, 0, PERIOD));
        market.setTerms(listingId, 0, PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.UnknownListing.selector, 2));
        market.setTerms(2, PRICE, PERIOD);
    }
}
