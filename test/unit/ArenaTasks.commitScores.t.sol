// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Stake, not arrival, decides the validator set (issue 8, item 1): a full set admits a strictly larger lock by
/// evicting the smallest one (the latest of equals), whose stake is unlocked at once.
contract ArenaTasksCommitScoresTest is ArenaBaseTest {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        _setParam(ConfigKeys.MAX_VALIDATORS, 2);
        (id,) = _taskInCommit(2);
    }

    function _commit(address v) internal {
        _commitScores(id, v, _two(8000, 6000));
    }

    function _two(uint16 a, uint16 b) internal pure returns (uint16[] memory r) {
        r = new uint16[](2);
        r[0] = a;
        r[1] = b;
    }

    function test_commitScores_fullSetEvictsTheSmallestForALargerLock() public {
        address small = _validatorWithStake(0, 40_000e18);
        address mid = _validatorWithStake(1, 50_000e18);
        address big = _validatorWithStake(2, 60_000e18);
        _commit(small);
        _commit(mid);
        assertEq(vault.lockOf(address(arena), id, small), 40_000e18);
        bytes32 c = arena.scoresCommitmentOf(id, big, _two(8000, 6000), _salt(big));
        vm.expectEmit(address(arena));
        emit IArenaTasks.ValidatorEvicted(id, small, big, 40_000e18, 60_000e18);
        vm.expectEmit(address(arena));
        emit IArenaTasks.ScoresCommitted(id, big, c, 0, false, 60_000e18);
        vm.prank(big);
        arena.commitScores(id, c);
        // the evicted lock is released and its record forgotten
        assertEq(vault.lockOf(address(arena), id, small), 0);
        assertEq(vault.availableStake(small), 40_000e18);
        assertEq(arena.validatorRecord(id, small).commitment, bytes32(0));
        address[] memory set = arena.validatorsOf(id);
        assertEq(set.length, 2);
        assertEq(set[0], big, "the newcomer takes the evicted index");
        assertEq(set[1], mid);
        assertEq(arena.validatorRecord(id, big).index, 0);
        assertEq(arena.validatorRecord(id, big).lock, 60_000e18);
        assertEq(arena.getTask(id).validators, 2);
    }

    function test_commitScores_equalLockIsRefused() public {
        address v0 = _validatorAt(0);
        address v1 = _validatorAt(1);
        address v2 = _validatorAt(2);
        _commit(v0);
        _commit(v1);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManyValidators.selector, id, 2));
        arena.commitScores(id, bytes32(uint256(1)));
        // a smaller one too
        address tiny = _validatorWithStake(3, 3000e18);
        vm.prank(tiny);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManyValidators.selector, id, 2));
        arena.commitScores(id, bytes32(uint256(1)));
    }

    function test_commitScores_evictsTheLatestOfEqualSmallestLocks() public {
        address v0 = _validatorAt(0);
        address v1 = _validatorAt(1);
        address big = _validatorWithStake(2, 50_000e18 + 1);
        _commit(v0);
        _commit(v1);
        vm.expectEmit(address(arena));
        emit IArenaTasks.ValidatorEvicted(id, v1, big, 50_000e18, 50_000e18 + 1);
        _commit(big);
        assertEq(arena.validatorsOf(id)[1], big);
        assertEq(arena.validatorRecord(id, v0).lock, 50_000e18, "the earlier of equals stays");
    }

    function test_commitScores_evictedValidatorCanOnlyReturnWithMore() public {
        address small = _validatorWithStake(0, 40_000e18);
        _commit(small);
        _commit(_validatorAt(1));
        _commit(_validatorWithStake(2, 60_000e18));
        // back with the same stake: not larger than the smallest (50,000)
        vm.prank(small);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManyValidators.selector, id, 2));
        arena.commitScores(id, bytes32(uint256(1)));
        // with more stake it evicts in turn
        _registerAndStake(small, vault.roleOf(small), 30_000e18);
        _commit(small);
        assertEq(arena.validatorRecord(id, small).lock, 70_000e18);
        assertEq(arena.validatorsOf(id)[1], small);
    }

    /// @dev The squatting of issue 8 item 1: small locks that came first cannot keep a larger validator out, and an
    /// evicted validator has nothing to claim.
    function test_commitScores_squattersCannotHoldTheSet() public {
        address s0 = _validatorWithStake(0, 3000e18);
        address s1 = _validatorWithStake(1, 3000e18);
        _commit(s0);
        _commit(s1);
        address honest = _validatorWithStake(2, 100_000e18);
        address honest2 = _validatorWithStake(3, 100_000e18);
        _commit(honest);
        _commit(honest2);
        address[] memory set = arena.validatorsOf(id);
        assertEq(set[0], honest2);
        assertEq(set[1], honest);
        _toReveal(id);
        _revealScores(id, honest, _two(8000, 6000));
        _revealScores(id, honest2, _two(8000, 6000));
        _toFinalizing(id);
        _finalizeAll(id);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NothingToClaim.selector, id, s0));
        arena.claim(id, s0);
        assertEq(vault.poolOf(s0).lockedAssets, 0);
    }

    function test_commitScores_locksAtMostTheCap() public {
        address whale = _validatorWithStake(0, 3_000_000e18);
        _commit(whale);
        assertEq(arena.validatorRecord(id, whale).lock, 1_000_000e18, "VALIDATOR_LOCK_CAP");
    }
}
