// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingVault} from "./IStakingVault.sol";

/// @title AI Arena tasks: submissions, commit-reveal scoring, stake-weighted consensus, rewards and slashing
/// @notice Lifecycle (strict time windows, each `[start, end)` in block timestamps; no phase can be skipped or re-entered):
///
///     Created ─► Submission ─► Publish ─► Commit ─► Reveal ─► Finalizing ─► Settled
///        └──────── Cancelled (see below) ─────────────────────────────────────────────┘
///
/// 1. `createTask`: the creator deposits the reward pool, pays the creation fee (to the treasury) and a bond of
///    max(`CREATOR_BOND`, `CREATOR_BOND_BPS` of the pool) held until the task ends (`creationCost`), and gives the
///    task-spec CID plus a one-use commitment to the evaluation-data CID (`evalCommitmentOf`).
/// 2. Submission: a training node (a `TrainingNode` operator of the `StakingVault`) commits
///    `keccak256(abi.encode(chainId, arena, taskId, trainer, modelCid, salt))`; the first commit locks `MIN_TRAINER_STAKE`
///    of its pool; a later commit replaces the earlier one (and takes a new, later sequence number).
/// 3. Publish: first the creator reveals the evaluation-data CID (before `evalRevealEnd`, the middle of the window);
///    only then can trainers reveal their model CIDs, so no model becomes public before the creator is bound. A model
///    CID must be canonical (`ModelCid`: CIDv1, dag-pb, sha2-256, lowercase base32) and a model belongs to its
///    **earliest commitment**: a later committer that revealed it first is displaced (`SubmissionDisplaced`), a later
///    committer revealing it second is refused (`DuplicateModel`). Submissions are indexed in first-reveal order.
/// 4. Commit: a `Validator` operator commits `keccak256(abi.encode(chainId, arena, taskId, validator, scores, salt))` where
///    `scores` is a `uint16[]` with one score in [0, 10000] per published submission, in index order (or empty: "the
///    eval data could not be used"). The first commit locks min(available stake, `VALIDATOR_LOCK_CAP`) (at least
///    `MIN_VALIDATOR_STAKE`); that lock is its weight. A full set admits a strictly larger lock by evicting the smallest
///    (`ValidatorEvicted`, its stake unlocked), so stake, not arrival order, decides who scores.
/// 5. Reveal: validators reveal `scores` and `salt`; a mismatch reverts. Scores are stored packed (16 per slot).
/// 6. Finalizing: anyone calls `finalize(taskId, maxSteps)` repeatedly; each call does a bounded amount of work and is
///    paid its share of the keeper bounty. Stage 1 computes each submission's consensus, the stake-weighted lower median
///    of the scoring validators (an exactly even stake split is no consensus: 0, unpaid, nobody judged inside the
///    split, `ConsensusContested`) and slashes spam (consensus < spamScore); stage 2 judges validators (mean distance
///    ≤ tolerance: rewarded by lock × (tolerance − distance + 1); mean > slash tolerance, any single score further than
///    `MAX_SCORE_DEVIATION`, or a false "unavailable": slashed; committed but not revealed: slashed at least as much as
///    a deviation); stage 3 ranks submissions (consensus desc, earlier commit first), computes rewards (rank r ∝ decay^r
///    among those with consensus ≥ minScore) and settles.
/// 7. `claim` (pull-based, callable by anyone for anyone): pays a participant's reward into its operator pool and unlocks
///    its stake (a trainer that committed and did not publish, after the eval data was revealed, is first slashed
///    `TRAINER_NON_REVEAL_SLASH_BPS` of its stake, to the treasury); pays the creator its refund (its bond after a
///    settlement).
///
/// Pool split at settlement: protocol fee (`PROTOCOL_FEE_BPS`, to the treasury) and keeper bounty
/// (`KEEPER_BOUNTY_BPS`) come off the top; `VALIDATOR_SHARE_BPS` of the rest is the validator pot and the remainder the
/// trainer pot. Slashed funds: `SLASH_TREASURY_BPS` to the treasury, the rest to the pot of the slashed party's side
/// (trainer slashes → trainer pot, validator slashes → validator pot); a pot with nobody to pay, the contested share of
/// the validator pot, and integer-division dust go to the treasury, so pool + slashes = rewards + fee + bounty +
/// treasury, to the wei.
///
/// Cancellation (`cancel`, or `finalize` when due), in this order: eval data not revealed by `evalRevealEnd` (pool
/// refunded, bond to the treasury: no model was published); fewer than `MIN_SUBMISSIONS` published by the end of
/// Publish (pool and bond refunded); after the reveal window, validators reporting the eval data unusable hold a strict
/// majority of the revealed stake and at least `MIN_REVEALED_STAKE` (`CreatorDefault`: pool and bond to the
/// treasury); fewer than `MIN_REVEALS` scorers or less than `MIN_REVEALED_STAKE` of scoring stake (`TooFewReveals`:
/// the models are public, so the pool goes to the treasury; the bond is refunded). Non-revealing validators are
/// slashed in the last two cases, entirely to the treasury. The creator may also cancel a task before its submission
/// window opens (`cancelBeforeStart`, pool and bond refunded). The creation fee is never refunded.
/// @dev Warning: every window is `[start, end)`: at `end - 1` the phase still accepts calls; at `end` the next phase has
/// begun. A transaction mined at a window's last second may be reordered by the block builder: do not wait for it.
/// @dev Warning: the scores, minScore and spamScore are trusted inputs from the task creator (they must match the spec
/// JSON behind `specCid`; keepers check it). The contract cannot see IPFS: it knows a model by its CID's digest.
/// @dev Warning: a validator set weighted by more than half of the scoring lock can set any consensus score; with less
/// than half it cannot move a consensus outside the range of the other validators' scores; with exactly half there is
/// no consensus.
/// @dev Warning: ABI-stable leftovers: `EvalDataRevealed.bondRefunded`, `Settlement.bondShare` and
/// `TaskCancelled.bondShare` are always 0 (the bond is held until the end and a forfeited bond goes to the treasury);
/// `ClaimKind.BondShare` is never paid.
/// @dev Parameters are read from `ProtocolConfig` once, at creation (`paramsOf`): governance changes never alter a
/// running task.
interface IArenaTasks {
    /// @notice A task's phase, derived from its windows and its stored status.
    enum Phase {
        Created,
        Submission,
        Publish,
        Commit,
        Reveal,
        Finalizing,
        Settled,
        Cancelled
    }

