/**
 * Deterministic robust aggregation of fixed-point updates, in plain integer arithmetic (never TF.js kernels):
 * every machine and backend gets the same aggregate, hence the same candidate bytes and CID.
 *
 * Canonical order: contributions are sorted by proposer address (20 bytes, compared as lowercase hex = as
 * uint160); a proposer appears at most once. All rules below are symmetric functions of the multiset of inputs
 * (exact integer sums, order statistics), so the order cannot change a value; it fixes the order of
 * {@link Aggregate.proposers} and of any error.
 *
 * Rules, per coordinate j, over the k included updates u_1..u_k (Q16 int32 values):
 * - `fedavg` (weighted by capped example counts): n_i = min(examples_i, maxExamples),
 *   a_j = roundHalfEven( Σ n_i·u_ij / Σ n_i ).
 * - `trimmed-mean` (β = betaBps / 10000, default 2000): t = floor(betaBps · k / 10000) values are dropped at each
 *   end of the sorted u_·j, a_j = roundHalfEven( (sum of the k − 2t middle values) / (k − 2t) ). Unweighted.
 *   betaBps < 5000 guarantees k − 2t ≥ 1.
 * - `median`: the sorted values' middle one when k is odd; roundHalfEven((v_{k/2} + v_{k/2+1}) / 2) (1-based)
 *   when k is even. Unweighted.
 * roundHalfEven(p / q) of integers: floor(p / q) + 1 when the remainder r = p − q·floor(p / q) has 2r > q, or
 * 2r = q and floor(p / q) is odd; floor(p / q) otherwise (halves go to the even neighbour, in both signs).
 *
 * Exactness: every intermediate is an integer below 2^53 in magnitude, so doubles hold it exactly. For fedavg,
 * u = hi·2^16 + lo (hi = u >> 16 ∈ [−2^15, 2^15), lo = u & 0xffff); with n_i ≤ 2^24 and k ≤ 1024, Σ n·hi < 2^50,
 * Σ n·lo < 2^50, Σ n ≤ 2^34; the quotient is taken in two exact steps (./fixed.ts `floorDivMod`).
 */

import type { FileMap } from "../types.js";
import { directoryCid } from "./cid.js";
import { divRoundHalfEven, floorDivMod } from "./fixed.js";
import {
  type FixedModel,
  type FixedTensor,
  layoutMismatch,
  type ModelLayout,
  modelLayout,
  modelToFiles,
} from "./model.js";
import { applyUpdate, MAX_EXAMPLES, type Update, UpdateFormatError } from "./update.js";

export type Address = `0x${string}`;

export type AggregationRule =
  | { kind: "fedavg" /** cap on each update's example count */; maxExamples: number }
  | { kind: "trimmed-mean" /** share trimmed at each end, in basis points, [0, 5000) */; betaBps: number }
  | { kind: "median" };

export const AGGREGATION_KINDS = ["fedavg", "trimmed-mean", "median"] as const;
/** Default β of the trimmed mean: 20% at each end. */
export const DEFAULT_TRIM_BPS = 2000;
/** Most updates one aggregate takes (the exactness bound above). */
export const MAX_UPDATES = 1024;

/** One proposer's revealed update. */
export interface Contribution {
  proposer: Address;
  update: Update;
}

export interface Aggregate {
  /** the aggregate delta, one tensor per weight, sorted by name */
  tensors: FixedTensor[];
  /** the proposers whose updates went in, in canonical (ascending address) order */
  proposers: Address[];
  /** per proposer (same order), the weight it had: min(examples, maxExamples) for fedavg, 1 otherwise */
  weights: number[];
}

/** Validates a rule's parameters. @throws RangeError */
export function checkRule(rule: AggregationRule): void {
  switch (rule.kind) {
    case "fedavg":
      if (!Number.isSafeInteger(rule.maxExamples) || rule.maxExamples < 1 || rule.maxExamples > MAX_EXAMPLES) {
        throw new RangeError(`fedavg maxExamples must be an integer in [1, ${MAX_EXAMPLES}], got ${rule.maxExamples}`);
      }
      return;
    case "trimmed-mean":
      if (!Number.isSafeInteger(rule.betaBps) || rule.betaBps < 0 || rule.betaBps >= 5000) {
        throw new RangeError(`trimmed-mean betaBps must be an integer in [0, 5000), got ${rule.betaBps}`);
      }
      return;
    case "median":
      return;
    default:
      throw new RangeError(`unknown aggregation rule ${JSON.stringify((rule as { kind: unknown }).kind)}`);
  }
}

/** Contributions in canonical order. @throws RangeError on a malformed or repeated proposer address. */
export function canonicalOrder(contributions: readonly Contribution[]): Contribution[] {
  const out = contributions.map((c) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(c.proposer)) throw new RangeError(`proposer ${c.proposer} is not an address`);
    return { proposer: c.proposer.toLowerCase() as Address, update: c.update };
  });
  out.sort((a, b) => (a.proposer < b.proposer ? -1 : a.proposer > b.proposer ? 1 : 0));
  for (let i = 1; i < out.length; i++) {
    if (out[i].proposer === out[i - 1].proposer) throw new RangeError(`proposer ${out[i].proposer} appears twice`);
  }
  return out;
}

