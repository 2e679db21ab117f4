import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import { describe, expect, it } from "vitest";
import { encodeSafetensors, type Tensor } from "../src/data/safetensors.js";
import {
  applyUpdate,
  computeUpdate,
  decodeUpdate,
  encodeUpdate,
  type FixedModel,
  FixedPointRangeError,
  MAX_EXAMPLES,
  maxUpdateByteLength,
  modelFromFiles,
  modelLayout,
  modelToFiles,
  Q_MAX,
  Q_MAX_FLOAT32,
  UPDATE_FILE,
  type Update,
  UpdateFormatError,
  updateByteLength,
  updateFromFiles,
  updateToFiles,
} from "../src/fl/index.js";
import { mulberry32 } from "../src/logic/random.js";

const BASE = "bafybeiht6dtwk3les7vqm6ibpvz6qpohidvlshsfyr7l5mpysdw2vmbbhe";
const OTHER = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

function model(seed: number): FixedModel {
  const rand = mulberry32(seed);
  const t = (name: string, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return { name, shape, size, values: Int32Array.from({ length: size }, () => Math.round((rand() - 0.5) * 65536)) };
  };
  return {
    topology: { class_name: "Sequential", config: { layers: [] } },
    tensors: [t("dense/bias", [3]), t("dense/kernel", [4, 3]), t("out/bias", [2]), t("out/kernel", [3, 2])],
  };
}

const global = model(1);
const layout = modelLayout(global);
const update = computeUpdate(model(2), global, 640, BASE);

/** A safetensors file with these tensors/metadata (our encoder, so only what we change differs). */
function file(tensors: Record<string, Tensor>, metadata: Record<string, string>): Uint8Array {
  return encodeSafetensors(tensors, metadata);
}
const meta = { base: BASE, examples: "640", format: "flock-fl-update/1" };
const tensorsOf = (u: Update): Record<string, Tensor> =>
  Object.fromEntries(u.tensors.map((t) => [t.name, { dtype: "I32", shape: t.shape, data: t.values }]));

describe("update = local − global", () => {
  it("global + (local − global) = local, and the file round-trips", () => {
    expect(applyUpdate(global, update)).toEqual({ model: model(2), saturated: 0 });
    const bytes = encodeUpdate(update);
    expect(bytes.length).toBe(updateByteLength(layout, update));
    expect(bytes.length).toBeLessThanOrEqual(maxUpdateByteLength(layout));
    expect(decodeUpdate(bytes, { layout, base: BASE })).toEqual(update);
    const files = updateToFiles(update);
    expect([...files.keys()]).toEqual([UPDATE_FILE]);
    expect(updateFromFiles(files, { layout })).toEqual(update);
  });

  it("writes the documented canonical header", () => {
    const bytes = encodeUpdate(update);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header.trimEnd()).toBe(
      `{"__metadata__":{"base":"${BASE}","examples":"640","format":"flock-fl-update/1"},` +
        '"dense/bias":{"dtype":"I32","shape":[3],"data_offsets":[0,12]},' +
        '"dense/kernel":{"dtype":"I32","shape":[4,3],"data_offsets":[12,60]},' +
        '"out/bias":{"dtype":"I32","shape":[2],"data_offsets":[60,68]},' +
        '"out/kernel":{"dtype":"I32","shape":[3,2],"data_offsets":[68,92]}}',
    );
    expect(bytes.length).toBe(8 + n + 92);
    expect(new DataView(bytes.buffer).getInt32(8 + n, true)).toBe(update.tensors[0].values[0]);
  });

  it("saturates global + update at ±(2^31 − 2^7) and snaps large values to float32", () => {
    const big: FixedModel = {
      ...global,
      tensors: global.tensors.map((t) => ({ ...t, values: t.values.fill(2 ** 30) })),
    };
    const push = { tensors: global.tensors.map((t) => ({ ...t, values: new Int32Array(t.size).fill(Q_MAX) })) };
    const { model: m, saturated } = applyUpdate(big, push);
    expect(saturated).toBe(layout.reduce((n, t) => n + t.size, 0));
    expect(m.tensors[0].values[0]).toBe(Q_MAX_FLOAT32);
    // the result reads back from its canonical files unchanged
    expect(modelFromFiles(modelToFiles(m)).tensors).toEqual(m.tensors);
    const odd = { tensors: global.tensors.map((t) => ({ ...t, values: new Int32Array(t.size).fill(12_345_679) })) };
    const snapped = applyUpdate(big, odd).model.tensors[0].values[0];
    expect(snapped).not.toBe(2 ** 30 + 12_345_679); // not a float32 weight…
    expect(Math.abs(snapped - (2 ** 30 + 12_345_679))).toBeLessThanOrEqual(64); // …so rounded to one (spacing 128)
  });

  it("refuses differences outside the range and mismatched models", () => {
    const hi: FixedModel = {
      ...global,
      tensors: global.tensors.map((t) => ({ ...t, values: t.values.map(() => Q_MAX) })),
    };
    const lo: FixedModel = {
      ...global,
      tensors: global.tensors.map((t) => ({ ...t, values: t.values.map(() => -5) })),
    };
    expect(() => computeUpdate(hi, lo, 1, BASE)).toThrow(FixedPointRangeError);
    expect(() => computeUpdate({ ...global, tensors: global.tensors.slice(1) }, global, 1, BASE)).toThrow(
      /does not match the global one/,
    );
    expect(() => computeUpdate(model(2), global, 0, BASE)).toThrow(/examples/);
    expect(() => computeUpdate(model(2), global, 1, "Qm-not-a-cid")).toThrow(/not a CID/);
  });
});

