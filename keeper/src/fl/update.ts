/**
 * Weight updates: an update is `local − global` in Q16 fixed point (./fixed.ts), tensor by tensor, plus the
 * number of examples it was trained on and the CID of the global model it applies to.
 *
 * ## File format `flock-fl-update/1`
 * An update travels as an IPFS directory holding one file, `update.safetensors` (the safetensors container of
 * ../data/safetensors.ts), in exactly this canonical form:
 *
 *   [ u64 LE: N ][ N bytes: header JSON, padded with spaces (0x20) to a multiple of 8 ][ tensor bytes ]
 *
 * header = `{"__metadata__":{"base":"<cid>","examples":"<n>","format":"flock-fl-update/1"},
 *            "<name>":{"dtype":"I32","shape":[…],"data_offsets":[begin,end]},…}`
 * - no whitespace inside the JSON; `__metadata__` first with its keys in that order; then one entry per tensor of
 *   the global model, sorted by name (UTF-16 code units = bytes: names are printable ASCII), each with its keys in
 *   the order dtype, shape, data_offsets; offsets contiguous from 0 in that same order;
 * - `base`: the global model directory's CID, canonical string (CIDv1, base32, lowercase — what the store returns);
 * - `examples`: decimal, no sign or leading zero, in [1, {@link MAX_EXAMPLES}];
 * - tensor bytes: int32 little-endian, row-major; every value in [−(2^31 − 1), 2^31 − 1] (−2^31 is refused).
 * The size is therefore 8 + N + 4 · params exactly ({@link updateByteLength}).
 *
 * {@link decodeUpdate} is the validator a voter runs on a fetched update: it refuses anything else with an
 * {@link UpdateFormatError} naming the first problem, re-encoding the decoded update and requiring the very same
 * bytes (so two different files can never describe the same update).
 */
import { CID } from "multiformats/cid";
import { DatasetFormatError, decodeSafetensors, encodeSafetensors, type Tensor } from "../data/safetensors.js";
import type { FileMap } from "../types.js";
import { FixedPointRangeError, Q_MAX, Q_MAX_FLOAT32, Q_MIN, snapToFloat32 } from "./fixed.js";
import {
  checkSorted,
  type FixedModel,
  type FixedTensor,
  layoutMismatch,
  layoutParams,
  type ModelLayout,
  modelLayout,
} from "./model.js";

export const UPDATE_FORMAT = "flock-fl-update/1";
/** The one file of an update directory. */
export const UPDATE_FILE = "update.safetensors";
/** Largest example count a file may carry (2^24): keeps FedAvg's integer sums exact (./aggregate.ts). */
export const MAX_EXAMPLES = 2 ** 24;

export interface Update {
  /** CID of the global model directory this update applies to */
  base: string;
  /** examples the proposer trained on, in [1, MAX_EXAMPLES] (FedAvg weighs by min(examples, the alliance's cap)) */
  examples: number;
  /** one tensor per weight of the model, sorted by name, same shapes; Q16 values */
  tensors: FixedTensor[];
}

/** An update file (or directory) that is not a valid `flock-fl-update/1` for the expected model. */
export class UpdateFormatError extends Error {
  override readonly name = "UpdateFormatError";
}

// ---------------------------------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------------------------------

/**
 * `local − global`, tensor by tensor. @throws UpdateFormatError when the layouts differ;
 * FixedPointRangeError when a difference leaves [−(2^31 − 1), 2^31 − 1].
 */
export function computeUpdate(local: FixedModel, global: FixedModel, examples: number, base: string): Update {
  const mismatch = layoutMismatch(modelLayout(global), modelLayout(local));
  if (mismatch !== null) throw new UpdateFormatError(`the local model does not match the global one: ${mismatch}`);
  checkExamples(examples, MAX_EXAMPLES);
  checkBase(base);
  const tensors = global.tensors.map((g, k): FixedTensor => {
    const l = local.tensors[k].values;
    const values = new Int32Array(g.size);
    for (let i = 0; i < g.size; i++) {
      const d = l[i] - g.values[i];
      if (d > Q_MAX || d < Q_MIN) throw new FixedPointRangeError(`update "${g.name}"[${i}] = ${d} is out of range`);
      values[i] = d;
    }
    return { name: g.name, shape: [...g.shape], size: g.size, values };
  });
  return { base, examples, tensors };
}

export interface AppliedUpdate {
  model: FixedModel;
  /** coordinates where global + update left ±Q_MAX_FLOAT32 and were clamped */
  saturated: number;
}

