// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Consensus rules of issue 8: an exact 50/50 weight split is contested (midpoint, nobody judged or slashed as
/// spam on it); a single score further than MAX_SCORE_DEVIATION from consensus is a deviation; "eval data unavailable"
/// votes (the empty array) cancel the task as a creator default when they hold a strict majority of the revealed stake,
/// and are slashed for deviation otherwise.
contract ArenaTasksConsensusTest is ArenaBaseTest {
    uint256 internal id;
    address[] internal trainers;
    address[] internal validators;

    function _rows(uint16[3] memory a, uint16[3] memory b) internal pure returns (uint16[][] memory s) {
        s = new uint16[][](2);
        s[0] = _row(a[0], a[1], a[2]);
        s[1] = _row(b[0], b[1], b[2]);
    }

    // ─── contested splits (item 10) ────────────────────────────────────────────────────────────

    function test_consensus_exactEvenSplitIsContested() public {
        _setParam(ConfigKeys.MIN_REVEALS, 2);
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = _rows([uint16(8000), 500, 7000], [uint16(6000), 0, 7000]);
        validators = _scoreAll(id, s, _allTrue(2));
        vm.expectEmit(address(arena));
        emit IArenaTasks.ConsensusContested(id, 0, 6000, 8000);
        vm.expectEmit(address(arena));
        emit IArenaTasks.ConsensusContested(id, 1, 0, 500);
        _finalizeAll(id);
        IArenaTasks.Submission memory s0 = arena.submissionAt(id, 0);
        assertTrue(s0.contested);
        assertEq(s0.consensus, 0, "no consensus");
        IArenaTasks.Submission memory s1 = arena.submissionAt(id, 1);
        assertTrue(s1.contested);
        assertEq(s1.consensus, 0);
        assertFalse(s1.spam, "no spam slash on a contested score");
        assertFalse(arena.submissionAt(id, 2).contested, "agreement is no split");
        assertEq(arena.submissionAt(id, 2).consensus, 7000);
        assertEq(arena.settlementOf(id).slashed, 0);
        // nobody is judged on the contested submissions: both validators are at distance 0 from the one agreed score
        for (uint256 v; v < 2; ++v) {
            IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, validators[v]);
            assertEq(r.distance, 0);
            assertEq(r.maxDistance, 0);
            assertEq(uint8(r.outcome), uint8(IArenaTasks.ValidatorOutcome.Rewarded));
        }
    }

    function test_consensus_evenSplitWithinEachSideUsesTheNearestScores() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](4);
        s[0] = _row(6000, 5000, 5000);
        s[1] = _row(6500, 5000, 5000);
        s[2] = _row(8000, 5000, 5000);
        s[3] = _row(9000, 5000, 5000);
        _scoreAll(id, s, _allTrue(4));
        vm.expectEmit(address(arena));
        emit IArenaTasks.ConsensusContested(id, 0, 6500, 8000);
        _finalizeAll(id);
        assertEq(arena.submissionAt(id, 0).consensus, 0);
        assertTrue(arena.submissionAt(id, 0).contested);
    }

    function test_consensus_strictMajorityIsNotContested() public {
        _setParam(ConfigKeys.MIN_REVEALS, 2);
        (id, trainers) = _taskInCommit(3);
        _validatorWithStake(0, 50_000e18 + 1);
        uint16[][] memory s = _rows([uint16(8000), 500, 7000], [uint16(6000), 0, 7000]);
        _scoreAll(id, s, _allTrue(2));
        _finalizeAll(id);
        assertFalse(arena.submissionAt(id, 0).contested);
        assertEq(arena.submissionAt(id, 0).consensus, 8000, "the larger lock is the majority");
        assertTrue(arena.submissionAt(id, 1).spam, "500 < spamScore 1000");
    }

    // ─── a single large deviation (item 7) ─────────────────────────────────────────────────────

    function _oneOff(uint16 off) internal returns (IArenaTasks.ValidatorRecord memory r) {
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](3);
        s[0] = _row(8000, 6000, 3000);
        s[1] = _row(8000, 6000, 3000);
        s[2] = _row(8000, 6000, 3000 + off);
        validators = _scoreAll(id, s, _allTrue(3));
        _finalizeAll(id);
        r = arena.validatorRecord(id, validators[2]);
    }

    function test_judge_singleScoreBeyondMaxDeviationIsSlashed() public {
        IArenaTasks.ValidatorRecord memory r = _oneOff(2501);
        assertEq(r.distance, 833, "the mean is within VALIDATOR_TOLERANCE (1000)");
        assertEq(r.maxDistance, 2501);
        assertEq(uint8(r.outcome), uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation));
        assertEq(arena.settlementOf(id).slashed, 5000e18, "10% of its 50,000 lock");
        assertEq(arena.claimable(id, validators[2]), 0);
    }

    function test_judge_singleScoreAtMaxDeviationIsRewarded() public {
        IArenaTasks.ValidatorRecord memory r = _oneOff(2500);
        assertEq(r.maxDistance, 2500);
        assertEq(uint8(r.outcome), uint8(IArenaTasks.ValidatorOutcome.Rewarded));
        assertEq(arena.settlementOf(id).slashed, 0);
        assertGt(arena.claimable(id, validators[2]), 0);
    }

    function test_judge_maxScoreDeviationIsFixedAtCreation() public {
        _setParam(ConfigKeys.MAX_SCORE_DEVIATION, 3000);
        IArenaTasks.ValidatorRecord memory r = _oneOff(2501);
        assertEq(arena.paramsOf(id).maxScoreDeviation, 3000);
        assertEq(uint8(r.outcome), uint8(IArenaTasks.ValidatorOutcome.Rewarded));
    }

    // ─── "eval data unavailable" votes (item 3) ────────────────────────────────────────────────

    function _unavailable(bool[] memory empty, bool[] memory reveals) internal {
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](empty.length);
        for (uint256 v; v < empty.length; ++v) {
            s[v] = empty[v] ? new uint16[](0) : _row(8000, 6000, 3000);
        }
        validators = _scoreAll(id, s, reveals);
    }

    function _flags(bool a, bool b, bool c) internal pure returns (bool[] memory f) {
        f = new bool[](3);
        f[0] = a;
        f[1] = b;
        f[2] = c;
    }

    function test_cancel_unavailableMajorityIsACreatorDefault() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        _unavailable(_flags(false, true, true), _allTrue(3));
        uint256 treasuryBefore = token.balanceOf(treasury);
        uint256 bonded = vault.poolOf(validators[1]).bondedAssets;
        vm.expectEmit(address(arena));
        emit IArenaTasks.TaskCancelled(id, IArenaTasks.CancelReason.CreatorDefault, 0, 0);
        vm.prank(keeper);
        assertTrue(arena.finalize(id, 1));
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.CreatorDefault));
        // pool and bond to the treasury, to the wei; nothing back to the creator
        assertEq(token.balanceOf(treasury) - treasuryBefore, POOL + _bond());
        assertEq(arena.settlementOf(id).creatorRefund, 0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NothingToClaim.selector, id, creator));
        arena.claim(id, creator);
        // everyone else gets its lock back, unslashed
        for (uint256 v; v < 3; ++v) {
            assertEq(arena.claim(id, validators[v]), 0);
        }
        for (uint256 i; i < 3; ++i) {
            assertEq(arena.claim(id, trainers[i]), 0);
        }
        assertEq(vault.poolOf(validators[1]).bondedAssets, bonded);
        assertEq(vault.poolOf(validators[1]).lockedAssets, 0);
        assertEq(token.balanceOf(address(arena)), 0);
        assertEq(token.balanceOf(keeper), 0);
    }

    function test_cancel_creatorDefaultAlsoSlashesNonRevealersToTheTreasury() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        // two unavailable votes (100,000) against one scorer (50,000); a fourth validator does not reveal
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](4);
        s[0] = _row(8000, 6000, 3000);
        s[1] = new uint16[](0);
        s[2] = new uint16[](0);
        s[3] = _row(8000, 6000, 3000);
        bool[] memory reveals = _allTrue(4);
        reveals[3] = false;
        validators = _scoreAll(id, s, reveals);
        uint256 treasuryBefore = token.balanceOf(treasury);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.CreatorDefault));
        assertEq(token.balanceOf(treasury) - treasuryBefore, POOL + _bond() + 5000e18);
        assertEq(
            uint8(arena.validatorRecord(id, validators[3]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.SlashedNonReveal)
        );
    }

    function test_judge_unavailableMinorityIsSlashedForDeviation() public {
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 3; ++v) {
            s[v] = _row(8000, 6000, 3000);
        }
        s[3] = new uint16[](0);
        validators = _scoreAll(id, s, _allTrue(4));
        _finalizeAll(id);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
        IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, validators[3]);
        assertTrue(r.unavailable);
        assertEq(uint8(r.outcome), uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation));
        assertEq(arena.settlementOf(id).slashed, 5000e18);
        // it did not count in the consensus
        assertEq(arena.submissionAt(id, 0).consensus, 8000);
        assertEq(arena.submissionAt(id, 2).consensus, 3000);
        assertEq(arena.settlementOf(id).rewardedValidators, 3);
    }

    /// @dev An equal stake is no strict majority: the task settles and the unavailable vote is a deviation.
    function test_judge_unavailableHalfIsNoCreatorDefault() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](2);
        s[0] = _row(8000, 6000, 3000);
        s[1] = new uint16[](0);
        validators = _scoreAll(id, s, _allTrue(2));
        _finalizeAll(id);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
        assertEq(
            uint8(arena.validatorRecord(id, validators[1]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation)
        );
    }

    /// @dev A majority of unavailable votes below MIN_REVEALED_STAKE is no creator default; with too little scoring
    /// stake the task ends TooFewReveals (bond back, pool to the treasury).
    function test_cancel_unavailableMajorityBelowMinRevealedStakeIsTooFewReveals() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        _setParam(ConfigKeys.MIN_REVEALED_STAKE, 200_000e18);
        _unavailable(_flags(false, true, true), _allTrue(3));
        uint256 treasuryBefore = token.balanceOf(treasury);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewReveals));
        assertEq(token.balanceOf(treasury) - treasuryBefore, POOL);
        assertEq(arena.claim(id, creator), _bond());
    }

    /// @dev Enough scorers but too little scoring stake (MIN_REVEALED_STAKE) cancels too.
    function test_cancel_tooLittleScoringStakeIsTooFewReveals() public {
        (id, trainers) = _taskInCommit(3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            _validatorWithStake(v, 3000e18);
            s[v] = _row(8000, 6000, 3000);
        }
        _scoreAll(id, s, _allTrue(3)); // 9,000 of scoring stake < 10,000
        vm.prank(keeper);
        arena.finalize(id, 5);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewReveals));
        for (uint256 v; v < 3; ++v) {
            arena.claim(id, _validatorAt(v)); // release the locks
        }
        // at exactly MIN_REVEALED_STAKE the result stands
        _setParam(ConfigKeys.MIN_REVEALED_STAKE, 9000e18);
        (id, trainers) = _taskInCommit(3);
        _scoreAll(id, s, _allTrue(3));
        _finalizeAll(id);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
    }
}
