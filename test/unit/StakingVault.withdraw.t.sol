// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultWithdrawTest is BaseTest {
    uint256 internal id;
    uint256 internal readyAt;

    function setUp() public override {
        super.setUp();
        uint256 shares = _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1000 * FLOCK);
        vm.prank(trainer1);
        id = vault.requestUnbond(trainer1, shares);
        readyAt = vault.unbondingEntry(id).readyAt;
    }

    function test_withdraw_revertsOneSecondBeforeReadyAt() public {
        vm.warp(readyAt - 1);
        vm.prank(trainer1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingNotReady.selector, id, readyAt));
        vault.withdraw(id);
    }

    function test_withdraw_succeedsAtReadyAt() public {
        vm.warp(readyAt);
        uint256 expected = vault.unbondingAssetsOf(id);
        vm.expectEmit(address(vault));
        emit IStakingVault.Withdrawn(id, trainer1, trainer1, expected);
        vm.prank(trainer1);
        uint256 assets = vault.withdraw(id);
        assertEq(assets, expected);
        assertApproxEqAbs(assets, 1000 * FLOCK, 2);
        assertEq(token.balanceOf(trainer1), assets);
        assertTrue(vault.unbondingEntry(id).withdrawn);
        assertEq(vault.unbondingAssetsOf(id), 0);
        assertEq(vault.poolOf(trainer1).unbondingShares, 0);
    }

    function test_withdraw_paysLessAfterSlash() public {
        // a second stake is locked and slashed: the unbonding bucket takes its pro-rata part
        _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1000 * FLOCK);
        vm.startPrank(_module);
        vault.lock(7, trainer1, 500 * FLOCK);
        vault.slash(7, trainer1, 200 * FLOCK);
        vm.stopPrank();
        vm.warp(readyAt);
        vm.prank(trainer1);
        uint256 assets = vault.withdraw(id);
        assertApproxEqAbs(assets, 900 * FLOCK, 2, "half of the slash hit the unbonding half of the pool");
    }

    function test_withdraw_revertsTwice() public {
        vm.warp(readyAt);
        vm.startPrank(trainer1);
        vault.withdraw(id);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.AlreadyWithdrawn.selector, id));
        vault.withdraw(id);
        vm.stopPrank();
    }

    function test_withdraw_revertsForOtherAccount() public {
        vm.warp(readyAt);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotEntryOwner.selector, id, attacker));
        vault.withdraw(id);
    }

    function test_withdraw_revertsForUnknownEntry() public {
        vm.prank(trainer1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnknownEntry.selector, 99));
        vault.withdraw(99);
    }

    function test_withdraw_paysZeroWhenBucketSlashedOut() public {
        // the pool's whole remaining value is the unbonding bucket: a full slash empties it
        _setParam(ConfigKeys.MIN_DELEGATION, 0);
        _setParam(ConfigKeys.MIN_OPERATOR_SELF_STAKE, 0); // a 1-unit self-stake may be locked
        _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1);
        vm.startPrank(_module);
        vault.lock(1, trainer1, 1);
        uint256 total = vault.poolOf(trainer1).bondedAssets + vault.poolOf(trainer1).unbondingAssets;
        vault.slash(1, trainer1, 1);
        vm.stopPrank();
        assertEq(vault.poolOf(trainer1).bondedAssets + vault.poolOf(trainer1).unbondingAssets, total - 1);
        vm.warp(readyAt);
        vm.prank(trainer1);
        vault.withdraw(id);
        assertTrue(vault.unbondingEntry(id).withdrawn);
    }
}
