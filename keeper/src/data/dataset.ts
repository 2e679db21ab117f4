/**
 * Datasets on disk and on IPFS.
 *
 * A dataset is a DIRECTORY holding one file, `data.safetensors` (see ./safetensors.ts), with exactly two tensors:
 * - `x`: F32, shape [n, ...inputShape] (at least rank 2), finite values;
 * - `y`: I32 shape [n] of class labels ≥ 0 (classification), or F32 shape [n] of finite targets (regression);
 * and the dataset's free-form `meta` as the safetensors `__metadata__` map.
 * Other files in the directory (a README, say) are ignored when reading.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Dataset, FileMap } from "../types.js";
import { DatasetFormatError, decodeSafetensors, encodeSafetensors, type Tensor } from "./safetensors.js";

export { DatasetFormatError };

/** The one file of a dataset directory. */
export const DATASET_FILE = "data.safetensors";

export interface DatasetDescription {
  n: number;
  inputShape: number[];
  labels: "classes" | "regression";
  /** classification: count per class index, length = max label + 1 (0 when n = 0) */
  classHistogram?: number[];
  /** regression: range and mean of the targets (null when n = 0) */
  targets?: { min: number; max: number; mean: number } | null;
  meta: Record<string, string>;
}

/** Encodes a dataset as the bytes of `data.safetensors`. @throws DatasetFormatError when `ds` is inconsistent. */
export function encodeDataset(ds: Dataset): Uint8Array {
  validateDataset(ds);
  const tensors = new Map<string, Tensor>([
    ["x", { dtype: "F32", shape: ds.xShape, data: ds.x }],
    [
      "y",
      ds.y instanceof Int32Array
        ? { dtype: "I32", shape: [ds.y.length], data: ds.y }
        : { dtype: "F32", shape: [ds.y.length], data: ds.y },
    ],
  ]);
  return encodeSafetensors(tensors, ds.meta ?? {});
}

/** Decodes and validates the bytes of `data.safetensors`. @throws DatasetFormatError */
export function decodeDataset(bytes: Uint8Array): Dataset {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const extra = [...tensors.keys()].filter((k) => k !== "x" && k !== "y");
  if (extra.length > 0)
    throw new DatasetFormatError(`unexpected tensors ${extra.map((k) => `"${k}"`).join(", ")} (only x and y)`);
  const x = tensors.get("x");
  const y = tensors.get("y");
  if (x === undefined) throw new DatasetFormatError('missing tensor "x"');
  if (y === undefined) throw new DatasetFormatError('missing tensor "y"');
  if (x.dtype !== "F32") throw new DatasetFormatError(`tensor "x" must be F32, got ${x.dtype}`);
  if (y.dtype !== "F32" && y.dtype !== "I32")
    throw new DatasetFormatError(`tensor "y" must be I32 or F32, got ${y.dtype}`);
  if (y.shape.length !== 1) throw new DatasetFormatError(`tensor "y" must have shape [n], got [${y.shape}]`);
  const ds: Dataset = {
    x: x.data as Float32Array,
    xShape: x.shape,
    y: y.data as Int32Array | Float32Array,
    meta: metadata,
  };
  validateDataset(ds);
  return ds;
}

/** Checks shapes, label ranges and finiteness. @throws DatasetFormatError naming the first problem. */
export function validateDataset(ds: Dataset): void {
  if (!(ds.x instanceof Float32Array)) throw new DatasetFormatError("x must be a Float32Array");
  if (!(ds.y instanceof Int32Array || ds.y instanceof Float32Array))
    throw new DatasetFormatError("y must be an Int32Array or a Float32Array");
  if (ds.xShape.length < 2) throw new DatasetFormatError(`x must have shape [n, ...inputShape], got [${ds.xShape}]`);
  if (!ds.xShape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new DatasetFormatError(`bad x shape [${ds.xShape}]`);
  const n = ds.xShape[0];
  const size = ds.xShape.reduce((a, b) => a * b, 1);
  if (size !== ds.x.length)
    throw new DatasetFormatError(`x shape [${ds.xShape}] has ${size} elements but x has ${ds.x.length}`);
  if (ds.y.length !== n) throw new DatasetFormatError(`x has ${n} examples but y has ${ds.y.length} labels`);
  const badX = firstNonFinite(ds.x);
  if (badX >= 0) throw new DatasetFormatError(`x[${badX}] is not finite`);
  if (ds.y instanceof Int32Array) {
    const neg = ds.y.findIndex((v) => v < 0);
    if (neg >= 0) throw new DatasetFormatError(`label y[${neg}] = ${ds.y[neg]} is negative`);
  } else {
    const badY = firstNonFinite(ds.y);
    if (badY >= 0) throw new DatasetFormatError(`target y[${badY}] is not finite`);
  }
  for (const [k, v] of Object.entries(ds.meta ?? {})) {
    if (typeof v !== "string") throw new DatasetFormatError(`meta["${k}"] is not a string`);
  }
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** Writes `dir/data.safetensors` (creating `dir`), atomically: a reader never sees a half-written file.
 *  Returns the file's size in bytes. */
export async function saveDataset(dir: string, ds: Dataset): Promise<number> {
  const bytes = encodeDataset(ds);
  await mkdir(dir, { recursive: true });
  const path = join(dir, DATASET_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return bytes.length;
}

/** Reads `dir/data.safetensors`. @throws DatasetFormatError when malformed; the fs error when missing. */
export async function loadDataset(dir: string): Promise<Dataset> {
  return decodeDataset(await readFile(join(dir, DATASET_FILE)));
}

/** The dataset as the files of an IPFS directory. */
export function datasetToFiles(ds: Dataset): FileMap {
  return new Map([[DATASET_FILE, encodeDataset(ds)]]);
}

/** The dataset held by the files of an IPFS directory. @throws DatasetFormatError when `data.safetensors` is missing or bad. */
export function datasetFromFiles(files: FileMap): Dataset {
  const bytes = files.get(DATASET_FILE);
  if (bytes === undefined)
    throw new DatasetFormatError(`directory has no ${DATASET_FILE} (files: ${[...files.keys()].join(", ") || "none"})`);
  return decodeDataset(bytes);
}

/** Number of examples, input shape, and a class histogram (classification) or target range (regression). */
export function describeDataset(ds: Dataset): DatasetDescription {
  const n = ds.xShape[0] ?? 0;
  const base = { n, inputShape: ds.xShape.slice(1), meta: { ...(ds.meta ?? {}) } };
  if (ds.y instanceof Int32Array) return { ...base, labels: "classes", classHistogram: classHistogram(ds.y) };
  if (ds.y.length === 0) return { ...base, labels: "regression", targets: null };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of ds.y) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { ...base, labels: "regression", targets: { min, max, mean: sum / ds.y.length } };
}

/** Count per class index 0..max(labels). */
export function classHistogram(labels: Int32Array, numClasses = 0): number[] {
  let k = numClasses;
  for (const v of labels) if (v + 1 > k) k = v + 1;
  const h = new Array<number>(k).fill(0);
  for (const v of labels) if (v >= 0) h[v]++;
  return h;
}
