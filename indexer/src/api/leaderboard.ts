/** `GET /leaderboard/:taskId`: a task's summary, its submissions ranked, its validators and its slashes. */
import { Hono } from "hono";
import { db } from "ponder:api";
import { asc, eq } from "ponder";
import { slash, submission, task, taskValidator } from "ponder:schema";
import { indexedNow } from "./clock.js";
import { rankSubmissions, taskPhase, toJson } from "./views.js";

export const leaderboard = new Hono();

leaderboard.get("/:taskId", async (c) => {
  const raw = c.req.param("taskId");
  if (!/^\d{1,77}$/.test(raw)) return c.json({ error: `task id must be a decimal integer, got "${raw}"` }, 400);
  const taskId = BigInt(raw);
  const [rows, subs, vals, slashes, now] = await Promise.all([
    db.select().from(task).where(eq(task.id, taskId)),
    db.select().from(submission).where(eq(submission.taskId, taskId)),
    db.select().from(taskValidator).where(eq(taskValidator.taskId, taskId)).orderBy(asc(taskValidator.validatorIndex)),
    db.select().from(slash).where(eq(slash.taskId, taskId)).orderBy(asc(slash.block), asc(slash.id)),
    indexedNow(),
  ]);
  const t = rows[0];
  if (!t) return c.json({ error: `task ${taskId} is not indexed` }, 404);
  const body = {
    asOf: now,
    task: {
      id: t.id,
      creator: t.creator,
      specCid: t.specCid,
      evalCid: t.evalCid,
      status: t.status,
      phase: taskPhase(t, now),
      stage: t.stage,
      cancelReason: t.cancelReason,
      rewardPool: t.rewardPool,
      fee: t.fee,
      bond: t.bond,
      windows: {
        submissionStart: t.submissionStart,
        submissionEnd: t.submissionEnd,
        publishEnd: t.publishEnd,
        commitEnd: t.commitEnd,
        revealEnd: t.revealEnd,
      },
      minScore: t.minScore,
      spamScore: t.spamScore,
      counts: { trainers: t.trainers, published: t.published, validators: t.validators, revealed: t.revealed },
      settlement: {
        trainerPot: t.trainerPot,
        validatorPot: t.validatorPot,
        protocolFee: t.protocolFee,
        keeperBounty: t.keeperBounty,
        slashed: t.slashed,
        paidTrainers: t.paidTrainers,
        rewardedValidators: t.rewardedValidators,
        creatorRefund: t.creatorRefund,
        bondShare: t.bondShare,
      },
    },
    submissions: rankSubmissions(subs).map((s) => ({
      trainer: s.trainer,
      index: s.index,
      modelCid: s.modelCid,
      published: s.published,
      commitSeq: s.commitSeq,
      consensus: s.consensus,
      rank: s.rank,
      reward: s.reward,
      spam: s.spam,
      slashed: s.slashed,
      claimed: s.claimed,
    })),
    validators: vals.map((v) => ({
      validator: v.validator,
      index: v.validatorIndex,
      lockedStake: v.lockedStake,
      revealed: v.revealed,
      distance: v.distance,
      outcome: v.outcome,
      weight: v.weight,
      reward: v.reward,
      slashed: v.slashed,
      claimed: v.claimed,
    })),
    slashes: slashes.map((s) => ({
      account: s.operator,
      reason: s.reason,
      amount: s.amount,
      toTreasury: s.toTreasury,
      fromBonded: s.fromBonded,
      fromUnbonding: s.fromUnbonding,
      txHash: s.txHash,
    })),
  };
  return c.json(toJson(body) as Record<string, unknown>);
});
