// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @notice Locks are numbered per pool; `releasedThrough` is the longest released prefix (bitmap, out-of-order unlocks);
/// an unbonding entry created while locks are outstanding records the newest one (`lockMark`) and cannot be withdrawn
/// before every lock up to it is released (issue 8, item 6).
contract StakingVaultLockMarkTest is BaseTest {
    uint256 internal dShares;

    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 3000 * FLOCK);
        dShares = _delegate(delegator1, validator1, 1000 * FLOCK);
    }

    function _lock(uint256 id, uint256 amount) internal {
        vm.prank(_module);
        vault.lock(id, validator1, amount);
    }

    function _unlock(uint256 id) internal {
        vm.prank(_module);
        vault.unlock(id, validator1);
    }

    function _releasedThrough() internal view returns (uint256) {
        return vault.poolOf(validator1).releasedThrough;
    }

    function test_lock_numbersLocksPerPool() public {
        _registerAndStake(validator2, IStakingVault.Role.Validator, 3000 * FLOCK);
        _lock(1, 100 * FLOCK);
        _lock(2, 100 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator2, 100 * FLOCK);
        assertEq(vault.poolOf(validator1).lockSeq, 2);
        assertEq(vault.poolOf(validator2).lockSeq, 1, "each pool counts its own locks");
        assertEq(_releasedThrough(), 0);
    }

    function test_withdraw_entryUnderALockWaitsForItsRelease() public {
        _lock(1, 2000 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        assertEq(vault.unbondingEntry(id).lockMark, 1);
        vm.warp(vault.unbondingEntry(id).readyAt);
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingLocked.selector, id, 1, 0));
        vault.withdraw(id);
        // long after readyAt, still locked
        vm.warp(block.timestamp + 365 days);
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingLocked.selector, id, 1, 0));
        vault.withdraw(id);
        _unlock(1);
        vm.prank(delegator1);
        assertApproxEqAbs(vault.withdraw(id), 1000 * FLOCK, 2);
    }

    function test_withdraw_releaseDoesNotShortenTheUnbondingPeriod() public {
        _lock(1, 2000 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        _unlock(1);
        uint256 readyAt = vault.unbondingEntry(id).readyAt;
        vm.warp(readyAt - 1);
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingNotReady.selector, id, readyAt));
        vault.withdraw(id);
    }

    function test_withdraw_entryBeforeAnyLockIsNotBlocked() public {
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        assertEq(vault.unbondingEntry(id).lockMark, 0);
        _lock(1, 2000 * FLOCK); // a later lock does not hold an older entry back
        vm.warp(vault.unbondingEntry(id).readyAt);
        vm.prank(delegator1);
        assertApproxEqAbs(vault.withdraw(id), 1000 * FLOCK, 2);
    }

    /// @dev The operator-exit attack of issue 8 item 6 at the vault level: the entry stays in the unbonding bucket,
    /// takes its pro-rata part of the slash and cannot leave before the lock's release.
    function test_withdraw_entryUnderALockTakesItsSlash() public {
        _lock(1, 2000 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        vm.warp(vault.unbondingEntry(id).readyAt);
        vm.prank(_module);
        vault.slash(1, validator1, 400 * FLOCK); // 10% of the 4000 in the pool, the entry included
        _unlock(1);
        vm.prank(delegator1);
        assertApproxEqAbs(vault.withdraw(id), 900 * FLOCK, 2);
    }

    function test_withdraw_markIsTheNewestOutstandingLock() public {
        _lock(1, 500 * FLOCK);
        _lock(2, 500 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        assertEq(vault.unbondingEntry(id).lockMark, 2);
        vm.warp(vault.unbondingEntry(id).readyAt);
        _unlock(2); // released out of order: the prefix is still 0
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingLocked.selector, id, 2, 0));
        vault.withdraw(id);
        _unlock(1);
        assertEq(_releasedThrough(), 2);
        vm.prank(delegator1);
        vault.withdraw(id);
    }

    function test_withdraw_laterLocksDoNotHoldAnEarlierMark() public {
        _lock(1, 500 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares / 2);
        _lock(2, 500 * FLOCK);
        _unlock(1);
        assertEq(_releasedThrough(), 1);
        vm.warp(vault.unbondingEntry(id).readyAt);
        vm.prank(delegator1);
        vault.withdraw(id); // lock 2 came after the entry
        assertTrue(vault.unbondingEntry(id).withdrawn);
    }

    function test_releasedThrough_followsOutOfOrderUnlocks() public {
        _lock(1, 100 * FLOCK);
        _lock(2, 100 * FLOCK);
        _lock(3, 100 * FLOCK);
        _lock(4, 100 * FLOCK);
        _unlock(3);
        assertEq(_releasedThrough(), 0);
        _unlock(2);
        assertEq(_releasedThrough(), 0);
        _unlock(1);
        assertEq(_releasedThrough(), 3, "advances over 1, then the already released 2 and 3");
        _lock(5, 100 * FLOCK);
        _unlock(5);
        assertEq(_releasedThrough(), 3, "4 is still outstanding");
        _unlock(4);
        assertEq(_releasedThrough(), 5);
        assertEq(vault.poolOf(validator1).lockSeq, 5);
    }

    function test_releasedThrough_afterAFullSlashAndUnlock() public {
        _lock(1, 100 * FLOCK);
        vm.startPrank(_module);
        vault.slash(1, validator1, 100 * FLOCK);
        vault.unlock(1, validator1); // a lock slashed to zero is still released
        vm.stopPrank();
        assertEq(_releasedThrough(), 1);
    }

    /// @dev The bitmap spans words of 256 locks: release 1..300 in reverse, the prefix jumps once lock 1 goes.
    function test_releasedThrough_acrossBitmapWords() public {
        uint256 n = 300;
        for (uint256 i = 1; i <= n; ++i) {
            _lock(i, 1 * FLOCK);
        }
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares / 2);
        assertEq(vault.unbondingEntry(id).lockMark, n);
        for (uint256 i = n; i >= 2; --i) {
            _unlock(i);
        }
        assertEq(_releasedThrough(), 0);
        vm.warp(vault.unbondingEntry(id).readyAt);
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingLocked.selector, id, n, 0));
        vault.withdraw(id);
        _unlock(1);
        assertEq(_releasedThrough(), n);
        vm.prank(delegator1);
        vault.withdraw(id);
    }

    function test_locksOfAnotherModuleHoldTheEntryToo() public {
        address module2 = makeAddr("module2");
        vault.grantRole(vault.MODULE_ROLE(), module2);
        vm.prank(module2);
        vault.lock(1, validator1, 100 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        vm.warp(vault.unbondingEntry(id).readyAt);
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingLocked.selector, id, 1, 0));
        vault.withdraw(id);
        vm.prank(module2);
        vault.unlock(1, validator1);
        vm.prank(delegator1);
        vault.withdraw(id);
    }
}
