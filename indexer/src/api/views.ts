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
