// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {ArenaHandler} from "./handlers/ArenaHandler.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice The invariants of test/invariant/README.md, section "ArenaTasks" (assertion messages = README strings).
contract ArenaTasksInvariantTest is ArenaBaseTest {
    ArenaHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory t = new address[](4);
        address[] memory v = new address[](4);
        for (uint256 i; i < 4; ++i) {
            t[i] = makeAddr(string.concat("invTrainer", vm.toString(i)));
            _registerAndStake(t[i], IStakingVault.Role.TrainingNode, 100_000e18);
            v[i] = makeAddr(string.concat("invValidator", vm.toString(i)));
            _registerAndStake(v[i], IStakingVault.Role.Validator, 1_000_000e18);
        }
        // short lifecycles reach settlement within one run: one publication and one reveal suffice
        _setParam(ConfigKeys.MIN_SUBMISSIONS, 1);
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        // 100,000 per task (the pre-issue-8 cap): a validator joins several tasks before its claims release its locks
        _setParam(ConfigKeys.VALIDATOR_LOCK_CAP, 100_000e18);
        handler = new ArenaHandler(arena, token, vault, creator, keeper, t, v);
        token.grantRole(token.MINTER_ROLE(), address(handler));
        vm.prank(creator);
        token.approve(address(arena), 0);
        token.mint(creator, 100_000_000e18);
        vm.prank(creator);
        token.approve(address(arena), type(uint256).max);
        targetContract(address(handler));
        excludeSender(address(arena));
    }

    function _forEachTask(function(uint256) internal view check) internal view {
        for (uint256 i; i < handler.taskCount(); ++i) {
            check(handler.taskIds(i));
        }
    }

    /// All of them after every call, in one campaign: what CI's 100,000-call run (`FOUNDRY_PROFILE=ci
    /// --match-test invariant_all`) plays, so the deep campaign costs one suite's calls rather than one per property.
    function invariant_all() public view {
        invariant_claimOnce();
        invariant_paidBounded();
        invariant_slashedBounded();
        invariant_phasesOnlyForward();
        invariant_scoresMatchCommitments();
        invariant_balanceCoversObligations();
        invariant_exactAccounting();
        invariant_pendingNeverLockedOrSlashed();
        invariant_vaultConservesTokens();
    }

    /// 1
    function invariant_claimOnce() public view {
        _forEachTask(_checkClaimOnce);
    }

    function _checkClaimOnce(uint256 id) internal view {
        address[] memory all = handler.actors();
        for (uint256 j; j < all.length; ++j) {
            uint256 n = handler.claimCount(id, all[j]);
            assertLe(n, 1, "each reward or refund is claimable once");
            if (n == 1) assertEq(arena.claimable(id, all[j]), 0, "each reward or refund is claimable once");
        }
    }

    /// 2
    function invariant_paidBounded() public view {
        _forEachTask(_checkPaidBounded);
    }

    function _checkPaidBounded(uint256 id) internal view {
        IArenaTasks.TaskView memory t = arena.getTask(id);
        IArenaTasks.Settlement memory s = arena.settlementOf(id);
        assertLe(
            handler.paidOut(id), uint256(t.rewardPool) + t.bond + s.slashed, "paid rewards <= pool + slashed"
        );
    }

    /// 3
    function invariant_slashedBounded() public view {
        _forEachTask(_checkSlashed);
    }

    function _checkSlashed(uint256 id) internal view {
        assertLe(arena.settlementOf(id).slashed, handler.lockedTotal(id), "slashed <= locked");
    }

    /// 4
    function invariant_phasesOnlyForward() public view {
        assertFalse(
            handler.forbiddenTransitionSeen(), "phases only move forward; Settled and Cancelled are final"
        );
    }

    /// 5
    function invariant_scoresMatchCommitments() public view {
        _forEachTask(_checkScores);
    }

    function _checkScores(uint256 id) internal view {
        address[] memory vs = arena.validatorsOf(id);
        for (uint256 j; j < vs.length; ++j) {
            IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, vs[j]);
            if (!r.revealed) continue;
            // an "eval data unavailable" reveal is the empty array (`scoresOf` cannot show it: see the report)
            uint16[] memory s = r.unavailable ? new uint16[](0) : arena.scoresOf(id, vs[j]);
            assertEq(
                keccak256(abi.encode(block.chainid, address(arena), id, vs[j], s, handler.salt(vs[j]))),
                r.commitment,
                "no score counted without a matching commitment"
            );
        }
    }

    /// 6
    function invariant_balanceCoversObligations() public view {
        uint256 owed;
        address[] memory all = handler.actors();
        for (uint256 i; i < handler.taskCount(); ++i) {
            uint256 id = handler.taskIds(i);
            IArenaTasks.TaskView memory t = arena.getTask(id);
            IArenaTasks.Settlement memory s = arena.settlementOf(id);
            if (t.phase == IArenaTasks.Phase.Settled || t.phase == IArenaTasks.Phase.Cancelled) {
                for (uint256 j; j < all.length; ++j) {
                    owed += arena.claimable(id, all[j]);
                }
            } else {
                // the bond stays in the arena until the task ends
                owed += uint256(t.rewardPool) + t.bond + s.slashed - s.keeperBounty;
            }
        }
        assertEq(
            token.balanceOf(address(arena)), owed, "arena balance == unsettled pools + bonds + unclaimed"
        );
    }

    /// 7
    function invariant_exactAccounting() public view {
        _forEachTask(_checkAccounting);
    }

    function _checkAccounting(uint256 id) internal view {
        IArenaTasks.TaskView memory t = arena.getTask(id);
        if (t.phase != IArenaTasks.Phase.Settled) return;
        IArenaTasks.Settlement memory s = arena.settlementOf(id);
        address[] memory all = handler.actors();
        // paid and claimable include the creator's bond refund
        uint256 rewards = handler.paidOut(id);
        for (uint256 j; j < all.length; ++j) {
            rewards += arena.claimable(id, all[j]);
        }
        assertEq(s.creatorRefund, t.bond, "pool + bond + slashed == rewards + bond refund + fee + bounty");
        assertEq(
            uint256(t.rewardPool) + t.bond + s.slashed,
            rewards + s.protocolFee + s.keeperBounty,
            "pool + bond + slashed == rewards + bond refund + fee + bounty"
        );
    }

    /// 9
    function invariant_pendingNeverLockedOrSlashed() public view {
        address[] memory ops = handler.operators();
        address d = handler.delegator();
        for (uint256 i; i < ops.length; ++i) {
            (IStakingVault.PendingDeposit memory p,) = vault.pendingOf(ops[i], d);
            assertEq(p.assets, handler.ghostPending(ops[i]), "pending assets are never locked or slashed");
            assertEq(
                vault.poolOf(ops[i]).pendingAssets, p.assets, "pending assets are never locked or slashed"
            );
        }
    }

    /// 10
    function invariant_vaultConservesTokens() public view {
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

    /// 8 — checked after every run: a run that settles nothing (or whose handler stopped acting) fails.
    /// @dev A run whose random sequence happened not to finish a lifecycle is driven to one here (bounded), and every
    /// invariant is checked again afterwards: so every run covers settlement and claims, whatever the fuzzer chose.
    function afterInvariant() public {
        for (uint256 i; i < 512 && (handler.settledTasks() == 0 || handler.calls("claim") == 0); ++i) {
            handler.advance(uint256(keccak256(abi.encode("drive", i))));
        }
        handler.printCalls();
        assertGt(handler.settledTasks(), 0, "every run settles a task and pays claims");
        assertGt(handler.calls("claim"), 0, "every run settles a task and pays claims");
        invariant_claimOnce();
        invariant_paidBounded();
        invariant_slashedBounded();
        invariant_phasesOnlyForward();
        invariant_scoresMatchCommitments();
        invariant_balanceCoversObligations();
        invariant_exactAccounting();
        invariant_pendingNeverLockedOrSlashed();
        invariant_vaultConservesTokens();
    }
}
