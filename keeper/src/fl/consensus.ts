/**
 * Stake-weighted consensus over voters' uint16 scores, the exclusion rule and the accept/reject tally, in integer
 * arithmetic (stakes are bigint token amounts): the TypeScript statement of what the FLAlliance contract computes.
 * See ./README.md "Accountability" for the rule in prose; the formulas below are normative.
 *
 * Weighted median of pairs (s_v, w_v), scores s_v ∈ [0, 10000], weights w_v ≥ 0 (pairs with w_v = 0 are ignored;
 * W = Σ w_v; no pair with weight, or W = 0: no consensus):
 *   lower L = the smallest s with 2 · Σ_{s_v ≤ s} w_v ≥ W          (the Arena's WeightedMedian.lowerMedian)
 *   upper U = the largest  s with 2 · Σ_{s_v ≥ s} w_v ≥ W
 *   L = U unless the weight splits exactly in half (2 · Σ_{s_v ≤ L} w_v = W); then U is the smallest score above
 *   L, the consensus is the midpoint floor((L + U) / 2) and it is marked contested. Otherwise the consensus is L.
 */

export const MAX_SCORE = 10000;

/** One voter's score for one item, weighted by its stake. */
export interface WeightedScore {
  score: number;
  weight: bigint;
}

export interface Consensus {
  lower: number;
  upper: number;
  /** L, or floor((L + U) / 2) when contested */
  value: number;
  /** the weight split exactly in half between two different scores */
  contested: boolean;
}

/** The stake-weighted median (see the module comment); null when no pair has weight. @throws RangeError on a
 *  score outside [0, 10000] or a negative weight. */
export function weightedMedian(pairs: readonly WeightedScore[]): Consensus | null {
  const live = pairs.filter((p) => {
    checkScore(p.score);
    if (p.weight < 0n) throw new RangeError(`weight ${p.weight} is negative`);
    return p.weight > 0n;
  });
  if (live.length === 0) return null;
  live.sort((a, b) => a.score - b.score);
  const total = live.reduce((s, p) => s + p.weight, 0n);
  let cum = 0n;
  for (let i = 0; i < live.length; i++) {
    cum += live[i].weight;
    // the lower median is the last score of the group that crosses half of the weight
    if (i + 1 < live.length && live[i + 1].score === live[i].score) continue;
    if (2n * cum < total) continue;
    const lower = live[i].score;
    if (2n * cum === total && i + 1 < live.length) {
      const upper = live[i + 1].score;
      return { lower, upper, value: Math.floor((lower + upper) / 2), contested: true };
    }
    return { lower, upper: lower, value: lower, contested: false };
  }
  throw new Error("unreachable: the weights add up to the total");
}

// ---------------------------------------------------------------------------------------------------------------
// Exclusion
// ---------------------------------------------------------------------------------------------------------------

export interface ExclusionParams {
  /**
   * An update is excluded when (global + update alone) keeps less than `minRatioBps` / 10000 of the global model's
   * consensus score: 10000 · c_u < minRatioBps · c_g. In [0, 10000]; 0 never excludes.
   */
  minRatioBps: number;
}

/** Default: an update that alone keeps less than 60% of the global model's score is excluded (see the README's
 *  measured distributions: honest non-IID updates kept ≥ 70%, label-flipped and sign-flipped ones ≤ 50%). */
export const DEFAULT_EXCLUSION: ExclusionParams = { minRatioBps: 6000 };

export interface UpdateVerdict {
  /** consensus of (global + this update alone); null when no voter with stake scored */
  consensus: Consensus | null;
  /** left out of the round's aggregate */
  excluded: boolean;
  /** its proposer is slashed: excluded even on its upper median against the global model's lower median */
  slashed: boolean;
}

export interface ExclusionOutcome {
  /** consensus of the global model's scores; null without any voter with stake */
  global: Consensus | null;
  /** one verdict per update, in the order of the scores' columns */
  updates: UpdateVerdict[];
}

/** Scores one voter revealed: the global model's, and one per update in canonical (proposer) order. */
export interface VoterReveal {
  weight: bigint;
  global: number;
  updates: readonly number[];
}

/**
 * Applies the exclusion rule to the revealed scores of one round:
 *   c_g = weightedMedian(global scores).value, c_u = weightedMedian(scores of update u).value;
 *   excluded(u) ⇔ c_g and c_u exist and 10000 · c_u < minRatioBps · c_g;
 *   slashed(u) ⇔ excluded(u) and 10000 · U_u < minRatioBps · L_g, with U_u the upper median of the update's scores and
 *   L_g the lower median of the global model's (equal to the consensus when uncontested). On an exact 50/50 stake
 *   split the proposer is slashed only if both halves judge its update below the ratio; otherwise it is left out of
 *   the model, unpaid, but not slashed. (Requiring no split at all would never slash with an even number of
 *   equally staked voters: every median is then a split.)
 * Without any voter with stake nothing is excluded (and the round cannot be accepted either).
 * @throws RangeError when a voter's score count differs from `updates`, or on a bad score or ratio.
 */
export function decideExclusions(
  reveals: readonly VoterReveal[],
  updates: number,
  params: ExclusionParams = DEFAULT_EXCLUSION,
): ExclusionOutcome {
  checkScore(params.minRatioBps);
  for (const r of reveals) {
    if (r.updates.length !== updates)
      throw new RangeError(`a voter revealed ${r.updates.length} scores, not ${updates}`);
  }
  const global = weightedMedian(reveals.map((r) => ({ score: r.global, weight: r.weight })));
  const verdicts = Array.from({ length: updates }, (_, i): UpdateVerdict => {
    const consensus = weightedMedian(reveals.map((r) => ({ score: r.updates[i], weight: r.weight })));
    const excluded =
      global !== null && consensus !== null && MAX_SCORE * consensus.value < params.minRatioBps * global.value;
    // slashed only when even the reading most favourable to the proposer — its update's upper median against the
    // global model's lower median — excludes it: a 50/50 split is a majority against the proposer only if both
    // halves judge the update below the ratio
    const slashed = excluded && MAX_SCORE * consensus.upper < params.minRatioBps * global.lower;
    return { consensus, excluded, slashed };
  });
  return { global, updates: verdicts };
}

// ---------------------------------------------------------------------------------------------------------------
// Accept / reject
// ---------------------------------------------------------------------------------------------------------------

/** A voter accepts the candidate when it scores at least as well as the global model, less `toleranceBps`:
 *  candidate + toleranceBps ≥ global. */
export function voterAccepts(candidate: number, global: number, toleranceBps = 0): boolean {
  checkScore(candidate);
  checkScore(global);
  return candidate + toleranceBps >= global;
}

export interface Tally {
  acceptWeight: bigint;
  rejectWeight: bigint;
  /** strictly more than half of the revealed weight accepted: 2 · accept > accept + reject (a tie rejects) */
  accepted: boolean;
}

/** The stake-weighted accept/reject decision over the voters that revealed. */
export function tallyVotes(votes: readonly { accept: boolean; weight: bigint }[]): Tally {
  let acceptWeight = 0n;
  let rejectWeight = 0n;
  for (const v of votes) {
    if (v.weight < 0n) throw new RangeError(`weight ${v.weight} is negative`);
    if (v.accept) acceptWeight += v.weight;
    else rejectWeight += v.weight;
  }
  return { acceptWeight, rejectWeight, accepted: 2n * acceptWeight > acceptWeight + rejectWeight };
}

function checkScore(s: number): void {
  if (!Number.isInteger(s) || s < 0 || s > MAX_SCORE)
    throw new RangeError(`score ${s} is not an integer in [0, 10000]`);
}