/**
 * Aggregates the updates with `rule` (see the module comment).
 * @throws RangeError on no updates, more than {@link MAX_UPDATES}, a bad rule or address;
 *   UpdateFormatError when the updates' layouts differ from `layout` (default: the first update's) or their bases differ.
 */
export function aggregateUpdates(
  contributions: readonly Contribution[],
  rule: AggregationRule,
  layout?: ModelLayout,
): Aggregate {
  checkRule(rule);
  if (contributions.length === 0) throw new RangeError("no updates to aggregate");
  if (contributions.length > MAX_UPDATES) throw new RangeError(`more than ${MAX_UPDATES} updates`);
  const sorted = canonicalOrder(contributions);
  const expected = layout ?? sorted[0].update.tensors;
  const base = sorted[0].update.base;
  for (const c of sorted) {
    const mismatch = layoutMismatch(expected, c.update.tensors);
    if (mismatch !== null) throw new UpdateFormatError(`update of ${c.proposer}: ${mismatch}`);
    if (c.update.base !== base) throw new UpdateFormatError(`update of ${c.proposer} applies to another base`);
  }
  const weights = sorted.map((c) => (rule.kind === "fedavg" ? Math.min(c.update.examples, rule.maxExamples) : 1));
  const tensors = expected.map((l, k): FixedTensor => {
    const columns = sorted.map((c) => c.update.tensors[k].values);
    const values =
      rule.kind === "fedavg"
        ? fedAvg(columns, weights, l.size)
        : trimmedMean(
            columns,
            l.size,
            rule.kind === "median" ? medianTrim(columns.length) : trim(rule.betaBps, columns.length),
          );
    return { name: l.name, shape: [...l.shape], size: l.size, values };
  });
  return { tensors, proposers: sorted.map((c) => c.proposer), weights };
}

/** Values trimmed at each end by the trimmed mean: floor(betaBps · k / 10000). */
export function trim(betaBps: number, k: number): number {
  return Math.floor((betaBps * k) / 10000);
}

/** The median as a trimmed mean: keep 1 value (k odd) or the 2 middle ones (k even). */
function medianTrim(k: number): number {
  return Math.floor((k - 1) / 2);
}

function fedAvg(columns: Int32Array[], weights: number[], size: number): Int32Array {
  const hi = new Float64Array(size);
  const lo = new Float64Array(size);
  let total = 0;
  for (let i = 0; i < columns.length; i++) {
    const u = columns[i];
    const n = weights[i];
    total += n;
    for (let j = 0; j < size; j++) {
      const v = u[j];
      hi[j] += n * (v >> 16);
      lo[j] += n * (v & 0xffff);
    }
  }
  const out = new Int32Array(size);
  for (let j = 0; j < size; j++) {
    const [q1, r1] = floorDivMod(hi[j], total);
    // Σ n·u = q1·total·2^16 + (r1·2^16 + lo): divide the second part, exact below 2^51
    const [q2, r2] = floorDivMod(r1 * 65536 + lo[j], total);
    let q = q1 * 65536 + q2;
    const twice = 2 * r2;
    if (twice > total || (twice === total && q % 2 !== 0)) q += 1;
    out[j] = q;
  }
  return out;
}

function trimmedMean(columns: Int32Array[], size: number, t: number): Int32Array {
  const k = columns.length;
  const keep = k - 2 * t;
  const v = new Float64Array(k);
  const out = new Int32Array(size);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < k; i++) {
      // insertion sort while gathering (k is small: at most a few dozen proposers per round)
      const x = columns[i][j];
      let p = i;
      while (p > 0 && v[p - 1] > x) {
        v[p] = v[p - 1];
        p--;
      }
      v[p] = x;
    }
    let sum = 0;
    for (let i = t; i < k - t; i++) sum += v[i];
    out[j] = keep === 1 ? sum : divRoundHalfEven(sum, keep);
  }
  return out;
}

export interface Candidate {
  /** the candidate global model: global + aggregate, in fixed point */
  model: FixedModel;
  /** its canonical TF.js directory (model.json + weights.bin) */
  files: FileMap;
  /** the directory's CID, as the content store computes it */
  cid: string;
  aggregate: Aggregate;
  /** coordinates clamped when adding the aggregate (see applyUpdate) */
  saturated: number;
}

export interface BuildCandidateOptions {
  global: FixedModel;
  /** CID of the global model's directory: every update's `base` must be it */
  globalCid: string;
  contributions: readonly Contribution[];
  rule: AggregationRule;
}

/**
 * The round's candidate: aggregate the contributions (canonical order, `rule`), add the aggregate to the global
 * model, serialise canonically and compute the CID. Deterministic: same inputs → same bytes and CID everywhere.
 * @throws UpdateFormatError when an update does not fit the global model or applies to another base.
 */
export async function buildCandidate(opts: BuildCandidateOptions): Promise<Candidate> {
  const layout = modelLayout(opts.global);
  for (const c of opts.contributions) {
    if (c.update.base !== opts.globalCid) {
      throw new UpdateFormatError(`update of ${c.proposer} applies to ${c.update.base}, not ${opts.globalCid}`);
    }
  }
  const aggregate = aggregateUpdates(opts.contributions, opts.rule, layout);
  const { model, saturated } = applyUpdate(opts.global, aggregate);
  const files = modelToFiles(model);
  return { model, files, cid: await directoryCid(files), aggregate, saturated };
}
