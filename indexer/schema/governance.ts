/**
 * Governance tables (re-exported by `ponder.schema.ts`): proposals of `FlockGovernor` with their tallies, eta and
 * decoded actions; every vote with its weight and reason; the queue / execute / cancel / extend events; the token
 * supply at every mint and burn (the quorum's base); and every change of voting power (wallet votes delegated on the
 * token, FLOCK staked in the vault). Parameter history is `parameterChange` (ProtocolConfig's events).
 *
 * Like every table here, rows come from events only. A proposal's `state` is what its events say ("created",
 * "queued", "executed", "canceled"); whether a created proposal is pending, active, succeeded or defeated depends on the
 * time: compare `voteStart` / `voteEnd` with the indexed block's timestamp, and `succeeded` says whether the votes
 * cast so far pass (for > against and for + abstain ≥ quorum).
 */
import { index, onchainTable, relations } from "ponder";

/** One proposal. Amounts are FLOCK base units; times are seconds. */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    id: t.bigint().primaryKey(),
    proposer: t.hex().notNull(),
    description: t.text().notNull(),
    /** "created" | "queued" | "executed" | "canceled" */
    state: t.text().notNull(),
    /** the vote opens at (and weights are read at) this timestamp */
    voteStart: t.bigint().notNull(),
    /** the vote closes at this timestamp (moved by `ProposalExtended` on a late quorum) */
    voteEnd: t.bigint().notNull(),
    forVotes: t.bigint().notNull(),
    againstVotes: t.bigint().notNull(),
    abstainVotes: t.bigint().notNull(),
    voters: t.integer().notNull(),
    /** for + abstain needed: quorumNumerator% of the supply at `voteStart` (null until a vote is cast) */
    quorum: t.bigint(),
    /** the votes cast so far pass: for > against and for + abstain ≥ quorum */
    succeeded: t.boolean().notNull(),
    /** executable from this timestamp (once queued) */
    eta: t.bigint(),
    /** the calls: [{ target, value, calldata, call, param?: { name, value } }] (values as decimal strings) */
    actions: t.json().notNull(),
    /** ProtocolConfig parameters the proposal sets, by name (for filtering) */
    params: t.text().array().notNull(),
    createdBlock: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    txHash: t.hex().notNull(),
    queuedAt: t.bigint(),
    executedAt: t.bigint(),
    executedTx: t.hex(),
    canceledAt: t.bigint(),
  }),
  (table) => ({ stateIdx: index().on(table.state), proposerIdx: index().on(table.proposer) }),
);

/** One vote: `support` is "against" | "for" | "abstain"; `weight` the voter's votes at the proposal's snapshot. */
export const vote = onchainTable(
  "vote",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    support: t.text().notNull(),
    weight: t.bigint().notNull(),
    reason: t.text().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ proposalIdx: index().on(table.proposalId), voterIdx: index().on(table.voter) }),
);

/** A proposal's lifecycle events after its creation: "queued" (with eta), "executed", "canceled", "extended". */
export const proposalEvent = onchainTable(
  "proposal_event",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    kind: t.text().notNull(),
    /** queued: the eta; extended: the new deadline */
    time: t.bigint(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ proposalIdx: index().on(table.proposalId) }),
);

/** Governor settings as its events report them (one row per governor address). */
export const governor = onchainTable("governor", (t) => ({
  address: t.hex().primaryKey(),
  votingDelay: t.bigint(),
  votingPeriod: t.bigint(),
  proposalThreshold: t.bigint(),
  quorumNumerator: t.bigint(),
  lateQuorumExtension: t.bigint(),
  timelock: t.hex(),
  proposals: t.integer().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

/** The FLOCK supply after each mint or burn, by timestamp (a proposal's quorum is a share of it at its snapshot). */
export const supplyCheckpoint = onchainTable("supply_checkpoint", (t) => ({
  timestamp: t.bigint().primaryKey(),
  totalSupply: t.bigint().notNull(),
  block: t.bigint().notNull(),
}));

/**
 * A change of voting power. `source` "wallet": the token's `DelegateVotesChanged` for `account` (a delegate);
 * `newVotes` is its wallet votes after. `source` "stake": FLOCK bonded in `operator`'s pool for `account` — "stake"
 * (a deposit became shares, `delta` > 0) or "unbond" (`delta` < 0); or pool-wide ("slash", "reward": `account` null),
 * where every position in the pool moves pro rata by `delta`.
 */
export const votingPowerChange = onchainTable(
  "voting_power_change",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex(),
    source: t.text().notNull(),
    reason: t.text().notNull(),
    operator: t.hex(),
    delta: t.bigint().notNull(),
    newVotes: t.bigint(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account), operatorIdx: index().on(table.operator) }),
);

export const proposalRelations = relations(proposal, ({ many }) => ({
  votes: many(vote),
  events: many(proposalEvent),
}));

export const voteRelations = relations(vote, ({ one }) => ({
  proposal: one(proposal, { fields: [vote.proposalId], references: [proposal.id] }),
}));

export const proposalEventRelations = relations(proposalEvent, ({ one }) => ({
  proposal: one(proposal, { fields: [proposalEvent.proposalId], references: [proposal.id] }),
}));
