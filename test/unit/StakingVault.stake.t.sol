// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultStakeTest is BaseTest {
    function setUp() public override {
        super.setUp();
        vm.prank(trainer1);
        vault.register(IStakingVault.Role.TrainingNode, 0);
        _fund(trainer1, 10_000 * FLOCK);
    }

    function test_stake_mintsSharesWithVirtualOffset() public {
        uint256 amount = 1000 * FLOCK;
        vm.expectEmit(address(vault));
        emit IStakingVault.Delegated(trainer1, trainer1, amount, amount * 1e3, amount, amount * 1e3);
        vm.prank(trainer1);
        uint256 shares = vault.stake(amount);
        assertEq(shares, amount * 1e3, "1e3 shares per unit at an empty pool");
        assertEq(vault.sharesOf(trainer1, trainer1), shares);
        assertEq(vault.poolOf(trainer1).bondedAssets, amount);
        assertEq(vault.poolOf(trainer1).totalShares, shares);
        assertEq(vault.availableStake(trainer1), amount);
        assertEq(token.balanceOf(address(vault)), amount);
        // value rounds down by at most one unit against the pool's virtual unit
        assertApproxEqAbs(vault.selfStake(trainer1), amount, 1);
        assertLe(vault.selfStake(trainer1), amount);
    }

    function test_stake_atMinimumDelegation() public {
        uint256 minimum = _param(ConfigKeys.MIN_DELEGATION);
        vm.prank(trainer1);
        vault.stake(minimum);
        assertEq(vault.poolOf(trainer1).bondedAssets, minimum);
    }

    function test_stake_revertsBelowMinimumDelegation() public {
        uint256 minimum = _param(ConfigKeys.MIN_DELEGATION);
        vm.prank(trainer1);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.DelegationTooSmall.selector, minimum - 1, minimum)
        );
        vault.stake(minimum - 1);
    }

    function test_stake_revertsWhenZero() public {
        vm.prank(trainer1);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.stake(0);
    }

    function test_stake_revertsWhenNotRegistered() public {
        _fund(trainer2, 10 * FLOCK);
        vm.prank(trainer2);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotRegistered.selector, trainer2));
        vault.stake(10 * FLOCK);
    }

    function test_stake_revertsWithoutAllowance() public {
        vm.prank(trainer1);
        token.approve(address(vault), 0);
        vm.prank(trainer1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(vault), 0, 10 * FLOCK
            )
        );
        vault.stake(10 * FLOCK);
    }

    function test_stake_revertsWhenSharesRoundToZero() public {
        // a pool slashed to zero bonded assets with an overwhelming share count cannot mint 0 shares
        _setParam(ConfigKeys.MIN_DELEGATION, 0);
        vm.prank(trainer1);
        vault.stake(1);
        // donate a huge reward through the module: the share price explodes
        _fundModule(1_000_000 * FLOCK);
        vm.prank(_module);
        vault.depositReward(trainer1, 1_000_000 * FLOCK);
        vm.prank(trainer1);
        vm.expectRevert(IStakingVault.ZeroShares.selector);
        vault.stake(1);
    }

    function test_stake_secondDepositAfterRewardGetsFewerShares() public {
        vm.prank(trainer1);
        uint256 first = vault.stake(1000 * FLOCK);
        _fundModule(1000 * FLOCK);
        vm.prank(_module);
        vault.depositReward(trainer1, 1000 * FLOCK);
        vm.prank(trainer1);
        uint256 second = vault.stake(1000 * FLOCK);
        assertApproxEqRel(second, first / 2, 1e12);
    }
}
