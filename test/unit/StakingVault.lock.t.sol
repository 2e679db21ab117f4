// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultLockTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1000 * FLOCK);
    }

    function test_lock_locksAndEmits() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.StakeLocked(_module, 1, trainer1, 400 * FLOCK, 400 * FLOCK);
        vm.prank(_module);
        vault.lock(1, trainer1, 400 * FLOCK);
        assertEq(vault.lockOf(_module, 1, trainer1), 400 * FLOCK);
        assertEq(vault.poolOf(trainer1).lockedAssets, 400 * FLOCK);
        assertEq(vault.availableStake(trainer1), 600 * FLOCK);
    }

    function test_lock_wholeAvailableStakeThenNothingMore() public {
        vm.startPrank(_module);
        vault.lock(1, trainer1, 1000 * FLOCK);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.InsufficientUnlockedStake.selector, trainer1, 1, 0)
        );
        vault.lock(2, trainer1, 1);
        vm.stopPrank();
    }

    function test_lock_revertsAboveAvailable() public {
        vm.prank(_module);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.InsufficientUnlockedStake.selector, trainer1, 1000 * FLOCK + 1, 1000 * FLOCK
            )
        );
        vault.lock(1, trainer1, 1000 * FLOCK + 1);
    }

    function test_lock_revertsWhenLockExists() public {
        vm.startPrank(_module);
        vault.lock(1, trainer1, 100 * FLOCK);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockExists.selector, _module, 1, trainer1));
        vault.lock(1, trainer1, 100 * FLOCK);
        vm.stopPrank();
    }

    function test_lock_sameIdDifferentModulesAreIndependent() public {
        address module2 = makeAddr("module2");
        vault.grantRole(vault.MODULE_ROLE(), module2);
        vm.prank(_module);
        vault.lock(1, trainer1, 100 * FLOCK);
        vm.prank(module2);
        vault.lock(1, trainer1, 200 * FLOCK);
        assertEq(vault.poolOf(trainer1).lockedAssets, 300 * FLOCK);
        assertEq(vault.lockOf(module2, 1, trainer1), 200 * FLOCK);
    }

    function test_lock_revertsWhenZero() public {
        vm.prank(_module);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.lock(1, trainer1, 0);
    }

    function test_lock_revertsWhenNotRegistered() public {
        vm.prank(_module);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotRegistered.selector, trainer2));
        vault.lock(1, trainer2, 1);
    }

    function test_lock_revertsWithoutModuleRole() public {
        bytes32 role = vault.MODULE_ROLE();
        vm.prank(attacker);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, attacker, role)
        );
        vault.lock(1, trainer1, 1);
    }
}
