// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultDepositRewardTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 1000, 3000 * FLOCK);
        _delegate(delegator1, validator1, 1000 * FLOCK);
        _fundModule(10_000 * FLOCK);
    }

    function test_depositReward_splitsCommissionAndRaisesShareValue() public {
        uint256 shares = vault.poolOf(validator1).totalShares;
        vm.expectEmit(address(vault));
        emit IStakingVault.RewardDeposited(validator1, _module, 400 * FLOCK, 40 * FLOCK, 4360 * FLOCK, shares);
        vm.prank(_module);
        vault.depositReward(validator1, 400 * FLOCK);
        assertEq(vault.poolOf(validator1).unclaimedCommission, 40 * FLOCK);
        assertEq(vault.poolOf(validator1).bondedAssets, 4360 * FLOCK);
        assertApproxEqAbs(vault.assetsOf(validator1, delegator1), 1090 * FLOCK, 1);
        assertEq(token.balanceOf(address(vault)), 4400 * FLOCK);
    }

    function test_depositReward_allCommissionWhenPoolHasNoShares() public {
        vm.prank(validator2);
        vault.register(IStakingVault.Role.Validator, 0);
        vm.prank(_module);
        vault.depositReward(validator2, 100 * FLOCK);
        assertEq(vault.poolOf(validator2).unclaimedCommission, 100 * FLOCK);
        assertEq(vault.poolOf(validator2).bondedAssets, 0);
    }

    function test_depositReward_zeroIsNoOp() public {
        vm.recordLogs();
        vm.prank(_module);
        vault.depositReward(validator1, 0);
        assertEq(vm.getRecordedLogs().length, 0);
    }

    function test_depositReward_revertsWhenNotRegistered() public {
        vm.prank(_module);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.NotRegistered.selector, trainer1));
        vault.depositReward(trainer1, 1);
    }

    /// Anyone may pay a reward into a pool (it only gives): a module whose role was revoked can still pay its claims.
    function test_depositReward_anyCallerMayGive() public {
        _fund(attacker, 10e18);
        vm.prank(attacker);
        token.approve(address(vault), 10e18);
        uint256 before = vault.poolOf(validator1).bondedAssets + vault.poolOf(validator1).unclaimedCommission;
        vm.prank(attacker);
        vault.depositReward(validator1, 10e18);
        assertEq(
            vault.poolOf(validator1).bondedAssets + vault.poolOf(validator1).unclaimedCommission,
            before + 10e18
        );
    }
}
