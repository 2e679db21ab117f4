/**
 * The FLock indexer's tables. Every row is derived from events only (no chain reads); see `src/*.ts` for the handlers.
 *
 * Conventions: addresses are lower-case hex (`t.hex()`), amounts are FLOCK base units (`t.bigint()`), timestamps are
 * seconds (`t.bigint()`), `*Block` columns are block numbers. Event-log rows are keyed by Ponder's `event.id`
 * (globally ordered) so they sort chronologically. A later stage's tables live in their own file under `schema/`,
 * re-exported here with one `export * from` line (the marketplace: `schema/market.ts`), so branches merge with small
 * diffs; `stakeLock` and `slash` already carry a `module` column so other modules' locks and slashes slot in.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

// ─── FlockToken ──────────────────────────────────────────────────────────────────────────────────

/** Every address the protocol has seen (token holder, operator, delegator, creator, keeper). */
export const account = onchainTable("account", (t) => ({
  address: t.hex().primaryKey(),
  /** FLOCK balance, from Transfer events */
  balance: t.bigint().notNull(),
  /** FLOCK minted to this account */
  minted: t.bigint().notNull(),
  /** ERC20Votes delegatee (null until `delegate` is called) */
  votesDelegate: t.hex(),
  /** ERC20Votes voting power */
  votes: t.bigint().notNull(),
}));

/** Token-wide figures (one row per token address). */
export const token = onchainTable("token", (t) => ({
  address: t.hex().primaryKey(),
  totalSupply: t.bigint().notNull(),
  minted: t.bigint().notNull(),
  burned: t.bigint().notNull(),
  transfers: t.integer().notNull(),
}));

export const tokenTransfer = onchainTable(
  "token_transfer",
  (t) => ({
    id: t.text().primaryKey(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ fromIdx: index().on(table.from), toIdx: index().on(table.to) }),
);

/** ERC20 allowances (owner → spender), from Approval events. */
export const allowance = onchainTable(
  "allowance",
  (t) => ({
    owner: t.hex().notNull(),
    spender: t.hex().notNull(),
    amount: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.owner, table.spender] }) }),
);

