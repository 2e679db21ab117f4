// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The names of every tunable number in `ProtocolConfig`
/// @notice Each key is `keccak256` of its name; the indexer stores parameters by these keys and names.
/// Units: `*_BPS` are basis points of 10,000; `*_PERIOD`, `*_COOLDOWN`, `*_WINDOW` are seconds; stakes, fees and bonds
/// are FLOCK base units (18 decimals); `*_TOLERANCE` are score units (scores live in [0, 10000]).
library ConfigKeys {
    // ─── staking ───────────────────────────────────────────────────────────────────────────────
    /// seconds between an unbond request and its withdrawal
    bytes32 internal constant UNBONDING_PERIOD = keccak256("UNBONDING_PERIOD");
    /// minimum seconds between two commission changes of one operator
    bytes32 internal constant COMMISSION_COOLDOWN = keccak256("COMMISSION_COOLDOWN");
    /// highest commission an operator may set
    bytes32 internal constant MAX_COMMISSION_BPS = keccak256("MAX_COMMISSION_BPS");
    /// smallest amount a delegation (or self-stake top-up) may add
    bytes32 internal constant MIN_DELEGATION = keccak256("MIN_DELEGATION");
    /// self-stake an operator must hold for its pool to be locked, and cannot unbond below while a lock is outstanding
    bytes32 internal constant MIN_OPERATOR_SELF_STAKE = keccak256("MIN_OPERATOR_SELF_STAKE");

    // ─── AI Arena: stakes, fees and pool split ──────────────────────────────────────────────────
    /// stake a training node's pool locks per task (also the minimum available stake to submit)
    bytes32 internal constant MIN_TRAINER_STAKE = keccak256("MIN_TRAINER_STAKE");
    /// minimum available stake a validator's pool needs to commit scores
    bytes32 internal constant MIN_VALIDATOR_STAKE = keccak256("MIN_VALIDATOR_STAKE");
    /// most stake a validator locks (and is weighted by) per task
    bytes32 internal constant VALIDATOR_LOCK_CAP = keccak256("VALIDATOR_LOCK_CAP");
    /// flat fee a task creator pays to the treasury on creation
    bytes32 internal constant TASK_CREATION_FEE = keccak256("TASK_CREATION_FEE");
    /// smallest bond a creator deposits; held until the task settles, forfeited to the treasury on a creator default
    bytes32 internal constant CREATOR_BOND = keccak256("CREATOR_BOND");
    /// the creator's bond as a share of the reward pool, when that is more than CREATOR_BOND
    bytes32 internal constant CREATOR_BOND_BPS = keccak256("CREATOR_BOND_BPS");
    /// smallest reward pool a task may have
    bytes32 internal constant MIN_REWARD_POOL = keccak256("MIN_REWARD_POOL");
    /// share of a settled pool that goes to the treasury
    bytes32 internal constant PROTOCOL_FEE_BPS = keccak256("PROTOCOL_FEE_BPS");
    /// share of a settled pool paid to the finalizers (pro-rata to the work of each finalize call)
    bytes32 internal constant KEEPER_BOUNTY_BPS = keccak256("KEEPER_BOUNTY_BPS");
    /// share of the pool, after fee and bounty, that goes to validators (the rest to training nodes)
    bytes32 internal constant VALIDATOR_SHARE_BPS = keccak256("VALIDATOR_SHARE_BPS");
    /// share of slashed funds sent to the treasury (the rest goes to the honest side of the same task)
    bytes32 internal constant SLASH_TREASURY_BPS = keccak256("SLASH_TREASURY_BPS");

    // ─── AI Arena: windows and sizes ────────────────────────────────────────────────────────────
    /// shortest allowed length of each phase window
    bytes32 internal constant MIN_WINDOW = keccak256("MIN_WINDOW");
    /// longest allowed length of each phase window
    bytes32 internal constant MAX_WINDOW = keccak256("MAX_WINDOW");
    /// most live submissions a task accepts (the gas bound is proven at 256)
    bytes32 internal constant MAX_SUBMISSIONS = keccak256("MAX_SUBMISSIONS");
    /// most validators a task accepts (the gas bound is proven at 64)
    bytes32 internal constant MAX_VALIDATORS = keccak256("MAX_VALIDATORS");
    /// fewest published submissions for a task to proceed to scoring
    bytes32 internal constant MIN_SUBMISSIONS = keccak256("MIN_SUBMISSIONS");
    /// fewest validator reveals for a task to settle
    bytes32 internal constant MIN_REVEALS = keccak256("MIN_REVEALS");
    /// least total locked stake of the validators that revealed scores for a task to settle
    bytes32 internal constant MIN_REVEALED_STAKE = keccak256("MIN_REVEALED_STAKE");

    // ─── AI Arena: consensus, rewards and slashing ──────────────────────────────────────────────
    /// a validator whose mean distance to consensus is at most this shares the validator pot
    bytes32 internal constant VALIDATOR_TOLERANCE = keccak256("VALIDATOR_TOLERANCE");
    /// a validator whose mean distance to consensus is above this is slashed
    bytes32 internal constant SLASH_TOLERANCE = keccak256("SLASH_TOLERANCE");
    /// slash of a deviating validator's locked stake
    bytes32 internal constant DEVIATION_SLASH_BPS = keccak256("DEVIATION_SLASH_BPS");
    /// a validator with any single score further than this from its consensus is slashed for deviation
    bytes32 internal constant MAX_SCORE_DEVIATION = keccak256("MAX_SCORE_DEVIATION");
    /// slash of the locked stake of a validator that committed and did not reveal (never below DEVIATION_SLASH_BPS)
    bytes32 internal constant NON_REVEAL_SLASH_BPS = keccak256("NON_REVEAL_SLASH_BPS");
    /// slash of a training node's locked stake when it committed and did not publish (or published a later copy)
    bytes32 internal constant TRAINER_NON_REVEAL_SLASH_BPS = keccak256("TRAINER_NON_REVEAL_SLASH_BPS");
    /// slash of the locked stake of a training node whose consensus score is below the spec's spam score
    bytes32 internal constant SPAM_SLASH_BPS = keccak256("SPAM_SLASH_BPS");
    /// ratio between the rewards of consecutive ranks (rank r is paid ∝ decay^r)
    bytes32 internal constant RANK_DECAY_BPS = keccak256("RANK_DECAY_BPS");

    // ─── AI Marketplace (each listing fixes its split and fee when it is created) ─────────────────
    /// share of every purchase that goes to the treasury as the protocol fee
    bytes32 internal constant MARKET_FEE_BPS = keccak256("MARKET_FEE_BPS");
    /// share of a model's own revenue part that goes to the creator of its task or alliance
    bytes32 internal constant MARKET_CREATOR_BPS = keccak256("MARKET_CREATOR_BPS");
    /// share of an Arena model's contributor part that goes to the rewarded validators (the rest to the paid trainers)
    bytes32 internal constant MARKET_VALIDATOR_BPS = keccak256("MARKET_VALIDATOR_BPS");
    /// share of a derived model's revenue that goes to its parent's lineage (all ancestors together)
    bytes32 internal constant MARKET_ROYALTY_BPS = keccak256("MARKET_ROYALTY_BPS");
    /// most ancestor levels a listing pays royalties to (0: none)
    bytes32 internal constant MARKET_MAX_LINEAGE_DEPTH = keccak256("MARKET_MAX_LINEAGE_DEPTH");
    /// seconds before a listing's price increase (or shorter period) applies
    bytes32 internal constant MARKET_TERMS_DELAY = keccak256("MARKET_TERMS_DELAY");

    // ─── FL Alliance (windows: MIN_WINDOW / MAX_WINDOW; pool: MIN_REWARD_POOL; slashes: SLASH_TREASURY_BPS) ────
    /// smallest stake a participant may lock in an alliance (an alliance's own minimum is at least this)
    bytes32 internal constant FL_MIN_STAKE = keccak256("FL_MIN_STAKE");
    /// largest stake a participant may lock in an alliance (its weight is capped there)
    bytes32 internal constant FL_LOCK_CAP = keccak256("FL_LOCK_CAP");
    /// most participants an alliance accepts (bounds the gas of settling a round)
    bytes32 internal constant FL_MAX_PARTICIPANTS = keccak256("FL_MAX_PARTICIPANTS");
    /// most proposers per round (the columns of the scores; bounds the gas of settling a round)
    bytes32 internal constant FL_MAX_PROPOSERS = keccak256("FL_MAX_PROPOSERS");
    /// most rounds an alliance may have
    bytes32 internal constant FL_MAX_ROUNDS = keccak256("FL_MAX_ROUNDS");
    /// share of each round's budget for the proposers of an accepted round (the rest goes to the voters)
    bytes32 internal constant FL_PROPOSER_SHARE_BPS = keccak256("FL_PROPOSER_SHARE_BPS");
    /// an update is excluded when its consensus score is below this share of the global model's
    bytes32 internal constant FL_EXCLUSION_RATIO_BPS = keccak256("FL_EXCLUSION_RATIO_BPS");
    /// slash of the stake of a proposer whose update was excluded on an uncontested consensus
    bytes32 internal constant FL_POISON_SLASH_BPS = keccak256("FL_POISON_SLASH_BPS");
    /// slash of the stake of a participant that did not carry out its role in a round (commit and reveal)
    bytes32 internal constant FL_NON_REVEAL_SLASH_BPS = keccak256("FL_NON_REVEAL_SLASH_BPS");
    /// slash of the stake of a voter whose mean distance to the consensus scores is above FL_SLASH_TOLERANCE
    bytes32 internal constant FL_DEVIATION_SLASH_BPS = keccak256("FL_DEVIATION_SLASH_BPS");
    /// slash of the stake of a voter that voted against the round's outcome (0: they only lose the round's reward)
    bytes32 internal constant FL_MINORITY_SLASH_BPS = keccak256("FL_MINORITY_SLASH_BPS");
    /// a voter whose mean distance to the consensus scores is at most this can be paid
    bytes32 internal constant FL_VOTER_TOLERANCE = keccak256("FL_VOTER_TOLERANCE");
    /// a voter whose mean distance to the consensus scores is above this is slashed
    bytes32 internal constant FL_SLASH_TOLERANCE = keccak256("FL_SLASH_TOLERANCE");
}
