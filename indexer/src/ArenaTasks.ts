/**
 * ArenaTasks → tasks, submissions (+ every commit), validator records (+ every commit), per-validator scores,
 * consensus, judgements, ranks and rewards, slashes (joined with the vault's `Slashed`), finalize calls and claims;
 * and the defences' events: a copier's reveal displaced by the model's earlier committer, a validator evicted by a
 * larger lock, an even split's contested consensus, "eval data unavailable" reveals, and the non-publishing trainers'
 * slash at claim.
 */
import { ponder } from "ponder:registry";
import {
  claim,
  finalizeCall,
  score,
  scoresCommit,
  slash,
  submission,
  submissionCommit,
  submissionDisplacement,
  task,
  taskValidator,
  validatorEviction,
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
    // as ArenaCreate sets it: submissionEnd + publishWindow / 2
    evalRevealEnd: BigInt(a.submissionEnd) + (BigInt(a.publishEnd) - BigInt(a.submissionEnd)) / 2n,
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
    unavailable: 0,
    evictions: 0,
    displacements: 0,
    contested: 0,
    publishedTrainers: [],
    consensusScores: [],
    contestedIndexes: [],
    contestedBounds: [],
    keeperBounty: 0n,
    slashed: 0n,
    trainerNonRevealSlashed: 0n,
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
    minRevealedStake: p.minRevealedStake,
    maxScoreDeviation: p.maxScoreDeviation,
    trainerNonRevealSlashBps: p.trainerNonRevealSlashBps,
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
      contested: false,
      displaced: false,
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

// The copier's reveal came first; the earlier committer's reveal takes the model over (its SubmissionRevealed for the
// same index follows in the same transaction and counts the publication again).
ponder.on("ArenaTasks:SubmissionDisplaced", async ({ event, context }) => {
  const { taskId, index, ownerCommitSeq } = event.args;
  const copier = lc(event.args.copier);
  const owner = lc(event.args.owner);
  await context.db
    .update(submission, { taskId, trainer: copier })
    .set({ published: false, index: null, modelCid: null, revealedAt: null, displaced: true, displacedBy: owner });
  await context.db.insert(submissionDisplacement).values({
    id: event.id,
    taskId,
    index,
    copier,
    owner,
    ownerCommitSeq: BigInt(ownerCommitSeq),
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .update(task, { id: taskId })
    .set((row) => ({ published: row.published - 1, displacements: row.displacements + 1 }));
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
      unavailable: false,
      evicted: false,
      slashed: 0n,
      claimed: false,
      committedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) =>
      row.evicted
        ? // evicted earlier, and back with a larger lock: a new record on chain
          {
            validatorIndex,
            commitment,
            commits: row.commits + 1,
            lockedStake,
            evicted: false,
            evictedBy: null,
            evictedAt: null,
            committedAt: event.block.timestamp,
          }
        : {
            commitment,
            commits: row.commits + 1,
            lockedStake: row.lockedStake + lockedStake,
            committedAt: event.block.timestamp,
          },
    );
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

// A full set admitted a strictly larger lock: the evicted record is gone on chain (its stake is unlocked by the vault's
// StakeUnlocked that follows); the newcomer's ScoresCommitted, next in the same transaction, takes its index.
ponder.on("ArenaTasks:ValidatorEvicted", async ({ event, context }) => {
  const { taskId, evictedLock, newLock } = event.args;
  const evicted = lc(event.args.evicted);
  const by = lc(event.args.by);
  await context.db
    .update(taskValidator, { taskId, validator: evicted })
    .set({ evicted: true, evictedBy: by, evictedAt: event.block.timestamp });
  await context.db.insert(validatorEviction).values({
    id: event.id,
    taskId,
    evicted,
    by,
    evictedLock,
    newLock,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .update(task, { id: taskId })
    .set((row) => ({ validators: row.validators - 1, evictions: row.evictions + 1 }));
});

ponder.on("ArenaTasks:ScoresRevealed", async ({ event, context }) => {
  const { taskId, scores } = event.args;
  const validator = lc(event.args.validator);
  const values = scores.map((s) => Number(s));
  // an empty list is "eval data unavailable"
  const unavailable = values.length === 0;
  await context.db
    .update(taskValidator, { taskId, validator })
    .set({ revealed: true, unavailable, scores: values, revealedAt: event.block.timestamp });
  const t = await context.db
    .update(task, { id: taskId })
    .set((row) => ({ revealed: row.revealed + 1, unavailable: row.unavailable + (unavailable ? 1 : 0) }));
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

ponder.on("ArenaTasks:ConsensusComputed", async ({ event, context }) => {
  const { taskId, index, consensus } = event.args;
  await context.db.update(submission, { taskId, trainer: lc(event.args.trainer) }).set({ consensus });
  // kept in index order on the task: a validator's largest single distance is computed from it when it is judged
  await context.db.update(task, { id: taskId }).set((row) => {
    const consensusScores = row.consensusScores.slice();
    consensusScores[index] = consensus;
    return { consensusScores };
  });
});

// An even stake split: no consensus (its ConsensusComputed follows, with 0); validators inside [lower, upper] are not
// judged on it, those outside by their distance to the interval.
ponder.on("ArenaTasks:ConsensusContested", async ({ event, context }) => {
  const { taskId, index, lower, upper } = event.args;
  const t = await context.db.update(task, { id: taskId }).set((row) => ({
    contested: row.contested + 1,
    contestedIndexes: [...row.contestedIndexes, index],
    contestedBounds: [...row.contestedBounds, lower, upper],
  }));
  const trainer = t.publishedTrainers[index];
  if (trainer)
    await context.db
      .update(submission, { taskId, trainer })
      .set({ contested: true, contestedLower: lower, contestedUpper: upper });
});

// A trainer that committed and did not publish (or whose publication was a later copy), slashed at its claim; the
// vault's Slashed (same transaction, before) made the row, this names the reason. After settlement: the task's
// `slashed` (the settlement's figure) does not include it.
ponder.on("ArenaTasks:TrainerNonRevealSlashed", async ({ event, context }) => {
  const { taskId, amount } = event.args;
  const trainer = lc(event.args.trainer);
  const module = lc(event.log.address);
  await context.db
    .insert(slash)
    .values({
      id: slashRowId(module, taskId, trainer, event.transaction.hash),
      module,
      lockId: taskId,
      operator: trainer,
      amount,
      fromBonded: 0n,
      fromUnbonding: 0n,
      reason: "TrainerNonReveal",
      toTreasury: amount,
      taskId,
      block: event.block.number,
      timestamp: event.block.timestamp,
      txHash: event.transaction.hash,
    })
    .onConflictDoUpdate({ reason: "TrainerNonReveal", toTreasury: amount, taskId, amount });
  await context.db.update(submission, { taskId, trainer }).set((row) => ({ slashed: row.slashed + amount }));
  await context.db
    .update(task, { id: taskId })
    .set((row) => ({ trainerNonRevealSlashed: row.trainerNonRevealSlashed + amount }));
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
  const validator = lc(event.args.validator);
  const t = await context.db.find(task, { id: taskId });
  const rec = await context.db.find(taskValidator, { taskId, validator });
  await context.db.update(taskValidator, { taskId, validator }).set({
    outcome: enumName(VALIDATOR_OUTCOME, outcome),
    distance,
    weight,
    reward,
    maxDistance: maxDistanceOf(rec, t),
  });
  if (reward > 0n) {
    await context.db.update(task, { id: taskId }).set((row) => ({ totalRewards: row.totalRewards + reward }));
  }
});

/**
 * The largest distance of one revealed score to its consensus (to the interval [lower, upper] of a contested one), as
 * ArenaFinalize keeps it: 0 for a validator without scores (no reveal, or "eval data unavailable"), as on chain.
 */
function maxDistanceOf(
  rec: { revealed: boolean; scores: number[] | null } | null,
  t: { consensusScores: number[]; contestedIndexes: number[]; contestedBounds: number[] } | null,
): number {
  if (!rec?.revealed || !rec.scores || rec.scores.length === 0 || !t) return 0;
  const split = new Map<number, [number, number]>();
  t.contestedIndexes.forEach((i, k) => {
    split.set(i, [t.contestedBounds[2 * k], t.contestedBounds[2 * k + 1]]);
  });
  let max = 0;
  for (const [i, score] of rec.scores.entries()) {
    const c = t.consensusScores[i];
    if (c === undefined || c === null) continue;
    const [lo, hi] = split.get(i) ?? [c, c];
    const d = score > hi ? score - hi : score < lo ? lo - score : 0;
    max = Math.max(max, d);
  }
  return max;
}

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