export const tokenMint = onchainTable("token_mint", (t) => ({
  id: t.text().primaryKey(),
  minter: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

// ─── ProtocolConfig ──────────────────────────────────────────────────────────────────────────────

/** A parameter's current value, bounds and name (from `ParameterRegistered`, updated by `ParameterSet`). */
export const parameter = onchainTable("parameter", (t) => ({
  key: t.hex().primaryKey(),
  name: t.text().notNull(),
  value: t.bigint().notNull(),
  min: t.bigint().notNull(),
  max: t.bigint().notNull(),
  registeredBlock: t.bigint().notNull(),
  updatedBlock: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
  changes: t.integer().notNull(),
}));

/** Every registration and change of a parameter (registration has `oldValue` null). */
export const parameterChange = onchainTable(
  "parameter_change",
  (t) => ({
    id: t.text().primaryKey(),
    key: t.hex().notNull(),
    name: t.text().notNull(),
    oldValue: t.bigint(),
    newValue: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ keyIdx: index().on(table.key) }),
);

/** Protocol-wide settings that are not numbers (one row per ProtocolConfig address). */
export const protocol = onchainTable("protocol", (t) => ({
  config: t.hex().primaryKey(),
  treasury: t.hex(),
  /** Ownable2Step owner (the governance timelock in production) and the pending one */
  owner: t.hex(),
  pendingOwner: t.hex(),
  updatedBlock: t.bigint().notNull(),
}));

export const treasuryChange = onchainTable("treasury_change", (t) => ({
  id: t.text().primaryKey(),
  oldTreasury: t.hex().notNull(),
  newTreasury: t.hex().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

// ─── access control (FlockToken and StakingVault roles) ─────────────────────────────────────────

/** Who holds which role on which contract (AccessControl `RoleGranted` / `RoleRevoked`). */
export const roleMember = onchainTable(
  "role_member",
  (t) => ({
    contract: t.hex().notNull(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    active: t.boolean().notNull(),
    grantedBy: t.hex(),
    revokedBy: t.hex(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contract, table.role, table.account] }) }),
);

/** The admin role of each role (AccessControl `RoleAdminChanged`). */
export const roleAdmin = onchainTable(
  "role_admin",
  (t) => ({
    contract: t.hex().notNull(),
    role: t.hex().notNull(),
    adminRole: t.hex().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contract, table.role] }) }),
);

// ─── StakingVault ────────────────────────────────────────────────────────────────────────────────

/**
 * An operator's pool. `bondedAssets` / `totalShares` are the pool totals the vault reported last; an account's current
 * worth is `shares × (bondedAssets + 1) / (totalShares + 1000)` (the vault's virtual offset; see `src/lib/shares.ts`).
 */
export const operator = onchainTable(
  "operator",
  (t) => ({
    address: t.hex().primaryKey(),
    /** "TrainingNode" | "Validator" */
    role: t.text().notNull(),
    commissionBps: t.integer().notNull(),
    commissionChangedAt: t.bigint().notNull(),
    registeredBlock: t.bigint().notNull(),
    registeredAt: t.bigint().notNull(),
    bondedAssets: t.bigint().notNull(),
    totalShares: t.bigint().notNull(),
    /** the operator's own shares (self stake) */
    selfShares: t.bigint().notNull(),
    /** net assets the operator itself put in (stakes − unbond requests, at request value) */
    selfPrincipal: t.bigint().notNull(),
    /** net assets delegators put in */
    delegatedPrincipal: t.bigint().notNull(),
    lockedAssets: t.bigint().notNull(),
    unbondingAssets: t.bigint().notNull(),
    unclaimedCommission: t.bigint().notNull(),
    totalRewards: t.bigint().notNull(),
    totalCommission: t.bigint().notNull(),
    totalSlashed: t.bigint().notNull(),
    delegators: t.integer().notNull(),
    /** locks ever taken on the pool (each lock's sequence number is its rank), and how many are outstanding */
    lockSeq: t.integer().notNull(),
    activeLocks: t.integer().notNull(),
    /** every lock up to this sequence number is released (the vault's `releasedThrough`) */
    releasedThrough: t.integer().notNull(),
    /** released locks beyond `releasedThrough` (an older one is still outstanding) */
    releasedAhead: t.integer().array().notNull(),
    /** deposits waiting for the locks outstanding when they arrived (not shares yet) */
    pendingAssets: t.bigint().notNull(),
    /** a scheduled commission increase (0 and 0: none) and when it takes effect */
    pendingCommissionBps: t.integer().notNull(),
    commissionEffectiveAt: t.bigint().notNull(),
  }),
  (table) => ({ roleIdx: index().on(table.role) }),
);

/** A position of `account` in `operator`'s pool (self stake when account == operator). */
export const delegation = onchainTable(
  "delegation",
  (t) => ({
    operator: t.hex().notNull(),
    account: t.hex().notNull(),
    shares: t.bigint().notNull(),
    /** assets put in minus the value of unbond requests */
    principal: t.bigint().notNull(),
    deposited: t.bigint().notNull(),
    deposits: t.integer().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.operator, table.account] }),
    accountIdx: index().on(table.account),
  }),
);

export const delegationEvent = onchainTable(
  "delegation_event",
  (t) => ({
    id: t.text().primaryKey(),
    operator: t.hex().notNull(),
    account: t.hex().notNull(),
    assets: t.bigint().notNull(),
    shares: t.bigint().notNull(),
    poolAssets: t.bigint().notNull(),
    poolShares: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ operatorIdx: index().on(table.operator), accountIdx: index().on(table.account) }),
);

/**
 * A deposit made while locks were outstanding on the pool (`DepositPending`): 0 shares until every lock up to `mark` is
 * released (`mark ≤ operator.releasedThrough`: then `activate` turns it into shares), or taken back (`cancelPending`).
 * `assets` is what waits now (0 once activated or cancelled).
 */
export const pendingDeposit = onchainTable(
  "pending_deposit",
  (t) => ({
    operator: t.hex().notNull(),
    account: t.hex().notNull(),
    assets: t.bigint().notNull(),
    mark: t.integer().notNull(),
    /** "pending" | "activated" | "cancelled" */
    status: t.text().notNull(),
    deposited: t.bigint().notNull(),
    activated: t.bigint().notNull(),
    cancelled: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.operator, table.account] }),
    accountIdx: index().on(table.account),
  }),
);

