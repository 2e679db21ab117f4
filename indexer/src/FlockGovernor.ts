/**
 * FlockGovernor → proposals (tallies, eta, decoded actions), votes, the queue / execute / cancel / extend events and the
 * governor's settings. A `ProtocolConfig.set(key, value)` action is decoded by the parameter's name (the `parameter`
 * table, registered at deployment).
 */
import { ponder } from "ponder:registry";
import { governor, parameter, proposal, proposalEvent, supplyCheckpoint, vote } from "ponder:schema";
import { desc, lte } from "ponder";
import { decodeFunctionData } from "viem";
import { protocolConfigAbi } from "../../generated/abis.js";
import { type Db, lc } from "./lib/store.js";

const SUPPORT = ["against", "for", "abstain"] as const;

/** `GovernorCountingSimple`: for > against, and for + abstain reach the quorum. */
function passes(row: { forVotes: bigint; againstVotes: bigint; abstainVotes: bigint }, quorum: bigint): boolean {
  return row.forVotes > row.againstVotes && row.forVotes + row.abstainVotes >= quorum;
}

ponder.on("FlockGovernor:ProposalCreated", async ({ event, context }) => {
  const { db } = context;
  const { proposalId, proposer, targets, values, calldatas, voteStart, voteEnd, description } = event.args;
  const config = lc(context.contracts.ProtocolConfig.address as `0x${string}`);
  const actions = [];
  const params: string[] = [];
  for (let i = 0; i < targets.length; i++) {
    const target = lc(targets[i]);
    const calldata = calldatas[i];
    const action: Record<string, unknown> = {
      target,
      value: values[i].toString(),
      calldata,
      call: `${target}:${calldata.slice(0, 10)}`,
    };
    if (target === config) {
      try {
        const d = decodeFunctionData({ abi: protocolConfigAbi, data: calldata });
        if (d.functionName === "set") {
          const [key, value] = d.args;
          const name = (await db.find(parameter, { key }))?.name ?? key;
          action.call = `ProtocolConfig.set(${name}, ${value})`;
          action.param = { name, key, value: value.toString() };
          params.push(name);
        } else {
          action.call = `ProtocolConfig.${d.functionName}(${(d.args ?? []).map(String).join(", ")})`;
        }
      } catch {
        /* not a call ProtocolConfig's ABI knows */
      }
    }
    actions.push(action);
  }
  await db.insert(proposal).values({
    id: proposalId,
    proposer: lc(proposer),
    description,
    state: "created",
    voteStart,
    voteEnd,
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    voters: 0,
    succeeded: false,
    actions,
    params,
    createdBlock: event.block.number,
    createdAt: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await db
    .insert(governor)
    .values({ address: lc(event.log.address), proposals: 1, updatedBlock: event.block.number })
    .onConflictDoUpdate((row) => ({ proposals: row.proposals + 1, updatedBlock: event.block.number }));
});

/** The quorum of a proposal: the governor's numerator (percent) of the FLOCK supply at its snapshot. */
async function quorumAt(db: Db, governorAddress: `0x${string}`, snapshot: bigint): Promise<bigint> {
  const g = await db.find(governor, { address: governorAddress });
  const [supply] = await db.sql
    .select()
    .from(supplyCheckpoint)
    .where(lte(supplyCheckpoint.timestamp, snapshot))
    .orderBy(desc(supplyCheckpoint.timestamp))
    .limit(1);
  return ((supply?.totalSupply ?? 0n) * (g?.quorumNumerator ?? 0n)) / 100n;
}

async function onVote(
  event: {
    id: string;
    args: { voter: `0x${string}`; proposalId: bigint; support: number; weight: bigint; reason: string };
    block: { number: bigint; timestamp: bigint };
    transaction: { hash: `0x${string}` };
    log: { address: `0x${string}` };
  },
  db: Db,
) {
  const { voter, proposalId, support, weight, reason } = event.args;
  const side = SUPPORT[support] ?? `support ${support}`;
  await db.insert(vote).values({
    id: event.id,
    proposalId,
    voter: lc(voter),
    support: side,
    weight,
    reason,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  const row = await db.find(proposal, { id: proposalId });
  if (!row) return;
  // the snapshot has passed once anyone votes: the supply it reads is final
  const quorum = row.quorum ?? (await quorumAt(db, lc(event.log.address), row.voteStart));
  const tally = {
    forVotes: row.forVotes + (side === "for" ? weight : 0n),
    againstVotes: row.againstVotes + (side === "against" ? weight : 0n),
    abstainVotes: row.abstainVotes + (side === "abstain" ? weight : 0n),
  };
  await db
    .update(proposal, { id: proposalId })
    .set({ ...tally, voters: row.voters + 1, quorum, succeeded: passes(tally, quorum) });
}

ponder.on("FlockGovernor:VoteCast", async ({ event, context }) => onVote(event, context.db));
ponder.on("FlockGovernor:VoteCastWithParams", async ({ event, context }) => onVote(event, context.db));

async function lifecycle(
  db: Db,
  event: { id: string; block: { number: bigint; timestamp: bigint }; transaction: { hash: `0x${string}` } },
  proposalId: bigint,
  kind: "queued" | "executed" | "canceled" | "extended",
  time: bigint | null,
) {
  await db.insert(proposalEvent).values({
    id: event.id,
    proposalId,
    kind,
    time,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
}

ponder.on("FlockGovernor:ProposalQueued", async ({ event, context }) => {
  const { proposalId, etaSeconds } = event.args;
  await context.db
    .update(proposal, { id: proposalId })
    .set({ state: "queued", eta: etaSeconds, queuedAt: event.block.timestamp });
  await lifecycle(context.db, event, proposalId, "queued", etaSeconds);
});

ponder.on("FlockGovernor:ProposalExecuted", async ({ event, context }) => {
  const { proposalId } = event.args;
  await context.db
    .update(proposal, { id: proposalId })
    .set({ state: "executed", executedAt: event.block.timestamp, executedTx: event.transaction.hash });
  await lifecycle(context.db, event, proposalId, "executed", null);
});

ponder.on("FlockGovernor:ProposalCanceled", async ({ event, context }) => {
  const { proposalId } = event.args;
  await context.db.update(proposal, { id: proposalId }).set({ state: "canceled", canceledAt: event.block.timestamp });
  await lifecycle(context.db, event, proposalId, "canceled", null);
});

ponder.on("FlockGovernor:ProposalExtended", async ({ event, context }) => {
  const { proposalId, extendedDeadline } = event.args;
  await context.db.update(proposal, { id: proposalId }).set({ voteEnd: BigInt(extendedDeadline) });
  await lifecycle(context.db, event, proposalId, "extended", BigInt(extendedDeadline));
});

// ─── settings (set in the constructor, then only by governance) ─────────────────────────────────────────

type Settings = Partial<{
  votingDelay: bigint;
  votingPeriod: bigint;
  proposalThreshold: bigint;
  quorumNumerator: bigint;
  lateQuorumExtension: bigint;
  timelock: `0x${string}`;
}>;

async function setting(db: Db, address: `0x${string}`, block: bigint, values: Settings) {
  await db
    .insert(governor)
    .values({ address: lc(address), proposals: 0, updatedBlock: block, ...values })
    .onConflictDoUpdate({ ...values, updatedBlock: block });
}

ponder.on("FlockGovernor:VotingDelaySet", async ({ event, context }) =>
  setting(context.db, event.log.address, event.block.number, { votingDelay: event.args.newVotingDelay }),
);
ponder.on("FlockGovernor:VotingPeriodSet", async ({ event, context }) =>
  setting(context.db, event.log.address, event.block.number, { votingPeriod: event.args.newVotingPeriod }),
);
ponder.on("FlockGovernor:ProposalThresholdSet", async ({ event, context }) =>
  setting(context.db, event.log.address, event.block.number, {
    proposalThreshold: event.args.newProposalThreshold,
  }),
);
ponder.on("FlockGovernor:QuorumNumeratorUpdated", async ({ event, context }) =>
  setting(context.db, event.log.address, event.block.number, { quorumNumerator: event.args.newQuorumNumerator }),
);
ponder.on("FlockGovernor:LateQuorumVoteExtensionSet", async ({ event, context }) =>
  setting(context.db, event.log.address, event.block.number, {
    lateQuorumExtension: BigInt(event.args.newVoteExtension),
  }),
);
ponder.on("FlockGovernor:TimelockChange", async ({ event, context }) =>
  setting(context.db, event.log.address, event.block.number, { timelock: lc(event.args.newTimelock) }),
);
