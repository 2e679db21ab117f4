// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {VaultHandler} from "./handlers/VaultHandler.sol";

/// @notice The vault and token invariants of `test/invariant/README.md`; the assertion messages are the list's strings.
contract StakingVaultInvariantTest is BaseTest {
    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](8);
        actors[0] = trainer1;
        actors[1] = trainer2;
        actors[2] = trainer3;
        actors[3] = validator1;
        actors[4] = validator2;
        actors[5] = validator3;
        actors[6] = delegator1;
        actors[7] = delegator2;
        handler = new VaultHandler(token, vault, config, _module, actors);
        token.grantRole(token.MINTER_ROLE(), address(handler));

        bytes4[] memory selectors = new bytes4[](16);
        selectors[0] = VaultHandler.register.selector;
        selectors[1] = VaultHandler.stake.selector;
        selectors[2] = VaultHandler.delegate.selector;
        selectors[3] = VaultHandler.setCommission.selector;
        selectors[4] = VaultHandler.requestUnbond.selector;
        selectors[5] = VaultHandler.withdraw.selector;
        selectors[6] = VaultHandler.claimCommission.selector;
        selectors[7] = VaultHandler.burn.selector;
        selectors[8] = VaultHandler.warp.selector;
        selectors[9] = VaultHandler.lock.selector;
        selectors[10] = VaultHandler.unlock.selector;
        selectors[11] = VaultHandler.slash.selector;
        selectors[12] = VaultHandler.depositReward.selector;
        selectors[13] = VaultHandler.cancelPending.selector;
        selectors[14] = VaultHandler.activate.selector;
        selectors[15] = VaultHandler.withdrawLocked.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// All of them after every call, in one campaign: what CI's 100,000-call run (`FOUNDRY_PROFILE=ci
    /// --match-test invariant_all`) plays, so the deep campaign costs one suite's calls rather than one per property.
    function invariant_all() public view {
        invariant_flockConserved();
        invariant_vaultBalanceMatchesPools();
        invariant_locks();
        invariant_sharesAddUp();
        invariant_entriesWithdrawAtMostOnce();
        invariant_pendingNeverLockedOrSlashed();
        invariant_lockedEntriesNotWithdrawable();
        invariant_supplyUnderCap();
    }

    /// 1
    function invariant_flockConserved() public view {
        address[] memory actors = handler.actors();
        uint256 sum = token.balanceOf(address(vault)) + token.balanceOf(_module)
            + token.balanceOf(address(handler)) + token.balanceOf(address(this));
        for (uint256 i; i < actors.length; ++i) {
            sum += token.balanceOf(actors[i]);
        }
        assertEq(sum, token.totalSupply(), "FLOCK conserved: sum of all balances == totalSupply");
        assertEq(
            token.totalSupply(),
            handler.ghostMinted() - handler.ghostBurned(),
            "FLOCK conserved: supply changes only by mint and burn"
        );
    }

    /// 2
    function invariant_vaultBalanceMatchesPools() public view {
        address[] memory ops = handler.operators();
        uint256 sum;
        for (uint256 i; i < ops.length; ++i) {
            IStakingVault.Pool memory p = vault.poolOf(ops[i]);
            sum += uint256(p.bondedAssets) + p.unbondingAssets + p.unclaimedCommission + p.pendingAssets;
        }
        assertEq(
            token.balanceOf(address(vault)),
            sum,
            "vault token balance == sum of pools (bonded + unbonding + unclaimedCommission + pendingAssets)"
        );
    }

    /// 3 and 4
    function invariant_locks() public view {
        address[] memory ops = handler.operators();
        VaultHandler.ActiveLock[] memory locks = handler.activeLocks();
        for (uint256 i; i < ops.length; ++i) {
            IStakingVault.Pool memory p = vault.poolOf(ops[i]);
            uint256 sum;
            for (uint256 j; j < locks.length; ++j) {
                if (locks[j].operator == ops[i]) sum += vault.lockOf(_module, locks[j].id, ops[i]);
            }
            assertEq(p.lockedAssets, sum, "pool lockedAssets == sum of its active locks");
            assertEq(
                p.lockedAssets, handler.ghostLocked(ops[i]), "pool lockedAssets == sum of its active locks"
            );
            assertLe(p.lockedAssets, p.bondedAssets, "pool lockedAssets <= bondedAssets");
            assertEq(
                vault.availableStake(ops[i]), p.bondedAssets - p.lockedAssets, "available == bonded - locked"
            );
        }
        assertFalse(handler.ghostLockAboveStake(), "a lock never exceeds the unlocked stake when taken");
        assertFalse(handler.ghostSlashAboveLock(), "each slash <= the lock it came from");
    }

    /// 5
    function invariant_sharesAddUp() public view {
        address[] memory ops = handler.operators();
        address[] memory actors = handler.actors();
        for (uint256 i; i < ops.length; ++i) {
            uint256 sum;
            for (uint256 j; j < actors.length; ++j) {
                sum += vault.sharesOf(ops[i], actors[j]);
            }
            assertEq(sum, vault.poolOf(ops[i]).totalShares, "sum of shares of accounts == pool totalShares");
        }
    }

    /// 6
    function invariant_entriesWithdrawAtMostOnce() public view {
        uint256[] memory ids = handler.entryIds();
        uint256 totalEntryShares;
        for (uint256 i; i < ids.length; ++i) {
            uint256 count = handler.ghostWithdrawals(ids[i]);
            IStakingVault.UnbondingEntry memory e = vault.unbondingEntry(ids[i]);
            assertLe(count, 1, "an unbonding entry withdraws at most once");
            assertEq(e.withdrawn, count == 1, "an unbonding entry withdraws at most once");
            if (!e.withdrawn) totalEntryShares += e.shares;
        }
        address[] memory ops = handler.operators();
        uint256 poolUnbondingShares;
        for (uint256 i; i < ops.length; ++i) {
            poolUnbondingShares += vault.poolOf(ops[i]).unbondingShares;
        }
        assertEq(poolUnbondingShares, totalEntryShares, "unbondingShares == sum of open entries' shares");
        assertEq(vault.unbondingCount(), ids.length, "unbondingShares == sum of open entries' shares");
    }

    /// 8
    function invariant_pendingNeverLockedOrSlashed() public view {
        address[] memory ops = handler.operators();
        address[] memory actors = handler.actors();
        for (uint256 i; i < ops.length; ++i) {
            uint256 sum;
            for (uint256 j; j < actors.length; ++j) {
                (IStakingVault.PendingDeposit memory d, bool ok) = vault.pendingOf(ops[i], actors[j]);
                sum += d.assets;
                IStakingVault.Pool memory p = vault.poolOf(ops[i]);
                assertEq(
                    ok,
                    d.assets != 0 && d.mark <= p.releasedThrough,
                    "pending assets are never locked or slashed"
                );
                if (d.assets != 0) assertGt(d.mark, 0, "pending assets are never locked or slashed");
            }
            assertEq(vault.poolOf(ops[i]).pendingAssets, sum, "pending assets are never locked or slashed");
        }
        assertFalse(handler.ghostPendingTouched(), "pending assets are never locked or slashed");
        assertFalse(handler.ghostPendingMispaid(), "pending assets are never locked or slashed");
    }

    /// 9
    function invariant_lockedEntriesNotWithdrawable() public view {
        uint256[] memory ids = handler.entryIds();
        for (uint256 i; i < ids.length; ++i) {
            IStakingVault.UnbondingEntry memory e = vault.unbondingEntry(ids[i]);
            if (e.withdrawn || !handler.heldByALock(ids[i])) continue;
            assertGt(
                e.lockMark,
                vault.poolOf(e.operator).releasedThrough,
                "no unbonding entry created under a lock is withdrawable before that lock is released"
            );
        }
        assertFalse(
            handler.ghostWithdrawnUnderLock(),
            "no unbonding entry created under a lock is withdrawable before that lock is released"
        );
    }

    /// 7
    function invariant_supplyUnderCap() public view {
        assertLe(token.totalSupply(), token.CAP(), "totalSupply <= CAP");
    }

    /// @dev A run whose random sequence never deposited or unbonded under a lock is driven through those paths here
    /// (bounded), and every invariant is checked again: every run covers invariants 8 and 9 for real.
    function afterInvariant() external {
        for (
            uint256 i;
            i < 8 && (handler.ghostPendingDeposits() == 0 || handler.ghostLockedWithdrawRefused() == 0);
            ++i
        ) {
            handler.stake(i, 10_000 * FLOCK);
            handler.lock(i, 1000 * FLOCK);
            handler.delegate(i + 6, i, 1000 * FLOCK);
            handler.requestUnbond(i + 6, i, 1e21);
            handler.withdrawLocked(i);
        }
        assertGt(handler.ghostPendingDeposits(), 0, "pending assets are never locked or slashed");
        assertGt(
            handler.ghostLockedWithdrawRefused(),
            0,
            "no unbonding entry created under a lock is withdrawable before that lock is released"
        );
        invariant_flockConserved();
        invariant_vaultBalanceMatchesPools();
        invariant_locks();
        invariant_sharesAddUp();
        invariant_entriesWithdrawAtMostOnce();
        invariant_pendingNeverLockedOrSlashed();
        invariant_lockedEntriesNotWithdrawable();
        invariant_supplyUnderCap();
        handler.logCounts();
        console.log("total successful calls", handler.totalCalls());
        console.log("total slashed", handler.ghostSlashed());
        console.log("locked withdrawals refused", handler.ghostLockedWithdrawRefused());
        console.log("pending deposits", handler.ghostPendingDeposits());
        console.log("entries created under a lock", handler.ghostEntriesUnderLock());
    }
}
