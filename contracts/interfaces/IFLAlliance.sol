// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FL Alliance: federated rounds on private data, deterministic robust aggregation, votes, rewards, slashing
/// @notice An *alliance* refines a starting model (a settled Arena task's winner, another completed alliance's final
/// model, or a given CID) over `rounds` federated rounds. Participants are `StakingVault` operators (either role) that
/// `join` with a stake lock; the lock is their weight in every vote and what they can lose.
///
/// Lifecycle of an alliance: `Joining` (until `joinEnd`, or until `maxParticipants` joined) ─► `Running` (rounds
/// 1..rounds) ─► `Completed` (final model + lineage recorded); `Joining` ─► `Cancelled` when fewer than
/// `minParticipants` joined. `advance` (anyone) makes every transition between rounds.
///
/// One round, each phase a window `[start, start + length)` in block timestamps:
///
///     UpdateCommit ─► UpdateReveal ─► ScoreCommit ─► ScoreReveal ─► VoteCommit ─► VoteReveal ─► Ended ─► (advance)
///
/// 0. Roles: `advance` draws `proposersPerRound` proposers among the participants, weighted by stake, without
///    replacement, from the round's seed = keccak256(previous seed, the previous round's revealed salts, prevrandao,
///    alliance id, round) (`RoundStarted`). *Every* participant is a voter, proposers included: the voter stake of a
///    round is then the whole alliance's, so an attacker's share of any round's vote is its share of the alliance
///    (with voters drawn apart from proposers, a 3/8 coalition held 3/5 of the vote in some rounds: tested).
/// 1. Proposers train locally from the global model and commit
///    `keccak256(abi.encode(chainId, alliance, allianceId, round, proposer, updateCid, examples, salt))`
///    (`updateCommitmentOf`), then reveal the update's CID and example count. A CID already revealed in the round is
///    refused (`DuplicateUpdate`). The revealed updates, sorted by proposer address (ascending), are the round's
///    *columns*.
/// 2. Voters (all participants) commit, then reveal, `scores`: `scores[0]` is their score of the global model,
///    `scores[1 + j]` their score of global + column j alone (`scoresCommitmentOf`), each in [0, 10000].
/// 3. Voters that revealed scores commit, then reveal, a vote: accept or reject, bound to the CID of the candidate they
///    computed (`voteCommitmentOf`): the deterministic aggregate (FedAvg / trimmed mean / median, `AggregationRule`)
///    of the columns that are not excluded by the exclusion rule below, applied to the global model.
/// 4. `advance` settles the ended round (`RoundSettled`), all in one call (bounded: ≤ `FL_MAX_PARTICIPANTS`
///    participants, ≤ `FL_MAX_PROPOSERS` columns):
///    - consensus of each column and of the global model: the stake-weighted median of the revealed scores; on an exact
///      50/50 split of stake between two scores L < U the consensus is floor((L + U) / 2) and *contested*
///      (`FLConsensus.median`, the same rule as the keeper's `fl/consensus.ts`);
///    - a column is *excluded* iff 10000 · c_update < exclusionRatioBps · c_global; its proposer is slashed
///      (`poisonSlashBps`, reason `Poisoning`) unless either consensus is contested;
///    - the round is *accepted* iff one candidate CID holds more than half of the stake of the voters that revealed
///      a vote (2 · accept(cid) > total); the candidate becomes the global model (`GlobalModelUpdated`); otherwise the
///      last global model stays;
///    - a voter's *distance* is the mean |score − consensus| over its 1 + columns scores (rounded down);
///    - slashes: a role not carried out (proposer that did not reveal, voter that did not reveal its scores, or its
///      vote once it revealed scores) `nonRevealSlashBps`; distance > `slashTolerance` `deviationSlashBps`;
///      a vote on the losing side `minoritySlashBps` (0 by default). At most one slash per participant per round,
///      in that order of precedence. `slashTreasuryBps` of every slash goes to the treasury, the rest back into the
///      alliance's remaining pool (paid to later honest work);
///    - the round's budget is remaining / rounds left: `proposerShareBps` of it is shared, if the round was accepted,
///      by the included columns' proposers pro rata to their column consensus; the rest by the voters that revealed
///      both, voted with the outcome and have distance ≤ `voterTolerance`, pro rata to stake. What is not paid stays
///      in the pool (for later rounds; after the last round it is refunded to the creator).
/// 5. After the last round the final model and its lineage (source, contributors, their shares of the proposer rewards)
///    are recorded (`LineageRecorded`, `lineageOf`).
///
/// A phase ends early when everyone who can act in it has acted (all proposers committed, every committed update
/// revealed, every voter committed, …): the next window then starts at that block. A phase that nobody can act in
/// (e.g. no update was revealed) ends the round.
///
/// Rewards are pull-based: `claim` pays what an account earned into its operator pool (`depositReward`, so delegators
/// share it) and, once the alliance is over, releases its lock (exactly once); the creator's refund goes to its wallet.
/// @dev Warning: the seed is not unbiasable. The last proposer or voter to reveal in a round knows the other revealed
/// salts and may withhold its reveal to pick between two seeds for the next round's roles (at the cost of the
/// non-reveal slash), and the block producer (Base's sequencer) chooses `prevrandao` and when `advance` is mined.
/// Roles only decide who trains and who votes in one round; no payout depends on the seed directly.
/// @dev Warning: stake weight decides everything. A coalition with more than half of a round's revealed voter stake
/// can set any consensus, accept any candidate and exclude any update; below half, it cannot move a consensus outside
/// the honest voters' range. Sybil identities gain nothing: weights and the proposer draw are by stake.
/// @dev Warning: the contract cannot see IPFS. That a candidate CID is really the aggregate of the included updates,
/// that an update applies to the global model (`base`), and that an update is not a free-ride (a zero or negligible
/// update) or a copy of another's weights are judged by the voters (the keeper scores such updates 0); the contract
/// only enforces the votes and scores they reveal. Example counts are self-reported and capped by the rule's parameter.
/// @dev Warning: every window is `[start, end)`; a transaction mined at a window's last second may be reordered by the
/// block builder. Parameters are snapshot from `ProtocolConfig` at creation (`paramsOf`).
interface IFLAlliance {
    /// @notice An alliance's status.
    enum AllianceStatus {
        None,
        Joining,
        Running,
        Completed,
        Cancelled
    }