/** A scheduled commission increase (`CommissionIncreaseScheduled`): it applies from `effectiveAt` on. */
export const commissionIncrease = onchainTable("commission_increase", (t) => ({
  id: t.text().primaryKey(),
  operator: t.hex().notNull(),
  currentBps: t.integer().notNull(),
  newBps: t.integer().notNull(),
  effectiveAt: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

export const commissionChange = onchainTable("commission_change", (t) => ({
  id: t.text().primaryKey(),
  operator: t.hex().notNull(),
  oldBps: t.integer().notNull(),
  newBps: t.integer().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

export const unbonding = onchainTable(
  "unbonding",
  (t) => ({
    entryId: t.bigint().primaryKey(),
    operator: t.hex().notNull(),
    account: t.hex().notNull(),
    /** pool shares burned */
    shares: t.bigint().notNull(),
    /** value of the burned shares at request time */
    assets: t.bigint().notNull(),
    /** claims on the pool's unbonding bucket */
    unbondingShares: t.bigint().notNull(),
    readyAt: t.bigint().notNull(),
    /** the newest lock outstanding on the pool at the request (0: none): withdrawable only once it is released */
    lockMark: t.integer().notNull(),
    requestedBlock: t.bigint().notNull(),
    requestedAt: t.bigint().notNull(),
    withdrawn: t.boolean().notNull(),
    withdrawnAssets: t.bigint(),
    withdrawnAt: t.bigint(),
  }),
  (table) => ({ accountIdx: index().on(table.account), operatorIdx: index().on(table.operator) }),
);

/** A lock (module, id, operator): `amount` is what remains locked now. */
export const stakeLock = onchainTable(
  "stake_lock",
  (t) => ({
    module: t.hex().notNull(),
    lockId: t.bigint().notNull(),
    operator: t.hex().notNull(),
    /** the lock's sequence number in the pool */
    seq: t.integer().notNull(),
    locked: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    slashed: t.bigint().notNull(),
    released: t.bigint().notNull(),
    active: t.boolean().notNull(),
    lockedBlock: t.bigint().notNull(),
    unlockedBlock: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.module, table.lockId, table.operator] }),
    operatorIdx: index().on(table.operator),
  }),
);

/**
 * A slash. The vault's `Slashed` gives module, lock id, pool figures; the module's own event (ArenaTasks'
 * `ParticipantSlashed`) adds the reason and the treasury part. Both land on one row keyed by
 * module:id:operator:txHash.
 */
export const slash = onchainTable(
  "slash",
  (t) => ({
    id: t.text().primaryKey(),
    module: t.hex().notNull(),
    /** the module's id: a task id for ArenaTasks */
    lockId: t.bigint().notNull(),
    operator: t.hex().notNull(),
    amount: t.bigint().notNull(),
    fromBonded: t.bigint().notNull(),
    fromUnbonding: t.bigint().notNull(),
    poolAssetsAfter: t.bigint(),
    /**
     * "Spam" | "Deviation" | "NonReveal" (ArenaTasks' `ParticipantSlashed`), "TrainerNonReveal" (`TrainerNonRevealSlashed`,
     * at a trainer's claim); null until the module's event, or for other modules
     */
    reason: t.text(),
    toTreasury: t.bigint(),
    taskId: t.bigint(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ operatorIdx: index().on(table.operator), taskIdx: index().on(table.taskId) }),
);

export const rewardDeposit = onchainTable(
  "reward_deposit",
  (t) => ({
    id: t.text().primaryKey(),
    operator: t.hex().notNull(),
    module: t.hex().notNull(),
    amount: t.bigint().notNull(),
    commission: t.bigint().notNull(),
    poolAssets: t.bigint().notNull(),
    poolShares: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ operatorIdx: index().on(table.operator) }),
);

export const commissionClaim = onchainTable("commission_claim", (t) => ({
  id: t.text().primaryKey(),
  operator: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

// ─── ArenaTasks ──────────────────────────────────────────────────────────────────────────────────

/**
 * A task. The phase is not stored: it follows from the windows and `status` (see `src/lib/phase.ts`);
 * `status` is "active" | "settled" | "cancelled".
 */
export const task = onchainTable(
  "task",
  (t) => ({
    id: t.bigint().primaryKey(),
    arena: t.hex().notNull(),
    creator: t.hex().notNull(),
    specCid: t.text().notNull(),
    evalCommitment: t.hex().notNull(),
    evalCid: t.text(),
    evalRevealed: t.boolean().notNull(),
    rewardPool: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    bond: t.bigint().notNull(),
    bondRefunded: t.bigint(),
    submissionStart: t.bigint().notNull(),
    submissionEnd: t.bigint().notNull(),
    /** the creator must reveal the eval data before this (submissionEnd + publishWindow / 2) */
    evalRevealEnd: t.bigint().notNull(),
    publishEnd: t.bigint().notNull(),
    commitEnd: t.bigint().notNull(),
    revealEnd: t.bigint().notNull(),
    status: t.text().notNull(),
    /** "None" | "Consensus" | "Validators" | "Ranking" | "Done" */
    stage: t.text().notNull(),
    cursor: t.integer().notNull(),
    cancelReason: t.text(),
    /** the TaskParams fixed at creation, amounts as decimal strings */
    params: t.json(),
    minScore: t.integer(),
    spamScore: t.integer(),
    trainerStake: t.bigint(),
    maxSubmissions: t.integer(),
    maxValidators: t.integer(),
    minRevealedStake: t.bigint(),
    maxScoreDeviation: t.integer(),
    trainerNonRevealSlashBps: t.integer(),
    /** counters */
    commitments: t.integer().notNull(),
    trainers: t.integer().notNull(),
    published: t.integer().notNull(),
    validators: t.integer().notNull(),
    revealed: t.integer().notNull(),
    /** validators that revealed "eval data unavailable" (an empty score list) */
    unavailable: t.integer().notNull(),
    /** validators evicted by a larger lock, submissions displaced by their earlier committer, contested consensus */
    evictions: t.integer().notNull(),
    displacements: t.integer().notNull(),
    contested: t.integer().notNull(),
    /** published trainers in index order (index → trainer) */
    publishedTrainers: t.hex().array().notNull(),
    /** consensus scores in index order (as computed; a contested one is 0: no consensus) */
    consensusScores: t.integer().array().notNull(),
    /** indexes whose consensus was contested (an even stake split: no consensus) */
    contestedIndexes: t.integer().array().notNull(),
    /** for each of `contestedIndexes`, the split's two medians [lower, upper], flattened: validators inside are not
     * judged on that submission, those outside by their distance to the interval */
    contestedBounds: t.integer().array().notNull(),
    /** settlement figures (null until settled/cancelled) */
    trainerPot: t.bigint(),
    validatorPot: t.bigint(),
    protocolFee: t.bigint(),
    keeperBounty: t.bigint().notNull(),
    slashed: t.bigint().notNull(),
    /** trainers slashed at their claim for committing and not publishing (after settlement: not in `slashed`) */
    trainerNonRevealSlashed: t.bigint().notNull(),
    paidTrainers: t.integer(),
    rewardedValidators: t.integer(),
    creatorRefund: t.bigint(),
    /** the eval-data default's bond share of the earlier contracts (always 0 now) */
    bondShare: t.bigint(),
    totalRewards: t.bigint().notNull(),
    totalClaimed: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    closedBlock: t.bigint(),
    closedAt: t.bigint(),
  }),
  (table) => ({ creatorIdx: index().on(table.creator), statusIdx: index().on(table.status) }),
);

/** A training node's submission in a task (its live commitment, and what became of it). */
export const submission = onchainTable(
  "submission",
  (t) => ({
    taskId: t.bigint().notNull(),
    trainer: t.hex().notNull(),
    commitment: t.hex().notNull(),
    commitSeq: t.bigint().notNull(),
    commits: t.integer().notNull(),
    lockedStake: t.bigint().notNull(),
    published: t.boolean().notNull(),
    /** position in the scores arrays (null until revealed) */
    index: t.integer(),
    modelCid: t.text(),
    consensus: t.integer(),
    rank: t.integer(),
    reward: t.bigint(),
    spam: t.boolean().notNull(),
    /** an even stake split around its score: no consensus (0); `contestedLower`..`contestedUpper` are the two medians */
    contested: t.boolean().notNull(),
    contestedLower: t.integer(),
    contestedUpper: t.integer(),
    /** this trainer revealed first a model committed earlier by `displacedBy`, who took it over */
    displaced: t.boolean().notNull(),
    displacedBy: t.hex(),
    slashed: t.bigint().notNull(),
    claimed: t.boolean().notNull(),
    claimedAmount: t.bigint(),
    committedBlock: t.bigint().notNull(),
    committedAt: t.bigint().notNull(),
    revealedAt: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.taskId, table.trainer] }),
    trainerIdx: index().on(table.trainer),
  }),
);

/** Every submission commit (first and replacements). */
export const submissionCommit = onchainTable(
  "submission_commit",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    trainer: t.hex().notNull(),
    commitment: t.hex().notNull(),
    commitSeq: t.bigint().notNull(),
    replaced: t.boolean().notNull(),
    lockedStake: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** A validator's record in a task: commitment, revealed scores, judgement, reward, slash, claim. */
export const taskValidator = onchainTable(
  "task_validator",
  (t) => ({
    taskId: t.bigint().notNull(),
    validator: t.hex().notNull(),
    validatorIndex: t.integer().notNull(),
    commitment: t.hex().notNull(),
    commits: t.integer().notNull(),
    lockedStake: t.bigint().notNull(),
    revealed: t.boolean().notNull(),
    /** revealed an empty score list: "eval data unavailable" */
    unavailable: t.boolean().notNull(),
    scores: t.integer().array(),
    revealedAt: t.bigint(),
    distance: t.integer(),
    /** the largest distance of a single score to its (uncontested) consensus: above maxScoreDeviation it is slashed */
    maxDistance: t.integer(),
    /** evicted from a full set by a larger lock (its record is gone on chain, its stake unlocked) */
    evicted: t.boolean().notNull(),
    evictedBy: t.hex(),
    evictedAt: t.bigint(),
    /** "Rewarded" | "Neutral" | "SlashedDeviation" | "SlashedNonReveal" */
    outcome: t.text(),
    weight: t.bigint(),
    reward: t.bigint(),
    slashed: t.bigint().notNull(),
    claimed: t.boolean().notNull(),
    claimedAmount: t.bigint(),
    committedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.taskId, table.validator] }),
    validatorIdx: index().on(table.validator),
  }),
);

/** A model revealed first by a later committer and taken over by its earlier committer (`SubmissionDisplaced`). */
export const submissionDisplacement = onchainTable(
  "submission_displacement",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    index: t.integer().notNull(),
    copier: t.hex().notNull(),
    owner: t.hex().notNull(),
    ownerCommitSeq: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** A validator evicted from a full set by a strictly larger lock (`ValidatorEvicted`). */
export const validatorEviction = onchainTable(
  "validator_eviction",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    evicted: t.hex().notNull(),
    by: t.hex().notNull(),
    evictedLock: t.bigint().notNull(),
    newLock: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** Every scores commit (first and replacements). */
export const scoresCommit = onchainTable(
  "scores_commit",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    validator: t.hex().notNull(),
    commitment: t.hex().notNull(),
    validatorIndex: t.integer().notNull(),
    replaced: t.boolean().notNull(),
    lockedStake: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** One revealed score: validator × submission. */
export const score = onchainTable(
  "score",
  (t) => ({
    taskId: t.bigint().notNull(),
    validator: t.hex().notNull(),
    submissionIndex: t.integer().notNull(),
    trainer: t.hex().notNull(),
    score: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.taskId, table.validator, table.submissionIndex] }),
    submissionIdx: index().on(table.taskId, table.trainer),
  }),
);

export const finalizeCall = onchainTable(
  "finalize_call",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    keeper: t.hex().notNull(),
    stage: t.text().notNull(),
    cursor: t.integer().notNull(),
    steps: t.bigint().notNull(),
    bounty: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), keeperIdx: index().on(table.keeper) }),
);

