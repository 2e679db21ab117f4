/**
 * Static pre-checks on a model directory's raw bytes, run BEFORE anything reaches TF.js: they reject
 * what can be rejected cheaply and safely (size, structure, paths, declared sizes, shapes) with a reason.
 */
import type { TaskSpec } from "../spec.js";
import { outputUnits } from "../spec.js";
import type { FileMap } from "../types.js";
import { MODEL_JSON } from "./modelio.js";

export type RejectCode =
  | "too_large"
  | "missing_model_json"
  | "bad_json"
  | "not_layers_model"
  | "bad_manifest"
  | "bad_path"
  | "missing_shard"
  | "too_many_params"
  | "size_mismatch"
  | "input_shape"
  | "output_units";

/** A model refused without evaluation; `reason` is meant for logs and reports. */
export class ModelRejected extends Error {
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
  ) {
    super(`model rejected (${code}): ${reason}`);
    this.name = "ModelRejected";
  }
}

/** Bytes per element of a stored weight (after quantisation if any). */
const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
}

function isManifestEntry(w: unknown): w is ManifestEntry {
  return (
    isObject(w) &&
    typeof w.name === "string" &&
    typeof w.dtype === "string" &&
    Array.isArray(w.shape) &&
    w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
  );
}

/** Facts established by the checks, handy for logs. */
export interface ModelFacts {
  totalBytes: number;
  params: number;
  weightBytes: number;
  inputShape: (number | null)[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A plain relative POSIX path inside the directory: no "..", no absolute path, no URL, no backslash. */
export function isSafeRelativePath(p: unknown): p is string {
  if (typeof p !== "string" || p.length === 0 || p.length > 255) return false;
  if (
    p.startsWith("/") ||
    p.includes("\\") ||
    p.includes(":") ||
    p.includes("\0") ||
    p.includes("?") ||
    p.includes("#")
  )
    return false;
  return p.split("/").every((seg) => seg !== "" && seg !== "." && seg !== "..");
}

function layersOf(topology: Json): Json[] {
  const config = topology.config;
  // tfjs Sequential: { config: { layers: [...] } }; very old format: { config: [...] }
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every(isObject)) {
    throw new ModelRejected("not_layers_model", "modelTopology has no layers");
  }
  return layers as Json[];
}

const layerConfig = (layer: Json): Json => (isObject(layer.config) ? layer.config : {});

function findLayer(layers: Json[], ref: unknown): Json | undefined {
  const name = Array.isArray(ref) ? ref[0] : undefined;
  return layers.find((l) => layerConfig(l).name === name || l.name === name);
}

/** The model's declared batch input shape ([null, ...perExample]). */
function declaredInputShape(topology: Json, layers: Json[]): unknown {
  const config = isObject(topology.config) ? topology.config : {};
  const first = Array.isArray(config.input_layers) ? findLayer(layers, config.input_layers[0]) : layers[0];
  const c = first ? layerConfig(first) : {};
  if (Array.isArray(c.batch_input_shape)) return c.batch_input_shape;
  if (Array.isArray(c.batch_shape)) return c.batch_shape;
  if (Array.isArray(c.input_shape)) return [null, ...c.input_shape];
  return undefined;
}

/** `units` of the layer that produces the output, when it can be read statically (else undefined). */
function declaredOutputUnits(topology: Json, layers: Json[]): number | undefined {
  const config = isObject(topology.config) ? topology.config : {};
  if (Array.isArray(config.output_layers)) {
    const out = findLayer(layers, config.output_layers[0]);
    const units = out ? layerConfig(out).units : undefined;
    return typeof units === "number" ? units : undefined;
  }
  // Sequential: the last layer with units (Activation / Dropout / Softmax after it keep the width)
  for (let i = layers.length - 1; i >= 0; i--) {
    const c = layerConfig(layers[i]);
    if (typeof c.units === "number") return c.units;
    if (typeof c.filters === "number" || c.target_shape !== undefined || layers[i].class_name === "Flatten")
      return undefined;
  }
  return undefined;
}

const pair = (v: unknown, fallback: number): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : typeof v === "number" ? [v, v] : [fallback, fallback];

/** Output size of a 2-D window op along one axis (Keras "valid" / "same" padding). */
function windowed(size: number, kernel: number, stride: number, padding: unknown): number {
  return padding === "same" ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

/**
 * A lower bound of the parameters a Sequential topology allocates when TF.js builds it (before any weight
 * is read), by shape inference through the common layers. Exact for stacks of Flatten / Dense / Conv2D /
 * pooling / BatchNormalization / shape-preserving layers; at the first layer it does not know it stops and
 * returns what it has counted so far. Catches a topology that declares huge layers the manifest does not.
 */
export function estimateParams(layers: Json[], inputShape: number[]): number {
  let shape = [...inputShape];
  let params = 0;
  for (const layer of layers) {
    const c = layerConfig(layer);
    const last = shape[shape.length - 1];
    switch (layer.class_name) {
      case "InputLayer":
      case "Activation":
      case "Dropout":
      case "ReLU":
      case "Softmax":
      case "LeakyReLU":
        break;
      case "Flatten":
        shape = [product(shape)];
        break;
      case "Dense": {
        const units = Number(c.units);
        params += last * units + (c.use_bias === false ? 0 : units);
        shape = [...shape.slice(0, -1), units];
        break;
      }
      case "BatchNormalization":
        params += 4 * last;
        break;
      case "Conv2D": {
        if (shape.length !== 3 || c.data_format === "channels_first") return params;
        const filters = Number(c.filters);
        const [kh, kw] = pair(c.kernel_size, 1);
        const [sh, sw] = pair(c.strides, 1);
        params += kh * kw * last * filters + (c.use_bias === false ? 0 : filters);
        shape = [windowed(shape[0], kh, sh, c.padding), windowed(shape[1], kw, sw, c.padding), filters];
        break;
      }
      case "MaxPooling2D":
      case "AveragePooling2D": {
        if (shape.length !== 3 || c.data_format === "channels_first") return params;
        const [ph, pw] = pair(c.pool_size, 2);
        const [sh, sw] = c.strides == null ? [ph, pw] : pair(c.strides, ph);
        shape = [windowed(shape[0], ph, sh, c.padding), windowed(shape[1], pw, sw, c.padding), last];
        break;
      }
      case "GlobalAveragePooling2D":
      case "GlobalMaxPooling2D":
        if (shape.length !== 3 || c.data_format === "channels_first") return params;
        shape = [last];
        break;
      default:
        return params;
    }
    if (!shape.every((d) => Number.isSafeInteger(d) && d > 0) || !Number.isFinite(params))
      return Number.POSITIVE_INFINITY;
  }
  return params;
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Runs every static check in order and throws the first ModelRejected. Checks: total bytes ≤ maxModelBytes;
 * model.json parses and holds a LayersModel topology + weightsManifest; every manifest path is a plain
 * relative file present in the map; total declared params ≤ maxParams (and no layer declares more units or
 * filters than that); declared weight bytes (shape × dtype) equal the shard bytes; the declared input shape
 * matches the spec; the output layer's units match the spec's classes (1 for regression).
 */
export function checkModelFiles(files: FileMap, spec: TaskSpec): ModelFacts {
  let totalBytes = 0;
  for (const bytes of files.values()) totalBytes += bytes.byteLength;
  if (totalBytes > spec.maxModelBytes) {
    throw new ModelRejected(
      "too_large",
      `model directory is ${totalBytes} bytes, more than maxModelBytes ${spec.maxModelBytes}`,
    );
  }
  const raw = files.get(MODEL_JSON);
  if (!raw) throw new ModelRejected("missing_model_json", `no ${MODEL_JSON} in the model directory`);

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (err) {
    throw new ModelRejected(
      "bad_json",
      `${MODEL_JSON} is not valid UTF-8 JSON: ${(err as Error).message.slice(0, 200)}`,
    );
  }
  if (!isObject(json) || !isObject(json.modelTopology)) {
    throw new ModelRejected("not_layers_model", `${MODEL_JSON} has no modelTopology object`);
  }
  if (json.format !== undefined && json.format !== "layers-model") {
    throw new ModelRejected("not_layers_model", `format is ${JSON.stringify(json.format)}, expected "layers-model"`);
  }
  const topology = isObject(json.modelTopology.model_config) ? json.modelTopology.model_config : json.modelTopology;
  const layers = layersOf(topology);
  if (!Array.isArray(json.weightsManifest)) {
    throw new ModelRejected("bad_manifest", `${MODEL_JSON} has no weightsManifest array`);
  }

  // manifest structure and paths
  const entries: ManifestEntry[] = [];
  const shardPaths: string[] = [];
  for (const group of json.weightsManifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelRejected("bad_manifest", "a weightsManifest group lacks paths[] or weights[]");
    }
    for (const p of group.paths) {
      if (!isSafeRelativePath(p)) {
        throw new ModelRejected(
          "bad_path",
          `weight path ${JSON.stringify(p).slice(0, 100)} is not a plain relative file name`,
        );
      }
      if (!files.has(p)) throw new ModelRejected("missing_shard", `weight shard ${p} is not in the model directory`);
      shardPaths.push(p);
    }
    for (const w of group.weights) {
      if (!isManifestEntry(w))
        throw new ModelRejected("bad_manifest", `malformed weight entry ${JSON.stringify(w).slice(0, 100)}`);
      entries.push(w);
    }
  }

  // parameter budget: declared weights, and no single layer declaring more units/filters than the budget
  let params = 0;
  for (const e of entries) params += product(e.shape);
  if (params > spec.maxParams) {
    throw new ModelRejected(
      "too_many_params",
      `model declares ${params} parameters, more than maxParams ${spec.maxParams}`,
    );
  }
  for (const layer of layers) {
    const c = layerConfig(layer);
    for (const key of ["units", "filters"] as const) {
      const v = c[key];
      if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1 || v > spec.maxParams)) {
        throw new ModelRejected(
          "too_many_params",
          `layer ${String(c.name)} declares ${key} = ${String(v)} (maxParams ${spec.maxParams})`,
        );
      }
    }
  }

