/**
 * The FL Alliance's tables (re-exported by `ponder.schema.ts`): alliances, members, rounds, roles, updates, scores and
 * votes, the global-model history, rewards, slashes and claims. Same conventions as `ponder.schema.ts`.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";
import { operator } from "../ponder.schema.js";

/** An FL alliance: its shape, money, current round and global model; the lineage once completed. */
export const alliance = onchainTable("alliance", (t) => ({
  id: t.bigint().primaryKey(),
  contract: t.hex().notNull(),
  creator: t.hex().notNull(),
  /** "Joining" | "Running" | "Completed" | "Cancelled" */
  status: t.text().notNull(),
  /** "Cid" | "ArenaTask" | "Alliance" */
  source: t.text().notNull(),
  /** the parent Arena task or alliance (0 for a given CID) */
  parentId: t.bigint().notNull(),
  startCid: t.text().notNull(),
  globalCid: t.text().notNull(),
  /** "FedAvg" | "TrimmedMean" | "Median", and its parameter (example cap, β bps, 0) */
  rule: t.text().notNull(),
  ruleParam: t.integer().notNull(),
  rewardPool: t.bigint().notNull(),
  /** the pool not yet paid, slashed funds returned to it included (from `RoundSettled`) */
  remaining: t.bigint().notNull(),
  minStake: t.bigint().notNull(),
  rounds: t.integer().notNull(),
  /** the current round (0 while joining) */
  round: t.integer().notNull(),
  /** the round whose accepted candidate is the current global model (0: the starting model) */
  modelRound: t.integer().notNull(),
  participants: t.integer().notNull(),
  minParticipants: t.integer().notNull(),
  maxParticipants: t.integer().notNull(),
  proposersPerRound: t.integer().notNull(),
  joinEnd: t.bigint().notNull(),
  /** the window lengths (seconds) and the config snapshot (`AllianceParamsFixed`), as JSON */
  windows: t.json(),
  params: t.json(),
  /** participants in join order (lower-case) */
  members: t.hex().array().notNull(),
  totalPaid: t.bigint().notNull(),
  totalSlashed: t.bigint().notNull(),
  creatorRefund: t.bigint().notNull(),
  finalModelCid: t.text(),
  /** the lineage (`LineageRecorded`): parent contributor, contributors and their shares in bps */
  parentContributor: t.hex(),
  contributors: t.hex().array(),
  sharesBps: t.integer().array(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull(),
}));

/** A participant of an alliance: its lock, slashes, rewards and claims. */
export const allianceMember = onchainTable(
  "alliance_member",
  (t) => ({
    allianceId: t.bigint().notNull(),
    account: t.hex().notNull(),
    index: t.integer().notNull(),
    /** the stake locked at join */
    stake: t.bigint().notNull(),
    slashed: t.bigint().notNull(),
    earned: t.bigint().notNull(),
    proposerEarned: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
    unlocked: t.boolean().notNull(),
    timesProposer: t.integer().notNull(),
    joinedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.allianceId, table.account] }),
    accountIdx: index().on(table.account),
  }),
);

/** A round: its seed and proposers, the phase ends it reached early, its outcome, votes and money. */
export const allianceRound = onchainTable(
  "alliance_round",
  (t) => ({
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    seed: t.hex().notNull(),
    proposers: t.hex().array().notNull(),
    /** the global model the round started from, and the round that made it (0: the starting model) */
    globalCid: t.text().notNull(),
    modelRound: t.integer().notNull(),
    startedBlock: t.bigint().notNull(),
    startedAt: t.bigint().notNull(),
    updateCommitEnd: t.bigint().notNull(),
    /** the last phase that began early (everyone acted), and when */
    earlyPhase: t.text(),
    earlyAt: t.bigint(),
    revealedUpdates: t.integer().notNull(),
    scoreReveals: t.integer().notNull(),
    voteReveals: t.integer().notNull(),
    /** null until settled, then "Accepted" | "Rejected" | "NoUpdates" */
    outcome: t.text(),
    accepted: t.boolean(),
    candidateCid: t.text(),
    /** the voters' consensus score (bps; the keeper scores accuracy on private data) of the model the round started
     * from: the global model's accuracy in this round (0 without score reveals) */
    globalConsensus: t.integer(),
    acceptStake: t.bigint(),
    voteStake: t.bigint(),
    budget: t.bigint(),
    proposerPaid: t.bigint(),
    voterPaid: t.bigint(),
    slashed: t.bigint(),
    remaining: t.bigint(),
    settledBlock: t.bigint(),
    settledAt: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.allianceId, table.round] }) }),
);

/** A participant's role in a round ("Proposer": trains and votes; "Voter": votes). */
export const allianceRole = onchainTable(
  "alliance_role",
  (t) => ({
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    account: t.hex().notNull(),
    role: t.text().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.allianceId, table.round, table.account] }),
    accountIdx: index().on(table.account),
  }),
);

/** A proposer's update in a round: commitment, revealed CID, its column's consensus and verdict, its reward. */
export const allianceUpdate = onchainTable(
  "alliance_update",
  (t) => ({
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    proposer: t.hex().notNull(),
    commitment: t.hex().notNull(),
    commits: t.integer().notNull(),
    revealed: t.boolean().notNull(),
    updateCid: t.text(),
    examples: t.integer(),
    /** its position among the round's revealed updates (ascending proposer), from `UpdateJudged` */
    column: t.integer(),
    consensus: t.integer(),
    contested: t.boolean(),
    excluded: t.boolean(),
    reward: t.bigint(),
    committedBlock: t.bigint().notNull(),
    revealedBlock: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.allianceId, table.round, table.proposer] }) }),
);

