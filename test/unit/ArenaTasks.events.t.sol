// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Every field of every event `ArenaTasks` emits: the off-chain indexer sees only events. Each expected value is
/// computed here from the inputs, the config and the rules of `IArenaTasks` (a reference model of the stake-weighted
/// lower median, the distances, the judgement, the ranking and the pot arithmetic), never copied from a run.
///
/// Main scenario (default config): 4 training nodes, 7 validators, 3 published submissions.
/// - trainers: tr0 commits a draft (seq 1), tr1 (2), tr2 (3), tr3 (4), tr0 replaces its draft (5); tr0, tr1, tr2
///   publish (indices 0, 1, 2); tr3 never publishes (slashed at claim).
/// - validators (lock = stake): v0 50k (commits a draft, then replaces it), v1 40k, v2 30k, v3 25k (one score 3500 off:
///   deviation), v4 17k (mean distance 1300: neutral), v5 10k (never reveals), v6 5k ("eval data unusable").
/// - scores (sub0, sub1, sub2): v0 8000/7500/500, v1 7000/8000/800, v2 9000/7000/300, v3 7500/4000/600,
///   v4 6500/9000/2000. Scoring stake 162k (v0..v4), a median needs 81k at or below it:
///   sub0 6500(17) 7000(57) 7500(82) → 7500; sub1 4000(25) 7000(55) 7500(105) → 7500; sub2 300(30) 500(80) 600(105) → 600
///   (spam, < 1000). sub0 and sub1 tie at 7500: sub1 (commit seq 2) ranks before sub0 (seq 5).
///   Mean distances: v0 (500+0+100)/3 = 200, v1 (500+500+200)/3 = 400, v2 (1500+500+300)/3 = 766,
///   v3 (0+3500+0)/3 = 1166 (max 3500 > 2500), v4 (1000+1500+1400)/3 = 1300.
contract ArenaTasksEventsTest is ArenaBaseTest {
    uint256 internal constant NONE = type(uint256).max;
    /// @dev `_defaultParams`' minScore and spamScore (checked in `test_scenario_referenceModelMatchesHandFigures`).
    uint256 internal constant MIN_SCORE = 5000;
    uint256 internal constant SPAM_SCORE = 1000;

    uint256 internal id;

    // ─── the scenario the reference model reads ────────────────────────────────────────────────
    address[] internal va; // validators, in commit (= index) order
    uint256[] internal stakeOf; // their stakes (= their locks: all below VALIDATOR_LOCK_CAP)
    uint16[][] internal sc; // their scores (empty for the "unusable" one)
    uint256 internal silent = NONE; // the validator that commits and never reveals
    uint256 internal unavailable = NONE; // the validator that reveals "eval data unusable"
    address[] internal subTrainer; // the trainer of each published submission
    uint32[] internal subSeq; // its commit sequence number
    address[] internal tr; // main scenario: tr[0..2] publish, tr[3] never does

    // ─── config (the defaults ProtocolConfig registers) ────────────────────────────────────────

    function _p(bytes32 key) internal view returns (uint256) {
        return config.get(key);
    }

    function _bps(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return amount * bps / BPS;
    }

    // ─── independent commitments ───────────────────────────────────────────────────────────────

    function _modelCommitment(address trainer, string memory cid) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(arena), id, trainer, cid, _salt(trainer)));
    }

    function _scoresCommitment(address validator, uint16[] memory scores) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(arena), id, validator, scores, _salt(validator)));
    }

    function _commitModel(address trainer, string memory cid) internal {
        bytes32 c = _modelCommitment(trainer, cid);
        vm.prank(trainer);
        arena.commitSubmission(id, c);
    }

    function _commitScoresOf(uint256 v, uint16[] memory scores) internal {
        bytes32 c = _scoresCommitment(va[v], scores);
        vm.prank(va[v]);
        arena.commitScores(id, c);
    }

    // ─── main scenario ─────────────────────────────────────────────────────────────────────────

    function _mainActors() internal {
        for (uint256 i; i < 4; ++i) {
            tr.push(_trainerAt(i));
        }
        uint256[7] memory stakes =
            [uint256(50_000e18), 40_000e18, 30_000e18, 25_000e18, 17_000e18, 10_000e18, 5000e18];
        for (uint256 v; v < 7; ++v) {
            va.push(_validatorWithStake(v, stakes[v]));
            stakeOf.push(stakes[v]);
        }
        sc.push(_row(8000, 7500, 500));
        sc.push(_row(7000, 8000, 800));
        sc.push(_row(9000, 7000, 300));
        sc.push(_row(7500, 4000, 600));
        sc.push(_row(6500, 9000, 2000));
        sc.push(_row(7000, 7000, 700)); // committed, never revealed
        sc.push(new uint16[](0)); // "the eval data could not be used"
        silent = 5;
        unavailable = 6;
        subTrainer.push(tr[0]);
        subTrainer.push(tr[1]);
        subTrainer.push(tr[2]);
        subSeq.push(5);
        subSeq.push(2);
        subSeq.push(3);
    }

    function _draftScores() internal pure returns (uint16[] memory) {
        return _row(1, 2, 3);
    }

    function _create() internal {
        _mainActors();
        id = _createTask();
    }

    function _commitSubmissions() internal {
        _commitModel(tr[0], _cid(9)); // a draft, replaced below
        _commitModel(tr[1], _cid(1));
        _commitModel(tr[2], _cid(2));
        _commitModel(tr[3], _cid(3));
        _commitModel(tr[0], _cid(0));
    }

    function _publish() internal {
        _toPublish(id);
        _revealEval(id);
        for (uint256 i; i < 3; ++i) {
            _revealSubmission(id, tr[i], _cid(i));
        }
    }

    function _commitAllScores() internal {
        _toCommit(id);
        _commitScoresOf(0, _draftScores());
        for (uint256 v = 1; v < va.length; ++v) {
            _commitScoresOf(v, sc[v]);
        }
        _commitScoresOf(0, sc[0]);
    }

    function _revealAllScores() internal {
        _toReveal(id);
        for (uint256 v; v < va.length; ++v) {
            if (v != silent) _revealScores(id, va[v], sc[v]);
        }
    }

    function _mainToFinalizing() internal {
        _create();
        _commitSubmissions();
        _publish();
        _commitAllScores();
        _revealAllScores();
        _toFinalizing(id);
    }

    // ─── reference model (IArenaTasks' rules, recomputed) ──────────────────────────────────────

    function _scoring(uint256 v) internal view returns (bool) {
        return v != silent && v != unavailable;
    }

    /// @dev Stake-weighted lower median of submission `i`: the smallest score s with 2·(stake at or below s) ≥ total.
    /// An exact even split (2·(stake at or below m) == total) is contested: `upper` is the lowest score above m.
    function _refMedian(uint256 i) internal view returns (uint16 m, bool contested, uint16 upper) {
        uint256 total;
        for (uint256 v; v < va.length; ++v) {
            if (_scoring(v)) total += stakeOf[v];
        }
        uint256 best = NONE;
        for (uint256 v; v < va.length; ++v) {
            if (!_scoring(v)) continue;
            uint256 s = sc[v][i];
            if (_stakeAtOrBelow(i, s) * 2 >= total && s < best) best = s;
        }
        m = uint16(best);
        contested = _stakeAtOrBelow(i, m) * 2 == total;
        if (contested) {
            uint256 up = NONE;
            for (uint256 v; v < va.length; ++v) {
                if (_scoring(v) && sc[v][i] > m && sc[v][i] < up) up = sc[v][i];
            }
            upper = uint16(up);
        }
    }

    function _stakeAtOrBelow(uint256 i, uint256 s) internal view returns (uint256 w) {
        for (uint256 v; v < va.length; ++v) {
            if (_scoring(v) && sc[v][i] <= s) w += stakeOf[v];
        }
    }

    /// @dev Submission `i`'s recorded consensus: the median, or 0 when contested.
    function _refConsensus(uint256 i) internal view returns (uint16) {
        (uint16 m, bool contested,) = _refMedian(i);
        return contested ? 0 : m;
    }

    function _contestedCount() internal view returns (uint256 n) {
        for (uint256 i; i < subTrainer.length; ++i) {
            (, bool c,) = _refMedian(i);
            if (c) ++n;
        }
    }

    /// @dev Mean distance of a scoring validator to the consensus over the judged (uncontested) submissions; on a
    /// contested one, the distance to [lower, upper] still adds up (only the divisor skips it). Also the largest one.
    function _refDistance(uint256 v) internal view returns (uint16 mean, uint16 maxD) {
        if (!_scoring(v)) return (0, 0);
        uint256 sum;
        uint256 judged;
        for (uint256 i; i < subTrainer.length; ++i) {
            (uint16 m, bool c, uint16 u) = _refMedian(i);
            uint256 hi = c ? u : m;
            uint256 s = sc[v][i];
            uint256 d = s > hi ? s - hi : (s < m ? m - s : 0);
            sum += d;
            if (d > maxD) maxD = uint16(d);
            if (!c) ++judged;
        }
        mean = judged == 0 ? 0 : uint16(sum / judged);
    }

    function _refOutcome(uint256 v) internal view returns (IArenaTasks.ValidatorOutcome o, uint16 d) {
        if (v == silent) return (IArenaTasks.ValidatorOutcome.SlashedNonReveal, 0);
        uint16 maxD;
        (d, maxD) = _refDistance(v);
        if (
            v == unavailable || d > _p(ConfigKeys.SLASH_TOLERANCE)
                || maxD > _p(ConfigKeys.MAX_SCORE_DEVIATION)
        ) {
            o = IArenaTasks.ValidatorOutcome.SlashedDeviation;
        } else if (d <= _p(ConfigKeys.VALIDATOR_TOLERANCE)) {
            o = IArenaTasks.ValidatorOutcome.Rewarded;
        } else {
            o = IArenaTasks.ValidatorOutcome.Neutral;
        }
    }

    function _refValidatorSlash(uint256 v) internal view returns (uint256) {
        (IArenaTasks.ValidatorOutcome o,) = _refOutcome(v);
        if (o == IArenaTasks.ValidatorOutcome.SlashedNonReveal) {
            return _bps(stakeOf[v], _p(ConfigKeys.NON_REVEAL_SLASH_BPS));
        }
        if (o == IArenaTasks.ValidatorOutcome.SlashedDeviation) {
            return _bps(stakeOf[v], _p(ConfigKeys.DEVIATION_SLASH_BPS));
        }
        return 0;
    }

    function _isSpam(uint256 i) internal view returns (bool) {
        (uint16 m, bool c,) = _refMedian(i);
        return !c && m < SPAM_SCORE;
    }

    function _spamSlash() internal view returns (uint256) {
        return _bps(_p(ConfigKeys.MIN_TRAINER_STAKE), _p(ConfigKeys.SPAM_SLASH_BPS));
    }

    /// @dev The settlement figures by the pool split, the slash split and the contested shrink.
    struct Ref {
        uint256 fee;
        uint256 bounty;
        uint256 trainerPot;
        uint256 validatorPot;
        uint256 treasury; // fee + slash treasury shares + contested share of the validator pot
        uint256 slashed;
        uint256 weightSum;
    }

    function _refSettlement() internal view returns (Ref memory r) {
        r.fee = _bps(POOL, _p(ConfigKeys.PROTOCOL_FEE_BPS));
        r.bounty = _bps(POOL, _p(ConfigKeys.KEEPER_BOUNTY_BPS));
        uint256 rest = POOL - r.fee - r.bounty;
        r.validatorPot = _bps(rest, _p(ConfigKeys.VALIDATOR_SHARE_BPS));
        r.trainerPot = rest - r.validatorPot;
        r.treasury = r.fee;
        uint256 toTreasuryBps = _p(ConfigKeys.SLASH_TREASURY_BPS);
        for (uint256 i; i < subTrainer.length; ++i) {
            if (!_isSpam(i)) continue;
            uint256 a = _spamSlash();
            r.slashed += a;
            r.treasury += _bps(a, toTreasuryBps);
            r.trainerPot += a - _bps(a, toTreasuryBps);
        }
        for (uint256 v; v < va.length; ++v) {
            uint256 a = _refValidatorSlash(v);
            r.slashed += a;
            r.treasury += _bps(a, toTreasuryBps);
            r.validatorPot += a - _bps(a, toTreasuryBps);
        }
        uint256 n = subTrainer.length;
        uint256 kept = r.validatorPot * (n - _contestedCount()) / n;
        r.treasury += r.validatorPot - kept;
        r.validatorPot = kept;
        for (uint256 v; v < va.length; ++v) {
            r.weightSum += _refValidatorWeight(v);
        }
        if (r.weightSum == 0) {
            r.treasury += r.validatorPot;
            r.validatorPot = 0;
        }
        if (_eligible() == 0) {
            r.treasury += r.trainerPot;
            r.trainerPot = 0;
        }
    }

    /// @dev A rewarded validator's weight: lock × (tolerance − distance + 1).
    function _refValidatorWeight(uint256 v) internal view returns (uint256) {
        (IArenaTasks.ValidatorOutcome o, uint16 d) = _refOutcome(v);
        if (o != IArenaTasks.ValidatorOutcome.Rewarded) return 0;
        return stakeOf[v] * (_p(ConfigKeys.VALIDATOR_TOLERANCE) - d + 1);
    }

    function _refValidatorReward(uint256 v) internal view returns (uint256) {
        Ref memory r = _refSettlement();
        if (r.weightSum == 0) return 0;
        return r.validatorPot * _refValidatorWeight(v) / r.weightSum;
    }

    function _rewardedCount() internal view returns (uint16 n) {
        for (uint256 v; v < va.length; ++v) {
            if (_refValidatorWeight(v) != 0) ++n;
        }
    }

    function _eligible() internal view returns (uint16 n) {
        for (uint256 i; i < subTrainer.length; ++i) {
            (uint16 m, bool c,) = _refMedian(i);
            if (!c && m >= MIN_SCORE) ++n;
        }
    }

    /// @dev Rank: the submissions with a higher consensus, or an equal one and an earlier commit, come first.
    function _refRank(uint256 i) internal view returns (uint16 rank) {
        uint16 ci = _refConsensus(i);
        for (uint256 j; j < subTrainer.length; ++j) {
            uint16 cj = _refConsensus(j);
            if (cj > ci || (cj == ci && subSeq[j] < subSeq[i])) ++rank;
        }
    }

    /// @dev decay^r in 1e18 fixed point, rounded down at each product (exact for the ranks used here, r ≤ 2).
    function _rankWeight(uint256 r) internal view returns (uint256 w) {
        uint256 decay = _p(ConfigKeys.RANK_DECAY_BPS) * 1e14;
        w = 1e18;
        for (uint256 k; k < r; ++k) {
            w = w * decay / 1e18;
        }
    }

    function _refTrainerReward(uint256 i) internal view returns (uint256) {
        uint256 rank = _refRank(i);
        uint256 paid = _eligible();
        if (rank >= paid) return 0;
        uint256 sum;
        for (uint256 r; r < paid; ++r) {
            sum += _rankWeight(r);
        }
        return _refSettlement().trainerPot * _rankWeight(rank) / sum;
    }

    function _refTreasuryAtSettlement() internal view returns (uint256 fee) {
        Ref memory r = _refSettlement();
        fee = r.treasury;
        uint256 paidV;
        for (uint256 v; v < va.length; ++v) {
            paidV += _refValidatorReward(v);
        }
        uint256 paidT;
        for (uint256 i; i < subTrainer.length; ++i) {
            paidT += _refTrainerReward(i);
        }
        fee += r.validatorPot - paidV + r.trainerPot - paidT;
    }

    // ─── the reference model agrees with the hand figures of the scenario ──────────────────────

    function test_scenario_referenceModelMatchesHandFigures() public {
        _mainActors();
        assertEq(_defaultParams().minScore, MIN_SCORE);
        assertEq(_defaultParams().spamScore, SPAM_SCORE);
        assertEq(_refConsensus(0), 7500);
        assertEq(_refConsensus(1), 7500);
        assertEq(_refConsensus(2), 600);
        assertEq(_contestedCount(), 0);
        assertTrue(_isSpam(2));
        uint16[5] memory d = [uint16(200), 400, 766, 1166, 1300];
        for (uint256 v; v < 5; ++v) {
            (, uint16 got) = _refOutcome(v);
            assertEq(got, d[v]);
        }
        (IArenaTasks.ValidatorOutcome o,) = _refOutcome(3);
        assertEq(uint8(o), uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation));
        (o,) = _refOutcome(4);
        assertEq(uint8(o), uint8(IArenaTasks.ValidatorOutcome.Neutral));
        assertEq(_refRank(0), 1);
        assertEq(_refRank(1), 0);
        assertEq(_refRank(2), 2);
        Ref memory r = _refSettlement();
        // pool 10,000: fee 500, bounty 50, validators 30% of 9450 = 2835, trainers 6615
        // slashes: spam 5% of 1000 = 50; v3 10% of 25k = 2500; v5 10% of 10k = 1000; v6 10% of 5k = 500 (10% of each
        // to the treasury)
        assertEq(r.slashed, 4050e18);
        assertEq(r.trainerPot, 6615e18 + 45e18);
        assertEq(r.validatorPot, 2835e18 + 2250e18 + 900e18 + 450e18);
        assertEq(r.weightSum, 50_000e18 * 801 + 40_000e18 * 601 + 30_000e18 * 235);
        assertEq(_refTrainerReward(1), 4440e18); // 6660 · 1 / 1.5
        assertEq(_refTrainerReward(0), 2220e18); // 6660 · 0.5 / 1.5
    }

    // ─── creation ──────────────────────────────────────────────────────────────────────────────

    function test_event_TaskCreated() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        uint256 fee = _p(ConfigKeys.TASK_CREATION_FEE);
        uint256 bond = _bps(POOL, _p(ConfigKeys.CREATOR_BOND_BPS));
        if (bond < _p(ConfigKeys.CREATOR_BOND)) bond = _p(ConfigKeys.CREATOR_BOND);
        uint40 start = uint40(block.timestamp);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskCreated(
            1,
            creator,
            SPEC_CID,
            keccak256(abi.encode(block.chainid, address(arena), creator, EVAL_CID, EVAL_SALT)),
            POOL,
            fee,
            bond,
            start,
            start + WINDOW,
            start + 2 * WINDOW,
            start + 3 * WINDOW,
            start + 4 * WINDOW
        );
        vm.prank(creator);
        arena.createTask(p);
    }

    function test_event_TaskCreated_laterStart() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.submissionStart = uint40(block.timestamp + 3 days);
        p.submissionWindow = 2 hours;
        p.publishWindow = 3 hours;
        p.commitWindow = 4 hours;
        p.revealWindow = 5 hours;
        p.rewardPool = 500e18; // 10% is 50: the flat CREATOR_BOND (100) applies
        uint40 s = p.submissionStart;
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskCreated(
            1,
            creator,
            SPEC_CID,
            p.evalCommitment,
            500e18,
            _p(ConfigKeys.TASK_CREATION_FEE),
            _p(ConfigKeys.CREATOR_BOND),
            s,
            s + 2 hours,
            s + 5 hours,
            s + 9 hours,
            s + 14 hours
        );
        vm.prank(creator);
        arena.createTask(p);
    }

    function test_event_TaskParamsFixed() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.minScore = 4321;
        p.spamScore = 1234;
        IArenaTasks.TaskParams memory e;
        e.trainerStake = uint128(_p(ConfigKeys.MIN_TRAINER_STAKE));
        e.minValidatorStake = uint128(_p(ConfigKeys.MIN_VALIDATOR_STAKE));
        e.validatorLockCap = uint128(_p(ConfigKeys.VALIDATOR_LOCK_CAP));
        e.protocolFeeBps = uint16(_p(ConfigKeys.PROTOCOL_FEE_BPS));
        e.keeperBountyBps = uint16(_p(ConfigKeys.KEEPER_BOUNTY_BPS));
        e.validatorShareBps = uint16(_p(ConfigKeys.VALIDATOR_SHARE_BPS));
        e.slashTreasuryBps = uint16(_p(ConfigKeys.SLASH_TREASURY_BPS));
        e.maxSubmissions = uint16(_p(ConfigKeys.MAX_SUBMISSIONS));
        e.maxValidators = uint16(_p(ConfigKeys.MAX_VALIDATORS));
        e.minSubmissions = uint16(_p(ConfigKeys.MIN_SUBMISSIONS));
        e.minReveals = uint16(_p(ConfigKeys.MIN_REVEALS));
        e.validatorTolerance = uint16(_p(ConfigKeys.VALIDATOR_TOLERANCE));
        e.slashTolerance = uint16(_p(ConfigKeys.SLASH_TOLERANCE));
        e.deviationSlashBps = uint16(_p(ConfigKeys.DEVIATION_SLASH_BPS));
        e.nonRevealSlashBps = uint16(_p(ConfigKeys.NON_REVEAL_SLASH_BPS));
        e.spamSlashBps = uint16(_p(ConfigKeys.SPAM_SLASH_BPS));
        e.rankDecayBps = uint16(_p(ConfigKeys.RANK_DECAY_BPS));
        e.minScore = 4321;
        e.spamScore = 1234;
        e.minRevealedStake = uint128(_p(ConfigKeys.MIN_REVEALED_STAKE));
        e.maxScoreDeviation = uint16(_p(ConfigKeys.MAX_SCORE_DEVIATION));
        e.trainerNonRevealSlashBps = uint16(_p(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS));
        // sanity: the defaults this file's hand figures assume
        assertEq(e.trainerStake, 1000e18);
        assertEq(e.protocolFeeBps, 500);
        assertEq(e.keeperBountyBps, 50);
        assertEq(e.validatorShareBps, 3000);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskParamsFixed(1, e);
        vm.prank(creator);
        arena.createTask(p);
        // a governance change after creation does not alter the fixed parameters
        _setParam(ConfigKeys.SPAM_SLASH_BPS, 100);
        assertEq(arena.paramsOf(1).spamSlashBps, e.spamSlashBps);
    }

    // ─── submissions ───────────────────────────────────────────────────────────────────────────

    function test_event_SubmissionCommitted() public {
        _create();
        uint256 stake = _p(ConfigKeys.MIN_TRAINER_STAKE);
        string[5] memory cids = [_cid(9), _cid(1), _cid(2), _cid(3), _cid(0)];
        address[5] memory who = [tr[0], tr[1], tr[2], tr[3], tr[0]];
        for (uint256 k; k < 5; ++k) {
            bool replaced = k == 4; // tr0's second commit replaces its draft: no new lock, a new (later) sequence
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.SubmissionCommitted(
                id, who[k], _modelCommitment(who[k], cids[k]), uint32(k + 1), replaced, replaced ? 0 : stake
            );
            _commitModel(who[k], cids[k]);
        }
        assertEq(vault.lockOf(address(arena), id, tr[0]), stake, "one lock for the replaced commit");
    }

    function test_event_EvalDataRevealed() public {
        _create();
        _commitSubmissions();
        _toPublish(id);
        vm.expectEmit(true, true, true, true, address(arena));
        // bondRefunded: documented as an ABI-stable leftover, always 0 (the bond is held until the task ends)
        emit IArenaTasks.EvalDataRevealed(id, creator, EVAL_CID, 0);
        _revealEval(id);
    }

    function test_event_SubmissionRevealed() public {
        _create();
        _commitSubmissions();
        _toPublish(id);
        _revealEval(id);
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.SubmissionRevealed(id, tr[i], uint16(i), _cid(i), subSeq[i]);
            _revealSubmission(id, tr[i], _cid(i));
        }
    }

    /// @dev tA commits model X first (seq 1), tB copies it (seq 2) and reveals first (index 0); tA's reveal takes index
    /// 0 back: SubmissionDisplaced(copier tB, owner tA, owner seq 1), then SubmissionRevealed for tA at index 0.
    function test_event_SubmissionDisplaced() public {
        id = _createTask();
        address tA = _trainerAt(0);
        address tB = _trainerAt(1);
        address tC = _trainerAt(2);
        string memory x = _cid(7);
        _commitModel(tA, x);
        _commitModel(tB, x);
        _commitModel(tC, _cid(8));
        _toPublish(id);
        _revealEval(id);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.SubmissionRevealed(id, tB, 0, x, 2);
        _revealSubmission(id, tB, x);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.SubmissionRevealed(id, tC, 1, _cid(8), 3);
        _revealSubmission(id, tC, _cid(8));
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.SubmissionDisplaced(id, 0, tB, tA, 1);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.SubmissionRevealed(id, tA, 0, x, 1);
        _revealSubmission(id, tA, x);
        assertEq(arena.submissionAt(id, 0).trainer, tA);
        assertEq(arena.getTask(id).published, 2, "the displaced copy is no new submission");
    }

    // ─── scores ────────────────────────────────────────────────────────────────────────────────

    function test_event_ScoresCommitted() public {
        _create();
        _commitSubmissions();
        _publish();
        _toCommit(id);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ScoresCommitted(
            id, va[0], _scoresCommitment(va[0], _draftScores()), 0, false, stakeOf[0]
        );
        _commitScoresOf(0, _draftScores());
        for (uint256 v = 1; v < va.length; ++v) {
            vm.expectEmit(true, true, true, true, address(arena));
            // the lock is min(available stake, VALIDATOR_LOCK_CAP) = the whole stake here
            emit IArenaTasks.ScoresCommitted(
                id, va[v], _scoresCommitment(va[v], sc[v]), uint16(v), false, stakeOf[v]
            );
            _commitScoresOf(v, sc[v]);
        }
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ScoresCommitted(id, va[0], _scoresCommitment(va[0], sc[0]), 0, true, 0);
        _commitScoresOf(0, sc[0]);
    }

    function test_event_ScoresRevealed() public {
        _create();
        _commitSubmissions();
        _publish();
        _commitAllScores();
        _toReveal(id);
        for (uint256 v; v < va.length; ++v) {
            if (v == silent) continue;
            vm.expectEmit(true, true, true, true, address(arena));
            // the unusable-eval-data vote reveals the empty array
            emit IArenaTasks.ScoresRevealed(id, va[v], uint16(v), sc[v]);
            _revealScores(id, va[v], sc[v]);
        }
        assertEq(sc[unavailable].length, 0);
    }

    /// @dev MAX_VALIDATORS = 3: a fourth, larger lock evicts the smallest (30k), takes its index and locks 60k.
    function test_event_ValidatorEvicted() public {
        _setParam(ConfigKeys.MAX_VALIDATORS, 3);
        _mainActors();
        (id,) = _taskInCommit(2);
        uint16[] memory s = new uint16[](2);
        s[0] = 6000;
        s[1] = 7000;
        for (uint256 v; v < 3; ++v) {
            _commitScoresOf(v, s);
        }
        address big = _validatorWithStake(20, 60_000e18);
        va.push(big);
        bytes32 c = _scoresCommitment(big, s);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ValidatorEvicted(id, va[2], big, stakeOf[2], 60_000e18);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ScoresCommitted(id, big, c, 2, false, 60_000e18);
        vm.prank(big);
        arena.commitScores(id, c);
        assertEq(vault.lockOf(address(arena), id, va[2]), 0, "the evicted lock is released");
    }

    // ─── finalization (one call does everything) ───────────────────────────────────────────────

    function test_event_ConsensusComputed() public {
        _mainToFinalizing();
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ConsensusComputed(id, uint16(i), subTrainer[i], _refConsensus(i));
        }
        _finalizeAll(id);
    }

    function test_event_ParticipantSlashed() public {
        _mainToFinalizing();
        uint256 treasuryBefore = token.balanceOf(treasury);
        uint256 tBps = _p(ConfigKeys.SLASH_TREASURY_BPS);
        // stage 1: the spam submission's trainer
        assertTrue(_isSpam(2));
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ParticipantSlashed(
            id, tr[2], IArenaTasks.SlashReason.Spam, _spamSlash(), _bps(_spamSlash(), tBps)
        );
        // stage 2, in validator index order: the deviator, the non-revealer, the false "unusable" vote
        uint256[3] memory order = [uint256(3), silent, unavailable];
        IArenaTasks.SlashReason[3] memory why = [
            IArenaTasks.SlashReason.Deviation,
            IArenaTasks.SlashReason.NonReveal,
            IArenaTasks.SlashReason.Deviation
        ];
        for (uint256 k; k < 3; ++k) {
            uint256 a = _refValidatorSlash(order[k]);
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ParticipantSlashed(id, va[order[k]], why[k], a, _bps(a, tBps));
        }
        _finalizeAll(id);
        assertEq(token.balanceOf(treasury) - treasuryBefore, _refTreasuryAtSettlement());
    }

    function test_event_ValidatorJudged() public {
        _mainToFinalizing();
        // judged in index order; a rewarded validator's event waits for the final pot (after every slash)
        for (uint256 v; v < va.length; ++v) {
            (IArenaTasks.ValidatorOutcome o, uint16 d) = _refOutcome(v);
            if (o == IArenaTasks.ValidatorOutcome.Rewarded) continue;
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ValidatorJudged(id, va[v], o, d, 0, 0);
        }
        uint256 paid;
        for (uint256 v; v < va.length; ++v) {
            (IArenaTasks.ValidatorOutcome o, uint16 d) = _refOutcome(v);
            if (o != IArenaTasks.ValidatorOutcome.Rewarded) continue;
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ValidatorJudged(id, va[v], o, d, _refValidatorWeight(v), _refValidatorReward(v));
            paid += _refValidatorReward(v);
        }
        assertEq(_rewardedCount(), 3);
        _finalizeAll(id);
        // the reward in the event is what claim pays
        for (uint256 v; v < 3; ++v) {
            assertEq(arena.claimable(id, va[v]), _refValidatorReward(v));
        }
        assertLe(paid, _refSettlement().validatorPot);
    }

    function test_event_SubmissionRanked() public {
        _mainToFinalizing();
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.SubmissionRanked(
                id, uint16(i), subTrainer[i], _refRank(i), _refConsensus(i), _refTrainerReward(i)
            );
        }
        _finalizeAll(id);
        for (uint256 i; i < 3; ++i) {
            assertEq(arena.claimable(id, subTrainer[i]), _refTrainerReward(i));
        }
    }

    function test_event_TaskSettled() public {
        _mainToFinalizing();
        Ref memory r = _refSettlement();
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskSettled(
            id,
            r.trainerPot,
            r.validatorPot,
            _refTreasuryAtSettlement(),
            r.bounty,
            r.slashed,
            _eligible(),
            _rewardedCount()
        );
        _finalizeAll(id);
    }

    /// @dev Three calls by three keepers: 2 units (consensus 0-1), 5 units (consensus 2, validators 0-3), the rest
    /// (validators 4-6, ranking 0-2). Units: 2·published + validators = 13; each call's bounty is its pro-rata share of
    /// KEEPER_BOUNTY_BPS of the pool, the settling call takes the remainder.
    function test_event_FinalizeProgressed() public {
        _mainToFinalizing();
        uint256 total = _bps(POOL, _p(ConfigKeys.KEEPER_BOUNTY_BPS));
        uint256 units = 2 * 3 + va.length;
        address[3] memory keepers = [makeAddr("keeperA"), makeAddr("keeperB"), makeAddr("keeperC")];

        uint256 b1 = total * 2 / units;
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.FinalizeProgressed(id, keepers[0], IArenaTasks.Stage.Consensus, 2, 2, b1);
        vm.prank(keepers[0]);
        assertFalse(arena.finalize(id, 2));

        uint256 b2 = total * 5 / units;
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.FinalizeProgressed(id, keepers[1], IArenaTasks.Stage.Validators, 4, 5, b2);
        vm.prank(keepers[1]);
        assertFalse(arena.finalize(id, 5));

        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.FinalizeProgressed(id, keepers[2], IArenaTasks.Stage.Done, 0, 6, total - b1 - b2);
        vm.prank(keepers[2]);
        assertTrue(arena.finalize(id, 100));

        assertEq(token.balanceOf(keepers[0]), b1);
        assertEq(token.balanceOf(keepers[1]), b2);
        assertEq(token.balanceOf(keepers[2]), total - b1 - b2);
    }

    // ─── claims ────────────────────────────────────────────────────────────────────────────────

    function test_event_TrainerNonRevealSlashed() public {
        _mainToFinalizing();
        _finalizeAll(id);
        uint256 stake = _p(ConfigKeys.MIN_TRAINER_STAKE);
        uint256 cut = _bps(stake, _p(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS));
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TrainerNonRevealSlashed(id, tr[3], cut);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.Claimed(id, tr[3], IArenaTasks.ClaimKind.UnlockOnly, 0, stake - cut);
        arena.claim(id, tr[3]);
    }

    function test_event_Claimed() public {
        _mainToFinalizing();
        _finalizeAll(id);
        uint256 stake = _p(ConfigKeys.MIN_TRAINER_STAKE);
        // trainers: the reward of their rank, their whole lock back (the spam one less its slash)
        for (uint256 i; i < 3; ++i) {
            uint256 unlocked = _isSpam(i) ? stake - _spamSlash() : stake;
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.Claimed(
                id, subTrainer[i], IArenaTasks.ClaimKind.TrainerReward, _refTrainerReward(i), unlocked
            );
            arena.claim(id, subTrainer[i]);
        }
        // validators: rewarded ones their reward, the others their lock less any slash
        for (uint256 v; v < va.length; ++v) {
            (IArenaTasks.ValidatorOutcome o,) = _refOutcome(v);
            bool rewarded = o == IArenaTasks.ValidatorOutcome.Rewarded;
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.Claimed(
                id,
                va[v],
                rewarded ? IArenaTasks.ClaimKind.ValidatorReward : IArenaTasks.ClaimKind.UnlockOnly,
                _refValidatorReward(v),
                stakeOf[v] - _refValidatorSlash(v)
            );
            arena.claim(id, va[v]);
        }
        // the creator: its bond back after a settlement, nothing unlocked
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.Claimed(id, creator, IArenaTasks.ClaimKind.CreatorRefund, _bond(), 0);
        arena.claim(id, creator);
    }

    // ─── a contested submission ────────────────────────────────────────────────────────────────

    /// @dev 4 validators of 50k each; sub0 scored 6000, 6000, 8000, 8000: exactly half the stake at or below 6000, no
    /// consensus (contested [6000, 8000], consensus 0, ranked last, unpaid); sub1 and sub2 scored 7000 by all (tie:
    /// sub1 committed first). The validator pot keeps 2/3 (the judged share).
    function _contestedScenario() internal {
        for (uint256 v; v < 4; ++v) {
            va.push(_validatorWithStake(10 + v, 50_000e18));
            stakeOf.push(50_000e18);
        }
        sc.push(_row(6000, 7000, 7000));
        sc.push(_row(6000, 7000, 7000));
        sc.push(_row(8000, 7000, 7000));
        sc.push(_row(8000, 7000, 7000));
        address[] memory ts;
        (id, ts) = _taskInCommit(3);
        for (uint256 i; i < 3; ++i) {
            subTrainer.push(ts[i]);
            subSeq.push(uint32(i + 1));
        }
        for (uint256 v; v < 4; ++v) {
            _commitScoresOf(v, sc[v]);
        }
        _toReveal(id);
        for (uint256 v; v < 4; ++v) {
            _revealScores(id, va[v], sc[v]);
        }
        _toFinalizing(id);
    }

    function test_event_ConsensusContested() public {
        _contestedScenario();
        (uint16 m, bool c, uint16 u) = _refMedian(0);
        assertTrue(c);
        assertEq(m, 6000);
        assertEq(u, 8000);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ConsensusContested(id, 0, m, u);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ConsensusComputed(id, 0, subTrainer[0], 0);
        for (uint256 i = 1; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ConsensusComputed(id, uint16(i), subTrainer[i], _refConsensus(i));
        }
        for (uint256 v; v < 4; ++v) {
            // inside [6000, 8000] on sub0, at 7000 on the others: distance 0, all rewarded, equal weights
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ValidatorJudged(
                id,
                va[v],
                IArenaTasks.ValidatorOutcome.Rewarded,
                0,
                _refValidatorWeight(v),
                _refValidatorReward(v)
            );
        }
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.SubmissionRanked(
                id, uint16(i), subTrainer[i], _refRank(i), _refConsensus(i), _refTrainerReward(i)
            );
        }
        Ref memory r = _refSettlement();
        assertEq(r.validatorPot, 2835e18 * 2 / 3, "the contested third of the pot goes to the treasury");
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskSettled(
            id, r.trainerPot, r.validatorPot, _refTreasuryAtSettlement(), r.bounty, 0, _eligible(), 4
        );
        _finalizeAll(id);
        assertEq(_refRank(0), 2);
        assertEq(_refTrainerReward(0), 0);
    }

    // ─── cancellations ─────────────────────────────────────────────────────────────────────────

    function test_event_TaskCancelled_byCreator() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.submissionStart = uint40(block.timestamp + 1 days);
        vm.prank(creator);
        id = arena.createTask(p);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskCancelled(id, IArenaTasks.CancelReason.ByCreator, POOL + _bond(), 0);
        vm.prank(creator);
        arena.cancelBeforeStart(id);
    }

    function test_event_TaskCancelled_tooFewSubmissions() public {
        id = _createTask();
        address t0 = _trainerAt(0);
        _commitModel(t0, _cid(0));
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, t0, _cid(0));
        assertLt(1, _p(ConfigKeys.MIN_SUBMISSIONS));
        _toCommit(id);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskCancelled(id, IArenaTasks.CancelReason.TooFewSubmissions, POOL + _bond(), 0);
        arena.cancel(id);
    }

    function test_event_TaskCancelled_evalDataNotRevealed() public {
        id = _createTask();
        _commitModel(_trainerAt(0), _cid(0));
        _toEvalRevealEnd(id);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskCancelled(id, IArenaTasks.CancelReason.EvalDataNotRevealed, POOL, 0);
        arena.cancel(id);
    }

    /// @dev 3 validators commit, 2 reveal (< MIN_REVEALS = 3): TooFewReveals by the first finalize call. The silent
    /// one is slashed NON_REVEAL_SLASH_BPS of its lock and judged SlashedNonReveal; the creator gets its bond back.
    function _tooFewRevealsScenario() internal returns (uint256 slashAmount) {
        _mainActors();
        (id,) = _taskInCommit(3);
        for (uint256 v; v < 3; ++v) {
            _commitScoresOf(v, sc[v]);
        }
        _toReveal(id);
        _revealScores(id, va[0], sc[0]);
        _revealScores(id, va[1], sc[1]);
        _toFinalizing(id);
        slashAmount = _bps(stakeOf[2], _p(ConfigKeys.NON_REVEAL_SLASH_BPS));
    }

    function test_event_TaskCancelled_tooFewReveals() public {
        uint256 a = _tooFewRevealsScenario();
        uint256 treasuryBefore = token.balanceOf(treasury);
        uint256 bond = _bond();
        vm.recordLogs();
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.ValidatorJudged(id, va[2], IArenaTasks.ValidatorOutcome.SlashedNonReveal, 0, 0, 0);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.TaskCancelled(id, IArenaTasks.CancelReason.TooFewReveals, bond, 0);
        _finalizeAll(id);
        // the pool and the whole slash go to the treasury (IArenaTasks: "slashed ..., entirely to the treasury")
        assertEq(token.balanceOf(treasury) - treasuryBefore, POOL + a);
        // ParticipantSlashed: reason and amount (`toTreasury`: test_event_ParticipantSlashed_onCancelToTreasury)
        (IArenaTasks.SlashReason reason, uint256 amount,) = _slashLog(vm.getRecordedLogs(), va[2]);
        assertEq(uint8(reason), uint8(IArenaTasks.SlashReason.NonReveal));
        assertEq(amount, a);
    }

    /// @dev On a cancellation the non-revealers' slash goes entirely to the treasury (the treasury balance above), and
    /// `ParticipantSlashed.toTreasury` says so: an indexer summing `toTreasury` accounts for every FLOCK the treasury got.
    function test_event_ParticipantSlashed_onCancelToTreasury() public {
        uint256 a = _tooFewRevealsScenario();
        vm.recordLogs();
        _finalizeAll(id);
        (,, uint256 toTreasury) = _slashLog(vm.getRecordedLogs(), va[2]);
        assertEq(toTreasury, a, "ParticipantSlashed.toTreasury on a cancellation");
    }

    function _slashLog(Vm.Log[] memory logs, address account)
        internal
        view
        returns (IArenaTasks.SlashReason reason, uint256 amount, uint256 toTreasury)
    {
        uint256 found;
        for (uint256 k; k < logs.length; ++k) {
            Vm.Log memory l = logs[k];
            if (l.emitter != address(arena) || l.topics[0] != IArenaTasks.ParticipantSlashed.selector) {
                continue;
            }
            assertEq(l.topics.length, 3);
            assertEq(uint256(l.topics[1]), id);
            assertEq(address(uint160(uint256(l.topics[2]))), account);
            (reason, amount, toTreasury) = abi.decode(l.data, (IArenaTasks.SlashReason, uint256, uint256));
            ++found;
        }
        assertEq(found, 1, "one ParticipantSlashed");
    }
}