    /// @notice The phase of a round (`Ended`: waiting for `advance`; `Settled`: done).
    enum RoundPhase {
        None,
        UpdateCommit,
        UpdateReveal,
        ScoreCommit,
        ScoreReveal,
        VoteCommit,
        VoteReveal,
        Ended,
        Settled
    }

    /// @notice The aggregation rule the voters apply (off chain, deterministically; see keeper/src/fl).
    enum AggregationRule {
        FedAvg,
        TrimmedMean,
        Median
    }

    /// @notice Where the starting model comes from.
    enum ModelSource {
        Cid,
        ArenaTask,
        Alliance
    }

    /// @notice A participant's role in one round: a Proposer trains, commits and reveals an update, and votes; a Voter
    /// only votes.
    enum AllianceRole {
        None,
        Proposer,
        Voter
    }

    /// @notice How a round ended.
    enum RoundOutcome {
        None,
        Accepted,
        Rejected,
        NoUpdates
    }

    /// @notice Why a participant was slashed.
    enum AllianceSlashReason {
        None,
        NonReveal,
        Poisoning,
        Deviation,
        Minority
    }

    /// @notice Window lengths in seconds (each in [MIN_WINDOW, MAX_WINDOW]).
    struct Windows {
        uint32 join;
        uint32 updateCommit;
        uint32 updateReveal;
        uint32 scoreCommit;
        uint32 scoreReveal;
        uint32 voteCommit;
        uint32 voteReveal;
    }

