// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {ModelMarketplace} from "../../contracts/ModelMarketplace.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";

/// @notice The three stages on the real contracts, as `script/Deploy.s.sol` wires them: an Arena task settles, an FL
/// Alliance refines its winner, the alliance's creator lists the final model, a buyer pays, and every wei reaches the
/// alliance's contributors, its creator, the parent task's lineage (the royalty) and the treasury.
contract ModelMarketplaceFLAllianceTest is FLBaseTest {
    uint96 internal constant PRICE = 10e18;
    uint32 internal constant PERIOD = 30 days;
    uint256 internal constant SHARES = 1e9;

    ModelMarketplace internal market;
    address internal buyer = makeAddr("buyer");

    function setUp() public override {
        super.setUp();
        market = new ModelMarketplace(
            address(token), address(config), address(arena), address(alliance), address(this)
        );
    }

    function test_aCompletedAllianceIsListedSoldAndEveryContributorPaid() public {
        // stage 1: a settled task (trainer 0 wins; 3 agreeing validators)
        (uint256 taskId, address[] memory trainers) = _taskInCommit(3);
        uint16[][] memory rows = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            rows[v] = _row(9000, 8990, 8980);
        }
        address[] memory validators = _scoreAll(taskId, rows, _allTrue(3));
        _finalizeAll(taskId);

        // stage 2: an alliance refines the winner over 2 rounds (4 honest members)
        IFLAlliance.CreateParams memory p = _params(2, 4, 2);
        p.source = IFLAlliance.ModelSource.ArenaTask;
        p.parentId = taskId;
        p.startCid = _cid(0);
        uint256 id = _create(p);
        for (uint256 i; i < 4; ++i) {
            address m = _member(i);
            people.push(m);
            vm.prank(m);
            alliance.join(id, FL_STAKE);
        }
        alliance.advance(id);
        _playAll(id);
        IFLAlliance.Lineage memory ln = alliance.lineageOf(id);
        assertEq(ln.parentCid, _cid(0));

        // a model that is not the alliance's final model is refused
        vm.prank(creator);
        vm.expectRevert();
        market.list(_listParams(id, ln.parentCid));

        // stage 3: its creator lists the final model
        vm.prank(creator);
        uint256 listing = market.list(_listParams(id, ln.finalModelCid));
        IModelMarketplace.ListingView memory l = market.getListing(listing);
        assertEq(uint8(l.source), uint8(IModelMarketplace.ListingSource.Alliance));
        assertEq(l.depth, 1);
        assertEq(l.modelDigest, keccak256(bytes(ln.finalModelCid)));

        // the split: the alliance's contributors, its creator, and the parent task's lineage
        address[] memory everyone = new address[](people.length + trainers.length + validators.length + 1);
        uint256 n;
        for (uint256 i; i < people.length; ++i) {
            everyone[n++] = people[i];
        }
        // the alliance's contributors are the members that trained (proposer rewards), by their recorded shares
        assertGt(ln.contributors.length, 0);
        for (uint256 i; i < ln.contributors.length; ++i) {
            assertGt(
                market.sharesOf(listing, ln.contributors[i]), 0, "an alliance contributor without a share"
            );
        }
        for (uint256 i; i < trainers.length; ++i) {
            everyone[n++] = trainers[i];
        }
        for (uint256 i; i < validators.length; ++i) {
            everyone[n++] = validators[i];
        }
        everyone[n++] = creator;
        assertGt(market.sharesOf(listing, trainers[0]), 0, "the winner of the parent task earns a royalty");
        uint256 sum;
        for (uint256 i; i < everyone.length; ++i) {
            sum += market.sharesOf(listing, everyone[i]);
        }
        assertEq(sum, SHARES, "the shares add up to the whole");

        // a purchase, then every claim and the sweep account for every wei paid
        uint256 cost = market.priceOf(listing, 3);
        token.mint(buyer, cost);
        vm.startPrank(buyer);
        token.approve(address(market), cost);
        market.buy(listing, 3);
        vm.stopPrank();
        assertTrue(market.hasAccess(listing, buyer));
        uint256 claimed;
        for (uint256 i; i < everyone.length; ++i) {
            uint256 before = token.balanceOf(everyone[i]);
            if (market.claimable(listing, everyone[i]) == 0) continue;
            claimed += market.claim(listing, everyone[i]);
            assertGt(token.balanceOf(everyone[i]), before);
        }
        uint256 swept = market.sweep(_ids(listing));
        assertEq(claimed + swept, cost, "claims + fees = what the buyer paid");
        assertEq(token.balanceOf(address(market)), 0);
    }

    function _listParams(uint256 allianceId, string memory cid)
        internal
        pure
        returns (IModelMarketplace.ListParams memory)
    {
        return IModelMarketplace.ListParams({
            source: IModelMarketplace.ListingSource.Alliance,
            sourceId: allianceId,
            modelCid: cid,
            licenseCid: "bafylicense",
            price: PRICE,
            period: PERIOD
        });
    }

    function _ids(uint256 listing) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = listing;
    }
}
