import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalPool } from "../src/eval/index.js";
import { type ARCHS, type EpochLog, garbageModel, type TrainResult, trainModel } from "../src/train/index.js";
import { mnistDataset, mnistSpec } from "./fixtures/mnist.js";

const spec = mnistSpec;
const train = mnistDataset(200, 0); // 2,000 real digits
const evalSet = mnistDataset(100, 700); // 1,000 other digits
const pool = new EvalPool({ size: 2 });
afterAll(() => pool.close());

describe("trainModel", () => {
  let mlp: TrainResult;
  const epochs: EpochLog[] = [];
  beforeAll(async () => {
    mlp = await trainModel({
      dataset: train,
      spec,
      arch: "mlp",
      epochs: 2,
      batchSize: 32,
      seed: 1,
      onEpoch: (l) => epochs.push(l),
    });
  }, 30_000);

  it("an MLP trained 2 epochs on 2,000 MNIST digits beats 80% accuracy", async () => {
    const { files, history, backend, params } = mlp;
    expect(backend).toBe("wasm");
    expect(params).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(history).toEqual(epochs);
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(history[1].loss).toBeLessThan(history[0].loss);
    const r = await pool.evaluate({ files, dataset: evalSet, spec });
    expect(r.reason).toBeNull();
    expect(r.value).toBeGreaterThan(0.8);
  }, 30_000);

  it("different archs / budgets give clearly different accuracies; garbage is below spamScore", async () => {
    const weak = await trainModel({
      dataset: mnistDataset(5, 0),
      spec,
      arch: "linear",
      epochs: 1,
      batchSize: 16,
      seed: 2,
    });
    const [w, s, g] = await pool.evaluateAll(
      [weak.files, mlp.files, await garbageModel(spec)].map((files) => ({ files, dataset: evalSet, spec })),
    );
    expect(s.score - w.score).toBeGreaterThan(2000);
    expect(s.score).toBeGreaterThan(spec.minScore);
    expect(g.reason).toBeNull();
    expect(g.score).toBeLessThan(spec.spamScore);
  }, 30_000);

  it("trains and scores a regression task (mse → R²)", async () => {
    const regSpec = { ...spec, output: { type: "regression" as const }, metric: "mse" as const };
    const asTargets = (d: typeof train) => ({ ...d, y: Float32Array.from(d.y) }); // predict the digit's value
    const { files } = await trainModel({
      dataset: asTargets(mnistDataset(50, 0)),
      spec: regSpec,
      arch: "mlp-small",
      epochs: 3,
      seed: 4,
    });
    const r = await pool.evaluate({ files, dataset: asTargets(evalSet), spec: regSpec });
    expect(r.reason).toBeNull();
    expect(r.metric).toBe("mse");
    expect(r.value).toBeGreaterThan(0);
    expect(r.score).toBeGreaterThan(3000); // R² > 0.3
  }, 30_000);

  it("is deterministic for a seed", async () => {
    const a = await trainModel({ dataset: mnistDataset(20, 0), spec, arch: "mlp-small", epochs: 1, seed: 9 });
    const b = await trainModel({ dataset: mnistDataset(20, 0), spec, arch: "mlp-small", epochs: 1, seed: 9 });
    expect(Buffer.from(a.files.get("weights.bin")!).equals(Buffer.from(b.files.get("weights.bin")!))).toBe(true);
  }, 20_000);

  it("rejects an unknown arch and a dataset of the wrong shape", async () => {
    await expect(
      trainModel({ dataset: train, spec, arch: "resnet" as (typeof ARCHS)[number], epochs: 1 }),
    ).rejects.toThrow(/unknown arch/);
    await expect(
      trainModel({ dataset: { ...train, xShape: [2000, 784] }, spec, arch: "mlp", epochs: 1 }),
    ).rejects.toThrow(/differs/);
  });
});