  // what building the topology would allocate (Sequential only: its layers form a chain)
  const batchShape = declaredInputShape(topology, layers);
  if (
    topology.class_name === "Sequential" &&
    Array.isArray(batchShape) &&
    batchShape.slice(1).every((d) => typeof d === "number")
  ) {
    const implied = estimateParams(layers, batchShape.slice(1) as number[]);
    if (implied > spec.maxParams) {
      throw new ModelRejected(
        "too_many_params",
        `topology implies at least ${implied} parameters, more than maxParams ${spec.maxParams}`,
      );
    }
  }

  // declared sizes vs shard bytes
  let weightBytes = 0;
  for (const e of entries) {
    const dtype = e.quantization?.dtype ?? e.dtype;
    const size = DTYPE_BYTES[dtype];
    if (size === undefined) throw new ModelRejected("bad_manifest", `weight ${e.name} has unsupported dtype ${dtype}`);
    weightBytes += product(e.shape) * size;
  }
  let shardBytes = 0;
  for (const p of shardPaths) shardBytes += files.get(p)!.byteLength;
  if (shardBytes !== weightBytes) {
    throw new ModelRejected(
      "size_mismatch",
      `manifest declares ${weightBytes} weight bytes but the shards hold ${shardBytes}`,
    );
  }

  // shapes
  const inputShape = declaredInputShape(topology, layers);
  const expected = spec.input.shape;
  const inputOk =
    Array.isArray(inputShape) &&
    inputShape.length === expected.length + 1 &&
    inputShape.slice(1).every((d, i) => d === null || d === expected[i]);
  if (!inputOk) {
    throw new ModelRejected(
      "input_shape",
      `model input shape ${JSON.stringify(inputShape)} does not fit [null, ${expected.join(", ")}]`,
    );
  }
  const units = declaredOutputUnits(topology, layers);
  if (units !== undefined && units !== outputUnits(spec)) {
    throw new ModelRejected("output_units", `model outputs ${units} units, the task needs ${outputUnits(spec)}`);
  }
  return { totalBytes, params, weightBytes, inputShape: inputShape as (number | null)[] };
}