/**
 * `global + update`, coordinate by coordinate: v = g + u (exact), clamped to ±Q_MAX_FLOAT32 = ±(2^31 − 2^7)
 * (saturating, so a hostile update can never make the sum undefined), then rounded to the nearest
 * float32-representable fixed-point value, toFixed(fround(v · 2^-16)) — identity for |v| < 2^24, i.e. |w| < 256 —
 * so that the result's canonical files read back to exactly the same values.
 * The update's `base` is not checked here (see {@link decodeUpdate}). @throws UpdateFormatError on another layout.
 */
export function applyUpdate(global: FixedModel, update: Pick<Update, "tensors">): AppliedUpdate {
  const mismatch = layoutMismatch(modelLayout(global), update.tensors);
  if (mismatch !== null) throw new UpdateFormatError(`the update does not fit the model: ${mismatch}`);
  let saturated = 0;
  const tensors = global.tensors.map((g, k): FixedTensor => {
    const u = update.tensors[k].values;
    const values = new Int32Array(g.size);
    for (let i = 0; i < g.size; i++) {
      let v = g.values[i] + u[i]; // |v| < 2^32: exact
      if (v > 16_777_215 || v < -16_777_215) {
        if (v > Q_MAX_FLOAT32 || v < -Q_MAX_FLOAT32) saturated++;
        v = snapToFloat32(v);
      }
      values[i] = v;
    }
    return { name: g.name, shape: [...g.shape], size: g.size, values };
  });
  return { model: { topology: global.topology, tensors }, saturated };
}

// ---------------------------------------------------------------------------------------------------------------
// Serialisation
// ---------------------------------------------------------------------------------------------------------------

/** The canonical `update.safetensors` bytes of an update (see the module comment). */
export function encodeUpdate(update: Update): Uint8Array {
  checkSorted(update.tensors);
  checkExamples(update.examples, Number.MAX_SAFE_INTEGER);
  checkBase(update.base);
  const tensors = new Map<string, Tensor>();
  for (const t of update.tensors) {
    for (let i = 0; i < t.values.length; i++) {
      if (t.values[i] < Q_MIN) throw new FixedPointRangeError(`update "${t.name}"[${i}] is −2^31`);
    }
    tensors.set(t.name, { dtype: "I32", shape: t.shape, data: t.values });
  }
  return encodeSafetensors(tensors, metadataOf(update));
}

/** Exact size in bytes of the canonical file of an update of this layout with this metadata. */
export function updateByteLength(layout: ModelLayout, meta: Pick<Update, "base" | "examples">): number {
  return 8 + headerLength(layout, meta) + 4 * layoutParams(layout);
}

/** An upper bound of {@link updateByteLength} over every valid `base` and `examples` (for fetch limits). */
export function maxUpdateByteLength(layout: ModelLayout): number {
  // the longest canonical CID string we accept is well under 128 characters (sha2-256, base32)
  return updateByteLength(layout, { base: "b".repeat(128), examples: MAX_EXAMPLES });
}

/**
 * A `maxBytes` for fetching an update directory from a content store (../storage: it counts every block — the
 * directory block, the file's internal dag-pb nodes and its 256 KiB leaves): the largest valid file plus 4 KiB for
 * the directory and file root blocks plus 8 KiB per 174 leaves for the internal nodes of larger files.
 */
export function maxUpdateDirectoryBytes(layout: ModelLayout): number {
  const file = maxUpdateByteLength(layout);
  return file + 4096 + Math.ceil(file / 262_144 / 174) * 8192;
}

export interface DecodeUpdateOptions {
  /** the global model's layout: names, shapes (sorted by name) */
  layout: ModelLayout;
  /** when given, the update's `base` must be this CID */
  base?: string;
  /** largest accepted example count; default {@link MAX_EXAMPLES} */
  maxExamples?: number;
}

/**
 * Validates and decodes `update.safetensors` bytes. Checks, in order: the size against the layout's bound (before
 * parsing), the safetensors structure, the metadata (exact keys, format, examples, base), the tensor names,
 * dtypes and shapes against `layout`, the value range, and finally that the bytes are the canonical encoding.
 * @throws UpdateFormatError naming the first problem.
 */
