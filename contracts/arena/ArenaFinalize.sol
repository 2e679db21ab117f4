// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IArenaTasks} from "../interfaces/IArenaTasks.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {ArenaStorage} from "./ArenaStorage.sol";
import {RewardMath} from "../libraries/RewardMath.sol";
import {WeightedMedian} from "../libraries/WeightedMedian.sol";

/// @title ArenaTasks finalization and cancellation (an external library: ArenaTasks calls it by DELEGATECALL)
/// @notice The stages of `IArenaTasks.finalize` (consensus, validator judgement, ranking, settlement) and every
/// cancellation. It runs in ArenaTasks' context: it reads and writes ArenaTasks' storage through the `Layout` pointer,
/// its events are ArenaTasks' events (declared in `IArenaTasks`, same signatures), and its token transfers and vault
/// calls are made by ArenaTasks. It exists so that ArenaTasks fits EIP-170's 24,576-byte code-size limit.
/// @dev Deployment: forge links it automatically (`forge script`, tests); any other deployer must deploy it first and
/// link its address into ArenaTasks' bytecode.
library ArenaFinalize {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev The revealed validators of a task, loaded once per consensus batch.
    struct Revealed {
        uint256 n;
        uint256 totalWeight;
        uint256[] vIndex;
        uint256[] weight;
        uint256[] distanceSum;
        uint256[] maxDistance;
        address[] account;
        uint256[] words;
        uint256[] keys;
        uint256 minScore;
        uint256 spamScore;
    }

    /// @notice Runs `finalize(taskId, maxSteps)` once ArenaTasks checked the phase and `maxSteps != 0`: cancels the task
    /// when a cancellation is due, else does up to `maxSteps` units of work, pays the keeper and, when done, the
    /// treasury.
    function finalize(
        ArenaStorage.Layout storage s,
        IERC20 token,
        IProtocolConfig config,
        IStakingVault vault,
        uint256 taskId,
        uint256 maxSteps
    ) external returns (bool done) {
        ArenaStorage.Task storage t = s.tasks[taskId];
        if (t.stage == IArenaTasks.Stage.None) {
            IArenaTasks.CancelReason reason = ArenaStorage.dueCancelReason(s, taskId, t);
            if (reason != IArenaTasks.CancelReason.None) {
                _cancel(s, token, config, vault, taskId, reason);
                return true;
            }
            _startFinalization(s, taskId, t);
        }
        uint256 steps = _advance(s, vault, taskId, t, maxSteps);
        done = t.stage == IArenaTasks.Stage.Done;
        uint256 bounty = _takeBounty(s, taskId, t, steps, done);
        uint256 toTreasury = done ? _closeSettlement(s, taskId, t) : 0;
        emit IArenaTasks.FinalizeProgressed(taskId, msg.sender, t.stage, t.cursor, steps, bounty);
        if (bounty != 0) token.safeTransfer(msg.sender, bounty);
        if (toTreasury != 0) token.safeTransfer(config.treasury(), toTreasury);
    }

    /// @notice Cancels `taskId` for `reason` (ArenaTasks checked that it is due); sends the treasury its share.
    function cancel(
        ArenaStorage.Layout storage s,
        IERC20 token,
        IProtocolConfig config,
        IStakingVault vault,
        uint256 taskId,
        IArenaTasks.CancelReason reason
    ) external {
        _cancel(s, token, config, vault, taskId, reason);
    }

    // ─── cancellation ──────────────────────────────────────────────────────────────────────────

    function _cancel(
        ArenaStorage.Layout storage s,
        IERC20 token,
        IProtocolConfig config,
        IStakingVault vault,
        uint256 taskId,
        IArenaTasks.CancelReason reason
    ) private {
        ArenaStorage.Task storage t = s.tasks[taskId];
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        uint256 pool = t.rewardPool;
        uint256 bond = t.bond;
        uint256 refund;
        uint256 toTreasury;
        if (
            reason == IArenaTasks.CancelReason.ByCreator
                || reason == IArenaTasks.CancelReason.TooFewSubmissions
        ) {
            // the creator is not at fault: everything back (with too few submissions, the few published models are
            // public; a creator cannot cheaply cause that — blocking slots costs TRAINER_NON_REVEAL_SLASH_BPS each)
            refund = pool + bond;
        } else if (reason == IArenaTasks.CancelReason.EvalDataNotRevealed) {
            // no model was published (trainers reveal only after the eval data): the pool back, the bond forfeited
            refund = pool;
            toTreasury = bond;
        } else if (reason == IArenaTasks.CancelReason.TooFewReveals) {
            // the models are public: the pool is not refunded (a creator cannot get models for free by starving the
            // validators); the bond is returned, the creator did its part
            refund = bond;
            toTreasury = pool + _slashNonRevealers(s, vault, taskId, t);
        } else {
            // CreatorDefault: the validators could not use the revealed eval data
            toTreasury = pool + bond + _slashNonRevealers(s, vault, taskId, t);
        }
        st.creatorRefund = refund.toUint128();
        st.protocolFee += toTreasury.toUint128();
        t.status = ArenaStorage.Status.Cancelled;
        t.cancelReason = reason;
        emit IArenaTasks.TaskCancelled(taskId, reason, refund, 0);
        toTreasury = st.protocolFee;
        if (toTreasury != 0) token.safeTransfer(config.treasury(), toTreasury);
    }

    /// @dev Slashes every validator that committed and did not reveal; returns the pot part (it goes to the treasury
    /// with the treasury part: a cancelled task has no pot, and the creator must not profit from it).
    function _slashNonRevealers(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ArenaStorage.Task storage t
    ) private returns (uint256 net) {
        IArenaTasks.TaskParams storage p = s.params[taskId];
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        uint256 n = t.validators;
        for (uint256 j; j < n; ++j) {
            address a = s.validatorAt[taskId][j];
            IArenaTasks.ValidatorRecord storage r = s.validators[taskId][a];
            if (r.revealed) continue;
            r.outcome = IArenaTasks.ValidatorOutcome.SlashedNonReveal;
            net += _slash(
                vault,
                taskId,
                a,
                RewardMath.bpsOf(r.lock, p.nonRevealSlashBps),
                IArenaTasks.SlashReason.NonReveal,
                p,
                st
            );
            emit IArenaTasks.ValidatorJudged(
                taskId, a, IArenaTasks.ValidatorOutcome.SlashedNonReveal, 0, 0, 0
            );
        }
    }

    /// @dev Slashes up to `amount` of `account`'s lock; books the treasury share; returns the rest (for a pot).
    function _slash(
        IStakingVault vault,
        uint256 taskId,
        address account,
        uint256 amount,
        IArenaTasks.SlashReason reason,
        IArenaTasks.TaskParams storage p,
        IArenaTasks.Settlement storage st
    ) private returns (uint256 toPot) {
        if (amount == 0) return 0;
        uint256 slashed = vault.slash(taskId, account, amount);
        uint256 toTreasury;
        (toTreasury, toPot) = RewardMath.splitSlash(slashed, p.slashTreasuryBps);
        st.slashed += slashed.toUint128(); // ≤ the token supply, a uint128
        st.protocolFee += toTreasury.toUint128();
        emit IArenaTasks.ParticipantSlashed(taskId, account, reason, slashed, toTreasury);
    }

    // ─── stages ────────────────────────────────────────────────────────────────────────────────

    function _startFinalization(ArenaStorage.Layout storage s, uint256 taskId, ArenaStorage.Task storage t)
        private
    {
        IArenaTasks.TaskParams storage p = s.params[taskId];
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        (uint256 fee,, uint256 vPot, uint256 tPot) =
            RewardMath.splitPool(t.rewardPool, p.protocolFeeBps, p.keeperBountyBps, p.validatorShareBps);
        // each part ≤ the pool, a uint128
        st.protocolFee = fee.toUint128();
        st.validatorPot = vPot.toUint128();
        st.trainerPot = tPot.toUint128();
        t.stage = IArenaTasks.Stage.Consensus;
    }

    /// @dev Runs up to `maxSteps` units through the stages; a stage that ends mid-call hands the rest to the next one.
    function _advance(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 maxSteps
    ) private returns (uint256 steps) {
        uint256 left = maxSteps;
        while (left != 0) {
            IArenaTasks.Stage stage = t.stage;
            uint256 used;
            if (stage == IArenaTasks.Stage.Consensus) {
                used = _consensusBatch(s, vault, taskId, t, left);
            } else if (stage == IArenaTasks.Stage.Validators) {
                used = _validatorBatch(s, vault, taskId, t, left);
            } else if (stage == IArenaTasks.Stage.Ranking) {
                used = _rankingBatch(s, taskId, t, left);
            } else {
                break;
            }
            // unchecked: every batch uses at most `left` units
            unchecked {
                left -= used;
                steps += used;
            }
        }
    }

    /// @dev The end of a batch of at most `left` units starting at `from` in a stage of `n` units.
    function _batchEnd(uint256 from, uint256 n, uint256 left) private pure returns (uint256) {
        return left < n - from ? from + left : n;
    }

    function _moveCursor(ArenaStorage.Task storage t, uint256 to, uint256 n, IArenaTasks.Stage next) private {
        if (to == n) {
            t.stage = next;
            t.cursor = 0;
        } else {
            t.cursor = to.toUint16(); // < n ≤ published, a uint16
        }
    }

    // ─── stage 1: consensus ────────────────────────────────────────────────────────────────────

    function _consensusBatch(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 left
    ) private returns (uint256) {
        uint256 from = t.cursor;
        uint256 n = t.published;
        uint256 to = _batchEnd(from, n, left);
        if (to > from) _runConsensus(s, vault, taskId, t, from, to);
        _moveCursor(t, to, n, IArenaTasks.Stage.Validators);
        return to - from;
    }

    /// @dev Consensus of submissions [from, to), 16 at a time so that one SLOAD per validator serves 16 submissions.
    /// The validators' running distance sums stay in memory and are written back once per batch.
    function _runConsensus(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 from,
        uint256 to
    ) private {
        Revealed memory c = _loadRevealed(s, taskId, t.validators);
        IArenaTasks.TaskParams storage p = s.params[taskId];
        c.minScore = p.minScore;
        c.spamScore = p.spamScore;
        uint256 eligible = t.eligible;
        uint256 contested = t.contested;
        for (uint256 i = from; i < to;) {
            uint256 end = ((i >> 4) + 1) << 4;
            if (end > to) end = to;
            _loadWords(s.scoreWords[taskId], c, i >> 4);
            for (; i < end; ++i) {
                // unchecked: eligible ≤ published < 2^16
                unchecked {
                    uint256 outcome = _consensusOne(s, vault, taskId, c, i);
                    if (outcome == 2) ++contested;
                    else eligible += outcome;
                }
            }
        }
        t.eligible = eligible.toUint16(); // ≤ published, a uint16
        t.contested = contested.toUint16();
        mapping(address => IArenaTasks.ValidatorRecord) storage records = s.validators[taskId];
        for (uint256 k; k < c.n; ++k) {
            // ≤ published · 10000 < 2^32
            IArenaTasks.ValidatorRecord storage r = records[c.account[k]];
            r.distanceSum = c.distanceSum[k].toUint32();
            r.maxDistance = c.maxDistance[k].toUint16();
        }
    }

    /// @dev Loads score word `w` of every revealed validator.
    function _loadWords(mapping(uint256 => uint256) storage scoreWords, Revealed memory c, uint256 w)
        private
        view
    {
        uint256[] memory words = c.words;
        uint256[] memory vIndex = c.vIndex;
        for (uint256 k; k < c.n; ++k) {
            words[k] = scoreWords[ArenaStorage.scoreKey(vIndex[k], w)];
        }
    }

    /// @dev Submission `i`'s consensus (its scores are in `c.words`); returns 1 when it reaches minScore, 2 when the
    /// stake splits evenly around it, else 0.
    /// An even split (exactly half of the weight at or below the lower median L, half above) is no consensus: the
    /// submission gets consensus 0 and no reward, nobody is slashed as spam for it, the validators inside [L, U] (U the
    /// lowest score above L) are not judged on it — only those outside, by their distance to the interval — and the
    /// validator pot shrinks by its share (`_closeValidators`), so a coalition that forces ties earns less than it
    /// would have by scoring honestly.
    function _consensusOne(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        Revealed memory c,
        uint256 i
    ) private returns (uint256) {
        (uint256 m, uint256 upper) = _median(c, i & 15);
        if (upper != 0) {
            emit IArenaTasks.ConsensusContested(taskId, i.toUint16(), m.toUint16(), (upper - 1).toUint16());
            s.submissions[taskId][i].contested = true;
            _recordConsensus(s, vault, taskId, i, 0, false);
            return 2;
        }
        _recordConsensus(s, vault, taskId, i, m, m < c.spamScore);
        return m >= c.minScore ? 1 : 0;
    }

    function _loadRevealed(ArenaStorage.Layout storage s, uint256 taskId, uint256 validators)
        private
        view
        returns (Revealed memory c)
    {
        c.vIndex = new uint256[](validators);
        c.weight = new uint256[](validators);
        c.distanceSum = new uint256[](validators);
        c.maxDistance = new uint256[](validators);
        c.account = new address[](validators);
        mapping(uint256 => address) storage at = s.validatorAt[taskId];
        mapping(address => IArenaTasks.ValidatorRecord) storage records = s.validators[taskId];
        uint256 n;
        uint256 total;
        for (uint256 j; j < validators; ++j) {
            address a = at[j];
            IArenaTasks.ValidatorRecord storage r = records[a];
            if (!r.revealed || r.unavailable) continue;
            uint256 lock = r.lock;
            c.vIndex[n] = j;
            c.weight[n] = lock;
            c.distanceSum[n] = r.distanceSum;
            c.maxDistance[n] = r.maxDistance;
            c.account[n] = a;
            // unchecked: n < validators; Σ locks of ≤ 2^16 uint128 values < 2^144
            unchecked {
                ++n;
                total += lock;
            }
        }
        c.n = n;
        c.totalWeight = total;
        c.words = new uint256[](n);
        c.keys = new uint256[](n);
    }

    /// @dev The consensus of score `slot` of the revealed validators' words, weighted by their locks: the stake-weighted
    /// lower median m. When exactly half of the weight is at or below m (an even split, no majority on either side),
    /// returns upper = 1 + the lowest score above m (0 otherwise) and judges nobody; else adds each validator's distance
    /// to m to its `distanceSum` and keeps its largest distance in `maxDistance`. Assembly: no bounds checks, no calls.
    function _median(Revealed memory c, uint256 slot) private pure returns (uint256 m, uint256 upper) {
        uint256[] memory words = c.words;
        uint256[] memory weight = c.weight;
        uint256[] memory keys = c.keys;
        uint256 n = keys.length;
        assembly ("memory-safe") {
            let shift := shl(4, slot)
            let wp := add(words, 0x20)
            let gp := add(weight, 0x20)
            let kp := add(keys, 0x20)
            let end := shl(5, n)
            for { let o := 0 } lt(o, end) { o := add(o, 0x20) } {
                // key = score << 128 | weight (weight = a uint128 lock)
                mstore(
                    add(kp, o),
                    or(shl(128, and(shr(shift, mload(add(wp, o))), 0xffff)), mload(add(gp, o)))
                )
            }
        }
        m = WeightedMedian.lowerMedianOfKeys(keys, c.totalWeight);
        upper = _spread(c, slot, m);
    }

    /// @dev After `_median`: detects an even split around `m` (returns 1 + the lowest score above m), else adds the
    /// validators' distances to m.
    function _spread(Revealed memory c, uint256 slot, uint256 m) private pure returns (uint256 upper) {
        uint256[] memory words = c.words;
        uint256[] memory weight = c.weight;
        uint256 total = c.totalWeight;
        uint256 end = c.n << 5;
        uint256 shift = slot << 4;
        uint256 atOrBelow;
        uint256 above = 0x10000;
        assembly ("memory-safe") {
            let wp := add(words, 0x20)
            let gp := add(weight, 0x20)
            for { let o := 0 } lt(o, end) { o := add(o, 0x20) } {
                let sc := and(shr(shift, mload(add(wp, o))), 0xffff)
                switch gt(sc, m)
                case 0 { atOrBelow := add(atOrBelow, mload(add(gp, o))) }
                default { if lt(sc, above) { above := sc } }
            }
        }
        if (atOrBelow << 1 == total) {
            _addDistances(c, shift, m, above);
            return above + 1;
        }
        _addDistances(c, shift, m, m);
    }

    /// @dev Adds each revealed validator's distance to [lo, hi] (the consensus, or an even split's interval) to its
    /// `distanceSum`, keeps the largest in `maxDistance`.
    function _addDistances(Revealed memory c, uint256 shift, uint256 lo, uint256 hi) private pure {
        uint256[] memory words = c.words;
        uint256[] memory distanceSum = c.distanceSum;
        uint256[] memory maxDistance = c.maxDistance;
        uint256 end = c.n << 5;
        assembly ("memory-safe") {
            let wp := add(words, 0x20)
            let dp := add(distanceSum, 0x20)
            let xp := add(maxDistance, 0x20)
            for { let o := 0 } lt(o, end) { o := add(o, 0x20) } {
                let sc := and(shr(shift, mload(add(wp, o))), 0xffff)
                let d := 0
                if gt(sc, hi) { d := sub(sc, hi) }
                if lt(sc, lo) { d := sub(lo, sc) }
                // each term ≤ 10000 and the sum stays < 2^32 (≤ published · 10000)
                let q := add(dp, o)
                mstore(q, add(mload(q), d))
                let x := add(xp, o)
                if gt(d, mload(x)) { mstore(x, d) }
            }
        }
    }

    /// @dev Stores submission `i`'s consensus, emits it, slashes the trainer when `spam`.
    function _recordConsensus(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        uint256 i,
        uint256 m,
        bool spam
    ) private {
        IArenaTasks.Submission storage sub = s.submissions[taskId][i];
        sub.consensus = m.toUint16(); // a median of uint16 scores
        address trainer = sub.trainer;
        emit IArenaTasks.ConsensusComputed(taskId, i.toUint16(), trainer, m.toUint16());
        if (spam) {
            sub.spam = true;
            IArenaTasks.TaskParams storage p = s.params[taskId];
            IArenaTasks.Settlement storage st = s.settlements[taskId];
            uint256 amount = RewardMath.bpsOf(p.trainerStake, p.spamSlashBps);
            // ≤ the token supply
            st.trainerPot += (_slash(vault, taskId, trainer, amount, IArenaTasks.SlashReason.Spam, p, st))
            .toUint128();
        }
    }

    // ─── stage 2: validators ───────────────────────────────────────────────────────────────────

    function _validatorBatch(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 left
    ) private returns (uint256) {
        uint256 from = t.cursor;
        uint256 n = t.validators;
        uint256 to = _batchEnd(from, n, left);
        IArenaTasks.TaskParams storage p = s.params[taskId];
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        // mean distances are over the submissions validators were judged on (contested ones are not)
        uint256 published = t.published - t.contested;
        for (uint256 j = from; j < to; ++j) {
            _judge(s, vault, taskId, j, published, p, st);
        }
        _moveCursor(t, to, n, IArenaTasks.Stage.Ranking);
        if (to == n) {
            _shrinkValidatorPot(t, st);
            _closeValidators(s, taskId, n, p, st);
            _openRanking(t, p, st);
        }
        return to - from;
    }

    /// @dev Judges validator `j`. Every reveal scores every published submission, so all validators scored the same
    /// number of submissions: the SPEC's "× submissions scored" factor is common to all and cancels out of the shares.
    function _judge(
        ArenaStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        uint256 j,
        uint256 published,
        IArenaTasks.TaskParams storage p,
        IArenaTasks.Settlement storage st
    ) private {
        address a = s.validatorAt[taskId][j];
        IArenaTasks.ValidatorRecord storage r = s.validators[taskId][a];
        if (!r.revealed) {
            r.outcome = IArenaTasks.ValidatorOutcome.SlashedNonReveal;
            uint256 amount = RewardMath.bpsOf(r.lock, p.nonRevealSlashBps);
            st.validatorPot += (_slash(vault, taskId, a, amount, IArenaTasks.SlashReason.NonReveal, p, st))
            .toUint128();
            emit IArenaTasks.ValidatorJudged(
                taskId, a, IArenaTasks.ValidatorOutcome.SlashedNonReveal, 0, 0, 0
            );
            return;
        }
        uint256 d = published == 0 ? 0 : r.distanceSum / published;
        r.distance = d.toUint16(); // a mean of distances ≤ 10000
        // deviating: a mean distance above the slash tolerance, any single score too far from its consensus, or "eval
        // data unavailable" when the scoring majority could use it
        if (d > p.slashTolerance || r.maxDistance > p.maxScoreDeviation || r.unavailable) {
            r.outcome = IArenaTasks.ValidatorOutcome.SlashedDeviation;
            uint256 amount = RewardMath.bpsOf(r.lock, p.deviationSlashBps);
            st.validatorPot += (_slash(vault, taskId, a, amount, IArenaTasks.SlashReason.Deviation, p, st))
            .toUint128();
            emit IArenaTasks.ValidatorJudged(
                taskId, a, IArenaTasks.ValidatorOutcome.SlashedDeviation, d.toUint16(), 0, 0
            );
        } else if (d <= p.validatorTolerance) {
            r.outcome = IArenaTasks.ValidatorOutcome.Rewarded;
            st.validatorWeightSum += ArenaStorage.validatorWeight(r, p.validatorTolerance);
            st.rewardedValidators += 1;
        } else {
            r.outcome = IArenaTasks.ValidatorOutcome.Neutral;
            emit IArenaTasks.ValidatorJudged(
                taskId, a, IArenaTasks.ValidatorOutcome.Neutral, d.toUint16(), 0, 0
            );
        }
    }

    /// @dev Even splits (contested submissions) earn the validators nothing: the pot keeps the agreed share only, the
    /// rest goes to the treasury.
    function _shrinkValidatorPot(ArenaStorage.Task storage t, IArenaTasks.Settlement storage st) private {
        uint256 contested = t.contested;
        if (contested == 0) return;
        uint256 published = t.published;
        uint256 pot = st.validatorPot;
        uint256 kept = pot * (published - contested) / published;
        st.validatorPot = kept.toUint128();
        st.protocolFee += (pot - kept).toUint128();
    }

    /// @dev Once the validator pot is final: the rewarded validators' events, the dust (or an unclaimed pot) to the
    /// treasury.
    function _closeValidators(
        ArenaStorage.Layout storage s,
        uint256 taskId,
        uint256 n,
        IArenaTasks.TaskParams storage p,
        IArenaTasks.Settlement storage st
    ) private {
        uint256 pot = st.validatorPot;
        uint256 total = st.validatorWeightSum;
        if (total == 0) {
            st.protocolFee += pot.toUint128();
            st.validatorPot = 0;
            return;
        }
        uint256 tolerance = p.validatorTolerance;
        uint256 paid;
        for (uint256 j; j < n; ++j) {
            address a = s.validatorAt[taskId][j];
            IArenaTasks.ValidatorRecord storage r = s.validators[taskId][a];
            if (r.outcome != IArenaTasks.ValidatorOutcome.Rewarded) continue;
            uint256 weight = ArenaStorage.validatorWeight(r, tolerance);
            uint256 reward = RewardMath.proRata(pot, weight, total);
            paid += reward;
            emit IArenaTasks.ValidatorJudged(
                taskId, a, IArenaTasks.ValidatorOutcome.Rewarded, r.distance, weight, reward
            );
        }
        st.protocolFee += (pot - paid).toUint128();
    }

    /// @dev Once the trainer pot is final: the geometric weight sum over the eligible ranks (or the pot to the treasury).
    function _openRanking(
        ArenaStorage.Task storage t,
        IArenaTasks.TaskParams storage p,
        IArenaTasks.Settlement storage st
    ) private {
        uint256 eligible = t.eligible;
        if (eligible == 0) {
            st.protocolFee += st.trainerPot;
            st.trainerPot = 0;
            return;
        }
        st.trainerWeightSum = RewardMath.rankWeightSum(RewardMath.decayWad(p.rankDecayBps), eligible);
        st.paidTrainers = eligible.toUint16();
    }

    // ─── stage 3: ranking ──────────────────────────────────────────────────────────────────────

    function _rankingBatch(
        ArenaStorage.Layout storage s,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 left
    ) private returns (uint256) {
        uint256 from = t.cursor;
        uint256 n = t.published;
        uint256 to = _batchEnd(from, n, left);
        if (to > from) _runRanking(s, taskId, t, from, to);
        _moveCursor(t, to, n, IArenaTasks.Stage.Done);
        return to - from;
    }

    /// @dev Ranks [from, to): rank = number of submissions with a higher consensus, or an equal one and an earlier
    /// commit (commit sequence numbers are unique, so ranks are a permutation of 0..n-1).
    function _runRanking(
        ArenaStorage.Layout storage s,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 from,
        uint256 to
    ) private {
        uint256 n = t.published;
        mapping(uint256 => IArenaTasks.Submission) storage subs = s.submissions[taskId];
        uint256[] memory keys = new uint256[](n);
        for (uint256 j; j < n; ++j) {
            IArenaTasks.Submission storage sub = subs[j];
            keys[j] = (uint256(sub.consensus) << 32) | (type(uint32).max - sub.commitSeq);
        }
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        uint256 decay = RewardMath.decayWad(s.params[taskId].rankDecayBps);
        uint256 paid;
        for (uint256 i = from; i < to; ++i) {
            uint256 rank = _rankOf(keys, i);
            IArenaTasks.Submission storage sub = subs[i];
            sub.rank = rank.toUint16(); // < n, a uint16
            uint256 reward = ArenaStorage.trainerReward(st, decay, rank);
            paid += reward;
            emit IArenaTasks.SubmissionRanked(
                taskId, i.toUint16(), sub.trainer, rank.toUint16(), sub.consensus, reward
            );
        }
        t.trainerPaid += paid.toUint128(); // ≤ trainerPot
    }

    /// @dev The number of keys above `keys[i]` (i < keys.length).
    function _rankOf(uint256[] memory keys, uint256 i) private pure returns (uint256 rank) {
        assembly ("memory-safe") {
            let p := add(keys, 0x20)
            let mine := mload(add(p, shl(5, i)))
            let end := add(p, shl(5, mload(keys)))
            // rank < n: one per key at most
            for {} lt(p, end) { p := add(p, 0x20) } { rank := add(rank, gt(mload(p), mine)) }
        }
    }

    // ─── settlement ────────────────────────────────────────────────────────────────────────────

    /// @dev This call's keeper bounty: ∝ its units of work; the settling call takes the remainder.
    function _takeBounty(
        ArenaStorage.Layout storage s,
        uint256 taskId,
        ArenaStorage.Task storage t,
        uint256 steps,
        bool done
    ) private returns (uint256 bounty) {
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        uint256 total = RewardMath.bpsOf(t.rewardPool, s.params[taskId].keeperBountyBps);
        uint256 paid = st.keeperBounty;
        uint256 units = 2 * uint256(t.published) + t.validators;
        if (done) bounty = total - paid;
        else bounty = RewardMath.proRata(total, steps, units);
        st.keeperBounty = (paid + bounty).toUint128(); // ≤ total
    }

    /// @dev Settles: trainer dust to the treasury; returns what the treasury receives now.
    function _closeSettlement(ArenaStorage.Layout storage s, uint256 taskId, ArenaStorage.Task storage t)
        private
        returns (uint256)
    {
        IArenaTasks.Settlement storage st = s.settlements[taskId];
        st.protocolFee += st.trainerPot - t.trainerPaid;
        // the creator did its part: its bond is claimable
        st.creatorRefund = t.bond;
        t.status = ArenaStorage.Status.Settled;
        emit IArenaTasks.TaskSettled(
            taskId,
            st.trainerPot,
            st.validatorPot,
            st.protocolFee,
            st.keeperBounty,
            st.slashed,
            st.paidTrainers,
            st.rewardedValidators
        );
        return st.protocolFee;
    }
}
