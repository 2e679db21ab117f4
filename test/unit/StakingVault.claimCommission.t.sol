// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultClaimCommissionTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 2000, 3000 * FLOCK);
        _fundModule(100 * FLOCK);
        vm.prank(_module);
        vault.depositReward(validator1, 100 * FLOCK);
    }

    function test_claimCommission_paysAndResets() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.CommissionClaimed(validator1, keeper, 20 * FLOCK);
        vm.prank(validator1);
        uint256 amount = vault.claimCommission(keeper);
        assertEq(amount, 20 * FLOCK);
        assertEq(token.balanceOf(keeper), 20 * FLOCK);
        assertEq(vault.poolOf(validator1).unclaimedCommission, 0);
    }

    function test_claimCommission_revertsWhenNothingToClaim() public {
        vm.startPrank(validator1);
        vault.claimCommission(validator1);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.claimCommission(validator1);
        vm.stopPrank();
    }

    function test_claimCommission_revertsWhenNotRegistered() public {
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotRegistered.selector, attacker));
        vault.claimCommission(attacker);
    }

    function test_claimCommission_revertsToZeroAddress() public {
        vm.prank(validator1);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vault.claimCommission(address(0));
    }
}
