// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultRegisterTest is BaseTest {
    function test_register_setsRoleAndCommission() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.OperatorRegistered(trainer1, IStakingVault.Role.TrainingNode, 1000);
        vm.prank(trainer1);
        vault.register(IStakingVault.Role.TrainingNode, 1000);
        IStakingVault.Pool memory p = vault.poolOf(trainer1);
        assertEq(uint8(p.role), uint8(IStakingVault.Role.TrainingNode));
        assertEq(p.commissionBps, 1000);
        assertEq(p.commissionChangedAt, block.timestamp);
        assertEq(uint8(vault.roleOf(trainer1)), uint8(IStakingVault.Role.TrainingNode));
    }

    function test_register_validatorAtMaxCommission() public {
        uint256 max = _param(ConfigKeys.MAX_COMMISSION_BPS);
        vm.prank(validator1);
        // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
        vault.register(IStakingVault.Role.Validator, uint16(max));
        assertEq(vault.poolOf(validator1).commissionBps, max);
    }

    function test_register_revertsWhenRoleNone() public {
        vm.prank(trainer1);
        vm.expectRevert(IStakingVault.InvalidRole.selector);
        vault.register(IStakingVault.Role.None, 0);
    }

    function test_register_revertsWhenAlreadyRegistered() public {
        vm.startPrank(trainer1);
        vault.register(IStakingVault.Role.TrainingNode, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.AlreadyRegistered.selector, trainer1));
        vault.register(IStakingVault.Role.Validator, 0);
        vm.stopPrank();
    }

    function test_register_revertsWhenCommissionTooHigh() public {
        uint256 max = _param(ConfigKeys.MAX_COMMISSION_BPS);
        vm.prank(trainer1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.CommissionTooHigh.selector, max + 1, max));
        // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
        vault.register(IStakingVault.Role.TrainingNode, uint16(max + 1));
    }
}
