// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultDelegateTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 1000, 3000 * FLOCK);
    }

    function test_delegate_mintsSharesToDelegator() public {
        _fund(delegator1, 500 * FLOCK);
        uint256 preview = vault.previewDelegate(validator1, 500 * FLOCK);
        IStakingVault.Pool memory before = vault.poolOf(validator1);
        vm.expectEmit(address(vault));
        emit IStakingVault.Delegated(
            validator1,
            delegator1,
            500 * FLOCK,
            preview,
            before.bondedAssets + 500 * FLOCK,
            before.totalShares + preview
        );
        vm.prank(delegator1);
        uint256 shares = vault.delegate(validator1, 500 * FLOCK);
        assertEq(shares, preview);
        assertEq(vault.sharesOf(validator1, delegator1), shares);
        assertEq(vault.sharesOf(validator1, validator1) + shares, vault.poolOf(validator1).totalShares);
        assertLe(vault.assetsOf(validator1, delegator1), 500 * FLOCK);
        assertApproxEqAbs(vault.assetsOf(validator1, delegator1), 500 * FLOCK, 1);
    }

    function test_delegate_revertsWhenOperatorNotRegistered() public {
        _fund(delegator1, 500 * FLOCK);
        vm.prank(delegator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotRegistered.selector, trainer1));
        vault.delegate(trainer1, 500 * FLOCK);
    }

    function test_delegate_revertsBelowMinimum() public {
        _setParam(ConfigKeys.MIN_DELEGATION, 100 * FLOCK);
        _fund(delegator1, 500 * FLOCK);
        vm.prank(delegator1);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.DelegationTooSmall.selector, 99 * FLOCK, 100 * FLOCK)
        );
        vault.delegate(validator1, 99 * FLOCK);
    }

    function test_delegate_revertsWhenZero() public {
        vm.prank(delegator1);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.delegate(validator1, 0);
    }

    function test_delegate_revertsWithoutBalance() public {
        vm.prank(delegator1);
        token.approve(address(vault), type(uint256).max);
        vm.prank(delegator1);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, delegator1, 0, 10 * FLOCK)
        );
        vault.delegate(validator1, 10 * FLOCK);
    }

    function test_delegate_firstDepositorCannotInflateSharePrice() public {
        // attacker registers an empty pool, stakes 1 wei-ish, donates via reward; a victim still gets fair value
        _setParam(ConfigKeys.MIN_DELEGATION, 0);
        vm.prank(attacker);
        vault.register(IStakingVault.Role.TrainingNode, 0);
        _fund(attacker, 1);
        vm.prank(attacker);
        vault.stake(1);
        _fundModule(10_000 * FLOCK);
        vm.prank(_module);
        vault.depositReward(attacker, 10_000 * FLOCK);
        _fund(delegator1, 20_000 * FLOCK);
        vm.prank(delegator1);
        vault.delegate(attacker, 20_000 * FLOCK);
        // the victim keeps (almost) all of its deposit: the attacker's 1 unit owns 1/1001 of the donation at most
        assertGe(vault.assetsOf(attacker, delegator1), 19_990 * FLOCK);
    }
}
