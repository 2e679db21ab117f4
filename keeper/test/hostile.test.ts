import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalPool } from "../src/eval/index.js";
import { trainModel } from "../src/train/index.js";
import type { FileMap } from "../src/types.js";
import { type HostileCase, hostileCorpus } from "./fixtures/hostile.js";
import { mnistDataset, mnistSpec } from "./fixtures/mnist.js";

const spec = mnistSpec;
const evalSet = mnistDataset(30, 700);
let good: FileMap;
let corpus: HostileCase[];
// small V8 heap so the layer bomb exhausts it quickly; ordinary models need far less
const pool = new EvalPool({ size: 2, resourceLimits: { maxOldGenerationSizeMb: 80, maxYoungGenerationSizeMb: 16 } });

beforeAll(async () => {
  ({ files: good } = await trainModel({ dataset: mnistDataset(100, 0), spec, arch: "mlp-small", epochs: 2, seed: 3 }));
  corpus = await hostileCorpus(good, spec);
}, 30_000);

afterAll(() => pool.close());

describe("hostile models", () => {
  it("has at least 12 kinds", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(12);
  });

  it("scores every hostile model 0 with its specific reason, then still scores a good model", async () => {
    const listenersBefore = process.listeners("uncaughtException").length;
    const results = await pool.evaluateAll(
      corpus.map((c) => ({
        files: c.files,
        dataset: evalSet,
        spec,
        timeoutMs: c.timeoutMs ?? 20_000,
        batchSize: c.batchSize,
      })),
    );
    const report = corpus.map((c, i) => ({ kind: c.kind, score: results[i].score, reason: results[i].reason }));
    for (const [i, c] of corpus.entries()) {
      expect(results[i].score, c.kind).toBe(0);
      expect(results[i].value, c.kind).toBeNull();
      expect(results[i].reason ?? "", `${c.kind}: ${JSON.stringify(report[i])}`).toMatch(c.expect);
    }
    // the timeout and the OOM each cost a worker, which the pool replaced
    const after = await pool.evaluateAll([
      { files: good, dataset: evalSet, spec },
      { files: good, dataset: evalSet, spec },
    ]);
    for (const r of after) {
      expect(r.reason).toBeNull();
      expect(r.score).toBeGreaterThan(5000);
    }
    expect(pool.replacedWorkers).toBeGreaterThanOrEqual(1);
    expect(process.listeners("uncaughtException").length).toBe(listenersBefore);
  }, 60_000);
});