/**
 * A claim: "TrainerReward" | "ValidatorReward" | "CreatorRefund" (the creator's bond after a settlement, or its refund
 * after a cancellation) | "UnlockOnly" ("BondShare" came only from the earlier contracts).
 */
export const claim = onchainTable(
  "claim",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    account: t.hex().notNull(),
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    unlocked: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), accountIdx: index().on(table.account) }),
);

// ─── relations ───────────────────────────────────────────────────────────────────────────────────
// A client walks task → submissions → scores → validator records in one GraphQL query.

export const accountRelations = relations(account, ({ many, one }) => ({
  operator: one(operator, { fields: [account.address], references: [operator.address] }),
  delegations: many(delegation),
  unbondings: many(unbonding),
  pendingDeposits: many(pendingDeposit),
  claims: many(claim),
}));

export const operatorRelations = relations(operator, ({ many, one }) => ({
  account: one(account, { fields: [operator.address], references: [account.address] }),
  delegations: many(delegation, { relationName: "operatorDelegations" }),
  locks: many(stakeLock),
  slashes: many(slash),
  rewards: many(rewardDeposit),
  pendingDeposits: many(pendingDeposit, { relationName: "operatorPendingDeposits" }),
  commissionIncreases: many(commissionIncrease),
}));

export const pendingDepositRelations = relations(pendingDeposit, ({ one }) => ({
  pool: one(operator, {
    fields: [pendingDeposit.operator],
    references: [operator.address],
    relationName: "operatorPendingDeposits",
  }),
  depositor: one(account, { fields: [pendingDeposit.account], references: [account.address] }),
}));

