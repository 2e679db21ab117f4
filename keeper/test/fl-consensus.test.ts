import { describe, expect, it } from "vitest";
import {
  DEFAULT_EXCLUSION,
  decideExclusions,
  tallyVotes,
  type VoterReveal,
  voterAccepts,
  type WeightedScore,
  weightedMedian,
} from "../src/fl/index.js";
import { mulberry32 } from "../src/logic/random.js";

const E18 = 10n ** 18n;
const ws = (pairs: [number, bigint | number][]): WeightedScore[] =>
  pairs.map(([score, weight]) => ({ score, weight: BigInt(weight) }));

/** The definitions, by brute force over every score present. */
function reference(pairs: WeightedScore[]) {
  const live = pairs.filter((p) => p.weight > 0n);
  if (live.length === 0) return null;
  const total = live.reduce((s, p) => s + p.weight, 0n);
  const scores = [...new Set(live.map((p) => p.score))].sort((a, b) => a - b);
  const below = (s: number) => live.filter((p) => p.score <= s).reduce((a, p) => a + p.weight, 0n);
  const above = (s: number) => live.filter((p) => p.score >= s).reduce((a, p) => a + p.weight, 0n);
  const lower = scores.find((s) => 2n * below(s) >= total)!;
  const upper = [...scores].reverse().find((s) => 2n * above(s) >= total)!;
  return { lower, upper, value: lower === upper ? lower : Math.floor((lower + upper) / 2), contested: lower !== upper };
}

describe("stake-weighted median", () => {
  it("is the lower median, or the midpoint of an exact 50/50 split marked contested", () => {
    expect(
      weightedMedian(
        ws([
          [10, 1],
          [20, 1],
          [30, 1],
        ]),
      ),
    ).toEqual({ lower: 20, upper: 20, value: 20, contested: false });
    expect(
      weightedMedian(
        ws([
          [10, 1],
          [20, 1],
        ]),
      ),
    ).toEqual({ lower: 10, upper: 20, value: 15, contested: true });
    expect(
      weightedMedian(
        ws([
          [10, 1],
          [21, 1],
        ]),
      )!.value,
    ).toBe(15); // floor((10 + 21) / 2)
    expect(
      weightedMedian(
        ws([
          [30, 5],
          [10, 2],
          [20, 3],
        ]),
      ),
    ).toEqual({ lower: 20, upper: 30, value: 25, contested: true });
    expect(
      weightedMedian(
        ws([
          [30, 5],
          [10, 2],
          [20, 4],
        ]),
      ),
    ).toEqual({ lower: 20, upper: 20, value: 20, contested: false });
    expect(
      weightedMedian(
        ws([
          [30, 6],
          [10, 2],
          [20, 3],
        ]),
      ),
    ).toEqual({ lower: 30, upper: 30, value: 30, contested: false });
    // equal scores are one group; zero weights do not count
    expect(
      weightedMedian(
        ws([
          [10, 1],
          [10, 1],
          [50, 2],
          [0, 0],
        ]),
      ),
    ).toEqual({ lower: 10, upper: 50, value: 30, contested: true });
    expect(weightedMedian(ws([[7, 0]]))).toBeNull();
    expect(weightedMedian([])).toBeNull();
    // 18-decimal stakes far beyond 2^53
    expect(
      weightedMedian(
        ws([
          [9000, 10_000_000n * E18],
          [100, 10_000_000n * E18 - 1n],
        ]),
      )!.value,
    ).toBe(9000);
  });

  it("matches the brute-force definition on random inputs", () => {
    const rand = mulberry32(42);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(rand() * 8);
      const pairs = Array.from({ length: n }, () => ({
        score: Math.floor(rand() * 6) * 2000,
        weight: BigInt(Math.floor(rand() * 4)) * E18,
      }));
      expect(weightedMedian(pairs)).toEqual(reference(pairs));
    }
  });

  it("refuses scores outside [0, 10000] and negative weights", () => {
    expect(() => weightedMedian(ws([[10001, 1]]))).toThrow(/score 10001/);
    expect(() => weightedMedian(ws([[1.5, 1]]))).toThrow(/score 1.5/);
    expect(() => weightedMedian([{ score: 1, weight: -1n }])).toThrow(/negative/);
  });
});

