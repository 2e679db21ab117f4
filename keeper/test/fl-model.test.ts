import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, loadModelFromFiles, saveModelToFiles } from "../src/eval/index.js";
import {
  canonicalJson,
  FixedPointRangeError,
  GENERATED_BY,
  layoutMismatch,
  ModelFormatError,
  modelFromFiles,
  modelLayout,
  modelToFiles,
  SCALE,
} from "../src/fl/index.js";
import { buildDense } from "../src/train/index.js";
import type { FileMap } from "../src/types.js";
import { mnistSpec } from "./fixtures/mnist.js";

let trainerFiles: FileMap;
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  await initBackend("wasm");
  const m = buildDense(mnistSpec, "mlp-small", 3);
  trainerFiles = await saveModelToFiles(m);
  m.dispose();
}, 30_000);

function withJson(files: FileMap, edit: (json: Record<string, unknown>) => void): FileMap {
  const json = JSON.parse(text(files.get("model.json")!));
  edit(json);
  return new Map([...files, ["model.json", bytes(JSON.stringify(json))]]);
}

describe("model ⇄ fixed point", () => {
  it("reads a trainer's model, sorts its tensors by name and writes canonical files", () => {
    const model = modelFromFiles(trainerFiles);
    expect(model.tensors.map((t) => t.name)).toEqual([
      "hidden1/bias",
      "hidden1/kernel",
      "output/bias",
      "output/kernel",
    ]);
    expect(model.tensors.map((t) => t.shape)).toEqual([[32], [784, 32], [10], [32, 10]]);
    const files = modelToFiles(model);
    expect([...files.keys()]).toEqual(["model.json", "weights.bin"]);
    const json = text(files.get("model.json")!);
    expect(
      json.startsWith(`{"convertedBy":null,"format":"layers-model","generatedBy":"${GENERATED_BY}","modelTopology":{`),
    ).toBe(true);
    expect(json).not.toContain("trainingConfig");
    expect(canonicalJson(JSON.parse(json))).toBe(json); // sorted keys, no whitespace
    expect(
      json.endsWith(
        '"weightsManifest":[{"paths":["weights.bin"],"weights":[{"dtype":"float32","name":"hidden1/bias","shape":[32]},' +
          '{"dtype":"float32","name":"hidden1/kernel","shape":[784,32]},{"dtype":"float32","name":"output/bias","shape":[10]},' +
          '{"dtype":"float32","name":"output/kernel","shape":[32,10]}]}]}',
      ),
    ).toBe(true);
    expect(files.get("weights.bin")!.byteLength).toBe(4 * (32 + 784 * 32 + 10 + 320));
  });

  it("is idempotent: canonical files read back to the same values and the same bytes", () => {
    const once = modelToFiles(modelFromFiles(trainerFiles));
    const again = modelToFiles(modelFromFiles(once));
    expect(Buffer.from(again.get("model.json")!).equals(once.get("model.json")!)).toBe(true);
    expect(Buffer.from(again.get("weights.bin")!).equals(once.get("weights.bin")!)).toBe(true);
    expect(modelFromFiles(once)).toEqual(modelFromFiles(again));
  });

  it("does not depend on key order, manifest order, sharding or trainingConfig of the input", () => {
    const canonical = modelToFiles(modelFromFiles(trainerFiles));
    // rebuild the same model as two shards, weights in reverse order, keys reversed, with a training config
    const json = JSON.parse(text(trainerFiles.get("model.json")!));
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
    const weights = trainerFiles.get("weights.bin")!;
    const offsets: number[] = [];
    let at = 0;
    for (const s of specs) {
      offsets.push(at);
      at += 4 * s.shape.reduce((a, b) => a * b, 1);
    }
    const order = specs.map((_, i) => i).reverse();
    const parts = order.map((i) =>
      weights.slice(offsets[i], offsets[i] + 4 * specs[i].shape.reduce((a, b) => a * b, 1)),
    );
    const all = Buffer.concat(parts);
    const half = 4 * 1000;
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const edited = reversed({
      ...json,
      modelTopology: reversed(json.modelTopology),
      trainingConfig: { loss: "categorical_crossentropy", optimizer_config: { class_name: "Adam" } },
      weightsManifest: [{ paths: ["a.bin", "b.bin"], weights: order.map((i) => specs[i]) }],
    });
    const files: FileMap = new Map([
      ["model.json", bytes(JSON.stringify(edited, null, 2))],
      ["a.bin", all.subarray(0, half)],
      ["b.bin", all.subarray(half)],
      ["README", bytes("ignored")],
    ]);
    const out = modelToFiles(modelFromFiles(files));
    expect(Buffer.from(out.get("model.json")!).equals(canonical.get("model.json")!)).toBe(true);
    expect(Buffer.from(out.get("weights.bin")!).equals(canonical.get("weights.bin")!)).toBe(true);
  });

  it("canonical files load in TF.js and predict like the original within the 2^-16 quantisation", async () => {
    const original = await loadModelFromFiles(trainerFiles);
    const canonical = await loadModelFromFiles(modelToFiles(modelFromFiles(trainerFiles)));
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, "float32", 1);
    const a = (await (original.predict(x) as tf.Tensor).data()) as Float32Array;
    const b = (await (canonical.predict(x) as tf.Tensor).data()) as Float32Array;
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    expect(max).toBeGreaterThan(0); // quantised, so not bit-identical…
    expect(max).toBeLessThan(1e-3); // …but within the quantisation's effect
    // and the weights TF.js holds are exactly q · 2^-16
    const fixed = modelFromFiles(modelToFiles(modelFromFiles(trainerFiles)));
    const kernel = canonical.getLayer("output").getWeights()[0].dataSync();
    const q = fixed.tensors.find((t) => t.name === "output/kernel")!.values;
    for (let i = 0; i < q.length; i++) expect(kernel[i] * SCALE).toBe(q[i]);
    tf.dispose([x, original, canonical] as never[]);
  });

  it("reports the layout and what differs between two layouts", () => {
    const layout = modelLayout(modelFromFiles(trainerFiles));
    expect(layoutMismatch(layout, layout)).toBeNull();
    const other = modelLayout(modelFromFiles(withJson(trainerFiles, () => {})));
    expect(layoutMismatch(layout, other)).toBeNull();
    const reshaped = layout.map((t) => (t.name === "output/bias" ? { ...t, shape: [1, 10] } : t));
    expect(layoutMismatch(layout, reshaped)).toMatch(/"output\/bias" has shape \[1,10\], the model's is \[10\]/);
    expect(layoutMismatch(layout, layout.slice(1))).toMatch(/differ from the model's/);
  });

  it("refuses what it cannot represent, saying why", () => {
    const bad = (files: FileMap, re: RegExp, type: new (...a: never[]) => Error = ModelFormatError) => {
      expect(() => modelFromFiles(files)).toThrow(type);
      expect(() => modelFromFiles(files)).toThrow(re);
    };
    bad(new Map([["weights.bin", new Uint8Array(4)]]), /model.json is missing/);
    bad(new Map([["model.json", bytes("{")], ...[...trainerFiles].slice(1)]), /not a model directory/);
    bad(new Map([...trainerFiles].filter(([k]) => k !== "weights.bin")), /weight shard weights.bin is missing/);
    bad(new Map([...trainerFiles, ["weights.bin", trainerFiles.get("weights.bin")!.slice(4)]]), /hold \d+ bytes/);
    bad(
      withJson(trainerFiles, (j) => ((j as { format: string }).format = "graph-model")),
      /not "layers-model"/,
    );
    bad(
      withJson(trainerFiles, (j) => {
        (j.weightsManifest as { weights: { dtype: string }[] }[])[0].weights[0].dtype = "int32";
      }),
      /dtype int32, only float32/,
    );
    bad(
      withJson(trainerFiles, (j) => {
        (j.weightsManifest as { weights: { name: string }[] }[])[0].weights[1].name = "hidden1/kernel";
      }),
      /duplicate name/,
    );
    bad(
      withJson(trainerFiles, (j) => {
        (j.weightsManifest as { weights: { name: string }[] }[])[0].weights[1].name = "12";
      }),
      /nor a bare integer/,
    );
    bad(
      withJson(trainerFiles, (j) => {
        (j.weightsManifest as { weights: { quantization?: object }[] }[])[0].weights[0].quantization = {
          dtype: "uint8",
        };
      }),
      /quantised/,
    );
    expect(() => modelFromFiles(trainerFiles, { maxParams: 1000 })).toThrow(/more than 1000 weights/);
    const nan = new Uint8Array(trainerFiles.get("weights.bin")!);
    new DataView(nan.buffer).setFloat32(40, Number.NaN, true);
    bad(new Map([...trainerFiles, ["weights.bin", nan]]), /hidden1\/kernel\[10\] is NaN/, FixedPointRangeError);
    const huge = new Uint8Array(trainerFiles.get("weights.bin")!);
    new DataView(huge.buffer).setFloat32(0, 1e6, true);
    bad(new Map([...trainerFiles, ["weights.bin", huge]]), /outside the fixed-point range/, FixedPointRangeError);
  });
});