    /// @notice Finalization stage: consensus over submissions, then validators, then ranking.
    enum Stage {
        None,
        Consensus,
        Validators,
        Ranking,
        Done
    }

    /// @notice Why a task was cancelled.
    enum CancelReason {
        None,
        ByCreator,
        EvalDataNotRevealed,
        TooFewSubmissions,
        TooFewReveals,
        CreatorDefault
    }

    /// @notice Why a participant was slashed.
    enum SlashReason {
        None,
        Spam,
        Deviation,
        NonReveal
    }

    /// @notice How a validator was judged at finalization.
    enum ValidatorOutcome {
        None,
        Rewarded,
        Neutral,
        SlashedDeviation,
        SlashedNonReveal
    }

    /// @notice What a claim paid.
    enum ClaimKind {
        None,
        TrainerReward,
        ValidatorReward,
        CreatorRefund,
        BondShare,
        UnlockOnly
    }

    /// @notice Arguments of `createTask`.
    /// @param specCid the task-spec JSON on IPFS (SPEC §5)
    /// @param evalCommitment `evalCommitmentOf(creator, evalCid, salt)`
    /// @param rewardPool FLOCK deposited for rewards (≥ `MIN_REWARD_POOL`)
    /// @param submissionStart when the submission window opens (0 = now; else ≥ now)
    /// @param submissionWindow length of the submission window, seconds (each window in [MIN_WINDOW, MAX_WINDOW])
    /// @param publishWindow length of the publish window
    /// @param commitWindow length of the score-commit window
    /// @param revealWindow length of the score-reveal window
    /// @param minScore consensus score needed to be paid (from the spec)
    /// @param spamScore consensus score below which a submission is slashed as spam (≤ minScore)
    struct CreateTaskParams {
        string specCid;
        bytes32 evalCommitment;
        uint128 rewardPool;
        uint40 submissionStart;
        uint32 submissionWindow;
        uint32 publishWindow;
        uint32 commitWindow;
        uint32 revealWindow;
        uint16 minScore;
        uint16 spamScore;
    }