describe("exclusion rule", () => {
  const voter = (weight: number, global: number, updates: number[]): VoterReveal => ({
    weight: BigInt(weight) * E18,
    global,
    updates,
  });

  it("excludes and slashes updates that alone keep less than half of the global score", () => {
    const reveals = [
      voter(1, 8000, [7900, 3000, 4000, 3999]),
      voter(1, 8100, [8000, 2500, 4000, 4000]),
      voter(1, 8050, [7000, 9000, 4001, 3999]),
    ];
    const out = decideExclusions(reveals, 4, { minRatioBps: 5000 });
    expect(out.global!.value).toBe(8050);
    expect(out.updates.map((u) => u.consensus!.value)).toEqual([7900, 3000, 4000, 3999]);
    // 10000 · c_u < 5000 · 8050 ⇔ c_u < 4025
    expect(out.updates.map((u) => u.excluded)).toEqual([false, true, true, true]);
    expect(out.updates.map((u) => u.slashed)).toEqual([false, true, true, true]);
  });

  it("is exact at the boundary: equality keeps the update", () => {
    const out = decideExclusions([voter(1, 8000, [4000, 3999])], 2, { minRatioBps: 5000 });
    expect(out.updates.map((u) => u.excluded)).toEqual([false, true]);
    const byDefault = decideExclusions([voter(1, 8000, [4800, 4799])], 2); // 60%: c_u < 4800
    expect(byDefault.updates.map((u) => u.excluded)).toEqual([false, true]);
    expect(decideExclusions([voter(1, 8000, [0])], 1, { minRatioBps: 0 }).updates[0].excluded).toBe(false);
    expect(decideExclusions([voter(1, 8000, [7999])], 1, { minRatioBps: 10000 }).updates[0].excluded).toBe(true);
  });

  it("a stake majority decides, a colluding minority cannot, a 50/50 split slashes only if both halves agree", () => {
    // one voter with 49% of the stake praises the bad update and damns the good one
    const reveals = [voter(49, 9000, [0, 10000]), voter(26, 8000, [7800, 1000]), voter(25, 8200, [8100, 900])];
    expect(decideExclusions(reveals, 2).updates.map((u) => u.excluded)).toEqual([false, true]);
    const split = decideExclusions([voter(1, 8000, [1000]), voter(1, 8000, [6000])], 1);
    expect(split.updates[0]).toMatchObject({
      excluded: true,
      slashed: false,
      consensus: { value: 3500, contested: true },
    });
    // both halves keep the update below 60% of their own global score (1000 / 2000, 1000 / 8000): slashed
    const globalSplit = decideExclusions([voter(1, 2000, [1000]), voter(1, 8000, [1000])], 1);
    expect(globalSplit.global).toMatchObject({ value: 5000, contested: true });
    expect(globalSplit.updates[0]).toMatchObject({ excluded: true, slashed: true });
    // one half judges it fine against its own lower global reading (1300 ≥ 60% of 2000): excluded, not slashed
    const lenient = decideExclusions([voter(1, 2000, [1300]), voter(1, 8000, [1000])], 1);
    expect(lenient.updates[0]).toMatchObject({ excluded: true, slashed: false });
    // four equally staked voters that all damn a poisoned update: every median is a 2–2 split, the poisoner is slashed
    const four = decideExclusions(
      [voter(1, 8000, [900]), voter(1, 8100, [1200]), voter(1, 7900, [700]), voter(1, 8050, [1500])],
      1,
    );
    expect(four.updates[0].consensus?.contested).toBe(true);
    expect(four.updates[0]).toMatchObject({ excluded: true, slashed: true });
  });

  it("excludes nothing without a voter with stake; refuses ragged reveals", () => {
    const none = decideExclusions([voter(0, 9000, [0])], 1);
    expect(none.global).toBeNull();
    expect(none.updates[0]).toEqual({ consensus: null, excluded: false, slashed: false });
    expect(() => decideExclusions([voter(1, 9000, [0, 1])], 1)).toThrow(/revealed 2 scores, not 1/);
    expect(() => decideExclusions([], 0, { minRatioBps: 10001 })).toThrow(RangeError);
    expect(DEFAULT_EXCLUSION.minRatioBps).toBe(6000);
  });
});

