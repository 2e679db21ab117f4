/**
 * `GET /leaderboard/:taskId`: a task's summary, its submissions ranked, its validators and its slashes.
 *
 * Hot path: one tiny query (the indexed checkpoint); when the checkpoint has not moved since the task's leaderboard was
 * last built, the cached JSON text is served as is. Otherwise one SQL statement builds the task, its submissions,
 * validators, slashes and the checkpoint as JSON in a single snapshot (only the columns the route shows; amounts as
 * decimal text, so no bigint conversion in JS), and the answer is cached under the checkpoint.
 */

import { db } from "ponder:api";
import { Hono } from "hono";
import { sql } from "ponder";
import { CheckpointCache } from "./cache.js";
import { latestCheckpoint, rowsOf } from "./checkpoint.js";
import { checkpointTimestamp, type LeaderboardRows, leaderboardBody } from "./views.js";

export const leaderboard = new Hono();

const cache = new CheckpointCache<string | null>(256);

// Table and column names are Ponder's snake_case of `ponder.schema.ts` (the API's search_path is the app's schema).
const LEADERBOARD_SQL = (taskId: bigint) => sql`
select
  (select max("latest_checkpoint") from "_ponder_checkpoint") as "checkpoint",
  (select json_build_object(
      'id', t."id"::text, 'creator', t."creator", 'specCid', t."spec_cid", 'evalCid', t."eval_cid",
      'status', t."status", 'stage', t."stage", 'cancelReason', t."cancel_reason",
      'rewardPool', t."reward_pool"::text, 'fee', t."fee"::text, 'bond', t."bond"::text,
      'submissionStart', t."submission_start"::text, 'submissionEnd', t."submission_end"::text,
      'evalRevealEnd', t."eval_reveal_end"::text,
      'publishEnd', t."publish_end"::text, 'commitEnd', t."commit_end"::text, 'revealEnd', t."reveal_end"::text,
      'minScore', t."min_score", 'spamScore', t."spam_score",
      'trainers', t."trainers", 'published', t."published", 'validators', t."validators", 'revealed', t."revealed",
      'unavailable', t."unavailable", 'evictions', t."evictions", 'displacements', t."displacements",
      'contested', t."contested", 'minRevealedStake', t."min_revealed_stake"::text,
      'maxScoreDeviation', t."max_score_deviation", 'trainerNonRevealSlashBps', t."trainer_non_reveal_slash_bps",
      'trainerNonRevealSlashed', t."trainer_non_reveal_slashed"::text,
      'trainerPot', t."trainer_pot"::text, 'validatorPot', t."validator_pot"::text,
      'protocolFee', t."protocol_fee"::text, 'keeperBounty', t."keeper_bounty"::text, 'slashed', t."slashed"::text,
      'paidTrainers', t."paid_trainers", 'rewardedValidators', t."rewarded_validators",
      'creatorRefund', t."creator_refund"::text, 'bondShare', t."bond_share"::text)
    from "task" t where t."id" = ${taskId}) as "task",
  (select coalesce(json_agg(json_build_object(
      'trainer', s."trainer", 'index', s."index", 'modelCid', s."model_cid", 'published', s."published",
      'commitSeq', s."commit_seq"::text, 'consensus', s."consensus", 'rank', s."rank", 'reward', s."reward"::text,
      'spam', s."spam", 'contested', s."contested", 'displaced', s."displaced", 'displacedBy', s."displaced_by",
      'slashed', s."slashed"::text, 'claimed', s."claimed")), '[]'::json)
    from "submission" s where s."task_id" = ${taskId}) as "submissions",
  (select coalesce(json_agg(json_build_object(
      'validator', v."validator", 'index', v."validator_index", 'lockedStake', v."locked_stake"::text,
      'revealed', v."revealed", 'unavailable', v."unavailable", 'evicted', v."evicted", 'evictedBy', v."evicted_by",
      'distance', v."distance", 'maxDistance', v."max_distance", 'outcome', v."outcome", 'weight', v."weight"::text,
      'reward', v."reward"::text, 'slashed', v."slashed"::text, 'claimed', v."claimed", 'scores', v."scores")
      order by v."validator_index"), '[]'::json)
    from "task_validator" v where v."task_id" = ${taskId}) as "validators",
  (select coalesce(json_agg(json_build_object(
      'account', x."operator", 'reason', x."reason", 'amount', x."amount"::text, 'toTreasury', x."to_treasury"::text,
      'fromBonded', x."from_bonded"::text, 'fromUnbonding', x."from_unbonding"::text, 'txHash', x."tx_hash")
      order by x."block", x."id"), '[]'::json)
    from "slash" x where x."task_id" = ${taskId}) as "slashes"`;

/** Builds the JSON text of a task's leaderboard, or null when the task is not indexed. */
async function build(taskId: bigint): Promise<string | null> {
  const [row] = rowsOf<LeaderboardRows & { checkpoint: string | null }>(await db.execute(LEADERBOARD_SQL(taskId)));
  if (!row?.task) return null;
  const now = checkpointTimestamp(row.checkpoint) ?? BigInt(Math.floor(Date.now() / 1000));
  return JSON.stringify(leaderboardBody(row, now));
}

leaderboard.get("/:taskId", async (c) => {
  const raw = c.req.param("taskId");
  if (!/^\d{1,77}$/.test(raw)) return c.json({ error: `task id must be a decimal integer, got "${raw}"` }, 400);
  const taskId = BigInt(raw);
  const checkpoint = await latestCheckpoint();
  const body = await cache.get(taskId.toString(), checkpoint, () => build(taskId));
  if (body === null) return c.json({ error: `task ${taskId} is not indexed` }, 404);
  return c.body(body, 200, { "content-type": "application/json; charset=UTF-8" });
});