    /// @notice Arguments of `createAlliance`.
    /// @param source where the starting model comes from
    /// @param parentId the Arena task id (`ArenaTask`) or the alliance id (`Alliance`); 0 for `Cid`
    /// @param startCid the starting model's CID; for `ArenaTask` it must be the CID the task's winner (rank 0, paid)
    /// revealed; for `Alliance` it must be empty (the parent's final model is taken)
    /// @param rewardPool FLOCK pulled from the creator and paid out over the rounds (≥ MIN_REWARD_POOL)
    /// @param minStake stake each participant locks at least (≥ FL_MIN_STAKE)
    /// @param rounds number of rounds (1..FL_MAX_ROUNDS)
    /// @param minParticipants fewest participants to start (> proposersPerRound)
    /// @param maxParticipants most participants (≤ FL_MAX_PARTICIPANTS)
    /// @param proposersPerRound proposers drawn each round (1..FL_MAX_PROPOSERS)
    /// @param rule the aggregation rule
    /// @param ruleParam FedAvg: the cap on each update's example count (1..2^24); TrimmedMean: β in basis points
    /// (< 5000); Median: 0
    /// @param windows the window lengths
    struct CreateParams {
        ModelSource source;
        uint256 parentId;
        string startCid;
        uint128 rewardPool;
        uint128 minStake;
        uint16 rounds;
        uint16 minParticipants;
        uint16 maxParticipants;
        uint16 proposersPerRound;
        AggregationRule rule;
        uint32 ruleParam;
        Windows windows;
    }

    /// @notice The protocol parameters an alliance fixed at creation (see `ConfigKeys` for their meanings).
    struct Params {
        uint128 lockCap;
        uint16 proposerShareBps;
        uint16 exclusionRatioBps;
        uint16 poisonSlashBps;
        uint16 nonRevealSlashBps;
        uint16 deviationSlashBps;
        uint16 minoritySlashBps;
        uint16 voterTolerance;
        uint16 slashTolerance;
        uint16 slashTreasuryBps;
    }

    /// @notice An alliance as the views return it.
    /// @param round the current round (0 while joining; `rounds` once completed)
    /// @param remaining the part of the reward pool not yet paid (slashed funds returned to it included)
    /// @param creatorRefund what the creator can claim (after completion or cancellation)
    /// @param globalCid the current global model (the final model once completed)
    struct AllianceView {
        address creator;
        AllianceStatus status;
        ModelSource source;
        AggregationRule rule;
        uint32 ruleParam;
        uint16 rounds;
        uint16 round;
        uint16 participants;
        uint16 minParticipants;
        uint16 maxParticipants;
        uint16 proposersPerRound;
        uint40 joinEnd;
        uint256 parentId;
        uint128 rewardPool;
        uint128 remaining;
        uint128 minStake;
        uint128 creatorRefund;
        bool creatorClaimed;
        Windows windows;
        string startCid;
        string globalCid;
    }

    /// @notice A round as the views return it.
    /// @param phase the phase now (derived from the windows and the counters)
    /// @param phaseEnd when the current phase's window closes (0 once ended)
    /// @param startBlock the block in which the round began (its events are at or after it)
    /// @param proposers the round's proposers, sorted ascending (the columns are the revealed ones, in this order)
    /// @param revealedMask bit i set ⇔ proposers[i] revealed its update
    /// @param budget the round's budget (set at settlement)
    /// @param paid what the round paid (proposers + voters)
    /// @param acceptStake stake behind the winning candidate (or the largest accept stake when rejected)
    /// @param voteStake stake of the voters that revealed a vote
    /// @param candidateCid the accepted candidate ("" unless accepted)
    struct RoundView {
        RoundPhase phase;
        RoundOutcome outcome;
        uint40 phaseEnd;
        uint64 startBlock;
        uint16 proposerCount;
        uint16 voterCount;
        uint16 updateCommits;
        uint16 updateReveals;
        uint16 scoreCommits;
        uint16 scoreReveals;
        uint16 voteCommits;
        uint16 voteReveals;
        uint16 globalConsensus;
        bytes32 seed;
        address[] proposers;
        uint256 revealedMask;
        uint128 budget;
        uint128 paid;
        uint128 slashed;
        uint128 acceptStake;
        uint128 voteStake;
        string candidateCid;
    }

