import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Address,
  type AggregationRule,
  aggregateUpdates,
  buildCandidate,
  type Contribution,
  directoryCid,
  type FixedModel,
  MAX_EXAMPLES,
  maxUpdateDirectoryBytes,
  modelFromFiles,
  modelToFiles,
  Q_MAX,
  trim,
  UpdateFormatError,
  updateFromFiles,
  updateToFiles,
} from "../src/fl/index.js";
import { mulberry32 } from "../src/logic/random.js";
import { ContentTooLargeError, openStore } from "../src/storage/index.js";

const BASE = "bafybeiht6dtwk3les7vqm6ibpvz6qpohidvlshsfyr7l5mpysdw2vmbbhe";
const addr = (i: number): Address => `0x${(0xa0 + i).toString(16).padStart(40, "0")}`;
const LAYOUT = [
  { name: "a/bias", shape: [7], size: 7 },
  { name: "a/kernel", shape: [5, 7], size: 35 },
];

function contribution(i: number, values: (j: number) => number, examples = 100): Contribution {
  return {
    proposer: addr(i),
    update: {
      base: BASE,
      examples,
      tensors: LAYOUT.map((l, k) => ({
        ...l,
        values: Int32Array.from({ length: l.size }, (_, j) => values(k * 1000 + j)),
      })),
    },
  };
}

function randomContributions(k: number, seed: number, extreme = false): Contribution[] {
  const rand = mulberry32(seed);
  return Array.from({ length: k }, (_, i) =>
    contribution(
      i,
      () => {
        if (extreme && rand() < 0.3) return rand() < 0.5 ? Q_MAX : -Q_MAX;
        return Math.round((rand() - 0.5) * 2 * (extreme ? Q_MAX : 5000));
      },
      extreme ? MAX_EXAMPLES - Math.floor(rand() * 3) : 1 + Math.floor(rand() * 2000),
    ),
  );
}

/** roundHalfEven(p / q) of BigInts (q > 0): the reference every rule is checked against. */
function rhe(p: bigint, q: bigint): bigint {
  let f = p / q;
  let r = p % q;
  if (r < 0n) {
    f -= 1n;
    r += q;
  }
  return 2n * r > q || (2n * r === q && f % 2n !== 0n) ? f + 1n : f;
}

/** A straightforward BigInt implementation of the three rules, from their definitions in aggregate.ts. */
function reference(cs: Contribution[], rule: AggregationRule): number[][] {
  return LAYOUT.map((l, k) =>
    Array.from({ length: l.size }, (_, j) => {
      const v = cs.map((c) => BigInt(c.update.tensors[k].values[j]));
      if (rule.kind === "fedavg") {
        const n = cs.map((c) => BigInt(Math.min(c.update.examples, rule.maxExamples)));
        const num = v.reduce((s, x, i) => s + x * n[i], 0n);
        return Number(
          rhe(
            num,
            n.reduce((a, b) => a + b, 0n),
          ),
        );
      }
      const sorted = [...v].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const t = rule.kind === "median" ? Math.floor((v.length - 1) / 2) : trim(rule.betaBps, v.length);
      const mid = sorted.slice(t, v.length - t);
      return Number(
        rhe(
          mid.reduce((a, b) => a + b, 0n),
          BigInt(mid.length),
        ),
      );
    }),
  );
}

const RULES: AggregationRule[] = [
  { kind: "fedavg", maxExamples: 1000 },
  { kind: "fedavg", maxExamples: MAX_EXAMPLES },
  { kind: "trimmed-mean", betaBps: 2000 },
  { kind: "trimmed-mean", betaBps: 0 },
  { kind: "trimmed-mean", betaBps: 4999 },
  { kind: "median" },
];

