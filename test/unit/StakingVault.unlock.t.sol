// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultUnlockTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, trainer1, 400 * FLOCK);
    }

    function test_unlock_releasesAndEmits() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.StakeUnlocked(_module, 1, trainer1, 400 * FLOCK, 0);
        vm.prank(_module);
        uint256 amount = vault.unlock(1, trainer1);
        assertEq(amount, 400 * FLOCK);
        assertEq(vault.lockOf(_module, 1, trainer1), 0);
        assertEq(vault.availableStake(trainer1), 1000 * FLOCK);
        // the key is free again
        vm.prank(_module);
        vault.lock(1, trainer1, 1000 * FLOCK);
    }

    function test_unlock_releasesRemainderAfterSlash() public {
        vm.startPrank(_module);
        vault.slash(1, trainer1, 100 * FLOCK);
        uint256 amount = vault.unlock(1, trainer1);
        vm.stopPrank();
        assertEq(amount, 300 * FLOCK);
        assertEq(vault.poolOf(trainer1).lockedAssets, 0);
    }

    function test_unlock_succeedsAfterFullSlash() public {
        vm.startPrank(_module);
        vault.slash(1, trainer1, 400 * FLOCK);
        assertEq(vault.lockOf(_module, 1, trainer1), 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockExists.selector, _module, 1, trainer1));
        vault.lock(1, trainer1, 1);
        assertEq(vault.unlock(1, trainer1), 0);
        vm.stopPrank();
    }

    function test_unlock_revertsWhenNotFound() public {
        vm.startPrank(_module);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockNotFound.selector, _module, 2, trainer1));
        vault.unlock(2, trainer1);
        vault.unlock(1, trainer1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockNotFound.selector, _module, 1, trainer1));
        vault.unlock(1, trainer1);
        vm.stopPrank();
    }

    function test_unlock_revertsForAnotherModulesLock() public {
        address module2 = makeAddr("module2");
        vault.grantRole(vault.MODULE_ROLE(), module2);
        vm.prank(module2);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockNotFound.selector, module2, 1, trainer1));
        vault.unlock(1, trainer1);
    }

    /// A lock is keyed by the module that took it: any other caller finds no lock to release.
    function test_unlock_onlyTheLockingModule() public {
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockNotFound.selector, attacker, 1, trainer1));
        vault.unlock(1, trainer1);
    }
}