export function decodeUpdate(bytes: Uint8Array, opts: DecodeUpdateOptions): Update {
  const max = maxUpdateByteLength(opts.layout);
  if (bytes.length > max) {
    throw new UpdateFormatError(`update is ${bytes.length} bytes; an update of this model is at most ${max}`);
  }
  let file: ReturnType<typeof decodeSafetensors>;
  try {
    file = decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof DatasetFormatError) throw new UpdateFormatError(`not a safetensors file: ${err.message}`);
    throw err;
  }
  const update = { ...parseMetadata(file.metadata, opts), tensors: [] as FixedTensor[] };
  const names = [...file.tensors.keys()];
  const expected = opts.layout.map((t) => t.name);
  const missing = expected.filter((n) => !file.tensors.has(n));
  const extra = names.filter((n) => !expected.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    const list = (a: string[]) => a.map((n) => JSON.stringify(n)).join(", ") || "none";
    throw new UpdateFormatError(`tensors do not match the model: missing ${list(missing)}, unexpected ${list(extra)}`);
  }
  for (const l of opts.layout) {
    const t = file.tensors.get(l.name)!;
    if (t.dtype !== "I32") throw new UpdateFormatError(`tensor "${l.name}": dtype ${t.dtype}, expected I32`);
    if (t.shape.join() !== l.shape.join() || t.shape.length !== l.shape.length) {
      throw new UpdateFormatError(`tensor "${l.name}": shape [${t.shape}], the model's is [${l.shape}]`);
    }
    const values = t.data as Int32Array;
    for (let i = 0; i < values.length; i++) {
      if (values[i] < Q_MIN) throw new UpdateFormatError(`tensor "${l.name}"[${i}] is −2^31 (outside the range)`);
    }
    update.tensors.push({ name: l.name, shape: [...l.shape], size: l.size, values });
  }
  const canonical = encodeUpdate(update);
  if (!sameBytes(canonical, bytes)) {
    throw new UpdateFormatError(
      `not in canonical form (${bytes.length} bytes, canonical ${canonical.length}): header key order, spacing, padding or tensor order differs`,
    );
  }
  return update;
}

/** The IPFS directory of an update: `{ "update.safetensors": bytes }`. */
export function updateToFiles(update: Update): FileMap {
  return new Map([[UPDATE_FILE, encodeUpdate(update)]]);
}

/** Validates an update directory (exactly one file, `update.safetensors`) and decodes it. @throws UpdateFormatError */
export function updateFromFiles(files: FileMap, opts: DecodeUpdateOptions): Update {
  const names = [...files.keys()];
  if (names.length !== 1 || names[0] !== UPDATE_FILE) {
    throw new UpdateFormatError(`an update directory holds exactly "${UPDATE_FILE}", found [${names.join(", ")}]`);
  }
  return decodeUpdate(files.get(UPDATE_FILE)!, opts);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

function metadataOf(meta: Pick<Update, "base" | "examples">): Record<string, string> {
  return { base: meta.base, examples: String(meta.examples), format: UPDATE_FORMAT };
}

function headerLength(layout: ModelLayout, meta: Pick<Update, "base" | "examples">): number {
  const header: Record<string, unknown> = { __metadata__: metadataOf(meta) };
  let offset = 0;
  for (const t of layout) {
    header[t.name] = { dtype: "I32", shape: t.shape, data_offsets: [offset, offset + 4 * t.size] };
    offset += 4 * t.size;
  }
  return Math.ceil(new TextEncoder().encode(JSON.stringify(header)).length / 8) * 8;
}

function parseMetadata(meta: Record<string, string>, opts: DecodeUpdateOptions): Pick<Update, "base" | "examples"> {
  const keys = Object.keys(meta).sort().join(", ");
  if (keys !== "base, examples, format") {
    throw new UpdateFormatError(`__metadata__ keys are [${keys}], expected [base, examples, format]`);
  }
  if (meta.format !== UPDATE_FORMAT) {
    throw new UpdateFormatError(`format is ${JSON.stringify(meta.format)}, expected "${UPDATE_FORMAT}"`);
  }
  const maxExamples = opts.maxExamples ?? MAX_EXAMPLES;
  if (!/^[1-9][0-9]{0,15}$/.test(meta.examples) || Number(meta.examples) > maxExamples) {
    throw new UpdateFormatError(`examples ${JSON.stringify(meta.examples)} is not an integer in [1, ${maxExamples}]`);
  }
  try {
    checkBase(meta.base);
  } catch (err) {
    throw new UpdateFormatError((err as Error).message);
  }
  if (opts.base !== undefined && meta.base !== opts.base) {
    throw new UpdateFormatError(`update applies to ${meta.base}, not to the current global model ${opts.base}`);
  }
  return { base: meta.base, examples: Number(meta.examples) };
}

function checkExamples(n: number, max: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new RangeError(`examples must be an integer in [1, ${max}]`);
}

/** A base must be a CIDv1 in its canonical string form (base32 lowercase), at most 128 characters. */
function checkBase(base: string): void {
  let cid: CID;
  try {
    cid = CID.parse(base);
  } catch {
    throw new UpdateFormatError(`base ${JSON.stringify(base.slice(0, 130))} is not a CID`);
  }
  if (cid.version !== 1 || cid.toString() !== base || base.length > 128) {
    throw new UpdateFormatError(`base ${JSON.stringify(base.slice(0, 130))} is not a canonical CIDv1 string`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