describe("deterministic aggregation", () => {
  it("equals the BigInt reference for every rule, k = 1…12, ordinary and extreme values", () => {
    let checked = 0;
    for (const rule of RULES) {
      for (let k = 1; k <= 12; k++) {
        for (const extreme of [false, true]) {
          const cs = randomContributions(k, k * 31 + (extreme ? 7 : 0), extreme);
          const agg = aggregateUpdates(cs, rule);
          expect(
            agg.tensors.map((t) => Array.from(t.values)),
            `${rule.kind} k=${k} extreme=${extreme}`,
          ).toEqual(reference(cs, rule));
          checked++;
        }
      }
    }
    expect(checked).toBe(RULES.length * 24);
  });

  it("handles the largest sums: 1024 updates at ±(2^31 − 1) with 2^24 examples each", () => {
    const cs = Array.from({ length: 1024 }, (_, i) =>
      contribution(i, (j) => (j % 3 === 0 ? Q_MAX : j % 3 === 1 ? -Q_MAX : i % 2 === 0 ? Q_MAX : -Q_MAX), MAX_EXAMPLES),
    );
    for (const rule of [RULES[1], RULES[5]]) {
      expect(aggregateUpdates(cs, rule).tensors.map((t) => Array.from(t.values))).toEqual(reference(cs, rule));
    }
    expect(() => aggregateUpdates([...cs, contribution(2000, () => 0)], RULES[0])).toThrow(/more than 1024/);
  });

  it("rounds halves to even", () => {
    const two = (a: number, b: number) => [contribution(0, () => a), contribution(1, () => b)];
    const value = (cs: Contribution[], rule: AggregationRule) => aggregateUpdates(cs, rule).tensors[0].values[0];
    expect(value(two(1, 2), { kind: "median" })).toBe(2); // 1.5 → 2
    expect(value(two(2, 3), { kind: "median" })).toBe(2); // 2.5 → 2
    expect(value(two(-2, -3), { kind: "median" })).toBe(-2); // -2.5 → -2
    expect(value(two(-1, -2), { kind: "median" })).toBe(-2); // -1.5 → -2
    expect(value(two(3, 4), { kind: "fedavg", maxExamples: 100 })).toBe(4); // 3.5 → 4
    // weighted: (1·300 + 2·100) / 400 = 1.25 → 1
    const weighted = [contribution(0, () => 1, 300), contribution(1, () => 2, 100)];
    expect(value(weighted, { kind: "fedavg", maxExamples: 1000 })).toBe(1);
    // the cap: both weigh 100, (1 + 2) / 2 = 1.5 → 2
    expect(value(weighted, { kind: "fedavg", maxExamples: 100 })).toBe(2);
    // trimmed mean β = 0.2 on 10 values drops 2 at each end
    const ten = [100, -100, 5, 6, 7, 8, 9, 10, 1000, -1000].map((v, i) => contribution(i, () => v));
    expect(value(ten, { kind: "trimmed-mean", betaBps: 2000 })).toBe(8); // (5+6+7+8+9+10) / 6 = 7.5 → 8
    expect(aggregateUpdates(ten, { kind: "trimmed-mean", betaBps: 2000 }).weights).toEqual(new Array(10).fill(1));
  });

  it("orders by proposer address: any input order, any address case, gives the same aggregate and proposers", () => {
    const cs = randomContributions(9, 5);
    const rand = mulberry32(9);
    const shuffled = [...cs]
      .map((c) => ({ c, r: rand() }))
      .sort((a, b) => a.r - b.r)
      .map(({ c }) => ({ ...c, proposer: c.proposer.toUpperCase().replace("0X", "0x") as Address }));
    for (const rule of RULES) {
      const a = aggregateUpdates(cs, rule);
      const b = aggregateUpdates(shuffled, rule);
      expect(b).toEqual(a);
    }
    expect(aggregateUpdates(cs, RULES[0]).proposers).toEqual(cs.map((c) => c.proposer));
  });

  it("refuses bad rules, duplicate or malformed proposers, mixed layouts and bases", () => {
    const cs = randomContributions(3, 1);
    expect(() => aggregateUpdates([], RULES[0])).toThrow(/no updates/);
    expect(() => aggregateUpdates(cs, { kind: "trimmed-mean", betaBps: 5000 })).toThrow(/\[0, 5000\)/);
    expect(() => aggregateUpdates(cs, { kind: "fedavg", maxExamples: 0 })).toThrow(/maxExamples/);
    expect(() => aggregateUpdates(cs, { kind: "mean" } as never)).toThrow(/unknown aggregation rule "mean"/);
    expect(() =>
      aggregateUpdates(
        [...cs, { ...cs[0], proposer: cs[0].proposer.toUpperCase().replace("0X", "0x") as Address }],
        RULES[0],
      ),
    ).toThrow(/appears twice/);
    expect(() => aggregateUpdates([{ ...cs[0], proposer: "0x12" }], RULES[0])).toThrow(/not an address/);
    const short = { ...cs[1], update: { ...cs[1].update, tensors: cs[1].update.tensors.slice(1) } };
    expect(() => aggregateUpdates([cs[0], short], RULES[0])).toThrow(UpdateFormatError);
    const elsewhere = {
      ...cs[1],
      update: { ...cs[1].update, base: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi" },
    };
    expect(() => aggregateUpdates([cs[0], elsewhere], RULES[0])).toThrow(/another base/);
  });
});

describe("the candidate", () => {
  const global: FixedModel = {
    topology: { class_name: "Sequential", config: { name: "t", layers: [] } },
    tensors: LAYOUT.map((l) => ({ ...l, values: Int32Array.from({ length: l.size }, (_, j) => j * 1000 - 3000) })),
  };
  let tmp: string | undefined;
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("is global + aggregate in canonical files whose CID is the embedded store's", async () => {
    const cs = randomContributions(6, 3);
    const cand = await buildCandidate({ global, globalCid: BASE, contributions: cs, rule: { kind: "median" } });
    const agg = aggregateUpdates(cs, { kind: "median" });
    expect(cand.model.tensors[1].values[4]).toBe(global.tensors[1].values[4] + agg.tensors[1].values[4]);
    expect(modelFromFiles(cand.files)).toEqual(cand.model);
    expect(cand.cid).toBe(await directoryCid(modelToFiles(cand.model)));
    tmp = await mkdtemp(join(tmpdir(), "flock-fl-cid-"));
    const store = await openStore({ kind: "embedded", dataDir: tmp });
    try {
      expect(await store.addDirectory(cand.files)).toBe(cand.cid);
      // a file over one 256 KiB chunk, and a sub-directory, agree too
      const big = new Map([
        ["weights.bin", new Uint8Array(700_000).map((_, i) => i % 251)],
        ["x/y.json", new Uint8Array([1])],
      ]);
      expect(await store.addDirectory(big)).toBe(await directoryCid(big));
      // an update directory of a 101,770-weight model fetches within maxUpdateDirectoryBytes, not within its file size
      const layout = [
        { name: "h/bias", shape: [128], size: 128 },
        { name: "h/kernel", shape: [784, 128], size: 100_352 },
        { name: "o/bias", shape: [10], size: 10 },
        { name: "o/kernel", shape: [128, 10], size: 1280 },
      ];
      const update = {
        base: BASE,
        examples: MAX_EXAMPLES,
        tensors: layout.map((l) => ({ ...l, values: new Int32Array(l.size).fill(-7) })),
      };
      const files = updateToFiles(update);
      const cid = await store.addDirectory(files);
      const size = files.get("update.safetensors")!.length;
      const fetched = await store.getDirectory(cid, { maxBytes: maxUpdateDirectoryBytes(layout), timeoutMs: 10_000 });
      expect(updateFromFiles(fetched, { layout, base: BASE })).toEqual(update);
      await expect(store.getDirectory(cid, { maxBytes: size, timeoutMs: 10_000 })).rejects.toThrow(
        ContentTooLargeError,
      );
    } finally {
      await store.close();
    }
    expect(cand.cid).toMatch(/^bafybei[a-z2-7]+$/);
  }, 60_000);

  it("refuses updates computed against another global model", async () => {
    const cs = randomContributions(2, 3);
    await expect(
      buildCandidate({
        global,
        globalCid: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        contributions: cs,
        rule: { kind: "median" },
      }),
    ).rejects.toThrow(/applies to bafybeiht6/);
  });
});
