// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";

contract ModelMarketplaceBuyTest is MarketBaseTest {
    uint256 internal listingId;
    address[] internal everyone;

    function setUp() public override {
        super.setUp();
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(3, 3);
        listingId = _listTask(taskId);
        everyone = _everyone(trainers, validators);
    }

    function test_buy_paysExtendsAccessAndDistributes() public {
        uint256 t0 = block.timestamp;
        assertFalse(market.hasAccess(listingId, buyer1));
        token.mint(buyer1, 2 * PRICE);
        vm.prank(buyer1);
        token.approve(address(market), 2 * PRICE);
        vm.expectEmit(true, true, false, true, address(market));
        // forge-lint: disable-next-line(unsafe-typecast) a 2023 timestamp + 60 days
        emit IModelMarketplace.AccessPurchased(listingId, buyer1, 2, 2 * PRICE, 1e18, uint40(t0 + 2 * PERIOD));
        vm.prank(buyer1);
        uint40 expiry = market.buy(listingId, 2);
        assertEq(expiry, t0 + 2 * PERIOD);
        assertEq(market.expiryOf(listingId, buyer1), expiry);
        assertTrue(market.hasAccess(listingId, buyer1));
        assertEq(token.balanceOf(buyer1), 0);
        // 20 FLOCK: 5% fee (1 FLOCK) to the treasury, 19 FLOCK = 19e9 per share unit × 1e9 units, no dust
        assertEq(market.treasuryAccrued(), 1e18);
        assertEq(market.getListing(listingId).accPerShare, 19e9 * 1e18);
        assertEq(market.getListing(listingId).distributed, 19e18);
        assertEq(_claimableSum(listingId, everyone), 19e18);
        assertEq(market.claimable(listingId, creator), 1.9e18);
        assertEq(token.balanceOf(address(market)), 20e18);
    }

    function test_buy_dustGoesToTheTreasuryToTheWei() public {
        vm.prank(creator);
        market.setTerms(listingId, 1e18 + 123_456_789_123, PERIOD);
        _buy(buyer1, listingId, 3);
        uint256 cost = 3 * (1e18 + 123_456_789_123);
        uint256 fee = cost * 500 / 10_000;
        uint256 perShare = (cost - fee) / 1e9;
        assertEq(market.treasuryAccrued(), cost - perShare * 1e9);
        assertGt(market.treasuryAccrued(), fee, "some dust");
        assertEq(_claimableSum(listingId, everyone) + market.treasuryAccrued(), cost, "conserved to the wei");
    }

    function test_buy_renewsFromTheCurrentExpiryOrFromNow() public {
        uint40 e1 = _buy(buyer1, listingId, 1);
        vm.warp(block.timestamp + 10 days);
        uint40 e2 = _buy(buyer1, listingId, 1);
        assertEq(e2, e1 + PERIOD, "renewal before expiry adds to it");
        vm.warp(e2 + 5 days);
        assertFalse(market.hasAccess(listingId, buyer1));
        uint40 e3 = _buy(buyer1, listingId, 1);
        assertEq(e3, block.timestamp + PERIOD, "after expiry: from now");
    }

    function test_hasAccess_endsAtTheExpirySecond() public {
        uint40 e = _buy(buyer1, listingId, 1);
        vm.warp(e - 1);
        assertTrue(market.hasAccess(listingId, buyer1));
        vm.warp(e);
        assertFalse(market.hasAccess(listingId, buyer1));
    }

    function test_buy_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.UnknownListing.selector, 9));
        market.buy(9, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidPeriods.selector, 0));
        market.buy(listingId, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidPeriods.selector, 1001));
        market.buy(listingId, 1001);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(market), 0, PRICE
            )
        );
        vm.prank(buyer1);
        market.buy(listingId, 1);
        vm.prank(creator);
        market.setActive(listingId, false);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.ListingInactive.selector, listingId));
        market.buy(listingId, 1);
    }

    function test_buy_inactiveListingKeepsAccessAlreadyBought() public {
        uint40 e = _buy(buyer1, listingId, 1);
        vm.prank(creator);
        market.setActive(listingId, false);
        assertTrue(market.hasAccess(listingId, buyer1));
        assertEq(market.expiryOf(listingId, buyer1), e);
        vm.prank(creator);
        market.setActive(listingId, true);
        _buy(buyer1, listingId, 1);
    }

    function test_buyWithPermit_paysExactlyWhatWasSigned() public {
        (address who, uint256 key) = makeAddrAndKey("permitBuyer");
        uint256 cost = market.priceOf(listingId, 2);
        token.mint(who, 10 * cost);
        (uint8 v, bytes32 r, bytes32 s) = _permit(key, who, cost, block.timestamp + 1 hours);
        vm.prank(who);
        uint40 e = market.buyWithPermit(listingId, 2, block.timestamp + 1 hours, v, r, s);
        assertEq(e, block.timestamp + 2 * PERIOD);
        assertEq(token.balanceOf(who), 9 * cost);
        assertEq(token.allowance(who, address(market)), 0);
    }

    function test_buyWithPermit_aFrontRunPermitStillBuys() public {
        (address who, uint256 key) = makeAddrAndKey("permitBuyer");
        uint256 cost = market.priceOf(listingId, 1);
        token.mint(who, cost);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(key, who, cost, deadline);
        // someone submits the permit first: the buy still goes through on the allowance it set
        token.permit(who, address(market), cost, deadline, v, r, s);
        vm.prank(who);
        market.buyWithPermit(listingId, 1, deadline, v, r, s);
        assertTrue(market.hasAccess(listingId, who));
    }

    function _permit(uint256 key, address owner, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 typehash = keccak256(
            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
        );
        bytes32 structHash =
            keccak256(abi.encode(typehash, owner, address(market), value, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(key, digest);
    }
}
