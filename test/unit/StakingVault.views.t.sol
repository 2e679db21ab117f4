// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultViewsTest is BaseTest {
    function test_views_constructorWiring() public view {
        assertEq(vault.token(), address(token));
        assertEq(vault.config(), address(config));
        assertTrue(vault.hasRole(vault.DEFAULT_ADMIN_ROLE(), address(this)));
        assertEq(vault.MODULE_ROLE(), keccak256("MODULE_ROLE"));
        assertTrue(vault.hasRole(vault.MODULE_ROLE(), _module));
    }

    function test_views_emptyState() public view {
        assertEq(uint8(vault.roleOf(trainer1)), uint8(IStakingVault.Role.None));
        assertEq(vault.sharesOf(trainer1, delegator1), 0);
        assertEq(vault.assetsOf(trainer1, delegator1), 0);
        assertEq(vault.selfStake(trainer1), 0);
        assertEq(vault.availableStake(trainer1), 0);
        assertEq(vault.lockOf(_module, 1, trainer1), 0);
        assertEq(vault.unbondingCount(), 0);
        assertEq(vault.unbondingAssetsOf(1), 0);
        assertEq(vault.previewDelegate(trainer1, 1 * FLOCK), 1e21);
        assertEq(vault.unbondingEntry(1).account, address(0));
    }

    function test_views_availableStakeIsBondedMinusLockedAfterSlash() public {
        uint256 shares = _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1000 * FLOCK);
        vm.prank(trainer1);
        vault.requestUnbond(trainer1, shares / 2);
        vm.startPrank(_module);
        vault.lock(1, trainer1, 300 * FLOCK);
        vault.lock(2, trainer1, 200 * FLOCK - 1);
        // half of the slash comes out of the unbonding bucket, but the lock shrinks by all of it
        vault.slash(1, trainer1, 100 * FLOCK);
        vm.stopPrank();
        IStakingVault.Pool memory p = vault.poolOf(trainer1);
        assertEq(p.lockedAssets, 400 * FLOCK - 1);
        assertLe(p.lockedAssets, p.bondedAssets, "locked never exceeds bonded");
        assertEq(vault.availableStake(trainer1), p.bondedAssets - p.lockedAssets);
    }
}
