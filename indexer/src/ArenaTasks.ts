/**
 * ArenaTasks → tasks, submissions (+ every commit), validator records (+ every commit), per-validator scores,
 * consensus, judgements, ranks and rewards, slashes (joined with the vault's `Slashed`), finalize calls and claims.
 */
import { ponder } from "ponder:registry";
import {
  claim,
  consensusContested,
  finalizeCall,
  score,
  scoresCommit,
  slash,
  submission,
  submissionCommit,
  task,
  taskValidator,
} from "ponder:schema";
import { CANCEL_REASON, CLAIM_KIND, enumName, SLASH_REASON, STAGE, VALIDATOR_OUTCOME } from "./lib/enums.js";
import { slashRowId } from "./lib/ids.js";
import { jsonSafe } from "./lib/json.js";
import { ensureAccount, lc } from "./lib/store.js";

ponder.on("ArenaTasks:TaskCreated", async ({ event, context }) => {
  const a = event.args;
  const creator = lc(a.creator);
  await ensureAccount(context.db, creator);
  await context.db.insert(task).values({
    id: a.taskId,
    arena: lc(event.log.address),
    creator,
    specCid: a.specCid,
    evalCommitment: a.evalCommitment,
    evalRevealed: false,
    rewardPool: a.rewardPool,
    fee: a.fee,
    bond: a.bond,
    submissionStart: BigInt(a.submissionStart),
    submissionEnd: BigInt(a.submissionEnd),
    publishEnd: BigInt(a.publishEnd),
    commitEnd: BigInt(a.commitEnd),
    revealEnd: BigInt(a.revealEnd),
    status: "active",
    stage: "None",
    cursor: 0,
    commitments: 0,
    trainers: 0,
    published: 0,
    validators: 0,
    revealed: 0,
    publishedTrainers: [],
    keeperBounty: 0n,
    slashed: 0n,
    totalRewards: 0n,
    totalClaimed: 0n,
    createdBlock: event.block.number,
    createdAt: event.block.timestamp,
  });
});

ponder.on("ArenaTasks:TaskParamsFixed", async ({ event, context }) => {
  const p = event.args.params;
  await context.db.update(task, { id: event.args.taskId }).set({
    params: jsonSafe(p),
    minScore: p.minScore,
    spamScore: p.spamScore,
    trainerStake: p.trainerStake,
    maxSubmissions: p.maxSubmissions,
    maxValidators: p.maxValidators,
  });
});

