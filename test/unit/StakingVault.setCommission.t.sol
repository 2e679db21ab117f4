// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultSetCommissionTest is BaseTest {
    uint256 internal registeredAt;

    function setUp() public override {
        super.setUp();
        vm.prank(validator1);
        vault.register(IStakingVault.Role.Validator, 1000);
        registeredAt = block.timestamp;
    }

    function test_setCommission_atCooldownBoundary() public {
        uint256 cooldown = _param(ConfigKeys.COMMISSION_COOLDOWN);
        vm.warp(registeredAt + cooldown - 1);
        vm.prank(validator1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.CommissionCooldownActive.selector, validator1, registeredAt + cooldown
            )
        );
        vault.setCommission(2000);

        vm.warp(registeredAt + cooldown);
        vm.expectEmit(address(vault));
        emit IStakingVault.CommissionChanged(validator1, 1000, 500);
        vm.prank(validator1);
        vault.setCommission(500);
        assertEq(vault.poolOf(validator1).commissionBps, 500);
        assertEq(vault.poolOf(validator1).commissionChangedAt, block.timestamp);
    }

    function test_setCommission_cooldownRestartsAfterChange() public {
        uint256 cooldown = _param(ConfigKeys.COMMISSION_COOLDOWN);
        vm.warp(registeredAt + cooldown);
        vm.prank(validator1);
        vault.setCommission(2000); // scheduled: the cooldown still restarts
        vm.prank(validator1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.CommissionCooldownActive.selector, validator1, block.timestamp + cooldown
            )
        );
        vault.setCommission(3000);
    }

    function test_setCommission_zeroCooldownAllowsImmediateChange() public {
        _setParam(ConfigKeys.COMMISSION_COOLDOWN, 0);
        vm.prank(validator1);
        vault.setCommission(0);
        assertEq(vault.poolOf(validator1).commissionBps, 0);
    }

    function test_setCommission_revertsWhenTooHigh() public {
        vm.warp(registeredAt + 30 days);
        vm.prank(validator1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.CommissionTooHigh.selector, 5001, 5000));
        vault.setCommission(5001);
    }

    function test_setCommission_revertsWhenNotRegistered() public {
        vm.prank(trainer1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotRegistered.selector, trainer1));
        vault.setCommission(0);
    }

    // ─── scheduled increases (issue 8, item 9) ─────────────────────────────────────────────────

    function test_setCommission_decreaseAppliesAtOnceAndCancelsScheduledIncrease() public {
        _setParam(ConfigKeys.COMMISSION_COOLDOWN, 0);
        vm.prank(validator1);
        vault.setCommission(3000);
        assertEq(vault.poolOf(validator1).pendingCommissionBps, 3000);
        vm.prank(validator1);
        vault.setCommission(800);
        IStakingVault.Pool memory p = vault.poolOf(validator1);
        assertEq(p.commissionBps, 800);
        assertEq(p.pendingCommissionBps, 0, "a decrease drops the scheduled increase");
        assertEq(p.commissionEffectiveAt, 0);
        vm.warp(block.timestamp + _unbondingPeriod());
        assertEq(vault.effectiveCommission(validator1), 800);
    }

    function test_setCommission_increaseIsScheduledForTheUnbondingPeriod() public {
        vm.warp(registeredAt + 1 days);
        uint256 effectiveAt = block.timestamp + _unbondingPeriod();
        vm.expectEmit(address(vault));
        emit IStakingVault.CommissionIncreaseScheduled(validator1, 1000, 4000, effectiveAt);
        vm.prank(validator1);
        vault.setCommission(4000);
        IStakingVault.Pool memory p = vault.poolOf(validator1);
        assertEq(p.commissionBps, 1000, "the current rate stays");
        assertEq(p.pendingCommissionBps, 4000);
        assertEq(p.commissionEffectiveAt, effectiveAt);
        vm.warp(effectiveAt - 1);
        assertEq(vault.effectiveCommission(validator1), 1000);
        vm.warp(effectiveAt);
        assertEq(vault.effectiveCommission(validator1), 4000);
    }

    /// @dev The front-run of issue 8 item 9: 0% → 50% in the block before a reward; the reward still pays 0%.
    function test_setCommission_increaseDoesNotFrontRunAReward() public {
        address op = validator2;
        _registerAndStake(op, IStakingVault.Role.Validator, 0, 3000 * FLOCK);
        _delegate(delegator1, op, 1000 * FLOCK);
        _fundModule(2000 * FLOCK);
        vm.warp(block.timestamp + 1 days);
        vm.prank(op);
        vault.setCommission(5000);
        vm.prank(_module);
        vault.depositReward(op, 1000 * FLOCK);
        assertEq(vault.poolOf(op).unclaimedCommission, 0, "the scheduled increase is not applied yet");
        // once due, the next reward applies it (and the pool records it)
        vm.warp(block.timestamp + _unbondingPeriod());
        vm.expectEmit(address(vault));
        emit IStakingVault.CommissionChanged(op, 0, 5000);
        vm.prank(_module);
        vault.depositReward(op, 1000 * FLOCK);
        assertEq(vault.poolOf(op).unclaimedCommission, 500 * FLOCK);
        assertEq(vault.poolOf(op).commissionBps, 5000);
        assertEq(vault.poolOf(op).commissionEffectiveAt, 0);
    }

    function test_setCommission_dueIncreaseAppliesBeforeTheNextChange() public {
        _setParam(ConfigKeys.COMMISSION_COOLDOWN, 0);
        vm.prank(validator1);
        vault.setCommission(2000);
        vm.warp(block.timestamp + _unbondingPeriod());
        // the due increase applies first (CommissionChanged 1000 → 2000), then the new change is judged against 2000
        vm.expectEmit(address(vault));
        emit IStakingVault.CommissionChanged(validator1, 1000, 2000);
        vm.expectEmit(address(vault));
        emit IStakingVault.CommissionChanged(validator1, 2000, 1500);
        vm.prank(validator1);
        vault.setCommission(1500);
        assertEq(vault.poolOf(validator1).commissionBps, 1500);
    }

    /// @dev Lowering MAX_COMMISSION_BPS caps existing pools at payout time (and in the view).
    function test_setCommission_rewardsClampToTheCurrentMaximum() public {
        _registerAndStake(validator2, IStakingVault.Role.Validator, 4000, 3000 * FLOCK);
        _fundModule(1000 * FLOCK);
        _setParam(ConfigKeys.MAX_COMMISSION_BPS, 1500);
        assertEq(vault.effectiveCommission(validator2), 1500);
        assertEq(vault.poolOf(validator2).commissionBps, 4000, "the stored rate is not rewritten");
        vm.prank(_module);
        vault.depositReward(validator2, 1000 * FLOCK);
        assertEq(vault.poolOf(validator2).unclaimedCommission, 150 * FLOCK);
        // a scheduled increase above the new maximum is clamped too once due
        _setParam(ConfigKeys.MAX_COMMISSION_BPS, 5000);
        vm.warp(block.timestamp + 1 days);
        vm.prank(validator2);
        vault.setCommission(5000);
        _setParam(ConfigKeys.MAX_COMMISSION_BPS, 4500);
        vm.warp(block.timestamp + _unbondingPeriod());
        assertEq(vault.effectiveCommission(validator2), 4500);
    }
}