export const commissionIncreaseRelations = relations(commissionIncrease, ({ one }) => ({
  pool: one(operator, { fields: [commissionIncrease.operator], references: [operator.address] }),
}));

export const delegationRelations = relations(delegation, ({ one }) => ({
  pool: one(operator, {
    fields: [delegation.operator],
    references: [operator.address],
    relationName: "operatorDelegations",
  }),
  delegator: one(account, { fields: [delegation.account], references: [account.address] }),
}));

export const unbondingRelations = relations(unbonding, ({ one }) => ({
  requester: one(account, { fields: [unbonding.account], references: [account.address] }),
}));

export const stakeLockRelations = relations(stakeLock, ({ one }) => ({
  pool: one(operator, { fields: [stakeLock.operator], references: [operator.address] }),
}));

export const slashRelations = relations(slash, ({ one }) => ({
  pool: one(operator, { fields: [slash.operator], references: [operator.address] }),
  task: one(task, { fields: [slash.taskId], references: [task.id] }),
}));

export const rewardDepositRelations = relations(rewardDeposit, ({ one }) => ({
  pool: one(operator, { fields: [rewardDeposit.operator], references: [operator.address] }),
}));

export const taskRelations = relations(task, ({ many }) => ({
  submissions: many(submission),
  submissionCommits: many(submissionCommit),
  validatorRecords: many(taskValidator),
  scoresCommits: many(scoresCommit),
  scores: many(score),
  slashes: many(slash),
  finalizeCalls: many(finalizeCall),
  claims: many(claim),
  displacementEvents: many(submissionDisplacement),
  evictionEvents: many(validatorEviction),
}));