    /// @notice A participant of an alliance.
    /// @param stake its current lock (its weight), after slashes
    /// @param pending earned and not yet claimed
    /// @param earned earned in total (claimed or not)
    /// @param proposerEarned the part of `earned` earned as a proposer (the lineage shares)
    /// @param slashed slashed in total
    struct Member {
        bool joined;
        bool unlocked;
        uint16 index;
        uint128 stake;
        uint128 pending;
        uint128 earned;
        uint128 proposerEarned;
        uint128 slashed;
    }

    /// @notice What a participant did in one round.
    /// @param updateCommitment its update commitment (proposers only)
    /// @param scoresCommitment its scores commitment
    /// @param voteCommitment its vote commitment
    /// @param updateRevealed it revealed its update
    /// @param scoresRevealed it revealed its scores
    /// @param voteRevealed it revealed its vote
    /// @param accept its revealed vote
    /// @param examples its revealed example count (proposers)
    /// @param candidateHash keccak256 of the candidate CID of its revealed vote
    /// @param scores its revealed scores (empty until revealed)
    struct Entry {
        bytes32 updateCommitment;
        bytes32 scoresCommitment;
        bytes32 voteCommitment;
        bool updateRevealed;
        bool scoresRevealed;
        bool voteRevealed;
        bool accept;
        uint32 examples;
        bytes32 candidateHash;
        uint16[] scores;
    }

    /// @notice The lineage of a completed alliance's final model, for the marketplace.
    /// @param parentId the Arena task or alliance the starting model came from (0 for a given CID)
    /// @param parentCid the starting model
    /// @param parentContributor the Arena task's winning training node (`ArenaTask`); zero otherwise
    /// @param finalModelCid the final global model
    /// @param contributors the participants that earned proposer rewards, in join order
    /// @param sharesBps each contributor's share of the alliance's proposer rewards (sums to 10000, the last one takes
    /// the rounding remainder; empty when nobody earned)
    /// @param rewards each contributor's proposer rewards in FLOCK base units
    struct Lineage {
        ModelSource source;
        uint256 parentId;
        string parentCid;
        address parentContributor;
        string finalModelCid;
        address[] contributors;
        uint16[] sharesBps;
        uint256[] rewards;
    }

