/**
 * Pure shaping of the custom routes' JSON (no I/O): ranking order, phase, share values, bigint → decimal strings.
 */
import { phaseAt, type TaskWindows } from "../lib/phase.js";
import { sharesToAssets } from "../lib/shares.js";

/** JSON cannot carry bigints: every bigint becomes its decimal string. */
export function toJson<T>(value: T): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

export interface SubmissionLike {
  trainer: string;
  published: boolean;
  index: number | null;
  rank: number | null;
  consensus: number | null;
  commitSeq: bigint;
}

/**
 * Leaderboard order: ranked submissions by rank; then published-but-unranked ones by consensus (desc) and commit
 * sequence (earlier first, as the contract breaks ties); then unpublished commitments by commit sequence.
 */
export function compareSubmissions(a: SubmissionLike, b: SubmissionLike): number {
  const tier = (s: SubmissionLike) => (s.rank !== null ? 0 : s.published ? 1 : 2);
  const ta = tier(a);
  const tb = tier(b);
  if (ta !== tb) return ta - tb;
  if (ta === 0) return a.rank! - b.rank!;
  if (ta === 1 && a.consensus !== b.consensus) return (b.consensus ?? -1) - (a.consensus ?? -1);
  return a.commitSeq < b.commitSeq ? -1 : a.commitSeq > b.commitSeq ? 1 : 0;
}

export function rankSubmissions<T extends SubmissionLike>(rows: readonly T[]): T[] {
  return rows.slice().sort(compareSubmissions);
}

/** The current phase of a task, given the latest indexed block time. */
export function taskPhase(task: TaskWindows, now: bigint): string {
  return phaseAt(task, now);
}

export interface PoolLike {
  bondedAssets: bigint;
  totalShares: bigint;
  selfShares: bigint;
}

/** Self stake and delegated stake of a pool at the last indexed pool figures. */
export function poolStakes(pool: PoolLike): { selfStake: bigint; delegatedStake: bigint } {
  const selfStake = sharesToAssets(pool.selfShares, pool.bondedAssets, pool.totalShares);
  const delegatedStake = pool.bondedAssets > selfStake ? pool.bondedAssets - selfStake : 0n;
  return { selfStake, delegatedStake };
}

/** Latest indexed block timestamp from Ponder's checkpoint string (its first 10 digits), or undefined. */
export function checkpointTimestamp(checkpoint: string | undefined | null): bigint | undefined {
  if (!checkpoint || checkpoint.length < 10 || !/^\d{10}/.test(checkpoint)) return undefined;
  return BigInt(checkpoint.slice(0, 10));
}

/** What the leaderboard query returns (amounts and block figures as decimal text, as PostgreSQL's `::text` gives). */
export interface LeaderboardRows {
  task: {
    id: string;
    creator: string;
    specCid: string;
    evalCid: string | null;
    status: string;
    stage: string;
    cancelReason: string | null;
    rewardPool: string;
    fee: string;
    bond: string;
    submissionStart: string;
    submissionEnd: string;
    evalRevealEnd: string;
    publishEnd: string;
    commitEnd: string;
    revealEnd: string;
    minScore: number | null;
    spamScore: number | null;
    trainers: number;
    published: number;
    validators: number;
    revealed: number;
    unavailable: number;
    evictions: number;
    displacements: number;
    contested: number;
    minRevealedStake: string | null;
    maxScoreDeviation: number | null;
    trainerNonRevealSlashBps: number | null;
    trainerNonRevealSlashed: string;
    trainerPot: string | null;
    validatorPot: string | null;
    protocolFee: string | null;
    keeperBounty: string;
    slashed: string;
    paidTrainers: number | null;
    rewardedValidators: number | null;
    creatorRefund: string | null;
    bondShare: string | null;
  };
  submissions: {
    trainer: string;
    index: number | null;
    modelCid: string | null;
    published: boolean;
    commitSeq: string;
    consensus: number | null;
    rank: number | null;
    reward: string | null;
    spam: boolean;
    contested: boolean;
    displaced: boolean;
    displacedBy: string | null;
    slashed: string;
    claimed: boolean;
  }[];
  /** in validator index order */
  validators: {
    validator: string;
    index: number;
    lockedStake: string;
    revealed: boolean;
    /** revealed "eval data unavailable" (an empty score list) */
    unavailable: boolean;
    /** evicted from the full set by a larger lock */
    evicted: boolean;
    evictedBy: string | null;
    /** mean |score − consensus| (null until judged) */
    distance: number | null;
    /** the largest single |score − consensus| over uncontested submissions (null until judged) */
    maxDistance: number | null;
    outcome: string | null;
    weight: string | null;
    reward: string | null;
    slashed: string;
    claimed: boolean;
    /** the revealed scores, in submission index order (null until revealed) */
    scores: number[] | null;
  }[];
  /** in chain order */
  slashes: {
    account: string;
    reason: string | null;
    amount: string;
    toTreasury: string | null;
    fromBonded: string;
    fromUnbonding: string;
    txHash: string;
  }[];
}

/** The `GET /leaderboard/:taskId` body: task summary with its phase at `now`, submissions ranked, validators, slashes. */
export type LeaderboardBody = ReturnType<typeof leaderboardBody>;

export function leaderboardBody(rows: LeaderboardRows, now: bigint) {
  const t = rows.task;
  const windows = {
    submissionStart: t.submissionStart,
    submissionEnd: t.submissionEnd,
    evalRevealEnd: t.evalRevealEnd,
    publishEnd: t.publishEnd,
    commitEnd: t.commitEnd,
    revealEnd: t.revealEnd,
  };
  const phase = taskPhase(
    {
      status: t.status,
      submissionStart: BigInt(t.submissionStart),
      submissionEnd: BigInt(t.submissionEnd),
      publishEnd: BigInt(t.publishEnd),
      commitEnd: BigInt(t.commitEnd),
      revealEnd: BigInt(t.revealEnd),
    },
    now,
  );
  const ranked = rankSubmissions(rows.submissions.map((s) => ({ ...s, commitSeq: BigInt(s.commitSeq) })));
  return {
    asOf: now.toString(),
    task: {
      id: t.id,
      creator: t.creator,
      specCid: t.specCid,
      evalCid: t.evalCid,
      status: t.status,
      phase,
      stage: t.stage,
      cancelReason: t.cancelReason,
      rewardPool: t.rewardPool,
      fee: t.fee,
      bond: t.bond,
      windows,
      minScore: t.minScore,
      spamScore: t.spamScore,
      minRevealedStake: t.minRevealedStake,
      maxScoreDeviation: t.maxScoreDeviation,
      trainerNonRevealSlashBps: t.trainerNonRevealSlashBps,
      counts: {
        trainers: t.trainers,
        published: t.published,
        validators: t.validators,
        revealed: t.revealed,
        unavailable: t.unavailable,
        evictions: t.evictions,
        displacements: t.displacements,
        contested: t.contested,
      },
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
        trainerNonRevealSlashed: t.trainerNonRevealSlashed,
      },
    },
    submissions: ranked.map((s) => ({
      trainer: s.trainer,
      index: s.index,
      modelCid: s.modelCid,
      published: s.published,
      commitSeq: s.commitSeq.toString(),
      consensus: s.consensus,
      rank: s.rank,
      reward: s.reward,
      spam: s.spam,
      contested: s.contested,
      displaced: s.displaced,
      displacedBy: s.displacedBy,
      slashed: s.slashed,
      claimed: s.claimed,
    })),
    validators: rows.validators,
    slashes: rows.slashes,
  };
}
