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
        emit IStakingVault.CommissionChanged(validator1, 1000, 2000);
        vm.prank(validator1);
        vault.setCommission(2000);
        assertEq(vault.poolOf(validator1).commissionBps, 2000);
        assertEq(vault.poolOf(validator1).commissionChangedAt, block.timestamp);
    }

    function test_setCommission_cooldownRestartsAfterChange() public {
        uint256 cooldown = _param(ConfigKeys.COMMISSION_COOLDOWN);
        vm.warp(registeredAt + cooldown);
        vm.prank(validator1);
        vault.setCommission(2000);
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
}
