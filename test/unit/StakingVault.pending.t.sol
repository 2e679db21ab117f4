// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @notice Deposits made while a lock is outstanding wait as a `PendingDeposit` (issue 8, item 5): 0 shares, not
/// lockable, not slashable, earning nothing, cancellable at any time, activated once every lock up to its mark is
/// released (by `activate`, or automatically on the account's next deposit or unbond request).
contract StakingVaultPendingTest is BaseTest {
    address internal sniper = makeAddr("sniper");

    function setUp() public override {
        super.setUp();
        _registerAndStake(validator1, IStakingVault.Role.Validator, 3000 * FLOCK);
        _delegate(delegator1, validator1, 1000 * FLOCK);
        vm.prank(_module);
        vault.lock(1, validator1, 2000 * FLOCK);
    }

    function _pending(address account)
        internal
        view
        returns (IStakingVault.PendingDeposit memory d, bool ok)
    {
        return vault.pendingOf(validator1, account);
    }

    function test_delegate_whileLockedWaitsWithoutShares() public {
        IStakingVault.Pool memory before = vault.poolOf(validator1);
        _fund(delegator2, 500 * FLOCK);
        vm.expectEmit(address(vault));
        emit IStakingVault.DepositPending(validator1, delegator2, 500 * FLOCK, 1, 500 * FLOCK);
        vm.prank(delegator2);
        uint256 shares = vault.delegate(validator1, 500 * FLOCK);
        assertEq(shares, 0, "no shares while a lock is outstanding");
        assertEq(vault.sharesOf(validator1, delegator2), 0);
        IStakingVault.Pool memory p = vault.poolOf(validator1);
        assertEq(p.pendingAssets, 500 * FLOCK);
        assertEq(p.bondedAssets, before.bondedAssets, "pending is not bonded");
        assertEq(p.totalShares, before.totalShares);
        assertEq(vault.availableStake(validator1), 2000 * FLOCK, "pending is not available to lock");
        (IStakingVault.PendingDeposit memory d, bool ok) = _pending(delegator2);
        assertEq(d.assets, 500 * FLOCK);
        assertEq(d.mark, 1);
        assertFalse(ok);
        assertEq(token.balanceOf(address(vault)), 4500 * FLOCK, "the vault holds the pending deposit");
    }

    function test_stake_operatorTopUpWhileLockedWaitsToo() public {
        _fund(validator1, 100 * FLOCK);
        vm.prank(validator1);
        assertEq(vault.stake(100 * FLOCK), 0);
        (IStakingVault.PendingDeposit memory d,) = _pending(validator1);
        assertEq(d.assets, 100 * FLOCK);
        assertEq(vault.poolOf(validator1).pendingAssets, 100 * FLOCK);
    }

    function test_pending_isNeverLocked() public {
        _delegate(delegator2, validator1, 10_000 * FLOCK);
        uint256 available = vault.availableStake(validator1);
        assertEq(available, 2000 * FLOCK);
        vm.prank(_module);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.InsufficientUnlockedStake.selector, validator1, available + 1, available
            )
        );
        vault.lock(2, validator1, available + 1);
    }

    function test_pending_isNeverSlashed() public {
        _delegate(delegator2, validator1, 10_000 * FLOCK);
        uint256 vaultBefore = token.balanceOf(address(vault));
        vm.prank(_module);
        uint256 slashed = vault.slash(1, validator1, 2000 * FLOCK);
        assertEq(slashed, 2000 * FLOCK);
        assertEq(token.balanceOf(address(vault)), vaultBefore - 2000 * FLOCK);
        (IStakingVault.PendingDeposit memory d,) = _pending(delegator2);
        assertEq(d.assets, 10_000 * FLOCK, "the slash came out of the bonded stake only");
        assertEq(vault.poolOf(validator1).pendingAssets, 10_000 * FLOCK);
        // the full pending amount comes back
        vm.prank(delegator2);
        assertEq(vault.cancelPending(validator1), 10_000 * FLOCK);
        assertEq(token.balanceOf(delegator2), 10_000 * FLOCK);
    }

    /// @dev Issue 8, item 5 at the vault level: a sniper delegating 90,000 after the lock (e.g. after settlement, before
    /// the claim) earns nothing of the reward paid for that lock; the delegator at risk keeps its share.
    function test_pending_justInTimeDelegationEarnsNothing() public {
        uint256 atRiskBefore = vault.assetsOf(validator1, delegator1);
        _delegate(sniper, validator1, 90_000 * FLOCK);
        _fundModule(4000 * FLOCK);
        vm.prank(_module);
        vault.depositReward(validator1, 4000 * FLOCK); // commission 0: the whole reward to the 4000 at risk
        vm.prank(_module);
        vault.unlock(1, validator1);
        vault.activate(validator1, sniper);
        uint256 sniperValue = vault.assetsOf(validator1, sniper);
        assertApproxEqAbs(sniperValue, 90_000 * FLOCK, 1, "the sniper gets its deposit back, no reward");
        assertLe(sniperValue, 90_000 * FLOCK);
        assertApproxEqAbs(
            vault.assetsOf(validator1, delegator1) - atRiskBefore, 1000 * FLOCK, 2, "a quarter of the reward"
        );
        assertApproxEqAbs(vault.selfStake(validator1), 6000 * FLOCK, 2, "three quarters to the operator");
    }

    function test_activate_revertsWhileItsLocksAreOutstanding() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.PendingNotActive.selector, validator1, delegator2, 1, 0)
        );
        vault.activate(validator1, delegator2);
    }

    function test_activate_revertsWithoutPendingDeposit() public {
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.activate(validator1, delegator2);
        // and after activation there is nothing left
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        vault.activate(validator1, delegator2);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.activate(validator1, delegator2);
    }

    function test_activate_byAnyoneOnceReleasedMintsAtTheCurrentPrice() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        (, bool ok) = _pending(delegator2);
        assertTrue(ok);
        uint256 preview = vault.previewDelegate(validator1, 500 * FLOCK);
        IStakingVault.Pool memory before = vault.poolOf(validator1);
        vm.expectEmit(address(vault));
        emit IStakingVault.Delegated(
            validator1,
            delegator2,
            500 * FLOCK,
            preview,
            before.bondedAssets + 500 * FLOCK,
            before.totalShares + preview
        );
        vm.prank(keeper);
        uint256 shares = vault.activate(validator1, delegator2);
        assertEq(shares, preview);
        assertEq(vault.sharesOf(validator1, delegator2), preview);
        assertEq(vault.poolOf(validator1).pendingAssets, 0);
        (IStakingVault.PendingDeposit memory d, bool still) = _pending(delegator2);
        assertEq(d.assets, 0);
        assertEq(d.mark, 0);
        assertFalse(still);
        assertEq(token.balanceOf(keeper), 0, "activation moves no tokens");
    }

    function test_cancelPending_returnsTheDepositAtAnyTime() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.expectEmit(address(vault));
        emit IStakingVault.PendingCancelled(validator1, delegator2, 500 * FLOCK);
        vm.prank(delegator2);
        assertEq(vault.cancelPending(validator1), 500 * FLOCK);
        assertEq(token.balanceOf(delegator2), 500 * FLOCK);
        assertEq(vault.poolOf(validator1).pendingAssets, 0);
        vm.prank(delegator2);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.cancelPending(validator1);
    }

    function test_cancelPending_onlyTheCallersOwnDeposit() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(attacker);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.cancelPending(validator1);
        vm.prank(delegator2);
        vm.expectRevert(IStakingVault.ZeroAmount.selector);
        vault.cancelPending(validator2); // nothing pending in another pool
        assertEq(vault.poolOf(validator1).pendingAssets, 500 * FLOCK);
    }

    function test_pending_laterDepositMovesTheMarkForward() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.lock(2, validator1, 100 * FLOCK);
        _fund(delegator2, 300 * FLOCK);
        vm.expectEmit(address(vault));
        emit IStakingVault.DepositPending(validator1, delegator2, 300 * FLOCK, 2, 800 * FLOCK);
        vm.prank(delegator2);
        vault.delegate(validator1, 300 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.PendingNotActive.selector, validator1, delegator2, 2, 1)
        );
        vault.activate(validator1, delegator2);
        vm.prank(_module);
        vault.unlock(2, validator1);
        assertGt(vault.activate(validator1, delegator2), 0);
        assertApproxEqAbs(vault.assetsOf(validator1, delegator2), 800 * FLOCK, 1);
    }

    function test_pending_autoActivatesOnTheNextDeposit() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        // no lock outstanding: the pending 500 and the new 200 both become shares
        uint256 shares = _delegate(delegator2, validator1, 200 * FLOCK);
        assertGt(shares, 0);
        assertEq(vault.poolOf(validator1).pendingAssets, 0);
        assertApproxEqAbs(vault.assetsOf(validator1, delegator2), 700 * FLOCK, 2);
    }

    function test_pending_autoActivatesBeforeANewPendingDeposit() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        vm.prank(_module);
        vault.lock(2, validator1, 100 * FLOCK);
        // the old deposit (mark 1, released) becomes shares; the new one waits for lock 2
        assertEq(_delegate(delegator2, validator1, 200 * FLOCK), 0);
        assertApproxEqAbs(vault.assetsOf(validator1, delegator2), 500 * FLOCK, 1);
        (IStakingVault.PendingDeposit memory d,) = _pending(delegator2);
        assertEq(d.assets, 200 * FLOCK);
        assertEq(d.mark, 2);
        assertEq(vault.poolOf(validator1).pendingAssets, 200 * FLOCK);
    }

    function test_pending_autoActivatesOnRequestUnbond() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(_module);
        vault.unlock(1, validator1);
        uint256 shares = vault.previewDelegate(validator1, 500 * FLOCK);
        vm.prank(delegator2);
        uint256 id = vault.requestUnbond(validator1, shares);
        assertEq(vault.sharesOf(validator1, delegator2), 0);
        assertEq(vault.poolOf(validator1).pendingAssets, 0);
        assertApproxEqAbs(vault.unbondingAssetsOf(id), 500 * FLOCK, 2);
    }

    function test_pending_stillLockedIsNotActivatedByRequestUnbond() public {
        _delegate(delegator2, validator1, 500 * FLOCK);
        vm.prank(delegator2);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.InsufficientShares.selector, validator1, delegator2, 1, 0)
        );
        vault.requestUnbond(validator1, 1);
    }
}