describe("the update validator", () => {
  const reject = (bytes: Uint8Array, re: RegExp, opts: Partial<Parameters<typeof decodeUpdate>[1]> = {}) => {
    expect(() => decodeUpdate(bytes, { layout, ...opts })).toThrow(UpdateFormatError);
    expect(() => decodeUpdate(bytes, { layout, ...opts })).toThrow(re);
  };
  const good = encodeUpdate(update);

  it("accepts a canonical file written independently with the generic encoder", () => {
    expect(Buffer.from(file(tensorsOf(update), meta)).equals(good)).toBe(true);
  });

  it("rejects wrong shapes, names, dtypes and missing or extra tensors", () => {
    const t = tensorsOf(update);
    reject(file({ ...t, "out/kernel": { ...t["out/kernel"], shape: [2, 3] } }, meta), /"out\/kernel": shape \[2,3\]/);
    reject(file({ ...t, "out/kernel": { ...t["out/kernel"], shape: [6] } }, meta), /"out\/kernel": shape \[6\]/);
    const { "out/bias": _, ...missing } = t;
    reject(file(missing, meta), /missing "out\/bias", unexpected none/);
    reject(file({ ...t, extra: { dtype: "I32", shape: [1], data: Int32Array.of(1) } }, meta), /unexpected "extra"/);
    reject(
      file({ ...t, "dense/bias": { dtype: "F32", shape: [3], data: Float32Array.of(0, 0, 0) } }, meta),
      /dtype F32, expected I32/,
    );
  });

  it("rejects bad metadata: keys, format, examples, base", () => {
    const t = tensorsOf(update);
    reject(file(t, { ...meta, note: "x" }), /keys are \[base, examples, format, note\]/);
    reject(file(t, { base: BASE, examples: "1" } as typeof meta), /keys are \[base, examples\]/);
    reject(file(t, { ...meta, format: "flock-fl-update/2" }), /format is "flock-fl-update\/2"/);
    for (const examples of ["0", "-1", "01", "1.5", "1e3", String(MAX_EXAMPLES + 1), ""]) {
      reject(file(t, { ...meta, examples }), /examples .* is not an integer in \[1, 16777216\]/);
    }
    reject(file(t, { ...meta, examples: "641" }), /not an integer in \[1, 640\]/, { maxExamples: 640 });
    reject(file(t, { ...meta, base: "hello" }), /base "hello" is not a CID/);
    reject(file(t, { ...meta, base: CID.parse(BASE).toV0().toString() }), /not a canonical CIDv1 string/);
    reject(file(t, { ...meta, base: CID.parse(BASE).toString(base58btc) }), /not a canonical CIDv1 string/);
    reject(good, /applies to .*, not to the current global model/, { base: OTHER });
  });

  it("rejects headers that are not canonical, trailing bytes, −2^31 and oversize files", () => {
    const n = Number(new DataView(good.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(good.subarray(8, 8 + n)).trimEnd();
    const rebuild = (h: string, pad = " ") => {
      const raw = new TextEncoder().encode(h);
      const len = Math.ceil(raw.length / 8) * 8;
      const out = new Uint8Array(8 + len + (good.length - 8 - n));
      new DataView(out.buffer).setBigUint64(0, BigInt(len), true);
      out.set(raw, 8);
      out.fill(pad.charCodeAt(0), 8 + raw.length, 8 + len);
      out.set(good.subarray(8 + n), 8 + len);
      return out;
    };
    expect(Buffer.from(rebuild(header)).equals(good)).toBe(true); // the rebuild itself is faithful
    reject(rebuild(header.replace(":{", ": {")), /not in canonical form/);
    const reordered = header.replace(`"base":"${BASE}","examples":"640"`, `"examples":"640","base":"${BASE}"`);
    expect(reordered).not.toBe(header);
    reject(rebuild(reordered), /not in canonical form/);
    reject(rebuild(header.replace('"dtype":"I32","shape":[3]', '"shape":[3],"dtype":"I32"')), /not in canonical form/);
    reject(rebuild(`${header}        `), /not in canonical form/);
    reject(rebuild(`${header}\t`), /not in canonical form/);
    const trailing = new Uint8Array(good.length + 4);
    trailing.set(good);
    reject(trailing, /not a safetensors file: data section is 96 bytes but the tensors cover 92/);
    const min = new Uint8Array(good);
    new DataView(min.buffer).setInt32(8 + n + 4, -(2 ** 31), true);
    reject(min, /"dense\/bias"\[1\] is −2\^31/);
    reject(new Uint8Array(maxUpdateByteLength(layout) + 1), /at most \d+/);
    reject(good.subarray(0, 5), /shorter than the 8-byte header length/);
  });

  it("rejects an update directory with other files", () => {
    expect(() => updateFromFiles(new Map([["update.bin", good]]), { layout })).toThrow(/exactly "update.safetensors"/);
    expect(() =>
      updateFromFiles(
        new Map([
          [UPDATE_FILE, good],
          ["x", good],
        ]),
        { layout },
      ),
    ).toThrow(UpdateFormatError);
  });
});