ponder.on("ArenaTasks:SubmissionCommitted", async ({ event, context }) => {
  const { taskId, commitment, commitSeq, replaced, lockedStake } = event.args;
  const trainer = lc(event.args.trainer);
  const seq = BigInt(commitSeq);
  await context.db
    .insert(submission)
    .values({
      taskId,
      trainer,
      commitment,
      commitSeq: seq,
      commits: 1,
      lockedStake,
      published: false,
      spam: false,
      slashed: 0n,
      claimed: false,
      committedBlock: event.block.number,
      committedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      commitment,
      commitSeq: seq,
      commits: row.commits + 1,
      lockedStake: row.lockedStake + lockedStake,
      committedBlock: event.block.number,
      committedAt: event.block.timestamp,
    }));
  await context.db.insert(submissionCommit).values({
    id: event.id,
    taskId,
    trainer,
    commitment,
    commitSeq: seq,
    replaced,
    lockedStake,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(task, { id: taskId }).set((row) => ({
    commitments: row.commitments + 1,
    trainers: replaced ? row.trainers : row.trainers + 1,
  }));
});

ponder.on("ArenaTasks:SubmissionRevealed", async ({ event, context }) => {
  const { taskId, index, modelCid, commitSeq } = event.args;
  const trainer = lc(event.args.trainer);
  await context.db.update(submission, { taskId, trainer }).set({
    published: true,
    index,
    modelCid,
    commitSeq: BigInt(commitSeq),
    revealedAt: event.block.timestamp,
  });
  await context.db.update(task, { id: taskId }).set((row) => {
    const publishedTrainers = row.publishedTrainers.slice();
    publishedTrainers[index] = trainer;
    return { published: row.published + 1, publishedTrainers };
  });
});

ponder.on("ArenaTasks:EvalDataRevealed", async ({ event, context }) => {
  await context.db
    .update(task, { id: event.args.taskId })
    .set({ evalRevealed: true, evalCid: event.args.evalCid, bondRefunded: event.args.bondRefunded });
});

ponder.on("ArenaTasks:ScoresCommitted", async ({ event, context }) => {
  const { taskId, commitment, validatorIndex, replaced, lockedStake } = event.args;
  const validator = lc(event.args.validator);
  await context.db
    .insert(taskValidator)
    .values({
      taskId,
      validator,
      validatorIndex,
      commitment,
      commits: 1,
      lockedStake,
      revealed: false,
      slashed: 0n,
      claimed: false,
      committedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      commitment,
      commits: row.commits + 1,
      lockedStake: row.lockedStake + lockedStake,
      committedAt: event.block.timestamp,
    }));
  await context.db.insert(scoresCommit).values({
    id: event.id,
    taskId,
    validator,
    commitment,
    validatorIndex,
    replaced,
    lockedStake,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  if (!replaced) {
    await context.db.update(task, { id: taskId }).set((row) => ({ validators: row.validators + 1 }));
  }
});

ponder.on("ArenaTasks:ScoresRevealed", async ({ event, context }) => {
  const { taskId, scores } = event.args;
  const validator = lc(event.args.validator);
  const values = scores.map((s) => Number(s));
  await context.db
    .update(taskValidator, { taskId, validator })
    .set({ revealed: true, scores: values, revealedAt: event.block.timestamp });
  const t = await context.db.update(task, { id: taskId }).set((row) => ({ revealed: row.revealed + 1 }));
  if (values.length > 0) {
    await context.db.insert(score).values(
      values.map((value, i) => ({
        taskId,
        validator,
        submissionIndex: i,
        trainer: t.publishedTrainers[i] ?? ("0x0000000000000000000000000000000000000000" as const),
        score: value,
      })),
    );
  }
});

ponder.on("ArenaTasks:FinalizeProgressed", async ({ event, context }) => {
  const { taskId, stage, cursor, steps, bounty } = event.args;
  const keeper = lc(event.args.keeper);
  await ensureAccount(context.db, keeper);
  const stageName = enumName(STAGE, stage);
  await context.db.insert(finalizeCall).values({
    id: event.id,
    taskId,
    keeper,
    stage: stageName,
    cursor,
    steps,
    bounty,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  // keeperBounty is the running sum of the bounties paid, as the contract's settlement keeps it (the last call's
  // FinalizeProgressed comes after TaskSettled, whose figure already includes it).
  await context.db
    .update(task, { id: taskId })
    .set((row) => ({ stage: stageName, cursor, keeperBounty: row.keeperBounty + bounty }));
});

// the contract emits ConsensusContested just before the same submission's ConsensusComputed (consensus 0)
ponder.on("ArenaTasks:ConsensusContested", async ({ event, context }) => {
  const { taskId, index, lower, upper } = event.args;
  await context.db
    .insert(consensusContested)
    .values({ taskId, index: Number(index), lower: Number(lower), upper: Number(upper) })
    .onConflictDoNothing();
});

ponder.on("ArenaTasks:ConsensusComputed", async ({ event, context }) => {
  const { taskId, index } = event.args;
  const split = await context.db.find(consensusContested, { taskId, index: Number(index) });
  await context.db.update(submission, { taskId, trainer: lc(event.args.trainer) }).set({
    consensus: event.args.consensus,
    contested: split !== null,
    contestedLower: split?.lower ?? null,
    contestedUpper: split?.upper ?? null,
  });
});

ponder.on("ArenaTasks:ParticipantSlashed", async ({ event, context }) => {
  const { taskId, reason, amount, toTreasury } = event.args;
  const who = lc(event.args.account);
  const module = lc(event.log.address);
  const reasonName = enumName(SLASH_REASON, reason);
  await context.db
    .insert(slash)
    .values({
      id: slashRowId(module, taskId, who, event.transaction.hash),
      module,
      lockId: taskId,
      operator: who,
      amount,
      fromBonded: 0n,
      fromUnbonding: 0n,
      reason: reasonName,
      toTreasury,
      taskId,
      block: event.block.number,
      timestamp: event.block.timestamp,
      txHash: event.transaction.hash,
    })
    .onConflictDoUpdate({ reason: reasonName, toTreasury, taskId, amount });
  await context.db.update(task, { id: taskId }).set((row) => ({ slashed: row.slashed + amount }));
  if (reasonName === "Spam") {
    await context.db
      .update(submission, { taskId, trainer: who })
      .set((row) => ({ spam: true, slashed: row.slashed + amount }));
  } else {
    await context.db
      .update(taskValidator, { taskId, validator: who })
      .set((row) => ({ slashed: row.slashed + amount }));
  }
});

ponder.on("ArenaTasks:ValidatorJudged", async ({ event, context }) => {
  const { taskId, outcome, distance, weight, reward } = event.args;
  await context.db
    .update(taskValidator, { taskId, validator: lc(event.args.validator) })
    .set({ outcome: enumName(VALIDATOR_OUTCOME, outcome), distance, weight, reward });
  if (reward > 0n) {
    await context.db.update(task, { id: taskId }).set((row) => ({ totalRewards: row.totalRewards + reward }));
  }
});

ponder.on("ArenaTasks:SubmissionRanked", async ({ event, context }) => {
  const { taskId, rank, consensus, reward } = event.args;
  await context.db.update(submission, { taskId, trainer: lc(event.args.trainer) }).set({ rank, consensus, reward });
  if (reward > 0n) {
    await context.db.update(task, { id: taskId }).set((row) => ({ totalRewards: row.totalRewards + reward }));
  }
});

ponder.on("ArenaTasks:TaskSettled", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(task, { id: a.taskId }).set({
    status: "settled",
    stage: "Done",
    trainerPot: a.trainerPot,
    validatorPot: a.validatorPot,
    protocolFee: a.protocolFee,
    slashed: a.slashed,
    paidTrainers: a.paidTrainers,
    rewardedValidators: a.rewardedValidators,
    closedBlock: event.block.number,
    closedAt: event.block.timestamp,
  });
});

ponder.on("ArenaTasks:TaskCancelled", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(task, { id: a.taskId }).set({
    status: "cancelled",
    cancelReason: enumName(CANCEL_REASON, a.reason),
    creatorRefund: a.creatorRefund,
    bondShare: a.bondShare,
    closedBlock: event.block.number,
    closedAt: event.block.timestamp,
  });
});

ponder.on("ArenaTasks:Claimed", async ({ event, context }) => {
  const { taskId, kind, amount, unlocked } = event.args;
  const who = lc(event.args.account);
  const kindName = enumName(CLAIM_KIND, kind);
  await ensureAccount(context.db, who);
  await context.db.insert(claim).values({
    id: event.id,
    taskId,
    account: who,
    kind: kindName,
    amount,
    unlocked,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await context.db.update(task, { id: taskId }).set((row) => ({ totalClaimed: row.totalClaimed + amount }));
  // A trainer's or validator's claim (reward, bond share or unlock) marks its record claimed.
  if (kindName === "ValidatorReward") {
    await markValidatorClaimed(context.db, taskId, who, amount);
  } else if (kindName !== "CreatorRefund") {
    const sub = await context.db.find(submission, { taskId, trainer: who });
    if (sub) {
      await context.db
        .update(submission, { taskId, trainer: who })
        .set({ claimed: true, claimedAmount: (sub.claimedAmount ?? 0n) + amount });
    } else {
      await markValidatorClaimed(context.db, taskId, who, amount);
    }
  }
});

async function markValidatorClaimed(
  db: Parameters<Parameters<typeof ponder.on<"ArenaTasks:Claimed">>[1]>[0]["context"]["db"],
  taskId: bigint,
  validator: `0x${string}`,
  amount: bigint,
): Promise<void> {
  const rec = await db.find(taskValidator, { taskId, validator });
  if (!rec) return;
  await db
    .update(taskValidator, { taskId, validator })
    .set({ claimed: true, claimedAmount: (rec.claimedAmount ?? 0n) + amount });
}
