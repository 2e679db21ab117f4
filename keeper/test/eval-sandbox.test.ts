import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetMismatchError, EvalPool, evaluateModel, WorkerStartError } from "../src/eval/index.js";
import { garbageModel, smallCnnModel, trainModel } from "../src/train/index.js";
import type { FileMap } from "../src/types.js";
import { mnistDataset, mnistSpec } from "./fixtures/mnist.js";

const spec = mnistSpec;
const evalSet = mnistDataset(30, 600);
let trained: FileMap;
let garbage: FileMap;
let cnn: FileMap;

beforeAll(async () => {
  ({ files: trained } = await trainModel({
    dataset: mnistDataset(60, 0),
    spec,
    arch: "mlp-small",
    epochs: 2,
    seed: 1,
  }));
  garbage = await garbageModel(spec);
  cnn = await smallCnnModel(spec);
}, 30_000);

describe("evaluateModel", () => {
  it("evaluates in a fresh worker and maps accuracy to the score", async () => {
    const r = await evaluateModel({ files: trained, dataset: evalSet, spec, backend: "wasm" });
    expect(r.reason).toBeNull();
    expect(r.metric).toBe("accuracy");
    expect(r.score).toBe(Math.round(r.value! * 10000));
    expect(r.score).toBeGreaterThan(5000);
    expect(r.ms).toBeGreaterThan(0);
  }, 30_000);

  it("gives the same score on the cpu backend", async () => {
    const wasm = await evaluateModel({ files: trained, dataset: evalSet, spec, backend: "wasm" });
    const cpu = await evaluateModel({ files: trained, dataset: evalSet, spec, backend: "cpu" });
    expect(cpu.score).toBe(wasm.score);
  }, 30_000);

  it("rejects a dataset that does not match the spec (caller error)", async () => {
    const flat = { ...evalSet, xShape: [evalSet.y.length, 784] };
    await expect(evaluateModel({ files: trained, dataset: flat, spec })).rejects.toBeInstanceOf(DatasetMismatchError);
  });

  it("scores log_loss", async () => {
    const r = await evaluateModel({ files: trained, dataset: evalSet, spec: { ...spec, metric: "log_loss" } });
    expect(r.metric).toBe("log_loss");
    expect(r.value).toBeGreaterThan(0);
    expect(r.score).toBeGreaterThan(0);
  }, 30_000);
});

describe("EvalPool", () => {
  const pool = new EvalPool({ size: 2 });
  afterAll(() => pool.close());

  it("returns results in input order and evaluates CNNs", async () => {
    const jobs = [trained, garbage, cnn, trained].map((files) => ({ files, dataset: evalSet, spec }));
    const results = await pool.evaluateAll(jobs);
    expect(results.map((r) => r.reason)).toEqual([null, null, null, null]);
    expect(results[0].score).toBe(results[3].score);
    expect(results[0].score).toBeGreaterThan(5000);
    expect(results[1].score).toBeLessThan(spec.spamScore);
    expect(pool.backend).toBe("wasm");
  }, 30_000);

  it("recycles a worker after recycleAfter jobs", async () => {
    const p = new EvalPool({ size: 1, recycleAfter: 1 });
    try {
      const [a, b] = await p.evaluateAll([trained, trained].map((files) => ({ files, dataset: evalSet, spec })));
      expect(a.reason).toBeNull();
      expect(b.score).toBe(a.score);
      expect(p.replacedWorkers).toBe(0); // recycling is not a crash
    } finally {
      await p.close();
    }
  }, 30_000);

  it("rejects (does not score 0) when a worker cannot start", async () => {
    const p = new EvalPool({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 8 } });
    try {
      await expect(p.evaluate({ files: trained, dataset: evalSet, spec })).rejects.toBeInstanceOf(WorkerStartError);
    } finally {
      await p.close();
    }
  }, 30_000);

  it("refuses work after close", async () => {
    const p = new EvalPool({ size: 1 });
    await p.close();
    await expect(p.evaluate({ files: trained, dataset: evalSet, spec })).rejects.toThrow(/closed/);
  });
});
