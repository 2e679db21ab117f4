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
        _commitSubmission(id, t0, "a");
        assertEq(vault.lockOf(address(arena), id, t0), 1000e18);
        IArenaTasks.TrainerRecord memory r1 = arena.trainerRecord(id, t0);
        _commitSubmission(id, t0, "b");
        IArenaTasks.TrainerRecord memory r2 = arena.trainerRecord(id, t0);
        assertGt(r2.commitSeq, r1.commitSeq);
        assertEq(vault.lockOf(address(arena), id, t0), 1000e18);
        assertEq(arena.getTask(id).liveCommitments, 1);
    }

    function test_commitSubmission_phaseBoundary() public {
        vm.warp(arena.getTask(id).submissionEnd - 1);
        _commitSubmission(id, t0, "a");
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
        _setParam(ConfigKeys.MAX_SUBMISSIONS, 1);
        uint256 small = _createTask();
        _commitSubmission(small, t0, "a");
        address t1 = _trainerAt(1);
        vm.prank(t1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManySubmissions.selector, small, 1));
        arena.commitSubmission(small, bytes32(uint256(1)));
    }

    function test_revealSubmission_indexesInRevealOrder() public {
        address t1 = _trainerAt(1);
        _commitSubmission(id, t0, "a");
        _commitSubmission(id, t1, "b");
        _toPublish(id);
        _revealSubmission(id, t1, "b");
        _revealSubmission(id, t0, "a");
        assertEq(arena.submissionAt(id, 0).trainer, t1);
        assertEq(arena.submissionAt(id, 1).trainer, t0);
        assertEq(arena.trainerRecord(id, t0).index, 1);
        assertEq(arena.submissionAt(id, 1).cidHash, keccak256("a"));
    }

    function test_revealSubmission_reverts() public {
        address t1 = _trainerAt(1);
        _commitSubmission(id, t0, "a");
        vm.prank(t0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Publish,
                IArenaTasks.Phase.Submission
            )
        );
        arena.revealSubmission(id, "a", _salt(t0));
        _toPublish(id);
        vm.prank(t1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NoCommitment.selector, id, t1));
        arena.revealSubmission(id, "a", _salt(t1));
        vm.prank(t0);
        vm.expectRevert(IArenaTasks.EmptyCid.selector);
        arena.revealSubmission(id, "", _salt(t0));
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, t0));
        arena.revealSubmission(id, "other", _salt(t0));
        _revealSubmission(id, t0, "a");
        vm.prank(t0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyRevealed.selector, id, t0));
        arena.revealSubmission(id, "a", _salt(t0));
        vm.warp(arena.getTask(id).publishEnd - 1);
        _revealEval(id);
        vm.warp(arena.getTask(id).publishEnd);
        vm.prank(t0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector, id, IArenaTasks.Phase.Publish, IArenaTasks.Phase.Commit
            )
        );
        arena.revealSubmission(id, "a", _salt(t0));
    }

    function test_revealEvalData_refundsBondOnce() public {
        _toPublish(id);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCreator.selector, id, attacker));
        arena.revealEvalData(id, EVAL_CID, EVAL_SALT);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, creator));
        arena.revealEvalData(id, "wrong", EVAL_SALT);
        uint256 before = token.balanceOf(creator);
        _revealEval(id);
        assertEq(token.balanceOf(creator) - before, 100e18);
        assertEq(arena.getTask(id).evalCid, EVAL_CID);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalDataAlreadyRevealed.selector, id));
        arena.revealEvalData(id, EVAL_CID, EVAL_SALT);
    }

    function test_cancel_evalNotRevealedSharesBond() public {
        address t1 = _trainerAt(1);
        address t2 = _trainerAt(2);
        _commitSubmission(id, t0, "a");
        _commitSubmission(id, t1, "b");
        _commitSubmission(id, t2, "c");
        _toPublish(id);
        _revealSubmission(id, t0, "a");
        _revealSubmission(id, t1, "b");
        vm.warp(arena.getTask(id).publishEnd - 1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCancellable.selector, id));
        arena.cancel(id);
        vm.warp(arena.getTask(id).publishEnd);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.EvalDataNotRevealed));
        assertEq(arena.claimable(id, t0), 50e18);
        assertEq(arena.claim(id, t0), 50e18);
        assertEq(vault.lockOf(address(arena), id, t0), 0);
        assertEq(arena.claim(id, t2), 0); // unlock only
        assertEq(vault.lockOf(address(arena), id, t2), 0);
        assertEq(arena.claim(id, creator), POOL);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyClaimed.selector, id, t0));
        arena.claim(id, t0);
    }

    function test_cancel_tooFewSubmissions() public {
        _commitSubmission(id, t0, "a");
        _toPublish(id);
        _revealSubmission(id, t0, "a");
        _revealEval(id);
        _toCommit(id);
        address v = _validatorAt(0);
        vm.prank(v);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooFewSubmissions.selector, id, 1, 2));
        arena.commitScores(id, bytes32(uint256(1)));
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewSubmissions));
        assertEq(arena.claim(id, creator), POOL);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCancellable.selector, id));
        arena.cancel(id);
    }
}