export const submissionDisplacementRelations = relations(submissionDisplacement, ({ one }) => ({
  task: one(task, { fields: [submissionDisplacement.taskId], references: [task.id] }),
}));

export const validatorEvictionRelations = relations(validatorEviction, ({ one }) => ({
  task: one(task, { fields: [validatorEviction.taskId], references: [task.id] }),
}));

export const submissionRelations = relations(submission, ({ one, many }) => ({
  task: one(task, { fields: [submission.taskId], references: [task.id] }),
  operator: one(operator, { fields: [submission.trainer], references: [operator.address] }),
  scores: many(score),
}));

export const submissionCommitRelations = relations(submissionCommit, ({ one }) => ({
  task: one(task, { fields: [submissionCommit.taskId], references: [task.id] }),
}));

export const taskValidatorRelations = relations(taskValidator, ({ one, many }) => ({
  task: one(task, { fields: [taskValidator.taskId], references: [task.id] }),
  operator: one(operator, { fields: [taskValidator.validator], references: [operator.address] }),
  /** the score rows (the `scores` column holds the same numbers as an array) */
  scoreRows: many(score),
}));

export const scoresCommitRelations = relations(scoresCommit, ({ one }) => ({
  task: one(task, { fields: [scoresCommit.taskId], references: [task.id] }),
}));

export const scoreRelations = relations(score, ({ one }) => ({
  task: one(task, { fields: [score.taskId], references: [task.id] }),
  submission: one(submission, {
    fields: [score.taskId, score.trainer],
    references: [submission.taskId, submission.trainer],
  }),
  validatorRecord: one(taskValidator, {
    fields: [score.taskId, score.validator],
    references: [taskValidator.taskId, taskValidator.validator],
  }),
}));

export const finalizeCallRelations = relations(finalizeCall, ({ one }) => ({
  task: one(task, { fields: [finalizeCall.taskId], references: [task.id] }),
}));

export const claimRelations = relations(claim, ({ one }) => ({
  task: one(task, { fields: [claim.taskId], references: [task.id] }),
  claimer: one(account, { fields: [claim.account], references: [account.address] }),
}));

export const parameterRelations = relations(parameter, ({ many }) => ({
  history: many(parameterChange),
}));

export const parameterChangeRelations = relations(parameterChange, ({ one }) => ({
  parameter: one(parameter, { fields: [parameterChange.key], references: [parameter.key] }),
}));

// ─── governance (FlockGovernor, voting power) ───────────────────────────────────────────────────────
export * from "./schema/governance.js";

// ─── AI Marketplace (indexer/schema/market.ts) ─────────────────────────────────────────────────────

// ─── FLAlliance (its tables live in schema/fl.ts) ────────────────────────────────────────────────
export * from "./schema/fl.js";
export * from "./schema/market.js";