    /// @notice The protocol parameters a task fixed at creation (see `ConfigKeys` for meanings).
    struct TaskParams {
        uint128 trainerStake;
        uint128 minValidatorStake;
        uint128 validatorLockCap;
        uint16 protocolFeeBps;
        uint16 keeperBountyBps;
        uint16 validatorShareBps;
        uint16 slashTreasuryBps;
        uint16 maxSubmissions;
        uint16 maxValidators;
        uint16 minSubmissions;
        uint16 minReveals;
        uint16 validatorTolerance;
        uint16 slashTolerance;
        uint16 deviationSlashBps;
        uint16 nonRevealSlashBps;
        uint16 spamSlashBps;
        uint16 rankDecayBps;
        uint16 minScore;
        uint16 spamScore;
        uint128 minRevealedStake;
        uint16 maxScoreDeviation;
        uint16 trainerNonRevealSlashBps;
    }

    /// @notice A task as the views return it.
    struct TaskView {
        address creator;
        Phase phase;
        Stage stage;
        CancelReason cancelReason;
        bool evalRevealed;
        uint40 submissionStart;
        uint40 submissionEnd;
        uint40 evalRevealEnd;
        uint40 publishEnd;
        uint40 commitEnd;
        uint40 revealEnd;
        uint16 liveCommitments;
        uint16 published;
        uint16 validators;
        uint16 revealed;
        uint16 cursor;
        uint128 rewardPool;
        uint128 bond;
        bytes32 evalCommitment;
        string specCid;
        string evalCid;
    }

    /// @notice The settlement figures of a task (zero until settled or cancelled).
    /// @param trainerPot paid to ranked training nodes (after slash redistribution)
    /// @param validatorPot paid to rewarded validators (after slash redistribution)
    /// @param protocolFee pool share + dust + slash treasury share sent to the treasury
    /// @param keeperBounty total bounty of the finalize calls
    /// @param slashed total slashed in this task
    /// @param trainerWeightSum sum of the geometric weights of paid ranks (1e18 fixed point)
    /// @param validatorWeightSum sum of the rewarded validators' weights
    /// @param creatorRefund paid back to the creator on cancellation
    /// @param bondShare paid to each published trainer when the eval data was not revealed
    /// @param paidTrainers number of submissions with a reward
    /// @param rewardedValidators number of validators with a reward
    struct Settlement {
        uint128 trainerPot;
        uint128 validatorPot;
        uint128 protocolFee;
        uint128 keeperBounty;
        uint128 slashed;
        uint128 creatorRefund;
        uint128 bondShare;
        uint256 trainerWeightSum;
        uint256 validatorWeightSum;
        uint16 paidTrainers;
        uint16 rewardedValidators;
    }

    /// @notice A published submission.
    struct Submission {
        address trainer;
        uint32 commitSeq;
        uint16 consensus;
        uint16 rank;
        bool spam;
        bool contested;
        bytes32 cidHash;
    }

    /// @notice A training node's commitment in a task.
    struct TrainerRecord {
        bytes32 commitment;
        uint32 commitSeq;
        bool published;
        uint16 index;
        bool claimed;
    }

    /// @notice A validator's record in a task.
    struct ValidatorRecord {
        bytes32 commitment;
        uint128 lock;
        uint16 index;
        bool revealed;
        uint32 distanceSum;
        uint16 distance;
        ValidatorOutcome outcome;
        bool claimed;
        uint16 maxDistance;
        bool unavailable;
    }