    // ─── errors ────────────────────────────────────────────────────────────────────────────────
    /// @notice Thrown when `allianceId` does not exist.
    error UnknownAlliance(uint256 allianceId);
    /// @notice Thrown when the alliance is not in the status the call needs.
    error WrongStatus(uint256 allianceId, AllianceStatus expected, AllianceStatus actual);
    /// @notice Thrown when the current round is not in the phase the call needs.
    error WrongPhase(uint256 allianceId, uint256 round, RoundPhase expected, RoundPhase actual);
    /// @notice Thrown when a window length is outside [MIN_WINDOW, MAX_WINDOW].
    error InvalidWindow(uint256 length, uint256 min, uint256 max);
    /// @notice Thrown when the round count, participant bounds or proposers per round are out of range or inconsistent.
    error InvalidShape(
        uint256 rounds, uint256 minParticipants, uint256 maxParticipants, uint256 proposersPerRound
    );
    /// @notice Thrown when the rule's parameter is out of range for the rule.
    error InvalidRuleParam(AggregationRule rule, uint256 ruleParam);
    /// @notice Thrown when the reward pool is below MIN_REWARD_POOL.
    error RewardPoolTooSmall(uint256 rewardPool, uint256 minimum);
    /// @notice Thrown when the alliance's minimum stake is below FL_MIN_STAKE or above FL_LOCK_CAP.
    error InvalidMinStake(uint256 minStake, uint256 floor, uint256 cap);
    /// @notice Thrown when a CID that must be given is empty, or a CID that must be empty is given.
    error InvalidStartCid();
    /// @notice Thrown when the parent Arena task is not settled, has no paid winner, or `startCid` is not its winner's.
    error NotArenaWinner(uint256 taskId, string startCid);
    /// @notice Thrown when the parent alliance has not completed.
    error ParentNotCompleted(uint256 allianceId);
    /// @notice Thrown when a join's amount is below the alliance's minimum stake or above FL_LOCK_CAP.
    error InvalidStake(uint256 amount, uint256 minimum, uint256 cap);
    /// @notice Thrown when the caller is not a registered operator of the vault.
    error NotOperator(address account);
    /// @notice Thrown when joining after `joinEnd` or once the alliance has started.
    error JoiningClosed(uint256 allianceId, uint256 joinEnd);
    /// @notice Thrown when the account already joined.
    error AlreadyJoined(uint256 allianceId, address account);
    /// @notice Thrown when the alliance is full.
    error AllianceFull(uint256 allianceId, uint256 maxParticipants);
    /// @notice Thrown when the caller does not have the role the call needs in the current round.
    error NotInRole(uint256 allianceId, uint256 round, address account, AllianceRole expected);
    /// @notice Thrown on a zero commitment.
    error ZeroCommitment();
    /// @notice Thrown when revealing without a commitment.
    error NoCommitment(uint256 allianceId, uint256 round, address account);
    /// @notice Thrown when revealing twice.
    error AlreadyRevealed(uint256 allianceId, uint256 round, address account);
    /// @notice Thrown when a reveal does not match the commitment.
    error CommitmentMismatch(uint256 allianceId, uint256 round, address account);
    /// @notice Thrown when an update CID was already revealed in the round.
    error DuplicateUpdate(uint256 allianceId, uint256 round, string updateCid);
    /// @notice Thrown on an example count of 0 or above 2^24.
    error InvalidExamples(uint256 examples);
    /// @notice Thrown when the number of scores is not 1 + the round's revealed updates.
    error ScoreCountMismatch(uint256 given, uint256 expected);
    /// @notice Thrown on a score above 10000.
    error ScoreOutOfRange(uint256 index, uint256 score);
    /// @notice Thrown on an empty CID.
    error EmptyCid();
    /// @notice Thrown when a voter commits a vote without having revealed its scores.
    error ScoresNotRevealed(uint256 allianceId, uint256 round, address account);
    /// @notice Thrown when `advance` has nothing to do yet.
    error NothingToAdvance(uint256 allianceId);
    /// @notice Thrown when a claim has nothing to pay or release.
    error NothingToClaim(uint256 allianceId, address account);