/** A participant's scores and vote in a round, and its judgement. */
export const allianceVote = onchainTable(
  "alliance_vote",
  (t) => ({
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    voter: t.hex().notNull(),
    scoresCommitment: t.hex(),
    /** the global model's score first, then one per column */
    scores: t.integer().array(),
    weight: t.bigint(),
    voteCommitment: t.hex(),
    voteRevealed: t.boolean().notNull(),
    accept: t.boolean(),
    candidateCid: t.text(),
    distance: t.integer(),
    withMajority: t.boolean(),
    reward: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.allianceId, table.round, table.voter] }) }),
);

/** The history of an alliance's global model: its start (round 0) and every accepted candidate. */
export const globalModel = onchainTable(
  "global_model",
  (t) => ({
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    cid: t.text().notNull(),
    previousCid: t.text(),
    /** its accuracy (bps): the consensus score of the first round that started from it (null until then) */
    accuracy: t.integer(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.allianceId, table.round] }) }),
);

/** A reward credited at a round's settlement ("proposer" or "voter"), paid to the pool by a claim. */
export const allianceReward = onchainTable(
  "alliance_reward",
  (t) => ({
    id: t.text().primaryKey(),
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    account: t.hex().notNull(),
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
  }),
  (table) => ({ allianceIdx: index().on(table.allianceId), accountIdx: index().on(table.account) }),
);

/** A slash at a round's settlement, with its reason (the vault's `slash` row of the same tx carries the split). */
export const allianceSlash = onchainTable(
  "alliance_slash",
  (t) => ({
    id: t.text().primaryKey(),
    allianceId: t.bigint().notNull(),
    round: t.integer().notNull(),
    account: t.hex().notNull(),
    /** "NonReveal" | "Poisoning" | "Deviation" | "Minority" */
    reason: t.text().notNull(),
    amount: t.bigint().notNull(),
    toTreasury: t.bigint().notNull(),
    block: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ allianceIdx: index().on(table.allianceId), accountIdx: index().on(table.account) }),
);

/** A claim: reward into the pool, the creator's refund, the lock released. */
export const allianceClaim = onchainTable("alliance_claim", (t) => ({
  id: t.text().primaryKey(),
  allianceId: t.bigint().notNull(),
  account: t.hex().notNull(),
  amount: t.bigint().notNull(),
  refund: t.bigint().notNull(),
  unlocked: t.bigint().notNull(),
  block: t.bigint().notNull(),
}));

export const allianceRelations = relations(alliance, ({ many }) => ({
  memberRows: many(allianceMember),
  roundRows: many(allianceRound),
  updates: many(allianceUpdate),
  votes: many(allianceVote),
  globalModels: many(globalModel),
  rewards: many(allianceReward),
  slashes: many(allianceSlash),
  claims: many(allianceClaim),
}));

export const allianceMemberRelations = relations(allianceMember, ({ one }) => ({
  alliance: one(alliance, { fields: [allianceMember.allianceId], references: [alliance.id] }),
  operator: one(operator, { fields: [allianceMember.account], references: [operator.address] }),
}));

export const allianceRoundRelations = relations(allianceRound, ({ one, many }) => ({
  alliance: one(alliance, { fields: [allianceRound.allianceId], references: [alliance.id] }),
  roles: many(allianceRole),
  updates: many(allianceUpdate),
  votes: many(allianceVote),
}));

export const allianceRoleRelations = relations(allianceRole, ({ one }) => ({
  round: one(allianceRound, {
    fields: [allianceRole.allianceId, allianceRole.round],
    references: [allianceRound.allianceId, allianceRound.round],
  }),
}));

export const allianceUpdateRelations = relations(allianceUpdate, ({ one }) => ({
  alliance: one(alliance, { fields: [allianceUpdate.allianceId], references: [alliance.id] }),
  roundRow: one(allianceRound, {
    fields: [allianceUpdate.allianceId, allianceUpdate.round],
    references: [allianceRound.allianceId, allianceRound.round],
  }),
}));

export const allianceVoteRelations = relations(allianceVote, ({ one }) => ({
  alliance: one(alliance, { fields: [allianceVote.allianceId], references: [alliance.id] }),
  roundRow: one(allianceRound, {
    fields: [allianceVote.allianceId, allianceVote.round],
    references: [allianceRound.allianceId, allianceRound.round],
  }),
}));

export const globalModelRelations = relations(globalModel, ({ one }) => ({
  alliance: one(alliance, { fields: [globalModel.allianceId], references: [alliance.id] }),
}));

export const allianceRewardRelations = relations(allianceReward, ({ one }) => ({
  alliance: one(alliance, { fields: [allianceReward.allianceId], references: [alliance.id] }),
}));

export const allianceSlashRelations = relations(allianceSlash, ({ one }) => ({
  alliance: one(alliance, { fields: [allianceSlash.allianceId], references: [alliance.id] }),
}));

export const allianceClaimRelations = relations(allianceClaim, ({ one }) => ({
  alliance: one(alliance, { fields: [allianceClaim.allianceId], references: [alliance.id] }),
}));