    // ─── errors ────────────────────────────────────────────────────────────────────────────────
    error UnknownTask(uint256 taskId);
    error TaskNotInPhase(uint256 taskId, Phase expected, Phase actual);
    error InvalidWindow(uint256 length, uint256 min, uint256 max);
    error InvalidStartTime(uint256 start, uint256 now_);
    error InvalidScoreBounds(uint16 minScore, uint16 spamScore);
    error RewardPoolTooSmall(uint256 rewardPool, uint256 minimum);
    error EmptyCid();
    error ZeroCommitment();
    error NotCreator(uint256 taskId, address caller);
    error WrongRole(address account, IStakingVault.Role expectedRole, IStakingVault.Role actualRole);
    error RoleConflict(uint256 taskId, address account);
    error InsufficientStake(address operator, uint256 available, uint256 required);
    error TooManySubmissions(uint256 taskId, uint256 max);
    error TooManyValidators(uint256 taskId, uint256 max);
    error NoCommitment(uint256 taskId, address account);
    error AlreadyRevealed(uint256 taskId, address account);
    error CommitmentMismatch(uint256 taskId, address account);
    error DuplicateModel(uint256 taskId, string modelCid);
    error EvalDataAlreadyRevealed(uint256 taskId);
    error EvalDataNotRevealed(uint256 taskId);
    error TooFewSubmissions(uint256 taskId, uint256 published, uint256 minimum);
    error ScoreCountMismatch(uint256 taskId, uint256 given, uint256 expected);
    error ScoreOutOfRange(uint256 index, uint256 score);
    error NotCancellable(uint256 taskId);
    error ZeroSteps();
    error NothingToClaim(uint256 taskId, address account);
    error AlreadyClaimed(uint256 taskId, address account);
    error EvalRevealClosed(uint256 taskId, uint256 evalRevealEnd);
    error EvalCommitmentReused(bytes32 evalCommitment);

