/**
 * TF.js LayersModel directory (`model.json` + weight shards) ⇄ {@link FixedModel}, the canonical fixed-point form
 * every FL computation works on (see ./fixed.ts for the Q16 scale).
 *
 * Reading accepts what our trainers write (and any LayersModel whose weights are all float32, unquantised, in one
 * or more shards); writing is canonical — the same FixedModel always gives the same bytes:
 * - `weights.bin`: the tensors sorted by name, each row-major little-endian float32 `fround(q · 2^-16)`;
 * - `model.json`: canonical JSON (./canonical-json.ts) of `{ convertedBy: null, format: "layers-model",
 *   generatedBy: "flock-fl/1", modelTopology, weightsManifest: [{ paths: ["weights.bin"], weights: [{ dtype:
 *   "float32", name, shape }…] }] }`, the manifest in the same sorted order. `trainingConfig` (optimizer settings)
 *   and any other field are dropped: they are not part of a model's identity.
 * Reading a canonical directory and writing it again gives the same bytes (the fixed-point values of a canonical
 * model are float32-representable by construction).
 */
import { artifactsFromFiles, MODEL_JSON, WEIGHTS_BIN } from "../eval/modelio.js";
import type { FileMap } from "../types.js";
import { canonicalJson, type JsonValue } from "./canonical-json.js";
import { tensorFromFixed, tensorToFixed } from "./fixed.js";

/** `generatedBy` of every canonical model.json. */
export const GENERATED_BY = "flock-fl/1";

export interface TensorLayout {
  /** the weight's name in the manifest ("hidden1/kernel"): printable ASCII, unique in a model */
  name: string;
  shape: number[];
  /** product of the shape */
  size: number;
}

export interface FixedTensor extends TensorLayout {
  /** row-major Q16 values */
  values: Int32Array;
}

/** A model in canonical fixed point: its topology (model.json's `modelTopology`) and its weights, sorted by name. */
export interface FixedModel {
  topology: JsonValue;
  tensors: FixedTensor[];
}

/** The names and shapes of a model's (or an update's) tensors, sorted by name. */
export type ModelLayout = readonly TensorLayout[];

