// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {ModelMarketplace} from "../../contracts/ModelMarketplace.sol";
import {IModelLineage} from "../../contracts/interfaces/IModelLineage.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";
import {ModelCid} from "../../contracts/libraries/ModelCid.sol";

contract ModelMarketplaceListTest is MarketBaseTest {
    uint256 internal constant SHARES = 1e9;

    function test_list_arenaWinner_fixesTheSplitFromTheTaskRewards() public {
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(3, 3);
        vm.expectEmit(true, true, true, false, address(market));
        emit IModelMarketplace.Listed(
            1, creator, IModelMarketplace.ListingSource.ArenaTask, taskId, "", "", 0, 0, 0, 0, 0
        );
        uint256 id = _listTask(taskId);
        assertEq(id, 1);
        assertEq(market.listingCount(), 1);
        assertEq(market.listingOf(IModelMarketplace.ListingSource.ArenaTask, taskId), 1);

        IModelMarketplace.ListingView memory l = market.getListing(id);
        assertEq(l.lister, creator);
        assertEq(uint8(l.source), uint8(IModelMarketplace.ListingSource.ArenaTask));
        assertTrue(l.active);
        assertEq(l.price, PRICE);
        assertEq(l.period, PERIOD);
        assertEq(l.feeBps, 500);
        assertEq(l.contributors, 7);
        assertEq(l.depth, 0);
        assertEq(l.modelCid, _cid(0));
        assertEq(l.licenseCid, LICENSE);
        assertEq(l.modelDigest, arena.submissionAt(taskId, 0).cidHash);

        // creator 10%; validators 20% of the rest (equal weights); trainers the rest by 0.5^rank (4:2:1)
        assertEq(market.sharesOf(id, creator), 100_000_000);
        assertEq(market.sharesOf(id, validators[0]), 60_000_000);
        assertEq(market.sharesOf(id, validators[1]), 60_000_000);
        assertEq(market.sharesOf(id, validators[2]), 60_000_000);
        uint256 trainerPart = SHARES - 100_000_000 - 180_000_000;
        assertEq(market.sharesOf(id, trainers[1]), trainerPart * 2 / 7);
        assertEq(market.sharesOf(id, trainers[2]), trainerPart * 1 / 7);
        assertEq(_sharesSum(id, _everyone(trainers, validators)), SHARES, "splits sum to 100%");
        assertGt(market.sharesOf(id, trainers[0]), market.sharesOf(id, trainers[1]));
    }

    function test_list_byGovernance() public {
        (uint256 taskId,,) = _settledTask(2, 3);
        uint256 id = market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(0)));
        assertEq(market.getListing(id).lister, address(this));
        // the creator still gets its creator share
        assertEq(market.sharesOf(id, creator), 100_000_000);
    }

    function test_list_revertsWhenNotTheCreator() public {
        (uint256 taskId, address[] memory trainers,) = _settledTask(2, 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelMarketplace.NotLister.selector,
                IModelMarketplace.ListingSource.ArenaTask,
                taskId,
                trainers[0]
            )
        );
        vm.prank(trainers[0]);
        market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(0)));
    }

    function test_list_revertsWhenTheTaskIsNotSettled() public {
        (uint256 taskId,) = _taskInCommit(2);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.TaskNotSettled.selector, taskId));
        vm.prank(creator);
        market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(0)));
    }

    function test_list_revertsForAModelThatDidNotWin() public {
        (uint256 taskId,,) = _settledTask(2, 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelMarketplace.WrongModel.selector,
                IModelMarketplace.ListingSource.ArenaTask,
                taskId,
                arena.submissionAt(taskId, 0).cidHash,
                arena.submissionAt(taskId, 1).cidHash
            )
        );
        vm.prank(creator);
        market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(1)));
    }

    function test_list_revertsForANonCanonicalCid() public {
        (uint256 taskId,,) = _settledTask(2, 3);
        string memory upper = "BAFYBEIGDYRZT5SFP7UDM7HU76UH7Y26NF3EFUYLQABF3OCLGTQY55FBZDI";
        vm.expectRevert(abi.encodeWithSelector(ModelCid.NonCanonicalCid.selector, upper));
        vm.prank(creator);
        market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, upper));
    }

    function test_list_revertsWhenListedTwice() public {
        (uint256 taskId,,) = _settledTask(2, 3);
        _listTask(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelMarketplace.AlreadyListed.selector, IModelMarketplace.ListingSource.ArenaTask, taskId, 1
            )
        );
        _listTask(taskId);
    }

    function test_list_revertsOnBadTermsOrLicense() public {
        (uint256 taskId,,) = _settledTask(2, 3);
        IModelMarketplace.ListParams memory p =
            _params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(0));
        p.price = 1e12 - 1;
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidTerms.selector, 1e12 - 1, PERIOD));
        vm.prank(creator);
        market.list(p);
        p.price = PRICE;
        p.period = 59;
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidTerms.selector, PRICE, 59));
        vm.prank(creator);
        market.list(p);
        p.period = 365 days + 1;
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidTerms.selector, PRICE, 365 days + 1));
        vm.prank(creator);
        market.list(p);
        p.period = PERIOD;
        p.licenseCid = "";
        vm.expectRevert(IModelMarketplace.EmptyLicense.selector);
        vm.prank(creator);
        market.list(p);
        p.licenseCid = LICENSE;
        p.source = IModelMarketplace.ListingSource.None;
        vm.expectRevert(IModelMarketplace.InvalidSource.selector);
        vm.prank(creator);
        market.list(p);
    }

    function test_list_validatorPartGoesToTrainersWhenNoValidatorWasRewarded() public {
        _setParam(ConfigKeys.VALIDATOR_TOLERANCE, 0);
        (uint256 taskId, address[] memory trainers) = _taskInCommit(2);
        uint16[][] memory rows = new uint16[][](3);
        rows[0] = _row2(9000, 6000);
        rows[1] = _row2(8000, 8000);
        rows[2] = _row2(7000, 7000);
        address[] memory validators = _scoreAll(taskId, rows, _allTrue(3));
        _finalizeAll(taskId);
        assertEq(uint8(arena.phaseOf(taskId)), uint8(IArenaTasks.Phase.Settled));
        assertEq(arena.settlementOf(taskId).rewardedValidators, 0);
        uint256 id = _listTask(taskId);
        assertEq(_sharesSum(id, validators), 0);
        assertEq(market.sharesOf(id, creator), 100_000_000);
        assertEq(_sharesSum(id, trainers), SHARES - 100_000_000, "nothing lost at zero weight");
    }

    function _row2(uint16 a, uint16 b) internal pure returns (uint16[] memory r) {
        r = new uint16[](2);
        r[0] = a;
        r[1] = b;
    }

    // ─── alliances and royalties ───────────────────────────────────────────────────────────────

    function test_list_alliance_paysTheRoyaltyToTheParentTask() public {
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(3, 3);
        address[] memory fl = new address[](2);
        fl[0] = makeAddr("fl0");
        fl[1] = makeAddr("fl1");
        uint16[] memory bps = new uint16[](2);
        bps[0] = 7500;
        bps[1] = 2500;
        string memory cid = _completedAlliance(1, IModelLineage.LineageSource.ArenaTask, taskId, fl, bps);
        vm.prank(flCreator);
        uint256 id = market.list(_params(IModelMarketplace.ListingSource.Alliance, 1, cid));
        IModelMarketplace.ListingView memory l = market.getListing(id);
        assertEq(l.depth, 1);
        assertEq(l.contributors, 2 + 1 + 7);
        assertEq(l.modelDigest, keccak256(bytes(cid)));
        // own part 90%: creator 10% of it, contributors 75/25 of the rest; the task's lineage 10%
        assertEq(market.sharesOf(id, flCreator), 90_000_000);
        assertEq(market.sharesOf(id, fl[0]), 607_500_000);
        assertEq(market.sharesOf(id, fl[1]), 202_500_000);
        assertEq(_sharesSum(id, _everyone(trainers, validators)), 100_000_000, "royalty = MARKET_ROYALTY_BPS");
        assertEq(market.sharesOf(id, creator), 10_000_000);
    }

    function test_list_alliance_depthIsCapped() public {
        _setParam(ConfigKeys.MARKET_MAX_LINEAGE_DEPTH, 1);
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(2, 3);
        address[] memory fl = new address[](1);
        uint16[] memory bps = new uint16[](1);
        bps[0] = 10_000;
        fl[0] = makeAddr("gen1");
        _completedAlliance(1, IModelLineage.LineageSource.ArenaTask, taskId, fl, bps);
        fl[0] = makeAddr("gen2");
        string memory cid2 = _completedAlliance(2, IModelLineage.LineageSource.Alliance, 1, fl, bps);
        vm.prank(flCreator);
        uint256 id = market.list(_params(IModelMarketplace.ListingSource.Alliance, 2, cid2));
        assertEq(market.getListing(id).depth, 1);
        assertEq(_sharesSum(id, _everyone(trainers, validators)), 0, "beyond the cap: nothing");
        // gen1 is the last level: it keeps its own parent's royalty (it owns the whole 10%, split with the creator)
        assertEq(market.sharesOf(id, makeAddr("gen1")), 90_000_000);
        assertEq(market.sharesOf(id, makeAddr("gen2")), 810_000_000);
        assertEq(market.sharesOf(id, flCreator), 100_000_000);
    }

    function test_list_alliance_threeLevelsSumExactly() public {
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(3, 4);
        address[] memory fl = new address[](3);
        uint16[] memory bps = new uint16[](3);
        (fl[0], fl[1], fl[2]) = (makeAddr("a"), makeAddr("b"), makeAddr("c"));
        (bps[0], bps[1], bps[2]) = (3333, 3333, 3334);
        _completedAlliance(1, IModelLineage.LineageSource.ArenaTask, taskId, fl, bps);
        string memory cid = _completedAlliance(2, IModelLineage.LineageSource.Alliance, 1, fl, bps);
        vm.prank(flCreator);
        uint256 id = market.list(_params(IModelMarketplace.ListingSource.Alliance, 2, cid));
        assertEq(market.getListing(id).depth, 2);
        address[] memory all = _everyone(trainers, validators);
        uint256 sum = _sharesSum(id, all) + _sharesSum(id, fl) + market.sharesOf(id, flCreator);
        assertEq(sum, SHARES, "splits sum to 100%");
        // the task, two levels up, gets 10% of 10%
        assertEq(_sharesSum(id, all), 10_000_000);
    }

    function test_list_alliance_reverts() public {
        // an unknown alliance has no creator to read
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.AllianceNotCompleted.selector, 7));
        market.list(_params(IModelMarketplace.ListingSource.Alliance, 7, "x"));

        address[] memory none = new address[](0);
        alliance.record(3, flCreator, IModelLineage.LineageSource.Cid, 0, "", none, new uint16[](0));
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.AllianceNotCompleted.selector, 3));
        vm.prank(flCreator);
        market.list(_params(IModelMarketplace.ListingSource.Alliance, 3, ""));

        string memory cid = _completedAlliance(4, IModelLineage.LineageSource.Cid, 0, none, new uint16[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelMarketplace.WrongModel.selector,
                IModelMarketplace.ListingSource.Alliance,
                4,
                keccak256(bytes(cid)),
                keccak256(bytes("other"))
            )
        );
        vm.prank(flCreator);
        market.list(_params(IModelMarketplace.ListingSource.Alliance, 4, "other"));

        // no contributors and no parent: everything to the creator
        vm.prank(flCreator);
        uint256 id = market.list(_params(IModelMarketplace.ListingSource.Alliance, 4, cid));
        assertEq(market.sharesOf(id, flCreator), SHARES);
    }

    function test_list_alliance_revertsWhenNoAllianceIsSet() public {
        ModelMarketplace m =
            new ModelMarketplace(address(token), address(config), address(arena), address(0), creator);
        vm.expectRevert(IModelMarketplace.AllianceNotSet.selector);
        m.list(_params(IModelMarketplace.ListingSource.Alliance, 1, "x"));
    }

    function test_setAlliance_onlyOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, attacker));
        vm.prank(attacker);
        market.setAlliance(attacker);
        vm.expectRevert(IModelMarketplace.ZeroAddress.selector);
        market.setAlliance(address(0));
        vm.expectEmit(true, true, false, false, address(market));
        emit IModelMarketplace.AllianceSet(address(alliance), address(1));
        market.setAlliance(address(1));
        assertEq(market.alliance(), address(1));
    }
}