describe("accept / reject", () => {
  it("a voter accepts a candidate no worse than the global model less the tolerance", () => {
    expect(voterAccepts(8000, 8000)).toBe(true);
    expect(voterAccepts(7999, 8000)).toBe(false);
    expect(voterAccepts(7900, 8000, 100)).toBe(true);
    expect(voterAccepts(7899, 8000, 100)).toBe(false);
  });
  it("needs strictly more than half of the revealed stake; a tie rejects", () => {
    expect(
      tallyVotes([
        { accept: true, weight: 2n },
        { accept: false, weight: 1n },
      ]).accepted,
    ).toBe(true);
    expect(
      tallyVotes([
        { accept: true, weight: 1n },
        { accept: false, weight: 1n },
      ]),
    ).toEqual({
      acceptWeight: 1n,
      rejectWeight: 1n,
      accepted: false,
    });
    expect(tallyVotes([]).accepted).toBe(false);
  });
});

// The same vectors as test/unit/FLMath.t.sol: FLAlliance's FLMath.median / excluded / slashable must agree with
// weightedMedian / decideExclusions on each.
describe("the contract's vectors (test/unit/FLMath.t.sol)", () => {
  const m = (scores: number[], weights: number[]) =>
    weightedMedian(scores.map((score, i) => ({ score, weight: BigInt(weights[i]) })));
  it("median: majority, heavy voter, contested, groups, single", () => {
    expect(m([7000, 8000, 9000], [1, 1, 1])).toMatchObject({ value: 8000, contested: false });
    expect(m([1000, 8000, 9000], [5, 1, 1])).toMatchObject({ value: 1000, contested: false });
    expect(m([3001, 8000], [2, 2])).toMatchObject({ value: 5500, contested: true });
    expect(m([1000, 2000, 9000], [1, 1, 2])).toMatchObject({ value: 5500, contested: true });
    expect(m([5000, 5000, 9000], [1, 1, 2])).toMatchObject({ value: 7000, contested: true });
    expect(m([5000, 5000, 9000], [2, 1, 2])).toMatchObject({ value: 5000, contested: false });
    expect(m([4321], [7])).toMatchObject({ value: 4321, contested: false });
    expect(m([], [])).toBeNull();
  });
  it("exclusion at 60%: equality keeps, one below excludes; a split slashes only if both halves agree", () => {
    const verdict = (global: number[], update: number[], weights: number[], minRatioBps = 6000) =>
      decideExclusions(
        global.map((g, i) => ({ weight: BigInt(weights[i]), global: g, updates: [update[i]] })),
        1,
        { minRatioBps },
      ).updates[0];
    expect(verdict([8000], [4800], [1])).toMatchObject({ excluded: false });
    expect(verdict([8000], [4799], [1])).toMatchObject({ excluded: true, slashed: true });
    expect(verdict([8000], [0], [1], 0)).toMatchObject({ excluded: false });
    expect(verdict([8000, 8000], [100, 5000], [1, 1])).toMatchObject({ excluded: true, slashed: false });
    expect(verdict([8000, 8000], [100, 3000], [1, 1])).toMatchObject({ excluded: true, slashed: true });
  });
});