    // ─── events ────────────────────────────────────────────────────────────────────────────────
    /// @notice A task was created.
    /// @param fee the creation fee sent to the treasury
    /// @param bond the creator's bond, held until the task settles or is cancelled
    event TaskCreated(
        uint256 indexed taskId,
        address indexed creator,
        string specCid,
        bytes32 evalCommitment,
        uint256 rewardPool,
        uint256 fee,
        uint256 bond,
        uint40 submissionStart,
        uint40 submissionEnd,
        uint40 publishEnd,
        uint40 commitEnd,
        uint40 revealEnd
    );
    /// @notice The parameters the task fixed at creation.
    event TaskParamsFixed(uint256 indexed taskId, TaskParams params);
    /// @notice A training node committed (or replaced) its submission.
    /// @param lockedStake the stake locked by this commit (0 when replacing)
    event SubmissionCommitted(
        uint256 indexed taskId,
        address indexed trainer,
        bytes32 commitment,
        uint32 commitSeq,
        bool replaced,
        uint256 lockedStake
    );
    /// @notice A training node revealed its model CID; `index` is its position in the scores arrays.
    event SubmissionRevealed(
        uint256 indexed taskId,
        address indexed trainer,
        uint16 indexed index,
        string modelCid,
        uint32 commitSeq
    );
    /// @notice The creator revealed the evaluation-data CID and got `bondRefunded` back.
    event EvalDataRevealed(
        uint256 indexed taskId, address indexed creator, string evalCid, uint256 bondRefunded
    );
    /// @notice A validator committed (or replaced) its scores commitment.
    event ScoresCommitted(
        uint256 indexed taskId,
        address indexed validator,
        bytes32 commitment,
        uint16 validatorIndex,
        bool replaced,
        uint256 lockedStake
    );
    /// @notice A validator revealed its scores (one per published submission, in index order).
    event ScoresRevealed(
        uint256 indexed taskId, address indexed validator, uint16 validatorIndex, uint16[] scores
    );
    /// @notice A model revealed first by a later committer was taken over by its earlier committer: the copier's
    /// submission counts as never published (its stake is slashed at claim).
    event SubmissionDisplaced(
        uint256 indexed taskId,
        uint16 indexed index,
        address indexed copier,
        address owner,
        uint32 ownerCommitSeq
    );
    /// @notice A full validator set admitted a larger lock: the smallest one left and its stake was unlocked.
    event ValidatorEvicted(
        uint256 indexed taskId,
        address indexed evicted,
        address indexed by,
        uint256 evictedLock,
        uint256 newLock
    );
    /// @notice An even stake split around a submission's score: no side holds a majority, so there is no consensus
    /// (the submission's consensus is 0, it earns nothing and is not slashed as spam); `lower` and `upper` are the two
    /// medians. Validators inside [lower, upper] are not judged on it, those outside by their distance to the
    /// interval, and the validator pot shrinks by the submission's share.
    event ConsensusContested(uint256 indexed taskId, uint16 indexed index, uint16 lower, uint16 upper);
    /// @notice A training node committed and did not publish (or its publication was a later copy) and was slashed.
    event TrainerNonRevealSlashed(uint256 indexed taskId, address indexed trainer, uint256 amount);
    /// @notice A finalize call did work and was paid.
    /// @param stage the stage reached after the call
    /// @param cursor the position within the stage after the call
    event FinalizeProgressed(
        uint256 indexed taskId,
        address indexed keeper,
        Stage stage,
        uint16 cursor,
        uint256 steps,
        uint256 bounty
    );
    /// @notice A submission's consensus score was computed.
    event ConsensusComputed(
        uint256 indexed taskId, uint16 indexed index, address indexed trainer, uint16 consensus
    );
    /// @notice A participant was slashed; `toTreasury` of `amount` went to the treasury, the rest to its side's pot
    /// (or, when cancelled, to the creator's refund).
    event ParticipantSlashed(
        uint256 indexed taskId,
        address indexed account,
        SlashReason reason,
        uint256 amount,
        uint256 toTreasury
    );
    /// @notice A validator was judged; `weight` is its share weight of the validator pot, `reward` its reward.
    event ValidatorJudged(
        uint256 indexed taskId,
        address indexed validator,
        ValidatorOutcome outcome,
        uint16 distance,
        uint256 weight,
        uint256 reward
    );
    /// @notice A submission was ranked (0 = best) and given its reward (0 below minScore).
    event SubmissionRanked(
        uint256 indexed taskId,
        uint16 indexed index,
        address indexed trainer,
        uint16 rank,
        uint16 consensus,
        uint256 reward
    );
    /// @notice The task settled.
    event TaskSettled(
        uint256 indexed taskId,
        uint256 trainerPot,
        uint256 validatorPot,
        uint256 protocolFee,
        uint256 keeperBounty,
        uint256 slashed,
        uint16 paidTrainers,
        uint16 rewardedValidators
    );
    /// @notice The task was cancelled.
    /// @param creatorRefund what the creator can claim back (pool, bond when never at risk, slashed funds share)
    /// @param bondShare what each published training node can claim when the eval data was not revealed
    event TaskCancelled(
        uint256 indexed taskId, CancelReason reason, uint256 creatorRefund, uint256 bondShare
    );
    /// @notice A claim paid `amount` (into the operator's pool for trainers and validators, to the wallet for the
    /// creator) and released `unlocked` stake.
    event Claimed(
        uint256 indexed taskId, address indexed account, ClaimKind kind, uint256 amount, uint256 unlocked
    );

    // ─── lifecycle ─────────────────────────────────────────────────────────────────────────────
    /// @notice Creates a task; pulls `creationCost(rewardPool).total` (pool + fee + bond) from the caller.
    function createTask(CreateTaskParams calldata p) external returns (uint256 taskId);

