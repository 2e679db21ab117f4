import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkModelFiles,
  estimateParams,
  initBackend,
  isSafeRelativePath,
  loadModelFromFiles,
  ModelRejected,
  saveModelToFiles,
} from "../src/eval/index.js";
import { buildDense, buildSmallCnn } from "../src/train/index.js";
import type { FileMap } from "../src/types.js";
import { mnistSpec } from "./fixtures/mnist.js";

beforeAll(async () => {
  await initBackend("wasm");
}, 20_000);

async function roundTrip(
  model: tf.LayersModel,
): Promise<{ files: FileMap; before: Float32Array; after: Float32Array }> {
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 5);
  const before = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
  const files = await saveModelToFiles(model);
  const loaded = await loadModelFromFiles(files);
  const after = (await (loaded.predict(x) as tf.Tensor).data()) as Float32Array;
  loaded.dispose();
  x.dispose();
  return { files, before, after };
}

describe("modelio", () => {
  it("saves model.json + weights.bin and loads back the same predictions (dense)", async () => {
    const model = buildDense(mnistSpec, "mlp-small", 2);
    const { files, before, after } = await roundTrip(model);
    expect([...files.keys()].sort()).toEqual(["model.json", "weights.bin"]);
    const json = JSON.parse(new TextDecoder().decode(files.get("model.json")));
    expect(json.format).toBe("layers-model");
    expect(json.weightsManifest[0].paths).toEqual(["weights.bin"]);
    expect(files.get("weights.bin")!.byteLength).toBe(model.countParams() * 4);
    expect(Array.from(after)).toEqual(Array.from(before));
    model.dispose();
  });

  it("round-trips a CNN", async () => {
    const model = buildSmallCnn(mnistSpec, 2);
    const { before, after } = await roundTrip(model);
    expect(Array.from(after)).toEqual(Array.from(before));
    model.dispose();
  });

  it("same seed, same weights; different seed, different weights", async () => {
    const bytes = async (seed: number) => {
      const m = buildDense(mnistSpec, "mlp-small", seed);
      const f = await saveModelToFiles(m);
      m.dispose();
      return Buffer.from(f.get("weights.bin")!).toString("base64");
    };
    expect(await bytes(4)).toBe(await bytes(4));
    expect(await bytes(4)).not.toBe(await bytes(5));
  });
});

describe("checkModelFiles", () => {
  let files: FileMap;
  beforeAll(async () => {
    const m = buildDense(mnistSpec, "mlp", 1);
    files = await saveModelToFiles(m);
    m.dispose();
  });

  it("accepts a valid model and reports its facts", () => {
    const facts = checkModelFiles(files, mnistSpec);
    expect(facts.params).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(facts.inputShape).toEqual([null, 28, 28, 1]);
  });

  it("rejects with a typed error and code", () => {
    expect(() => checkModelFiles(files, { ...mnistSpec, maxParams: 1000 })).toThrow(ModelRejected);
    try {
      checkModelFiles(files, { ...mnistSpec, maxModelBytes: 100 });
    } catch (err) {
      expect(err).toBeInstanceOf(ModelRejected);
      expect((err as ModelRejected).code).toBe("too_large");
    }
    const regression = { ...mnistSpec, output: { type: "regression" as const }, metric: "mse" as const };
    expect(() => checkModelFiles(files, regression)).toThrow(/needs 1/);
    expect(() => checkModelFiles(files, { ...mnistSpec, input: { shape: [784] } })).toThrow(/input shape/);
  });

  it("estimates the parameters a topology allocates", async () => {
    for (const model of [buildDense(mnistSpec, "mlp-deep", 1), buildSmallCnn(mnistSpec, 1)]) {
      const f = await saveModelToFiles(model);
      const json = JSON.parse(new TextDecoder().decode(f.get("model.json")));
      expect(estimateParams(json.modelTopology.config.layers, [28, 28, 1]), model.name).toBe(model.countParams());
      model.dispose();
    }
  });

  it("accepts only plain relative paths", () => {
    for (const ok of ["weights.bin", "group1-shard1of2.bin", "sub/dir/w.bin"])
      expect(isSafeRelativePath(ok), ok).toBe(true);
    for (const bad of [
      "",
      "/etc/passwd",
      "../x",
      "a/../../x",
      "./x",
      "a//b",
      "C:\\x",
      "http://x/y",
      "file:///x",
      "a\\b",
      3,
      null,
    ]) {
      expect(isSafeRelativePath(bad), String(bad)).toBe(false);
    }
  });
});
