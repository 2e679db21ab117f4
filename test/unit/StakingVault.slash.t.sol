// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultSlashTest is BaseTest {
    uint256 internal delegatorShares;

    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 3000 * FLOCK);
        delegatorShares = _delegate(delegator1, validator1, 1000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator1, 2000 * FLOCK);
    }

    function test_slash_takesFromBondedAndPaysModule() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.Slashed(_module, 1, validator1, 400 * FLOCK, 400 * FLOCK, 0, 3600 * FLOCK);
        vm.prank(_module);
        uint256 slashed = vault.slash(1, validator1, 400 * FLOCK);
        assertEq(slashed, 400 * FLOCK);
        assertEq(token.balanceOf(_module), 400 * FLOCK);
        assertEq(vault.lockOf(_module, 1, validator1), 1600 * FLOCK);
        assertEq(vault.poolOf(validator1).lockedAssets, 1600 * FLOCK);
        // operator and delegator lose the same 10%
        assertApproxEqAbs(vault.assetsOf(validator1, delegator1), 900 * FLOCK, 1);
        assertApproxEqAbs(vault.selfStake(validator1), 2700 * FLOCK, 1);
    }

    function test_slash_isProRataWithUnbondingBucket() public {
        // delegator unbonds 1000 of 4000: the bucket takes a quarter of the slash
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(validator1, delegatorShares);
        IStakingVault.Pool memory before = vault.poolOf(validator1);
        uint256 amount = 400 * FLOCK;
        uint256 fromBonded = amount * before.bondedAssets / (before.bondedAssets + before.unbondingAssets);
        vm.expectEmit(address(vault));
        emit IStakingVault.Slashed(
            _module, 1, validator1, amount, fromBonded, amount - fromBonded, before.bondedAssets - fromBonded
        );
        vm.prank(_module);
        vault.slash(1, validator1, amount);
        assertApproxEqAbs(vault.unbondingAssetsOf(id), 900 * FLOCK, 2);
    }

    function test_slash_exactlyTheLock() public {
        vm.prank(_module);
        assertEq(vault.slash(1, validator1, 2000 * FLOCK), 2000 * FLOCK);
        assertEq(vault.lockOf(_module, 1, validator1), 0);
    }

    function test_slash_revertsAboveLock() public {
        vm.prank(_module);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.SlashExceedsLock.selector,
                _module,
                1,
                validator1,
                2000 * FLOCK + 1,
                2000 * FLOCK
            )
        );
        vault.slash(1, validator1, 2000 * FLOCK + 1);
    }

    function test_slash_zeroIsNoOp() public {
        vm.recordLogs();
        vm.prank(_module);
        assertEq(vault.slash(1, validator1, 0), 0);
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(vault.lockOf(_module, 1, validator1), 2000 * FLOCK);
    }

    function test_slash_canEmptyThePool() public {
        // a second module locks the rest, slashes everything it can, then our lock outsizes the pool
        address module2 = makeAddr("module2");
        vault.grantRole(vault.MODULE_ROLE(), module2);
        vm.startPrank(module2);
        vault.lock(1, validator1, 2000 * FLOCK);
        vault.slash(1, validator1, 2000 * FLOCK);
        vm.stopPrank();
        assertEq(vault.poolOf(validator1).bondedAssets, 2000 * FLOCK);
        assertEq(vault.availableStake(validator1), 0);
        // take the pool down to 500 by a partial slash of our lock, then ask for the whole remaining lock
        vm.startPrank(_module);
        vault.slash(1, validator1, 1500 * FLOCK);
        assertEq(vault.poolOf(validator1).bondedAssets, 500 * FLOCK);
        vm.stopPrank();
        vm.prank(_module);
        uint256 slashed = vault.slash(1, validator1, 500 * FLOCK);
        assertEq(slashed, 500 * FLOCK);
        assertEq(vault.poolOf(validator1).bondedAssets, 0);
    }

    function test_slash_revertsWhenNoLock() public {
        vm.prank(_module);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockNotFound.selector, _module, 2, validator1));
        vault.slash(2, validator1, 1);
    }

    /// A lock is keyed by the module that took it: any other caller finds no lock to slash.
    function test_slash_onlyTheLockingModule() public {
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.LockNotFound.selector, attacker, 1, validator1));
        vault.slash(1, validator1, 1);
    }
}
