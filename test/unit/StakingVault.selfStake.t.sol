// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";
import {StakeMath} from "../../contracts/libraries/StakeMath.sol";

/// @notice MIN_OPERATOR_SELF_STAKE (100 FLOCK): a pool is lockable only with that much self-stake, and its operator
/// cannot unbond below it while a lock is outstanding (issue 8, item 6).
contract StakingVaultSelfStakeTest is BaseTest {
    uint256 internal constant MINIMUM = 100 * FLOCK;

    function test_lock_revertsBelowTheMinimumSelfStake() public {
        _registerAndStake(validator1, IStakingVault.Role.Validator, 99 * FLOCK);
        _delegate(delegator1, validator1, 10_000 * FLOCK);
        uint256 self = vault.selfStake(validator1);
        vm.prank(_module);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.SelfStakeTooLow.selector, validator1, self, MINIMUM)
        );
        vault.lock(1, validator1, 1000 * FLOCK);
    }

    function test_lock_revertsWithNoSelfStakeAtAll() public {
        vm.prank(validator1);
        vault.register(IStakingVault.Role.Validator, 0);
        _delegate(delegator1, validator1, 10_000 * FLOCK);
        vm.prank(_module);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.SelfStakeTooLow.selector, validator1, 0, MINIMUM)
        );
        vault.lock(1, validator1, 1000 * FLOCK);
    }

    function test_lock_atExactlyTheMinimum() public {
        _registerAndStake(validator1, IStakingVault.Role.Validator, 1000 * FLOCK);
        uint256 self = vault.selfStake(validator1);
        _setParam(ConfigKeys.MIN_OPERATOR_SELF_STAKE, self + 1);
        vm.prank(_module);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.SelfStakeTooLow.selector, validator1, self, self + 1)
        );
        vault.lock(1, validator1, 1);
        _setParam(ConfigKeys.MIN_OPERATOR_SELF_STAKE, self);
        vm.prank(_module);
        vault.lock(1, validator1, 1);
        assertEq(vault.lockOf(_module, 1, validator1), 1);
    }

    function test_lock_zeroMinimumAllowsADelegatedOnlyPool() public {
        _setParam(ConfigKeys.MIN_OPERATOR_SELF_STAKE, 0);
        vm.prank(validator1);
        vault.register(IStakingVault.Role.Validator, 0);
        _delegate(delegator1, validator1, 10_000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator1, 1000 * FLOCK);
        assertEq(vault.poolOf(validator1).lockedAssets, 1000 * FLOCK);
    }

    function test_requestUnbond_operatorKeepsTheMinimumWhileLocked() public {
        uint256 shares = _registerAndStake(validator1, IStakingVault.Role.Validator, 1000 * FLOCK);
        _delegate(delegator1, validator1, 10_000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator1, 2000 * FLOCK);
        // everything: 0 would remain
        vm.prank(validator1);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.SelfStakeTooLow.selector, validator1, 0, MINIMUM)
        );
        vault.requestUnbond(validator1, shares);
        // one share too many: just under the minimum remains
        IStakingVault.Pool memory p = vault.poolOf(validator1);
        uint256 keep = StakeMath.toShares(MINIMUM, p.bondedAssets, p.totalShares);
        uint256 out = shares - keep + 1;
        uint256 assets = StakeMath.toAssets(out, p.bondedAssets, p.totalShares);
        uint256 remaining = StakeMath.toAssets(keep - 1, p.bondedAssets - assets, p.totalShares - out);
        assertLt(remaining, MINIMUM);
        vm.prank(validator1);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.SelfStakeTooLow.selector, validator1, remaining, MINIMUM)
        );
        vault.requestUnbond(validator1, out);
        // leaving at least the minimum works, and the entry waits for the lock
        vm.prank(validator1);
        uint256 id = vault.requestUnbond(validator1, shares - keep - 1);
        assertGe(vault.selfStake(validator1), MINIMUM);
        assertEq(vault.unbondingEntry(id).lockMark, 1);
    }

    function test_requestUnbond_operatorMayLeaveFullyWithoutLocks() public {
        uint256 shares = _registerAndStake(validator1, IStakingVault.Role.Validator, 1000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.prank(validator1);
        uint256 id = vault.requestUnbond(validator1, shares);
        assertEq(vault.selfStake(validator1), 0);
        assertEq(vault.unbondingEntry(id).lockMark, 0);
    }

    function test_requestUnbond_delegatorsAreNotBoundByTheOperatorMinimum() public {
        _registerAndStake(validator1, IStakingVault.Role.Validator, 1000 * FLOCK);
        uint256 dShares = _delegate(delegator1, validator1, 10_000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator1, 1000 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, dShares);
        assertEq(vault.sharesOf(validator1, delegator1), 0);
        assertEq(vault.unbondingEntry(id).lockMark, 1);
    }
}