/** A model directory that is not a usable LayersModel for FL; `message` says exactly why. */
export class ModelFormatError extends Error {
  override readonly name = "ModelFormatError";
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Weight / tensor names: printable ASCII (sorting by code unit = sorting by byte). */
const NAME_RE = /^[\x20-\x7e]{1,256}$/;
/** Names a JS object would put first whatever their position (array indices): refused, so that every header we
 *  build with an object keeps its keys in the order we insert them. */
const INDEX_RE = /^(0|[1-9][0-9]*)$/;

/** Whether `name` may name a weight or an update tensor (see {@link NAME_RE} and {@link INDEX_RE}). */
export function isValidTensorName(name: unknown): name is string {
  return typeof name === "string" && NAME_RE.test(name) && !INDEX_RE.test(name) && name !== "__metadata__";
}

export interface ReadModelOptions {
  /** refuse models with more weights than this (default 50,000,000) */
  maxParams?: number;
}

/**
 * Reads a LayersModel directory into fixed point.
 * @throws ModelFormatError on a missing or malformed model.json, missing shards, non-float32 or quantised weights,
 *   bad or duplicate names, shard bytes that do not match the manifest, more than `maxParams` weights;
 *   FixedPointRangeError on a NaN, infinite or out-of-range (|w| ≥ 32768) weight.
 */
export function modelFromFiles(files: FileMap, opts: ReadModelOptions = {}): FixedModel {
  const maxParams = opts.maxParams ?? 50_000_000;
  let artifacts: ReturnType<typeof artifactsFromFiles>;
  try {
    artifacts = artifactsFromFiles(files);
  } catch (err) {
    throw new ModelFormatError(`not a model directory: ${(err as Error).message}`);
  }
  if (artifacts.format !== undefined && artifacts.format !== "layers-model") {
    throw new ModelFormatError(`model.json format is ${JSON.stringify(artifacts.format)}, not "layers-model"`);
  }
  const topology = artifacts.modelTopology;
  if (typeof topology !== "object" || topology === null || Array.isArray(topology) || ArrayBuffer.isView(topology)) {
    throw new ModelFormatError("model.json has no modelTopology object");
  }
  const specs = artifacts.weightSpecs ?? [];
  if (specs.length === 0) throw new ModelFormatError("model.json declares no weights");

  const seen = new Set<string>();
  let params = 0;
  const layouts = specs.map((s, i): TensorLayout => {
    const where = `weightsManifest weight ${i}`;
    if (!isValidTensorName(s.name)) {
      throw new ModelFormatError(
        `${where}: name ${JSON.stringify(s.name)} is not 1–256 printable ASCII characters (nor a bare integer)`,
      );
    }
    if (seen.has(s.name)) throw new ModelFormatError(`${where}: duplicate name "${s.name}"`);
    seen.add(s.name);
    if (s.dtype !== "float32") throw new ModelFormatError(`weight "${s.name}": dtype ${s.dtype}, only float32`);
    if (s.quantization !== undefined) throw new ModelFormatError(`weight "${s.name}": quantised weights unsupported`);
    const size = shapeSize(s.shape, `weight "${s.name}"`);
    params += size;
    if (params > maxParams) throw new ModelFormatError(`more than ${maxParams} weights`);
    return { name: s.name, shape: [...s.shape], size };
  });

  const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
  if (data.byteLength !== params * 4) {
    throw new ModelFormatError(`weight shards hold ${data.byteLength} bytes, the manifest declares ${params * 4}`);
  }
  const floats = readFloat32(data);
  let offset = 0;
  const tensors = layouts.map((l): FixedTensor => {
    const values = tensorToFixed(floats.subarray(offset, offset + l.size), l.name);
    offset += l.size;
    return { ...l, values };
  });
  tensors.sort((a, b) => compareNames(a.name, b.name));
  return { topology: JSON.parse(canonicalJson(topology)) as JsonValue, tensors };
}

/** The canonical directory of a fixed-point model (see the module comment). */
export function modelToFiles(model: FixedModel): FileMap {
  checkSorted(model.tensors);
  const weightsManifest = [
    { paths: [WEIGHTS_BIN], weights: model.tensors.map((t) => ({ dtype: "float32", name: t.name, shape: t.shape })) },
  ];
  const json = canonicalJson({
    convertedBy: null,
    format: "layers-model",
    generatedBy: GENERATED_BY,
    modelTopology: model.topology,
    weightsManifest,
  });
  const total = model.tensors.reduce((n, t) => n + t.size, 0);
  const weights = new Uint8Array(total * 4);
  let at = 0;
  for (const t of model.tensors) {
    if (t.values.length !== t.size) throw new ModelFormatError(`tensor "${t.name}" has ${t.values.length} values`);
    writeFloat32(weights, at, tensorFromFixed(t.values));
    at += t.size * 4;
  }
  return new Map([
    [MODEL_JSON, new TextEncoder().encode(json)],
    [WEIGHTS_BIN, weights],
  ]);
}

/** The layout (names, shapes, sizes; sorted by name) of a model. */
export function modelLayout(model: FixedModel): ModelLayout {
  return model.tensors.map(({ name, shape, size }) => ({ name, shape: [...shape], size }));
}

/** Total number of weights of a layout. */
export function layoutParams(layout: ModelLayout): number {
  return layout.reduce((n, t) => n + t.size, 0);
}

/** Why two layouts differ (first difference), or null when they are the same. */
export function layoutMismatch(expected: ModelLayout, actual: ModelLayout): string | null {
  const names = (l: ModelLayout) => l.map((t) => t.name).join(", ");
  if (expected.length !== actual.length || expected.some((t, i) => t.name !== actual[i].name)) {
    return `tensors [${names(actual)}] differ from the model's [${names(expected)}]`;
  }
  for (let i = 0; i < expected.length; i++) {
    if (expected[i].shape.join() !== actual[i].shape.join()) {
      return `tensor "${expected[i].name}" has shape [${actual[i].shape}], the model's is [${expected[i].shape}]`;
    }
  }
  return null;
}

/** Orders names by UTF-16 code unit (= by byte for the ASCII names allowed). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of `model` (topology shared: it is never mutated). */
export function cloneModel(model: FixedModel): FixedModel {
  return { topology: model.topology, tensors: model.tensors.map((t) => ({ ...t, values: t.values.slice() })) };
}

export function checkSorted(tensors: readonly TensorLayout[]): void {
  for (let i = 1; i < tensors.length; i++) {
    if (compareNames(tensors[i - 1].name, tensors[i].name) >= 0) {
      throw new ModelFormatError(
        `tensors are not sorted by unique name ("${tensors[i - 1].name}", "${tensors[i].name}")`,
      );
    }
  }
}

function shapeSize(shape: unknown, where: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelFormatError(`${where}: shape ${JSON.stringify(shape)} is not an array of non-negative integers`);
  }
  let size = 1;
  for (const d of shape as number[]) {
    size *= d;
    if (!Number.isSafeInteger(size)) throw new ModelFormatError(`${where}: shape [${shape}] is too large`);
  }
  return size;
}

function readFloat32(bytes: Uint8Array): Float32Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function writeFloat32(out: Uint8Array, at: number, values: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, values.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
}
