// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultRequestUnbondTest is BaseTest {
    uint256 internal shares;

    function setUp() public override {
        super.setUp();
        shares = _registerAndStake(trainer1, IStakingVault.Role.TrainingNode, 1000 * FLOCK);
    }

    function test_requestUnbond_movesValueToUnbondingBucket() public {
        uint256 half = shares / 2;
        uint256 assets = (half * (1000 * FLOCK + 1)) / (shares + 1e3);
        uint256 readyAt = block.timestamp + _unbondingPeriod();
        vm.expectEmit(address(vault));
        emit IStakingVault.UnbondRequested(
            1, trainer1, trainer1, half, assets, assets * 1e3, readyAt, 1000 * FLOCK - assets, shares - half
        );
        vm.prank(trainer1);
        uint256 id = vault.requestUnbond(trainer1, half);
        assertEq(id, 1);
        assertEq(vault.unbondingCount(), 1);
        IStakingVault.Pool memory p = vault.poolOf(trainer1);
        assertEq(p.bondedAssets, 1000 * FLOCK - assets);
        assertEq(p.unbondingAssets, assets);
        assertEq(p.unbondingShares, assets * 1e3);
        assertEq(vault.sharesOf(trainer1, trainer1), shares - half);
        IStakingVault.UnbondingEntry memory e = vault.unbondingEntry(id);
        assertEq(e.operator, trainer1);
        assertEq(e.account, trainer1);
        assertEq(e.shares, assets * 1e3);
        assertEq(e.readyAt, readyAt);
        assertFalse(e.withdrawn);
        assertLe(vault.unbondingAssetsOf(id), assets, "rounds down, in favour of the pool");
        assertApproxEqAbs(vault.unbondingAssetsOf(id), assets, 1);
    }

    function test_requestUnbond_delegatorFromAnotherPool() public {
        uint256 dShares = _delegate(delegator1, trainer1, 100 * FLOCK);
        vm.prank(delegator1);
        uint256 id = vault.requestUnbond(trainer1, dShares);
        assertEq(vault.unbondingEntry(id).account, delegator1);
        assertEq(vault.sharesOf(trainer1, delegator1), 0);
    }

    function test_requestUnbond_revertsWhenLocked() public {
        vm.prank(_module);
        vault.lock(1, trainer1, 600 * FLOCK);
        uint256 available = vault.availableStake(trainer1);
        assertEq(available, 400 * FLOCK);
        uint256 assets = vault.assetsOf(trainer1, trainer1);
        vm.prank(trainer1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.InsufficientUnlockedStake.selector, trainer1, assets, available
            )
        );
        vault.requestUnbond(trainer1, shares);
        // exactly the unlocked part succeeds
        vm.prank(trainer1);
        vault.requestUnbond(trainer1, shares * 2 / 5);
    }

    function test_requestUnbond_revertsWhenZero() public {
        vm.prank(trainer1);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.requestUnbond(trainer1, 0);
    }

    function test_requestUnbond_revertsWhenSharesExceedOwned() public {
        vm.prank(trainer1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.InsufficientShares.selector, trainer1, trainer1, shares + 1, shares
            )
        );
        vault.requestUnbond(trainer1, shares + 1);
        vm.prank(attacker);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.InsufficientShares.selector, trainer1, attacker, 1, 0)
        );
        vault.requestUnbond(trainer1, 1);
    }

    function test_requestUnbond_revertsWhenSharesWorthNothing() public {
        // 1 share is worth 1/1000 of a unit: rounds to 0 assets → 0 unbonding shares
        vm.prank(trainer1);
        vm.expectRevert(IStakingVault.ZeroShares.selector);
        vault.requestUnbond(trainer1, 1);
    }
}
