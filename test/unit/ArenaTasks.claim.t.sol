// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Claims under the issue-8 rules: a trainer that committed and did not publish is slashed
/// TRAINER_NON_REVEAL_SLASH_BPS of the trainer stake at its claim (to the treasury) when the eval data was revealed; the
/// creator's bond is held until settlement and claimed back then; a TooFewReveals cancellation pays out to the wei.
contract ArenaTasksClaimTest is ArenaBaseTest {
    uint256 internal id;
    address[] internal trainers;
    address internal silent;

    /// @dev 2 published submissions and a third trainer that committed and stayed silent; 3 validators.
    function _settleWithASilentTrainer(bool[] memory reveals) internal returns (address[] memory validators) {
        id = _createTask();
        trainers = new address[](2);
        for (uint256 i; i < 2; ++i) {
            trainers[i] = _trainerAt(i);
            _commitSubmission(id, trainers[i], _cid(i));
        }
        silent = _trainerAt(2);
        _commitSubmission(id, silent, _cid(2));
        _toPublish(id);
        _revealEval(id);
        for (uint256 i; i < 2; ++i) {
            _revealSubmission(id, trainers[i], _cid(i));
        }
        _toCommit(id);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            s[v] = new uint16[](2);
            s[v][0] = 9000;
            s[v][1] = 7000;
        }
        validators = _scoreAll(id, s, reveals);
        _finalizeAll(id);
    }

    function test_claim_silentTrainerIsSlashedToTheTreasury() public {
        _settleWithASilentTrainer(_allTrue(3));
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
        IArenaTasks.Settlement memory before = arena.settlementOf(id);
        uint256 treasuryBefore = token.balanceOf(treasury);
        uint256 bonded = vault.poolOf(silent).bondedAssets;
        vm.expectEmit(address(arena));
        emit IArenaTasks.TrainerNonRevealSlashed(id, silent, 100e18);
        vm.expectEmit(address(arena));
        emit IArenaTasks.Claimed(id, silent, IArenaTasks.ClaimKind.UnlockOnly, 0, 900e18);
        vm.prank(attacker); // anyone may claim for anyone
        assertEq(arena.claim(id, silent), 0);
        assertEq(bonded - vault.poolOf(silent).bondedAssets, 100e18, "10% of the 1000 FLOCK trainer stake");
        assertEq(token.balanceOf(treasury) - treasuryBefore, 100e18, "all of it to the treasury");
        assertEq(vault.lockOf(address(arena), id, silent), 0);
        // not farmed by the trainers: the settlement is unchanged
        IArenaTasks.Settlement memory afterClaim = arena.settlementOf(id);
        assertEq(afterClaim.trainerPot, before.trainerPot);
        assertEq(afterClaim.slashed, before.slashed);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyClaimed.selector, id, silent));
        arena.claim(id, silent);
    }

    function test_claim_noTrainerSlashWhenItsBpsIsZero() public {
        _setParam(ConfigKeys.SPAM_SLASH_BPS, 0); // TRAINER_NON_REVEAL_SLASH_BPS ≥ SPAM_SLASH_BPS
        _setParam(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS, 0);
        _settleWithASilentTrainer(_allTrue(3));
        uint256 bonded = vault.poolOf(silent).bondedAssets;
        vm.recordLogs();
        assertEq(arena.claim(id, silent), 0);
        assertEq(vault.poolOf(silent).bondedAssets, bonded);
        bytes32 slashedTopic = IArenaTasks.TrainerNonRevealSlashed.selector;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(logs[i].topics[0] != slashedTopic, "no slash event");
        }
    }

    function test_claim_bondIsHeldUntilSettlement() public {
        id = _createTask();
        assertEq(arena.getTask(id).bond, _bond());
        for (uint256 i; i < 2; ++i) {
            _commitSubmission(id, _trainerAt(i), _cid(i));
        }
        _toPublish(id);
        _revealEval(id);
        for (uint256 i; i < 2; ++i) {
            _revealSubmission(id, _trainerAt(i), _cid(i));
        }
        _toCommit(id);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            s[v] = new uint16[](2);
            s[v][0] = 9000;
            s[v][1] = 7000;
        }
        _scoreAll(id, s, _allTrue(3));
        assertEq(arena.claimable(id, creator), 0, "nothing before settlement");
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Settled,
                IArenaTasks.Phase.Finalizing
            )
        );
        arena.claim(id, creator);
        _finalizeAll(id);
        assertEq(arena.settlementOf(id).creatorRefund, _bond());
        uint256 before = token.balanceOf(creator);
        assertEq(arena.claim(id, creator), _bond());
        assertEq(token.balanceOf(creator) - before, _bond());
    }

    /// @dev TooFewReveals (2 of MIN_REVEALS 3): the bond back to the creator, the pool and the whole non-reveal slash to
    /// the treasury, the silent trainer slashed too (the eval data was public); afterwards the arena holds nothing.
    function test_claim_tooFewRevealsPaysOutToTheWei() public {
        bool[] memory reveals = _allTrue(3);
        reveals[2] = false;
        uint256 treasury0 = token.balanceOf(treasury);
        address[] memory validators = _settleWithASilentTrainer(reveals);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewReveals));
        uint256 fee = 10e18;
        assertEq(token.balanceOf(treasury) - treasury0, fee + POOL + 5000e18);
        assertEq(arena.claim(id, creator), _bond());
        for (uint256 v; v < 3; ++v) {
            assertEq(arena.claim(id, validators[v]), 0);
            assertEq(vault.poolOf(validators[v]).lockedAssets, 0);
        }
        assertEq(vault.poolOf(validators[2]).bondedAssets, VALIDATOR_STAKE - 5000e18);
        for (uint256 i; i < 2; ++i) {
            assertEq(arena.claim(id, trainers[i]), 0);
        }
        arena.claim(id, silent);
        assertEq(token.balanceOf(treasury) - treasury0, fee + POOL + 5000e18 + 100e18);
        assertEq(token.balanceOf(address(arena)), 0, "nothing left behind");
    }
}

import {Vm} from "forge-std/Vm.sol";
