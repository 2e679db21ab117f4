// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract ArenaTasksFinalizeTest is ArenaBaseTest {
    uint256 internal taskId;
    address[] internal trainers;
    address[] internal validators;

    uint256 internal constant LIAR_STAKE = 30_000e18;

    /// @dev 3 submissions, 4 validators: 3 honest (50,000 each) and a liar (30,000: with four equal locks every
    /// submission would be an exact 50/50 split, which is contested); consensus 8000 / 6000 / 500 (spam).
    function _scenario(bool liarReveals) internal {
        (taskId, trainers) = _taskInCommit(3);
        _validatorWithStake(3, LIAR_STAKE);
        uint16[][] memory s = new uint16[][](4);
        s[0] = _row(8000, 6000, 500);
        s[1] = _row(8200, 6200, 700);
        s[2] = _row(7900, 5900, 400);
        s[3] = _row(0, 10_000, 10_000);
        bool[] memory reveals = _allTrue(4);
        reveals[3] = liarReveals;
        validators = _scoreAll(taskId, s, reveals);
    }

    function test_finalize_computesConsensusRanksAndSettles() public {
        _scenario(true);
        _finalizeAll(taskId);
        assertEq(uint8(arena.phaseOf(taskId)), uint8(IArenaTasks.Phase.Settled));
        assertEq(arena.submissionAt(taskId, 0).consensus, 8000);
        assertEq(arena.submissionAt(taskId, 1).consensus, 6000);
        assertEq(arena.submissionAt(taskId, 2).consensus, 500);
        assertTrue(arena.submissionAt(taskId, 2).spam);
        assertEq(arena.submissionAt(taskId, 0).rank, 0);
        assertEq(arena.submissionAt(taskId, 1).rank, 1);
        assertEq(arena.submissionAt(taskId, 2).rank, 2);
        assertFalse(arena.submissionAt(taskId, 0).contested);
        assertEq(arena.validatorRecord(taskId, validators[0]).distance, 0);
        assertEq(arena.validatorRecord(taskId, validators[1]).distance, 200);
        assertEq(arena.validatorRecord(taskId, validators[2]).distance, 100);
        assertEq(arena.validatorRecord(taskId, validators[3]).distance, 7166); // (8000 + 4000 + 9500) / 3
        assertEq(arena.validatorRecord(taskId, validators[3]).maxDistance, 9500);
        assertEq(
            uint8(arena.validatorRecord(taskId, validators[3]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation)
        );
        assertEq(
            uint8(arena.validatorRecord(taskId, validators[1]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.Rewarded)
        );
        IArenaTasks.Settlement memory st = arena.settlementOf(taskId);
        assertEq(st.paidTrainers, 2);
        assertEq(st.rewardedValidators, 3);
        assertEq(st.slashed, 50e18 + 3000e18); // spam: 5% of the 1000 FLOCK lock; deviation: 10% of 30,000
    }

    function test_finalize_accountsToTheWei() public {
        _scenario(true);
        uint256 treasuryBefore = token.balanceOf(treasury);
        _finalizeAll(taskId);
        IArenaTasks.Settlement memory st = arena.settlementOf(taskId);
        uint256 rewards;
        for (uint256 i; i < 3; ++i) {
            rewards += arena.claimable(taskId, trainers[i]);
        }
        for (uint256 v; v < 4; ++v) {
            rewards += arena.claimable(taskId, validators[v]);
        }
        assertEq(POOL + st.slashed, rewards + st.protocolFee + st.keeperBounty, "pool + slashed == paid");
        assertEq(token.balanceOf(treasury) - treasuryBefore, st.protocolFee);
        assertEq(token.balanceOf(keeper), st.keeperBounty);
        // the arena still holds the rewards and the creator's bond (claimable since settlement)
        assertEq(arena.claimable(taskId, creator), _bond());
        assertEq(token.balanceOf(address(arena)), rewards + _bond());
    }

    function test_finalize_rewardsFollowGeometricDecay() public {
        _scenario(true);
        _finalizeAll(taskId);
        uint256 r0 = arena.claimable(taskId, trainers[0]);
        uint256 r1 = arena.claimable(taskId, trainers[1]);
        assertApproxEqAbs(r1 * 2, r0, 2); // RANK_DECAY_BPS 5000
        assertEq(arena.claimable(taskId, trainers[2]), 0);
        // closer validator earns more (equal locks): v0 (0) > v2 (100) > v1 (200)
        assertGt(arena.claimable(taskId, validators[0]), arena.claimable(taskId, validators[2]));
        assertGt(arena.claimable(taskId, validators[2]), arena.claimable(taskId, validators[1]));
        assertEq(arena.claimable(taskId, validators[3]), 0);
    }

    function test_finalize_inBatchesMatchesOneCall() public {
        uint256 snap = vm.snapshotState();
        _scenario(false);
        _finalizeAll(taskId);
        uint256 oneCall = arena.claimable(taskId, trainers[0]);
        IArenaTasks.Settlement memory a = arena.settlementOf(taskId);
        vm.revertToState(snap);
        _scenario(false);
        uint256 calls;
        bool done;
        while (!done) {
            vm.prank(keeper);
            done = arena.finalize(taskId, 1);
            ++calls;
        }
        assertEq(calls, 10); // 3 + 4 + 3 units
        assertEq(arena.claimable(taskId, trainers[0]), oneCall);
        IArenaTasks.Settlement memory b = arena.settlementOf(taskId);
        assertEq(b.keeperBounty, a.keeperBounty);
        assertEq(b.protocolFee, a.protocolFee);
        assertEq(token.balanceOf(keeper), b.keeperBounty);
    }

    function test_finalize_slashesNonRevealer() public {
        _scenario(false);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTasks.ParticipantSlashed(
            taskId, validators[3], IArenaTasks.SlashReason.NonReveal, 3000e18, 300e18
        );
        _finalizeAll(taskId);
        assertEq(
            uint8(arena.validatorRecord(taskId, validators[3]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.SlashedNonReveal)
        );
    }

    function test_finalize_emitsEveryEventOnce() public {
        _scenario(true);
        vm.recordLogs();
        _finalizeAll(taskId);
        bytes32 judged = IArenaTasks.ValidatorJudged.selector;
        bytes32 ranked = IArenaTasks.SubmissionRanked.selector;
        uint256 nJudged;
        uint256 nRanked;
        uint256 nSettled;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == judged) ++nJudged;
            if (logs[i].topics[0] == ranked) ++nRanked;
            if (logs[i].topics[0] == IArenaTasks.TaskSettled.selector) ++nSettled;
        }
        assertEq(nJudged, 4);
        assertEq(nRanked, 3);
        assertEq(nSettled, 1);
    }

    function test_finalize_revertsBeforeRevealEnds() public {
        _scenario(true);
        IArenaTasks.TaskView memory t = arena.getTask(taskId);
        vm.warp(t.revealEnd - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                taskId,
                IArenaTasks.Phase.Finalizing,
                IArenaTasks.Phase.Reveal
            )
        );
        arena.finalize(taskId, 1);
        vm.warp(t.revealEnd);
        assertFalse(arena.finalize(taskId, 1));
    }

    function test_finalize_revertsOnZeroSteps() public {
        _scenario(true);
        vm.expectRevert(IArenaTasks.ZeroSteps.selector);
        arena.finalize(taskId, 0);
    }

    function test_finalize_revertsWhenSettled() public {
        _scenario(true);
        _finalizeAll(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                taskId,
                IArenaTasks.Phase.Finalizing,
                IArenaTasks.Phase.Settled
            )
        );
        arena.finalize(taskId, 1);
    }

    function test_finalize_revertsForUnknownTask() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.UnknownTask.selector, 7));
        arena.finalize(7, 1);
    }

    function test_finalize_cancelsWhenTooFewReveals() public {
        (taskId, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](3);
        s[0] = _row(8000, 6000, 500);
        s[1] = _row(8000, 6000, 500);
        s[2] = _row(8000, 6000, 500);
        bool[] memory reveals = _allTrue(3);
        reveals[2] = false; // MIN_REVEALS = 3
        validators = _scoreAll(taskId, s, reveals);
        uint256 treasuryBefore = token.balanceOf(treasury);
        vm.prank(keeper);
        assertTrue(arena.finalize(taskId, 1));
        IArenaTasks.TaskView memory t = arena.getTask(taskId);
        assertEq(uint8(t.phase), uint8(IArenaTasks.Phase.Cancelled));
        assertEq(uint8(t.cancelReason), uint8(IArenaTasks.CancelReason.TooFewReveals));
        // the models are public: the pool and the whole non-reveal slash (10% of 50,000) go to the treasury, not to
        // the creator; the creator gets its bond back
        assertEq(arena.settlementOf(taskId).creatorRefund, _bond());
        assertEq(arena.claimable(taskId, creator), _bond());
        assertEq(token.balanceOf(treasury) - treasuryBefore, POOL + 5000e18);
        assertEq(token.balanceOf(keeper), 0, "a cancelling finalize pays no bounty");
    }

    function test_finalize_potWithNobodyEligibleGoesToTreasury() public {
        (taskId, trainers) = _taskInCommit(2);
        uint16[][] memory s = new uint16[][](3);
        uint16[] memory low = new uint16[](2);
        low[0] = 2000;
        low[1] = 3000; // below minScore 5000, above spamScore
        s[0] = low;
        s[1] = low;
        s[2] = low;
        validators = _scoreAll(taskId, s, _allTrue(3));
        _finalizeAll(taskId);
        IArenaTasks.Settlement memory st = arena.settlementOf(taskId);
        assertEq(st.trainerPot, 0);
        assertEq(st.paidTrainers, 0);
        assertEq(arena.claimable(taskId, trainers[0]), 0);
        uint256 v;
        for (uint256 i; i < 3; ++i) {
            v += arena.claimable(taskId, validators[i]);
        }
        assertEq(POOL, v + st.protocolFee + st.keeperBounty);
    }
}

import {Vm} from "forge-std/Vm.sol";