    /// @notice `createTask` with an EIP-2612 permit for the total amount.
    function createTaskWithPermit(
        CreateTaskParams calldata p,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 taskId);

    /// @notice The creator cancels a task whose submission window has not opened; pool and bond are refundable.
    function cancelBeforeStart(uint256 taskId) external;

    /// @notice Commits (or replaces) the caller's submission. Submission phase; `TrainingNode` operators only.
    function commitSubmission(uint256 taskId, bytes32 commitment) external;

    /// @notice Reveals the caller's model CID (canonical form). Publish phase, once the eval data is revealed.
    function revealSubmission(uint256 taskId, string calldata modelCid, bytes32 salt) external;

    /// @notice The creator reveals the evaluation-data CID (Publish phase, before `evalRevealEnd`).
    function revealEvalData(uint256 taskId, string calldata evalCid, bytes32 salt) external;

    /// @notice Commits (or replaces) the caller's scores commitment. Commit phase; `Validator` operators only.
    function commitScores(uint256 taskId, bytes32 commitment) external;

    /// @notice Reveals the caller's scores. Reveal phase.
    function revealScores(uint256 taskId, uint16[] calldata scores, bytes32 salt) external;

    /// @notice Does up to `maxSteps` units of finalization work (one unit per submission in stages 1 and 3, one per
    /// validator in stage 2), or cancels the task when a cancellation condition holds. Anyone; Finalizing phase.
    /// @return done true when the task is settled or cancelled
    function finalize(uint256 taskId, uint256 maxSteps) external returns (bool done);

    /// @notice Cancels a task whose cancellation condition holds (see contract notice). Anyone.
    function cancel(uint256 taskId) external;

    /// @notice Pays what `account` is owed by the task and releases its locked stake. Anyone, for anyone.
    function claim(uint256 taskId, address account) external returns (uint256 amount);

    // ─── views ─────────────────────────────────────────────────────────────────────────────────
    function taskCount() external view returns (uint256);
    /// @notice What `createTask` with `rewardPool` pulls now: the creation fee, the bond
    /// (max(CREATOR_BOND, CREATOR_BOND_BPS of the pool)) and their sum with the pool.
    function creationCost(uint256 rewardPool) external view returns (uint256 fee, uint256 bond, uint256 total);
    function getTask(uint256 taskId) external view returns (TaskView memory);
    function phaseOf(uint256 taskId) external view returns (Phase);
    function paramsOf(uint256 taskId) external view returns (TaskParams memory);
    function settlementOf(uint256 taskId) external view returns (Settlement memory);
    function submissionAt(uint256 taskId, uint256 index) external view returns (Submission memory);
    function trainerRecord(uint256 taskId, address trainer) external view returns (TrainerRecord memory);
    function validatorsOf(uint256 taskId) external view returns (address[] memory);
    function validatorRecord(uint256 taskId, address validator) external view returns (ValidatorRecord memory);
    /// @notice A validator's revealed scores (empty before its reveal, and after an "eval data unavailable" reveal).
    function scoresOf(uint256 taskId, address validator) external view returns (uint16[] memory);
    /// @notice What `claim(taskId, account)` would pay now (0 when nothing or already claimed).
    function claimable(uint256 taskId, address account) external view returns (uint256);
    /// @notice `keccak256(abi.encode(block.chainid, address(this), taskId, trainer, modelCid, salt))`
    function submissionCommitmentOf(uint256 taskId, address trainer, string calldata modelCid, bytes32 salt)
        external
        view
        returns (bytes32);
    /// @notice `keccak256(abi.encode(block.chainid, address(this), taskId, validator, scores, salt))`
    function scoresCommitmentOf(uint256 taskId, address validator, uint16[] calldata scores, bytes32 salt)
        external
        view
        returns (bytes32);
    /// @notice `keccak256(abi.encode(block.chainid, address(this), creator, evalCid, salt))`
    function evalCommitmentOf(address creator, string calldata evalCid, bytes32 salt)
        external
        view
        returns (bytes32);
}