    // ─── events ────────────────────────────────────────────────────────────────────────────────
    /// @notice An alliance was created and its reward pool pulled from `creator`.
    /// @param startCid the starting model (for `ModelSource.Alliance`: the parent's final model)
    /// @param joinEnd when joining closes
    /// @param params the creation arguments as given
    event AllianceCreated(
        uint256 indexed allianceId,
        address indexed creator,
        uint256 indexed parentId,
        string startCid,
        uint40 joinEnd,
        CreateParams params
    );
    /// @notice The parameters the alliance fixed at creation.
    event AllianceParamsFixed(uint256 indexed allianceId, Params params);
    /// @notice `account` joined and locked `stake` of its pool; `index` is its position in `participantsOf`.
    event ParticipantJoined(uint256 indexed allianceId, address indexed account, uint16 index, uint256 stake);
    /// @notice Fewer than `minParticipants` joined: the pool is refundable to the creator and locks are releasable.
    event AllianceCancelled(uint256 indexed allianceId, uint16 participants, uint256 creatorRefund);
    /// @notice A round began: its seed and its proposers (sorted ascending; every participant votes).
    event RoundStarted(
        uint256 indexed allianceId,
        uint16 indexed round,
        bytes32 seed,
        address[] proposers,
        string globalCid,
        uint40 updateCommitEnd
    );
    /// @notice A round's phase ended early because everyone who could act did; `phase` started at `at`.
    event PhaseAdvanced(uint256 indexed allianceId, uint16 indexed round, RoundPhase phase, uint40 at);
    /// @notice A proposer committed (or replaced) its update commitment.
    event UpdateCommitted(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed proposer,
        bytes32 commitment,
        bool replaced
    );
    /// @notice A proposer revealed its update.
    event UpdateRevealed(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed proposer,
        string updateCid,
        uint32 examples
    );
    /// @notice A voter committed (or replaced) its scores commitment.
    event ScoresCommitted(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed voter,
        bytes32 commitment,
        bool replaced
    );
    /// @notice A voter revealed its scores (global first, then one per column); `weight` is its stake.
    event ScoresRevealed(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed voter,
        uint256 weight,
        uint16[] scores
    );
    /// @notice A voter committed (or replaced) its vote commitment.
    event VoteCommitted(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed voter,
        bytes32 commitment,
        bool replaced
    );
    /// @notice A voter revealed its vote on `candidateCid`; `weight` is its stake.
    event VoteRevealed(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed voter,
        bool accept,
        string candidateCid,
        uint256 weight
    );
    /// @notice A column was judged: its consensus, whether it was excluded, and the proposer's reward.
    event UpdateJudged(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed proposer,
        uint16 column,
        uint16 consensus,
        bool contested,
        bool excluded,
        uint256 reward
    );
    /// @notice A voter was judged: its distance to the consensus, whether it voted with the outcome, its reward.
    event VoterJudged(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed voter,
        uint16 distance,
        bool withMajority,
        uint256 reward
    );
    /// @notice A participant was slashed `amount`; `toTreasury` of it went to the treasury, the rest to the pool.
    event ParticipantSlashed(
        uint256 indexed allianceId,
        uint16 indexed round,
        address indexed account,
        AllianceSlashReason reason,
        uint256 amount,
        uint256 toTreasury
    );
    /// @notice The accept vote of a round: `acceptStake` behind the leading candidate (`accepted` iff 2 · acceptStake >
    /// voteStake), `voteStake` of every voter that revealed a vote.
    event VotesTallied(
        uint256 indexed allianceId,
        uint16 indexed round,
        bool accepted,
        uint256 acceptStake,
        uint256 voteStake
    );
    /// @notice The accepted candidate became the global model.
    event GlobalModelUpdated(
        uint256 indexed allianceId, uint16 indexed round, string previousCid, string globalCid
    );
    /// @notice A round was settled.
    /// @param globalConsensus the consensus score of the global model (0 without score reveals)
    /// @param remaining the alliance's remaining pool after the round
    event RoundSettled(
        uint256 indexed allianceId,
        uint16 indexed round,
        RoundOutcome outcome,
        string candidateCid,
        uint16 globalConsensus,
        uint256 budget,
        uint256 proposerPaid,
        uint256 voterPaid,
        uint256 slashed,
        uint256 remaining
    );
    /// @notice The last round was settled: the final model, and `creatorRefund` (the unpaid pool) for the creator.
    event AllianceCompleted(uint256 indexed allianceId, string finalModelCid, uint256 creatorRefund);
    /// @notice The final model's lineage, for the marketplace (see `Lineage`).
    event LineageRecorded(
        uint256 indexed allianceId,
        ModelSource source,
        uint256 parentId,
        string parentCid,
        address parentContributor,
        string finalModelCid,
        address[] contributors,
        uint16[] sharesBps
    );
    /// @notice A claim paid `amount` (into the operator's pool, or the creator's refund to its wallet) and released
    /// `unlocked` stake.
    event Claimed(
        uint256 indexed allianceId, address indexed account, uint256 amount, uint256 refund, uint256 unlocked
    );

    // ─── lifecycle ─────────────────────────────────────────────────────────────────────────────
    /// @notice Creates an alliance and pulls `rewardPool` from the caller (approve this contract first).
    /// @dev Reverts with `InvalidShape`, `InvalidWindow`, `InvalidRuleParam`, `RewardPoolTooSmall`, `InvalidMinStake`,
    /// `InvalidStartCid`, `NotArenaWinner` or `ParentNotCompleted`.
    function createAlliance(CreateParams calldata p) external returns (uint256 allianceId);

    /// @notice Joins as a participant, locking `stake` of the caller's operator pool for the whole alliance.
    /// @dev Only while `Joining`, before `joinEnd` and below `maxParticipants`. Reverts with `NotOperator`,
    /// `InvalidStake`, `AlreadyJoined`, `AllianceFull`, or the vault's `InsufficientUnlockedStake`.
    function join(uint256 allianceId, uint128 stake) external;

