// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {console} from "forge-std/console.sol";
import {ArenaTasks} from "../../../contracts/ArenaTasks.sol";
import {IArenaTasks} from "../../../contracts/interfaces/IArenaTasks.sol";
import {FlockToken} from "../../../contracts/FlockToken.sol";
import {IStakingVault} from "../../../contracts/interfaces/IStakingVault.sol";
import {Cids} from "../../utils/Cids.sol";

/// @notice Drives tasks through their lifecycle with only valid calls (fail_on_revert = true). One task runs at a
/// time; when it ends (settled or cancelled), `create` or `advance` starts another. Every action acts only in its live
/// phase and picks an actor for which the call is valid; `advance` is phase-aware progress (pending work of the live
/// phase, else a warp to the next window boundary, finalization, the next task), so runs walk several tasks through
/// the whole lifecycle. Each task follows a `plan`: settle, eval data never revealed, no score reveal, or every
/// validator votes "eval data unavailable". Models are canonical CIDs from a small set per task, so trainers often
/// commit the same model (the earlier committer then owns it, displacing an earlier revealer); in one task of three a
/// trainer stays silent (slashed at its claim). A delegator delegates to the participants' pools while their locks
/// are outstanding (pending deposits), activates and cancels them.
contract ArenaHandler is Test {
    ArenaTasks public arena;
    FlockToken public token;
    IStakingVault public vault;
    address public creator;
    address public keeper;
    address[] public trainers;
    address[] public validators;

    uint256[] public taskIds;
    mapping(uint256 => mapping(address => uint256)) public claimCount;
    mapping(uint256 => uint256) public paidOut; // claims paid (rewards, bond shares, creator refund)
    mapping(uint256 => uint256) public lockedTotal; // Σ stake locked in the task
    mapping(uint256 => uint8) public lastPhase;
    mapping(uint256 => mapping(address => uint16[])) internal _scores;
    bool public forbiddenTransitionSeen;
    address public delegator;
    /// @notice what the delegator's pending deposit in each pool must be (deposits in, activations and cancels out)
    mapping(address operator => uint256) public ghostPending;
    uint256 public ghostDisplacements;
    uint256 public settledTasks;
    uint256 public cancelledTasks;
    mapping(bytes32 => uint256) public calls;

    constructor(
        ArenaTasks arena_,
        FlockToken token_,
        IStakingVault vault_,
        address creator_,
        address keeper_,
        address[] memory t,
        address[] memory v
    ) {
        arena = arena_;
        token = token_;
        vault = vault_;
        creator = creator_;
        keeper = keeper_;
        trainers = t;
        validators = v;
        delegator = makeAddr("invDelegator");
        vm.prank(delegator);
        token_.approve(address(vault_), type(uint256).max);
    }

    function salt(address who) public pure returns (bytes32) {
        return keccak256(abi.encode("inv", who));
    }

    function evalSalt(uint256 id) public pure returns (bytes32) {
        return keccak256(abi.encode("inv-eval", id));
    }

    function taskCount() external view returns (uint256) {
        return taskIds.length;
    }

    function actors() external view returns (address[] memory all) {
        all = new address[](trainers.length + validators.length + 1);
        for (uint256 i; i < trainers.length; ++i) {
            all[i] = trainers[i];
        }
        for (uint256 i; i < validators.length; ++i) {
            all[trainers.length + i] = validators[i];
        }
        all[all.length - 1] = creator;
    }

    function _current() internal view returns (uint256 id, IArenaTasks.Phase ph) {
        if (taskIds.length == 0) return (0, IArenaTasks.Phase.Settled);
        id = taskIds[taskIds.length - 1];
        ph = arena.phaseOf(id);
    }

    function _after() internal {
        for (uint256 i; i < taskIds.length; ++i) {
            uint256 id = taskIds[i];
            uint8 now_ = uint8(arena.phaseOf(id));
            uint8 before = lastPhase[id];
            bool terminal =
                before == uint8(IArenaTasks.Phase.Settled) || before == uint8(IArenaTasks.Phase.Cancelled);
            if ((terminal && now_ != before) || (!terminal && now_ < before)) forbiddenTransitionSeen = true;
            if (!terminal && now_ == uint8(IArenaTasks.Phase.Settled)) ++settledTasks;
            if (!terminal && now_ == uint8(IArenaTasks.Phase.Cancelled)) ++cancelledTasks;
            lastPhase[id] = now_;
        }
    }

    /// @dev Every action lets 20 seconds pass; `advance` jumps to the next window boundary.
    function _tick() internal {
        vm.warp(block.timestamp + 20);
    }

    /// @dev The planned ending of task `id`: 0 = settles; 1 = the creator never reveals the eval data
    /// (EvalDataNotRevealed); 2 = no validator reveals (TooFewReveals, non-revealers slashed); 3 = every validator
    /// reveals "eval data unavailable" (CreatorDefault).
    function plan(uint256 id) public pure returns (uint256) {
        uint256 r = id % 6;
        return r == 2 ? 1 : r == 4 ? 2 : r == 5 ? 3 : 0;
    }

    // ─── actions ───────────────────────────────────────────────────────────────────────────────

    function create(uint256 poolSeed) external {
        _tick();
        (, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Settled && ph != IArenaTasks.Phase.Cancelled) return;
        _create(poolSeed);
    }

    /// @dev Starts the next task; one in 8 opens its submission window 5 minutes later (cancellable by the creator).
    function _create(uint256 poolSeed) internal {
        IArenaTasks.CreateTaskParams memory p;
        p.specCid = "bafyspec";
        // eval commitments cannot be reused: one salt per task
        p.evalCommitment = arena.evalCommitmentOf(creator, "bafyeval", evalSalt(arena.taskCount() + 1));
        p.rewardPool = uint128(bound(poolSeed, 100e18, 50_000e18));
        if (poolSeed % 8 == 1) p.submissionStart = uint40(block.timestamp + 5 minutes);
        p.submissionWindow = 10 minutes;
        p.publishWindow = 10 minutes;
        p.commitWindow = 10 minutes;
        p.revealWindow = 10 minutes;
        p.minScore = 5000;
        p.spamScore = 1000;
        vm.prank(creator);
        taskIds.push(arena.createTask(p));
        ++calls["create"];
        _after();
    }

    /// @notice Phase-aware progress on the current task, `1 + seed % 8` units: each unit does one piece of the live
    /// phase's pending work (commit, reveal, eval reveal, score commit/reveal — as the task's `plan` allows), else warps
    /// to the task's next window boundary; in Finalizing it cancels (when due) or finalizes 8 steps; once the task has
    /// ended it claims for its participants, then starts the next task.
    function advance(uint256 seed) external {
        uint256 units = 1 + seed % 8;
        for (uint256 u; u < units; ++u) {
            _progress(uint256(keccak256(abi.encode(seed, u))));
        }
    }

    function _progress(uint256 seed) internal {
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (taskIds.length == 0 || ph == IArenaTasks.Phase.Settled || ph == IArenaTasks.Phase.Cancelled) {
            if (taskIds.length == 0 || !_claimIn(id, seed)) _create(seed);
        } else if (ph == IArenaTasks.Phase.Created) {
            if (seed % 2 == 0) {
                vm.prank(creator);
                arena.cancelBeforeStart(id);
                ++calls["cancelBeforeStart"];
                _after();
            } else {
                _warpTo(arena.getTask(id).submissionStart);
            }
        } else if (ph == IArenaTasks.Phase.Submission) {
            if (arena.getTask(id).liveCommitments >= 3 || !_commitSubmission(id, seed, seed)) {
                _warpTo(arena.getTask(id).submissionEnd);
            }
        } else if (ph == IArenaTasks.Phase.Publish) {
            // the eval data first, then the models
            if (!_revealEval(id) && !_revealSubmission(id, seed)) {
                IArenaTasks.TaskView memory tv = arena.getTask(id);
                if (!tv.evalRevealed && block.timestamp >= tv.evalRevealEnd && _cancel(id)) return;
                _warpTo(tv.publishEnd);
            }
        } else if (ph == IArenaTasks.Phase.Commit) {
            if (arena.getTask(id).validators >= 3 || !_commitScores(id, seed, seed)) {
                _warpTo(arena.getTask(id).commitEnd);
            }
        } else if (ph == IArenaTasks.Phase.Reveal) {
            if (!_revealScores(id, seed)) _warpTo(arena.getTask(id).revealEnd);
        } else if (!_cancel(id)) {
            _finalize(id, 8);
        }
    }

    function _warpTo(uint256 ts) internal {
        vm.warp(ts);
        ++calls["advance"];
        _after();
    }

    function commitSubmission(uint256 who, uint256 cidSeed) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Submission) _commitSubmission(id, who, cidSeed);
    }

    /// @dev Commits for the first trainer from `who` on with the stake (a later commit replaces the first).
    function _commitSubmission(uint256 id, uint256 who, uint256 cidSeed) internal returns (bool) {
        uint256 stake = arena.paramsOf(id).trainerStake;
        for (uint256 j; j < trainers.length; ++j) {
            address t = trainers[(who % trainers.length + j) % trainers.length];
            bool first = arena.trainerRecord(id, t).commitment == 0;
            if (first && vault.availableStake(t) < stake) continue;
            // a canonical CID from a small set: trainers often commit the same model
            string memory cid = Cids.fromDigest(keccak256(abi.encode(id, cidSeed % 6)));
            bytes32 c = arena.submissionCommitmentOf(id, t, cid, salt(t));
            vm.prank(t);
            arena.commitSubmission(id, c);
            if (first) lockedTotal[id] += stake;
            _lastCid[id][t] = cid;
            ++calls["commitSubmission"];
            _after();
            return true;
        }
        return false;
    }

    mapping(uint256 => mapping(address => string)) internal _lastCid;

    function revealSubmission(uint256 who) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Publish) _revealSubmission(id, who);
    }

    /// @dev Reveals for the first committed, unpublished trainer from `who` on whose model is unowned, or owned by a
    /// later committer (then it displaces it); never before the eval data; trainer 3 stays silent in one task of three.
    function _revealSubmission(uint256 id, uint256 who) internal returns (bool) {
        if (!arena.getTask(id).evalRevealed) return false;
        for (uint256 j; j < trainers.length; ++j) {
            uint256 ti = (who % trainers.length + j) % trainers.length;
            address t = trainers[ti];
            if (ti == 3 && id % 3 == 0) continue;
            IArenaTasks.TrainerRecord memory r = arena.trainerRecord(id, t);
            bytes32 h = keccak256(bytes(_lastCid[id][t]));
            if (r.commitment == 0 || r.published) continue;
            address owner = _owner[id][h];
            bool displaces;
            if (owner != address(0)) {
                IArenaTasks.TrainerRecord memory o = arena.trainerRecord(id, owner);
                if (!o.published || o.commitSeq < r.commitSeq) continue;
                displaces = true;
            }
            _owner[id][h] = t;
            vm.prank(t);
            arena.revealSubmission(id, _lastCid[id][t], salt(t));
            if (displaces) ++ghostDisplacements;
            ++calls["revealSubmission"];
            _after();
            return true;
        }
        return false;
    }

    mapping(uint256 => mapping(bytes32 => address)) internal _owner;

    function revealEval() external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Publish) _revealEval(id);
    }

    function _revealEval(uint256 id) internal returns (bool) {
        IArenaTasks.TaskView memory tv = arena.getTask(id);
        if (tv.evalRevealed || plan(id) == 1 || block.timestamp >= tv.evalRevealEnd) return false;
        vm.prank(creator);
        arena.revealEvalData(id, "bafyeval", evalSalt(id));
        ++calls["revealEval"];
        _after();
        return true;
    }

    function commitScores(uint256 who, uint256 noise) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Commit) _commitScores(id, who, noise);
    }

    /// @dev Commits scores for the first validator from `who` on with the stake (validator 0 is a liar: it scores the
    /// mirror of the truth; the others truth ± 50).
    function _commitScores(uint256 id, uint256 who, uint256 noise) internal returns (bool) {
        IArenaTasks.TaskView memory tv = arena.getTask(id);
        IArenaTasks.TaskParams memory p = arena.paramsOf(id);
        if (!tv.evalRevealed || tv.published < p.minSubmissions) return false;
        for (uint256 j; j < validators.length; ++j) {
            uint256 vi = (who % validators.length + j) % validators.length;
            address v = validators[vi];
            bool first = arena.validatorRecord(id, v).commitment == 0;
            if (first && (vault.availableStake(v) < p.minValidatorStake || tv.validators >= p.maxValidators))
            {
                continue;
            }
            // plan 3: "eval data unavailable" (the empty array)
            uint16[] memory s = new uint16[](plan(id) == 3 ? 0 : tv.published);
            for (uint256 i; i < s.length; ++i) {
                uint256 truth = (i * 3331) % 9000 + 500;
                s[i] = vi == 0
                    // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
                    ? uint16(10_000 - truth)
                    // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
                    : uint16(truth + uint256(keccak256(abi.encode(noise, i))) % 101 - 50);
            }
            _scores[id][v] = s;
            bytes32 c = arena.scoresCommitmentOf(id, v, s, salt(v));
            vm.prank(v);
            arena.commitScores(id, c);
            if (first) lockedTotal[id] += arena.validatorRecord(id, v).lock;
            ++calls["commitScores"];
            _after();
            return true;
        }
        return false;
    }

    function revealScores(uint256 who) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Reveal) _revealScores(id, who);
    }

    /// @dev Reveals for the first committed, unrevealed validator from `who` on (none when the plan is TooFewReveals).
    function _revealScores(uint256 id, uint256 who) internal returns (bool) {
        if (plan(id) == 2) return false;
        for (uint256 j; j < validators.length; ++j) {
            address v = validators[(who % validators.length + j) % validators.length];
            IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, v);
            if (r.commitment == 0 || r.revealed) continue;
            vm.prank(v);
            arena.revealScores(id, _scores[id][v], salt(v));
            ++calls["revealScores"];
            _after();
            return true;
        }
        return false;
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 3 minutes));
        ++calls["warp"];
        _after();
    }

    function finalize(uint256 steps) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Finalizing) _finalize(id, bound(steps, 1, 8));
    }

    function _finalize(uint256 id, uint256 steps) internal {
        vm.prank(keeper);
        arena.finalize(id, steps);
        ++calls["finalize"];
        _after();
    }

    function cancel() external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (taskIds.length == 0 || ph == IArenaTasks.Phase.Settled || ph == IArenaTasks.Phase.Cancelled) {
            return;
        }
        _cancel(id);
    }

    /// @dev Cancels the task when a cancellation is due (mirrors the contract's conditions).
    function _cancel(uint256 id) internal returns (bool) {
        if (!_cancelDue(id)) return false;
        arena.cancel(id);
        ++calls["cancel"];
        _after();
        return true;
    }

    /// @dev The contract's `dueCancelReason` != None, recomputed from the views.
    function _cancelDue(uint256 id) internal view returns (bool) {
        IArenaTasks.TaskView memory tv = arena.getTask(id);
        IArenaTasks.TaskParams memory p = arena.paramsOf(id);
        if (tv.stage != IArenaTasks.Stage.None || block.timestamp < tv.evalRevealEnd) return false;
        if (!tv.evalRevealed) return true;
        if (block.timestamp < tv.publishEnd) return false;
        if (tv.published < p.minSubmissions) return true;
        if (block.timestamp < tv.revealEnd) return false;
        address[] memory vs = arena.validatorsOf(id);
        uint256 unavailable;
        uint256 scoring;
        uint256 scorers;
        for (uint256 j; j < vs.length; ++j) {
            IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, vs[j]);
            if (!r.revealed) continue;
            if (r.unavailable) {
                unavailable += r.lock;
            } else {
                scoring += r.lock;
                ++scorers;
            }
        }
        return (unavailable > scoring && unavailable >= p.minRevealedStake) || scorers < p.minReveals
            || scoring < p.minRevealedStake;
    }

    // ─── the delegator: pending deposits ───────────────────────────────────────────────────────

    function _operators() internal view returns (address[] memory ops) {
        ops = new address[](trainers.length + validators.length);
        for (uint256 i; i < trainers.length; ++i) {
            ops[i] = trainers[i];
        }
        for (uint256 i; i < validators.length; ++i) {
            ops[trainers.length + i] = validators[i];
        }
    }

    function operators() external view returns (address[] memory) {
        return _operators();
    }

    /// @notice Delegates to a participant's pool: while a lock is outstanding the deposit waits (pending); a pending
    /// deposit whose locks are released is activated first.
    function delegate(uint256 opSeed, uint256 amount) external {
        _tick();
        address[] memory ops = _operators();
        address op = ops[opSeed % ops.length];
        amount = bound(amount, 1e18, 20_000e18);
        (IStakingVault.PendingDeposit memory d, bool ok) = vault.pendingOf(op, delegator);
        token.mint(delegator, amount);
        vm.prank(delegator);
        uint256 shares = vault.delegate(op, amount);
        if (ok) ghostPending[op] -= d.assets;
        if (shares == 0) ghostPending[op] += amount;
        ++calls["delegate"];
        _after();
    }

    function activate(uint256 opSeed) external {
        _tick();
        address[] memory ops = _operators();
        for (uint256 i; i < ops.length; ++i) {
            address op = ops[(opSeed % ops.length + i) % ops.length];
            (IStakingVault.PendingDeposit memory d, bool ok) = vault.pendingOf(op, delegator);
            if (!ok) continue;
            vault.activate(op, delegator);
            ghostPending[op] -= d.assets;
            ++calls["activate"];
            _after();
            return;
        }
    }

    function cancelPending(uint256 opSeed) external {
        _tick();
        address[] memory ops = _operators();
        for (uint256 i; i < ops.length; ++i) {
            address op = ops[(opSeed % ops.length + i) % ops.length];
            (IStakingVault.PendingDeposit memory d,) = vault.pendingOf(op, delegator);
            if (d.assets == 0) continue;
            vm.prank(delegator);
            ghostPending[op] -= vault.cancelPending(op);
            ++calls["cancelPending"];
            _after();
            return;
        }
    }

    /// @dev Claims in a random ended task, for the first account from `who` on with an unclaimed claim.
    function claim(uint256 taskSeed, uint256 who) external {
        _tick();
        if (taskIds.length == 0) return;
        uint256 id = taskIds[bound(taskSeed, 0, taskIds.length - 1)];
        IArenaTasks.Phase ph = arena.phaseOf(id);
        if (ph == IArenaTasks.Phase.Settled || ph == IArenaTasks.Phase.Cancelled) _claimIn(id, who);
    }

    /// @dev Claims in ended task `id` for the first account from `who` on with an unclaimed claim; false when none.
    function _claimIn(uint256 id, uint256 who) internal returns (bool) {
        address[] memory all = this.actors();
        for (uint256 j; j < all.length; ++j) {
            address a = all[(who % all.length + j) % all.length];
            if (claimCount[id][a] != 0 || !_hasClaim(id, a)) continue;
            uint256 amount = arena.claim(id, a);
            claimCount[id][a] += 1;
            paidOut[id] += amount;
            ++calls["claim"];
            _after();
            return true;
        }
        return false;
    }

    function _hasClaim(uint256 id, address a) internal view returns (bool) {
        if (a == creator) return arena.claimable(id, a) != 0;
        return arena.trainerRecord(id, a).commitment != 0 || arena.validatorRecord(id, a).commitment != 0;
    }

    function scoresOf(uint256 id, address v) external view returns (uint16[] memory) {
        return _scores[id][v];
    }

    function printCalls() external view {
        string[15] memory names = [
            "create",
            "cancelBeforeStart",
            "commitSubmission",
            "revealSubmission",
            "revealEval",
            "commitScores",
            "revealScores",
            "advance",
            "warp",
            "finalize",
            "cancel",
            "claim",
            "delegate",
            "activate",
            "cancelPending"
        ];
        for (uint256 i; i < names.length; ++i) {
            console.log(names[i], calls[bytes32(bytes(names[i]))]);
        }
        console.log("tasks settled", settledTasks);
        console.log("tasks cancelled", cancelledTasks);
        console.log("models displaced", ghostDisplacements);
    }
}
