// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract ArenaTasksSubmissionTest is ArenaBaseTest {
    uint256 internal id;
    address internal t0;

    function setUp() public override {
        super.setUp();
        id = _createTask();
        t0 = _trainerAt(0);
    }

    function test_commitSubmission_locksStakeOnceAndReplaces() public {
        _commitSubmission(id, t0, _cid(0));
        assertEq(vault.lockOf(address(arena), id, t0), 1000e18);
        IArenaTasks.TrainerRecord memory r1 = arena.trainerRecord(id, t0);
        _commitSubmission(id, t0, _cid(1));
        IArenaTasks.TrainerRecord memory r2 = arena.trainerRecord(id, t0);
        assertGt(r2.commitSeq, r1.commitSeq);
        assertEq(vault.lockOf(address(arena), id, t0), 1000e18);
        assertEq(arena.getTask(id).liveCommitments, 1);
    }

    function test_commitSubmission_phaseBoundary() public {
        vm.warp(arena.getTask(id).submissionEnd - 1);
        _commitSubmission(id, t0, _cid(0));
        vm.warp(arena.getTask(id).submissionEnd);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Submission,
                IArenaTasks.Phase.Publish
            )
        );
        vm.prank(t0);
        arena.commitSubmission(id, bytes32(uint256(1)));
    }

    function test_commitSubmission_reverts() public {
        vm.prank(t0);
        vm.expectRevert(IArenaTasks.ZeroCommitment.selector);
        arena.commitSubmission(id, 0);
        address v = _validatorAt(0);
        vm.prank(v);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.WrongRole.selector, v, 1, 2));
        arena.commitSubmission(id, bytes32(uint256(1)));
        // the creator registered as a training node still cannot join its own task
        _registerAndStake(creator, IStakingVault.Role.TrainingNode, 5000e18);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.RoleConflict.selector, id, creator));
        arena.commitSubmission(id, bytes32(uint256(1)));
        address poor = makeAddr("poor");
        _registerAndStake(poor, IStakingVault.Role.TrainingNode, 10e18);
        vm.prank(poor);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.InsufficientStake.selector, poor, 10e18, 1000e18));
        arena.commitSubmission(id, bytes32(uint256(1)));
    }

    function test_commitSubmission_revertsWhenFull() public {
        _setParam(ConfigKeys.MIN_SUBMISSIONS, 1); // MIN_SUBMISSIONS ≤ MAX_SUBMISSIONS
        _setParam(ConfigKeys.MAX_SUBMISSIONS, 1);
        uint256 small = _createTask();
        _commitSubmission(small, t0, _cid(0));
        address t1 = _trainerAt(1);
        vm.prank(t1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManySubmissions.selector, small, 1));
        arena.commitSubmission(small, bytes32(uint256(1)));
    }

    function test_revealSubmission_indexesInRevealOrder() public {
        address t1 = _trainerAt(1);
        _commitSubmission(id, t0, _cid(0));
        _commitSubmission(id, t1, _cid(1));
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, t1, _cid(1));
        _revealSubmission(id, t0, _cid(0));
        assertEq(arena.submissionAt(id, 0).trainer, t1);
        assertEq(arena.submissionAt(id, 1).trainer, t0);
        assertEq(arena.trainerRecord(id, t0).index, 1);
        assertEq(arena.submissionAt(id, 1).cidHash, Cids.modelDigest(0), "the sha2-256 digest inside the CID");
        assertEq(arena.submissionAt(id, 0).cidHash, Cids.modelDigest(1));
    }

    function test_revealSubmission_reverts() public {
        address t1 = _trainerAt(1);
        string memory a = _cid(0);
        _commitSubmission(id, t0, a);
        vm.prank(t0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Publish,
                IArenaTasks.Phase.Submission
            )
        );
        arena.revealSubmission(id, a, _salt(t0));
        _toPublish(id);
        // models become public only after the eval data
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalDataNotRevealed.selector, id));
        arena.revealSubmission(id, a, _salt(t0));
        _revealEval(id);
        vm.prank(t1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NoCommitment.selector, id, t1));
        arena.revealSubmission(id, a, _salt(t1));
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(ModelCid.NonCanonicalCid.selector, ""));
        arena.revealSubmission(id, "", _salt(t0));
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, t0));
        arena.revealSubmission(id, _cid(1), _salt(t0));
        _revealSubmission(id, t0, a);
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyRevealed.selector, id, t0));
        arena.revealSubmission(id, a, _salt(t0));
        vm.warp(arena.getTask(id).publishEnd);
        vm.prank(t0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector, id, IArenaTasks.Phase.Publish, IArenaTasks.Phase.Commit
            )
        );
        arena.revealSubmission(id, a, _salt(t0));
    }

    /// @dev Trainers may publish after evalRevealEnd (until publishEnd) once the eval data is public.
    function test_revealSubmission_afterEvalRevealEndUntilPublishEnd() public {
        _commitSubmission(id, t0, _cid(0));
        _toPublish(id);
        _revealEval(id);
        vm.warp(arena.getTask(id).publishEnd - 1);
        _revealSubmission(id, t0, _cid(0));
        assertTrue(arena.trainerRecord(id, t0).published);
    }

    function test_revealEvalData_keepsTheBondUntilSettlement() public {
        _toPublish(id);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCreator.selector, id, attacker));
        arena.revealEvalData(id, EVAL_CID, EVAL_SALT);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, creator));
        arena.revealEvalData(id, "wrong", EVAL_SALT);
        vm.prank(creator);
        vm.expectRevert(IArenaTasks.EmptyCid.selector);
        arena.revealEvalData(id, "", EVAL_SALT);
        uint256 before = token.balanceOf(creator);
        uint256 held = token.balanceOf(address(arena));
        vm.expectEmit(address(arena));
        emit IArenaTasks.EvalDataRevealed(id, creator, EVAL_CID, 0);
        _revealEval(id);
        assertEq(token.balanceOf(creator), before, "no bond back at reveal");
        assertEq(token.balanceOf(address(arena)), held);
        assertEq(arena.getTask(id).evalCid, EVAL_CID);
        assertTrue(arena.getTask(id).evalRevealed);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalDataAlreadyRevealed.selector, id));
        arena.revealEvalData(id, EVAL_CID, EVAL_SALT);
    }

    function test_revealEvalData_closesAtEvalRevealEnd() public {
        uint256 end = arena.getTask(id).evalRevealEnd;
        assertEq(end, arena.getTask(id).submissionEnd + WINDOW / 2);
        vm.warp(end);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalRevealClosed.selector, id, end));
        arena.revealEvalData(id, EVAL_CID, EVAL_SALT);
        // the last second is accepted
        uint256 other = _createTask();
        vm.warp(arena.getTask(other).evalRevealEnd - 1);
        _revealEval(other);
        assertTrue(arena.getTask(other).evalRevealed);
    }

    function test_cancel_evalNotRevealedRefundsPoolForfeitsBond() public {
        address t1 = _trainerAt(1);
        _commitSubmission(id, t0, _cid(0));
        _commitSubmission(id, t1, _cid(1));
        _toPublish(id);
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalDataNotRevealed.selector, id));
        arena.revealSubmission(id, _cid(0), _salt(t0));
        vm.warp(arena.getTask(id).evalRevealEnd - 1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCancellable.selector, id));
        arena.cancel(id);
        uint256 treasuryBefore = token.balanceOf(treasury);
        vm.warp(arena.getTask(id).evalRevealEnd); // due in Publish, before publishEnd
        vm.expectEmit(address(arena));
        emit IArenaTasks.TaskCancelled(id, IArenaTasks.CancelReason.EvalDataNotRevealed, POOL, 0);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.EvalDataNotRevealed));
        assertEq(token.balanceOf(treasury) - treasuryBefore, _bond(), "the bond is forfeited");
        assertEq(arena.settlementOf(id).bondShare, 0);
        assertEq(arena.claimable(id, t0), 0);
        uint256 bonded = vault.poolOf(t0).bondedAssets;
        assertEq(arena.claim(id, t0), 0); // unlock only, no slash: the trainers could not publish
        assertEq(vault.poolOf(t0).bondedAssets, bonded);
        assertEq(vault.lockOf(address(arena), id, t0), 0);
        assertEq(arena.claim(id, t1), 0);
        assertEq(arena.claim(id, creator), POOL);
        assertEq(token.balanceOf(address(arena)), 0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyClaimed.selector, id, t0));
        arena.claim(id, t0);
    }

    function test_cancel_tooFewSubmissionsRefundsPoolAndBond() public {
        address t1 = _trainerAt(1);
        _commitSubmission(id, t0, _cid(0));
        _commitSubmission(id, t1, _cid(1));
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, t0, _cid(0));
        _toCommit(id);
        address v = _validatorAt(0);
        vm.prank(v);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooFewSubmissions.selector, id, 1, 2));
        arena.commitScores(id, bytes32(uint256(1)));
        uint256 treasuryBefore = token.balanceOf(treasury);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewSubmissions));
        assertEq(token.balanceOf(treasury), treasuryBefore);
        assertEq(arena.claim(id, creator), POOL + _bond());
        // t1 committed and did not publish although the eval data was public: 10% of its 1000 FLOCK lock
        uint256 bonded = vault.poolOf(t1).bondedAssets;
        vm.expectEmit(address(arena));
        emit IArenaTasks.TrainerNonRevealSlashed(id, t1, 100e18);
        assertEq(arena.claim(id, t1), 0);
        assertEq(bonded - vault.poolOf(t1).bondedAssets, 100e18);
        assertEq(token.balanceOf(treasury) - treasuryBefore, 100e18);
        assertEq(vault.lockOf(address(arena), id, t1), 0);
        assertEq(arena.claim(id, t0), 0);
        assertEq(token.balanceOf(address(arena)), 0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCancellable.selector, id));
        arena.cancel(id);
    }
}

import {Cids} from "../utils/Cids.sol";
import {ModelCid} from "../../contracts/libraries/ModelCid.sol";
