// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

contract ArenaTasksScoresTest is ArenaBaseTest {
    uint256 internal id;
    address[] internal trainers;
    address internal v0;

    function setUp() public override {
        super.setUp();
        (id, trainers) = _taskInCommit(3);
        v0 = _validatorAt(0);
    }

    function test_commitScores_locksMinOfAvailableAndCap() public {
        _commitScores(id, v0, _row(1, 2, 3));
        assertEq(vault.lockOf(address(arena), id, v0), 50_000e18);
        IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, v0);
        assertEq(r.lock, 50_000e18);
        _commitScores(id, v0, _row(4, 5, 6)); // replacement keeps lock and index
        assertEq(arena.validatorRecord(id, v0).lock, 50_000e18);
        assertEq(arena.validatorsOf(id).length, 1);
    }

    function test_commitScores_phaseBoundary() public {
        vm.warp(arena.getTask(id).commitEnd - 1);
        _commitScores(id, v0, _row(1, 2, 3));
        vm.warp(arena.getTask(id).commitEnd);
        vm.prank(v0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector, id, IArenaTasks.Phase.Commit, IArenaTasks.Phase.Reveal
            )
        );
        arena.commitScores(id, bytes32(uint256(1)));
    }

    function test_commitScores_reverts() public {
        vm.prank(v0);
        vm.expectRevert(IArenaTasks.ZeroCommitment.selector);
        arena.commitScores(id, 0);
        vm.prank(trainers[0]);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.WrongRole.selector, trainers[0], 2, 1));
        arena.commitScores(id, bytes32(uint256(1)));
        address poor = makeAddr("poorValidator");
        _registerAndStake(poor, IStakingVault.Role.Validator, 100e18);
        vm.prank(poor);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.InsufficientStake.selector, poor, 100e18, 3000e18));
        arena.commitScores(id, bytes32(uint256(1)));
    }

    function test_commitScores_revertsWhenFull() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1); // MIN_REVEALS ≤ MAX_VALIDATORS
        _setParam(ConfigKeys.MAX_VALIDATORS, 1);
        (uint256 small,) = _taskInCommit(2);
        _commitScores(small, v0, new uint16[](2));
        // a full set admits only a strictly larger lock: an equal one is refused
        address v1 = _validatorAt(1);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManyValidators.selector, small, 1));
        arena.commitScores(small, bytes32(uint256(1)));
    }

    function test_revealScores_storesPackedScores() public {
        uint16[] memory s = _row(10_000, 0, 4321);
        _commitScores(id, v0, s);
        assertEq(arena.scoresOf(id, v0).length, 0);
        vm.warp(arena.getTask(id).revealEnd - 1);
        _revealScores(id, v0, s);
        uint16[] memory back = arena.scoresOf(id, v0);
        assertEq(back.length, 3);
        assertEq(back[0], 10_000);
        assertEq(back[2], 4321);
        assertTrue(arena.validatorRecord(id, v0).revealed);
        assertEq(arena.getTask(id).revealed, 1);
    }

    function test_revealScores_reverts() public {
        uint16[] memory s = _row(1, 2, 3);
        _commitScores(id, v0, s);
        vm.prank(v0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector, id, IArenaTasks.Phase.Reveal, IArenaTasks.Phase.Commit
            )
        );
        arena.revealScores(id, s, _salt(v0));
        _toReveal(id);
        address v1 = _validatorAt(1);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NoCommitment.selector, id, v1));
        arena.revealScores(id, s, _salt(v1));
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.ScoreCountMismatch.selector, id, 2, 3));
        arena.revealScores(id, new uint16[](2), _salt(v0));
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.ScoreCountMismatch.selector, id, 4, 3));
        arena.revealScores(id, new uint16[](4), _salt(v0));
        // the empty array ("eval data unavailable") has the right length but must match the commitment too
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, v0));
        arena.revealScores(id, new uint16[](0), _salt(v0));
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, v0));
        arena.revealScores(id, _row(1, 2, 4), _salt(v0));
        _revealScores(id, v0, s);
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyRevealed.selector, id, v0));
        arena.revealScores(id, s, _salt(v0));
        vm.warp(arena.getTask(id).revealEnd);
        vm.prank(v0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Reveal,
                IArenaTasks.Phase.Finalizing
            )
        );
        arena.revealScores(id, s, _salt(v0));
    }

    function test_revealScores_revertsOutOfRange() public {
        uint16[] memory s = _row(1, 10_001, 3);
        _commitScores(id, v0, s);
        _toReveal(id);
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.ScoreOutOfRange.selector, 1, 10_001));
        arena.revealScores(id, s, _salt(v0));
    }

    function test_claim_paysRewardsIntoPoolsOnce() public {
        uint16[][] memory s = new uint16[][](3);
        s[0] = _row(9000, 6000, 5000);
        s[1] = _row(9000, 6000, 5000);
        s[2] = _row(9000, 6000, 5000);
        address[] memory vs = _scoreAll(id, s, _allTrue(3));
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Settled,
                IArenaTasks.Phase.Finalizing
            )
        );
        arena.claim(id, trainers[0]);
        _finalizeAll(id);
        uint256 due = arena.claimable(id, trainers[0]);
        uint256 poolBefore = vault.poolOf(trainers[0]).bondedAssets;
        assertEq(arena.claim(id, trainers[0]), due);
        assertEq(vault.poolOf(trainers[0]).bondedAssets - poolBefore, due);
        assertEq(vault.lockOf(address(arena), id, trainers[0]), 0);
        assertEq(arena.claimable(id, trainers[0]), 0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyClaimed.selector, id, trainers[0]));
        arena.claim(id, trainers[0]);
        uint256 vDue = arena.claimable(id, vs[0]);
        assertGt(vDue, 0);
        assertEq(arena.claim(id, vs[0]), vDue);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NothingToClaim.selector, id, attacker));
        arena.claim(id, attacker);
        // the creator's bond was held until settlement: now it is claimable, once
        assertEq(arena.claimable(id, creator), _bond());
        uint256 before = token.balanceOf(creator);
        vm.expectEmit(address(arena));
        emit IArenaTasks.Claimed(id, creator, IArenaTasks.ClaimKind.CreatorRefund, _bond(), 0);
        assertEq(arena.claim(id, creator), _bond());
        assertEq(token.balanceOf(creator) - before, _bond());
        assertEq(arena.claimable(id, creator), 0);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyClaimed.selector, id, creator));
        arena.claim(id, creator);
    }

    function test_revealScores_emptyArrayRecordsUnavailable() public {
        uint16[] memory none = new uint16[](0);
        _commitScores(id, v0, none);
        _toReveal(id);
        _revealScores(id, v0, none);
        IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, v0);
        assertTrue(r.revealed);
        assertTrue(r.unavailable);
        assertEq(arena.getTask(id).revealed, 1);
    }

    /// @dev KNOWN CONTRACT BUG (reported, contracts/ not modified here): `scoresOf` documents "a validator's revealed
    /// scores", but for an "eval data unavailable" reveal (the empty array) it returns `published` zeros read from
    /// never-written slots, so an indexer or keeper sees a validator that scored every model 0 — and
    /// keccak(scoresOf) no longer matches the commitment. Remove the skip once `scoresOf` returns an empty array when
    /// `unavailable` is set.
    function test_scoresOf_unavailableRevealIsEmpty() public {
        uint16[] memory none = new uint16[](0);
        _commitScores(id, v0, none);
        _toReveal(id);
        _revealScores(id, v0, none);
        assertEq(arena.scoresOf(id, v0).length, 0, "an unavailable reveal has no scores");
    }
}
