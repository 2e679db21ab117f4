// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @notice Gas of the vault's hot paths in a warm, realistic state (pool already holds stake), written to
/// `snapshots/StakingVault.json`. Each call is the measured one; setup happens in `setUp`.
contract StakingVaultGasTest is BaseTest {
    uint256 internal entryId;

    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 1000, 10_000 * FLOCK);
        _delegate(delegator1, validator1, 1000 * FLOCK);
        _fund(validator1, 1000 * FLOCK);
        _fund(delegator2, 1000 * FLOCK);
        _fundModule(1000 * FLOCK);
        uint256 tenth = vault.sharesOf(validator1, validator1) / 10;
        vm.prank(validator1);
        entryId = vault.requestUnbond(validator1, tenth);
        vm.prank(_module);
        vault.lock(1, validator1, 3000 * FLOCK);
    }

    /// @dev A deposit into a pool with no lock outstanding mints shares (the setUp lock is released first).
    function test_gas_stake() public {
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.prank(validator1);
        vault.stake(1000 * FLOCK);
        vm.snapshotGasLastCall("StakingVault", "stake");
    }

    function test_gas_delegate() public {
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.prank(delegator2);
        vault.delegate(validator1, 1000 * FLOCK);
        vm.snapshotGasLastCall("StakingVault", "delegate");
    }

    /// @dev A deposit while a lock is outstanding waits as a pending deposit.
    function test_gas_delegatePending() public {
        vm.prank(delegator2);
        vault.delegate(validator1, 1000 * FLOCK);
        vm.snapshotGasLastCall("StakingVault", "delegate_pending");
    }

    function test_gas_activate() public {
        vm.prank(delegator2);
        vault.delegate(validator1, 1000 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        vault.activate(validator1, delegator2);
        vm.snapshotGasLastCall("StakingVault", "activate");
    }

    function test_gas_cancelPending() public {
        vm.prank(delegator2);
        vault.delegate(validator1, 1000 * FLOCK);
        vm.prank(delegator2);
        vault.cancelPending(validator1);
        vm.snapshotGasLastCall("StakingVault", "cancelPending");
    }

    function test_gas_setCommissionIncrease() public {
        vm.warp(block.timestamp + 1 days);
        vm.prank(validator1);
        vault.setCommission(2000);
        vm.snapshotGasLastCall("StakingVault", "setCommission_increase");
    }

    /// @dev An entry created under a lock, withdrawn after its release.
    function test_gas_withdrawAfterLock() public {
        uint256 shares = vault.sharesOf(validator1, delegator1) / 2;
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, shares);
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.warp(block.timestamp + _unbondingPeriod());
        vm.prank(delegator1);
        vault.withdraw(id);
        vm.snapshotGasLastCall("StakingVault", "withdraw_afterLock");
    }

    function test_gas_requestUnbond() public {
        uint256 shares = vault.sharesOf(validator1, delegator1) / 2;
        vm.prank(delegator1);
        vault.requestUnbond(validator1, shares);
        vm.snapshotGasLastCall("StakingVault", "requestUnbond");
    }

    function test_gas_withdraw() public {
        vm.warp(block.timestamp + _unbondingPeriod());
        vm.prank(validator1);
        vault.withdraw(entryId);
        vm.snapshotGasLastCall("StakingVault", "withdraw");
    }

    function test_gas_lock() public {
        vm.prank(_module);
        vault.lock(2, validator1, 3000 * FLOCK);
        vm.snapshotGasLastCall("StakingVault", "lock");
    }

    function test_gas_unlock() public {
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.snapshotGasLastCall("StakingVault", "unlock");
    }

    function test_gas_slash() public {
        vm.prank(_module);
        vault.slash(1, validator1, 300 * FLOCK);
        vm.snapshotGasLastCall("StakingVault", "slash");
    }

    function test_gas_depositReward() public {
        vm.prank(_module);
        vault.depositReward(validator1, 1000 * FLOCK);
        vm.snapshotGasLastCall("StakingVault", "depositReward");
    }
}
