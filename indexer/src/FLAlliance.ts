/**
 * FLAlliance → alliances, members, rounds (seed, proposers, outcome, votes, money), roles, updates, scores and votes,
 * the global-model history, rewards, slashes (joined with the vault's `Slashed` rows), claims and the lineage.
 */
import { ponder } from "ponder:registry";
import {
  alliance,
  allianceClaim,
  allianceMember,
  allianceReward,
  allianceRole,
  allianceRound,
  allianceSlash,
  allianceUpdate,
  allianceVote,
  globalModel,
  slash,
} from "ponder:schema";
import {
  AGGREGATION_RULE,
  ALLIANCE_SLASH_REASON,
  enumName,
  MODEL_SOURCE,
  ROUND_OUTCOME,
  ROUND_PHASE,
} from "./lib/enums.js";
import { slashRowId } from "./lib/ids.js";
import { jsonSafe } from "./lib/json.js";
import { ensureAccount, lc } from "./lib/store.js";

ponder.on("FLAlliance:AllianceCreated", async ({ event, context }) => {
  const { allianceId, parentId, startCid, joinEnd, params: p } = event.args;
  const creator = lc(event.args.creator);
  await ensureAccount(context.db, creator);
  await context.db.insert(alliance).values({
    id: allianceId,
    contract: lc(event.log.address),
    creator,
    status: "Joining",
    source: enumName(MODEL_SOURCE, p.source),
    parentId,
    startCid,
    globalCid: startCid,
    rule: enumName(AGGREGATION_RULE, p.rule),
    ruleParam: p.ruleParam,
    rewardPool: p.rewardPool,
    remaining: p.rewardPool,
    minStake: p.minStake,
    rounds: p.rounds,
    round: 0,
    modelRound: 0,
    participants: 0,
    minParticipants: p.minParticipants,
    maxParticipants: p.maxParticipants,
    proposersPerRound: p.proposersPerRound,
    joinEnd: BigInt(joinEnd),
    windows: jsonSafe(p.windows),
    members: [],
    totalPaid: 0n,
    totalSlashed: 0n,
    creatorRefund: 0n,
    createdBlock: event.block.number,
    createdAt: event.block.timestamp,
  });
  await context.db.insert(globalModel).values({
    allianceId,
    round: 0,
    cid: startCid,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

ponder.on("FLAlliance:AllianceParamsFixed", async ({ event, context }) => {
  await context.db.update(alliance, { id: event.args.allianceId }).set({ params: jsonSafe(event.args.params) });
});

ponder.on("FLAlliance:ParticipantJoined", async ({ event, context }) => {
  const { allianceId, index, stake } = event.args;
  const who = lc(event.args.account);
  await ensureAccount(context.db, who);
  await context.db.insert(allianceMember).values({
    allianceId,
    account: who,
    index,
    stake,
    slashed: 0n,
    earned: 0n,
    proposerEarned: 0n,
    claimed: 0n,
    unlocked: false,
    timesProposer: 0,
    joinedBlock: event.block.number,
  });
  await context.db
    .update(alliance, { id: allianceId })
    .set((row) => ({ participants: row.participants + 1, members: [...row.members, who] }));
});

ponder.on("FLAlliance:AllianceCancelled", async ({ event, context }) => {
  await context.db
    .update(alliance, { id: event.args.allianceId })
    .set({ status: "Cancelled", remaining: 0n, creatorRefund: event.args.creatorRefund });
});

ponder.on("FLAlliance:RoundStarted", async ({ event, context }) => {
  const { allianceId, round, seed, globalCid, updateCommitEnd } = event.args;
  const proposers = event.args.proposers.map(lc);
  const a = await context.db.update(alliance, { id: allianceId }).set({ status: "Running", round });
  await context.db.insert(allianceRound).values({
    allianceId,
    round,
    seed,
    proposers,
    globalCid,
    modelRound: a.modelRound,
    startedBlock: event.block.number,
    startedAt: event.block.timestamp,
    updateCommitEnd: BigInt(updateCommitEnd),
    revealedUpdates: 0,
    scoreReveals: 0,
    voteReveals: 0,
  });
  for (const who of a.members) {
    const proposer = proposers.includes(who);
    await context.db
      .insert(allianceRole)
      .values({ allianceId, round, account: who, role: proposer ? "Proposer" : "Voter" });
    if (proposer)
      await context.db
        .update(allianceMember, { allianceId, account: who })
        .set((row) => ({ timesProposer: row.timesProposer + 1 }));
  }
});

ponder.on("FLAlliance:PhaseAdvanced", async ({ event, context }) => {
  const { allianceId, round, phase, at } = event.args;
  await context.db
    .update(allianceRound, { allianceId, round })
    .set({ earlyPhase: enumName(ROUND_PHASE, phase), earlyAt: BigInt(at) });
});

ponder.on("FLAlliance:UpdateCommitted", async ({ event, context }) => {
  const { allianceId, round, commitment } = event.args;
  const proposer = lc(event.args.proposer);
  await context.db
    .insert(allianceUpdate)
    .values({
      allianceId,
      round,
      proposer,
      commitment,
      commits: 1,
      revealed: false,
      committedBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({ commitment, commits: row.commits + 1, committedBlock: event.block.number }));
});

ponder.on("FLAlliance:UpdateRevealed", async ({ event, context }) => {
  const { allianceId, round, updateCid, examples } = event.args;
  await context.db
    .update(allianceUpdate, { allianceId, round, proposer: lc(event.args.proposer) })
    .set({ revealed: true, updateCid, examples: Number(examples), revealedBlock: event.block.number });
  await context.db
    .update(allianceRound, { allianceId, round })
    .set((row) => ({ revealedUpdates: row.revealedUpdates + 1 }));
});

const emptyVote = { voteRevealed: false } as const;

ponder.on("FLAlliance:ScoresCommitted", async ({ event, context }) => {
  const { allianceId, round, commitment } = event.args;
  await context.db
    .insert(allianceVote)
    .values({ allianceId, round, voter: lc(event.args.voter), scoresCommitment: commitment, ...emptyVote })
    .onConflictDoUpdate({ scoresCommitment: commitment });
});

ponder.on("FLAlliance:ScoresRevealed", async ({ event, context }) => {
  const { allianceId, round, weight, scores } = event.args;
  await context.db
    .update(allianceVote, { allianceId, round, voter: lc(event.args.voter) })
    .set({ scores: [...scores], weight });
  await context.db.update(allianceRound, { allianceId, round }).set((row) => ({ scoreReveals: row.scoreReveals + 1 }));
});

ponder.on("FLAlliance:VoteCommitted", async ({ event, context }) => {
  const { allianceId, round, commitment } = event.args;
  await context.db
    .update(allianceVote, { allianceId, round, voter: lc(event.args.voter) })
    .set({ voteCommitment: commitment });
});

ponder.on("FLAlliance:VoteRevealed", async ({ event, context }) => {
  const { allianceId, round, accept, candidateCid } = event.args;
  await context.db
    .update(allianceVote, { allianceId, round, voter: lc(event.args.voter) })
    .set({ voteRevealed: true, accept, candidateCid });
  await context.db.update(allianceRound, { allianceId, round }).set((row) => ({ voteReveals: row.voteReveals + 1 }));
});

ponder.on("FLAlliance:VotesTallied", async ({ event, context }) => {
  const { allianceId, round, accepted, acceptStake, voteStake } = event.args;
  await context.db.update(allianceRound, { allianceId, round }).set({ accepted, acceptStake, voteStake });
});

ponder.on("FLAlliance:ParticipantSlashed", async ({ event, context }) => {
  const { allianceId, round, reason, amount, toTreasury } = event.args;
  const who = lc(event.args.account);
  const module = lc(event.log.address);
  const reasonName = enumName(ALLIANCE_SLASH_REASON, reason);
  await context.db.insert(allianceSlash).values({
    id: event.id,
    allianceId,
    round,
    account: who,
    reason: reasonName,
    amount,
    toTreasury,
    block: event.block.number,
    txHash: event.transaction.hash,
  });
  // the vault's `Slashed` of the same transaction came first: give its row the reason
  await context.db
    .insert(slash)
    .values({
      id: slashRowId(module, allianceId, who, event.transaction.hash),
      module,
      lockId: allianceId,
      operator: who,
      amount,
      fromBonded: 0n,
      fromUnbonding: 0n,
      reason: reasonName,
      toTreasury,
      block: event.block.number,
      timestamp: event.block.timestamp,
      txHash: event.transaction.hash,
    })
    .onConflictDoUpdate({ reason: reasonName, toTreasury });
  await context.db
    .update(allianceMember, { allianceId, account: who })
    .set((row) => ({ slashed: row.slashed + amount }));
  await context.db.update(alliance, { id: allianceId }).set((row) => ({ totalSlashed: row.totalSlashed + amount }));
});

ponder.on("FLAlliance:UpdateJudged", async ({ event, context }) => {
  const { allianceId, round, column, consensus, contested, excluded, reward } = event.args;
  const proposer = lc(event.args.proposer);
  await context.db
    .update(allianceUpdate, { allianceId, round, proposer })
    .set({ column, consensus, contested, excluded, reward });
  if (reward > 0n)
    await credit(context.db, event.id, allianceId, round, proposer, "proposer", reward, event.block.number);
});

ponder.on("FLAlliance:VoterJudged", async ({ event, context }) => {
  const { allianceId, round, distance, withMajority, reward } = event.args;
  const voter = lc(event.args.voter);
  await context.db.update(allianceVote, { allianceId, round, voter }).set({ distance, withMajority, reward });
  if (reward > 0n) await credit(context.db, event.id, allianceId, round, voter, "voter", reward, event.block.number);
});

type Db = Parameters<Parameters<typeof ponder.on>[1]>[0]["context"]["db"];

async function credit(
  db: Db,
  id: string,
  allianceId: bigint,
  round: number,
  account: `0x${string}`,
  kind: "proposer" | "voter",
  amount: bigint,
  block: bigint,
): Promise<void> {
  await db.insert(allianceReward).values({ id, allianceId, round, account, kind, amount, block });
  await db.update(allianceMember, { allianceId, account }).set((row) => ({
    earned: row.earned + amount,
    proposerEarned: kind === "proposer" ? row.proposerEarned + amount : row.proposerEarned,
  }));
}

ponder.on("FLAlliance:GlobalModelUpdated", async ({ event, context }) => {
  const { allianceId, round, previousCid, globalCid } = event.args;
  await context.db.insert(globalModel).values({
    allianceId,
    round,
    cid: globalCid,
    previousCid,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(alliance, { id: allianceId }).set({ globalCid, modelRound: round });
});

ponder.on("FLAlliance:RoundSettled", async ({ event, context }) => {
  const a = event.args;
  const r = await context.db.update(allianceRound, { allianceId: a.allianceId, round: a.round }).set({
    outcome: enumName(ROUND_OUTCOME, a.outcome),
    candidateCid: a.candidateCid === "" ? null : a.candidateCid,
    globalConsensus: a.globalConsensus,
    budget: a.budget,
    proposerPaid: a.proposerPaid,
    voterPaid: a.voterPaid,
    slashed: a.slashed,
    remaining: a.remaining,
    settledBlock: event.block.number,
    settledAt: event.block.timestamp,
  });
  await context.db.update(alliance, { id: a.allianceId }).set((row) => ({
    remaining: a.remaining,
    totalPaid: row.totalPaid + a.proposerPaid + a.voterPaid,
  }));
  // the first round that scored a global model gives it its accuracy
  if (a.globalConsensus > 0)
    await context.db
      .update(globalModel, { allianceId: a.allianceId, round: r.modelRound })
      .set((row) => ({ accuracy: row.accuracy ?? a.globalConsensus }));
});

ponder.on("FLAlliance:AllianceCompleted", async ({ event, context }) => {
  const { allianceId, finalModelCid, creatorRefund } = event.args;
  await context.db
    .update(alliance, { id: allianceId })
    .set({ status: "Completed", finalModelCid, creatorRefund, remaining: 0n });
});

ponder.on("FLAlliance:LineageRecorded", async ({ event, context }) => {
  const { allianceId, parentContributor, contributors, sharesBps } = event.args;
  await context.db.update(alliance, { id: allianceId }).set({
    parentContributor: lc(parentContributor),
    contributors: contributors.map(lc),
    sharesBps: [...sharesBps],
  });
});

ponder.on("FLAlliance:Claimed", async ({ event, context }) => {
  const { allianceId, amount, refund, unlocked } = event.args;
  const who = lc(event.args.account);
  await ensureAccount(context.db, who);
  await context.db.insert(allianceClaim).values({
    id: event.id,
    allianceId,
    account: who,
    amount,
    refund,
    unlocked,
    block: event.block.number,
  });
  const member = await context.db.find(allianceMember, { allianceId, account: who });
  if (!member) return; // the creator's refund
  // a claim releases the lock exactly when the alliance is over (its first claim after that)
  const a = await context.db.find(alliance, { id: allianceId });
  const over = a?.status === "Completed" || a?.status === "Cancelled";
  await context.db
    .update(allianceMember, { allianceId, account: who })
    .set((row) => ({ claimed: row.claimed + amount, unlocked: row.unlocked || over }));
});