    /// @notice Commits (or replaces) the caller's update commitment; a proposer of the current round, `UpdateCommit`.
    function commitUpdate(uint256 allianceId, bytes32 commitment) external;

    /// @notice Reveals the caller's update CID and example count (1..2^24); `UpdateReveal`.
    function revealUpdate(uint256 allianceId, string calldata updateCid, uint32 examples, bytes32 salt)
        external;

    /// @notice Commits (or replaces) the caller's scores commitment; any participant, `ScoreCommit`.
    function commitScores(uint256 allianceId, bytes32 commitment) external;

    /// @notice Reveals the caller's scores: the global model's first, then one per column (1 + revealed updates);
    /// `ScoreReveal`.
    function revealScores(uint256 allianceId, uint16[] calldata scores, bytes32 salt) external;

    /// @notice Commits (or replaces) the caller's vote commitment; a voter that revealed its scores, `VoteCommit`.
    function commitVote(uint256 allianceId, bytes32 commitment) external;

    /// @notice Reveals the caller's vote on `candidateCid`; `VoteReveal`.
    function revealVote(uint256 allianceId, bool accept, string calldata candidateCid, bytes32 salt) external;

    /// @notice Starts the alliance once joining is over (or cancels it), or settles the ended round and starts the next
    /// (or completes the alliance). Anyone may call it.
    /// @dev Reverts with `NothingToAdvance` while joining is open (and not full) or the round is not over.
    function advance(uint256 allianceId) external;

    /// @notice Pays `account`'s pending rewards into its operator pool, its refund to the creator, and once the
    /// alliance is over releases `account`'s lock. Anyone may call it for anyone.
    /// @dev Reverts with `NothingToClaim` when there is nothing to pay or release.
    /// @return amount the reward paid into the pool (plus the refund paid to the creator)
    function claim(uint256 allianceId, address account) external returns (uint256 amount);

    // ─── views ─────────────────────────────────────────────────────────────────────────────────
    /// @notice Number of alliances ever created (ids are 1..count).
    function allianceCount() external view returns (uint256);
    /// @notice An alliance.
    function getAlliance(uint256 allianceId) external view returns (AllianceView memory);
    /// @notice The parameters the alliance fixed at creation.
    function paramsOf(uint256 allianceId) external view returns (Params memory);
    /// @notice A round of an alliance (1..rounds).
    function getRound(uint256 allianceId, uint16 round) external view returns (RoundView memory);
    /// @notice The participants in join order.
    function participantsOf(uint256 allianceId) external view returns (address[] memory);
    /// @notice A participant's record.
    function memberOf(uint256 allianceId, address account) external view returns (Member memory);
    /// @notice What `account` committed and revealed in `round`.
    function entryOf(uint256 allianceId, uint16 round, address account) external view returns (Entry memory);
    /// @notice `account`'s role in `round` (None when not a participant or the round has not started).
    function roleOf(uint256 allianceId, uint16 round, address account) external view returns (AllianceRole);
    /// @notice What `claim` would pay `account` now (rewards + the creator's refund).
    function claimable(uint256 allianceId, address account) external view returns (uint256);
    /// @notice The final model's lineage (empty `finalModelCid` until completed).
    function lineageOf(uint256 allianceId) external view returns (Lineage memory);
    /// @notice The update commitment `proposer` must commit.
    function updateCommitmentOf(
        uint256 allianceId,
        uint16 round,
        address proposer,
        string calldata updateCid,
        uint32 examples,
        bytes32 salt
    ) external view returns (bytes32);
    /// @notice The scores commitment `voter` must commit.
    function scoresCommitmentOf(
        uint256 allianceId,
        uint16 round,
        address voter,
        uint16[] calldata scores,
        bytes32 salt
    ) external view returns (bytes32);
    /// @notice The vote commitment `voter` must commit.
    function voteCommitmentOf(
        uint256 allianceId,
        uint16 round,
        address voter,
        bool accept,
        string calldata candidateCid,
        bytes32 salt
    ) external view returns (bytes32);
}
