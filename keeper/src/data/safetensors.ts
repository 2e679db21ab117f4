/**
 * A small, strict encoder/decoder of the safetensors container
 * (https://github.com/huggingface/safetensors, "Format"):
 *
 *   [ 8 bytes: N, unsigned little-endian u64 ][ N bytes: UTF-8 JSON header ][ tensor bytes ]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the
 * start of the byte buffer that follows the header) plus an optional `__metadata__` map of string → string.
 * Tensor bytes are little-endian, row-major, and the tensors tile the byte buffer exactly: no gaps, no overlaps.
 *
 * Decoding is for untrusted input (datasets fetched from IPFS): every field is checked and any violation throws
 * a {@link DatasetFormatError} naming what is wrong. Decoded tensors own a copy of their bytes (safe to keep
 * after the input buffer is reused, and always properly aligned).
 */

/** Element types this implementation reads and writes. */
export type DType = "F32" | "I32" | "U8";

export type TensorData = Float32Array | Int32Array | Uint8Array;

export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

export interface SafetensorsFile {
  /** tensors by name, in the order their bytes appear in the file */
  tensors: Map<string, Tensor>;
  /** the `__metadata__` map ({} when absent) */
  metadata: Record<string, string>;
}

/** Any malformed or unsupported dataset / safetensors content. `message` says exactly what is wrong. */
export class DatasetFormatError extends Error {
  override readonly name = "DatasetFormatError";
}

/** Upper bound on the JSON header, as in the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";
const DTYPE_BYTES: Record<DType, number> = { F32: 4, I32: 4, U8: 1 };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------------------------------------------

/**
 * Serialises `tensors` (in iteration order, contiguously) with an optional `__metadata__` map.
 * The header is padded with spaces to a multiple of 8 bytes so that every tensor of the output starts 4-aligned.
 * @throws DatasetFormatError when a tensor's data does not match its dtype or shape, or a name is invalid.
 */
export function encodeSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new DatasetFormatError(`metadata value for "${k}" is not a string`);
    }
    header[METADATA_KEY] = { ...metadata };
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === "" || name === METADATA_KEY) throw new DatasetFormatError(`invalid tensor name "${name}"`);
    checkDataMatchesDtype(name, t);
    const count = elementCount(name, t.shape);
    if (count !== t.data.length) {
      throw new DatasetFormatError(
        `tensor "${name}": shape [${t.shape}] has ${count} elements but data has ${t.data.length}`,
      );
    }
    const byteLength = count * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const [, t] of entries) {
    writeLittleEndian(out, at, t);
    at += t.data.byteLength;
  }
  return out;
}

function checkDataMatchesDtype(name: string, t: Tensor): void {
  const ok =
    (t.dtype === "F32" && t.data instanceof Float32Array) ||
    (t.dtype === "I32" && t.data instanceof Int32Array) ||
    (t.dtype === "U8" && t.data instanceof Uint8Array);
  if (!ok) throw new DatasetFormatError(`tensor "${name}": data is a ${t.data.constructor.name}, dtype is ${t.dtype}`);
}

function writeLittleEndian(out: Uint8Array, at: number, t: Tensor): void {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (LITTLE_ENDIAN || t.dtype === "U8") {
    out.set(bytes, at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, t.data.byteLength);
  for (let i = 0; i < t.data.length; i++) {
    if (t.dtype === "F32") view.setFloat32(i * 4, t.data[i], true);
    else view.setInt32(i * 4, t.data[i], true);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------------------------------------------

interface HeaderEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses and validates a safetensors buffer.
 * @throws DatasetFormatError on: a buffer shorter than 8 bytes; a header length of 0, above {@link MAX_HEADER_BYTES}
 *   or past the end of the buffer; a header that is not UTF-8 JSON object text; a bad `__metadata__`; an unknown
 *   dtype; a bad shape; bad offsets; shape × dtype size ≠ byte length; gaps, overlaps, or bytes left over.
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8)
    throw new DatasetFormatError(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n === 0n) throw new DatasetFormatError("header length is 0");
  if (n > BigInt(MAX_HEADER_BYTES))
    throw new DatasetFormatError(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    throw new DatasetFormatError(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }

  const header = parseHeaderJson(bytes.subarray(8, 8 + headerLength));
  const metadata = parseMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => parseEntry(name, info));

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  checkTiling(entries, dataLength);

  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: readTensor(bytes, dataStart + e.begin, e) });
  }
  return { tensors, metadata };
}

function parseHeaderJson(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new DatasetFormatError("header is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DatasetFormatError(`header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(parsed)) throw new DatasetFormatError("header is not a JSON object");
  return parsed;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new DatasetFormatError(`${METADATA_KEY} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new DatasetFormatError(`${METADATA_KEY}["${k}"] is not a string`);
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, info: unknown): HeaderEntry {
  if (name === "") throw new DatasetFormatError("empty tensor name");
  if (!isPlainObject(info)) throw new DatasetFormatError(`tensor "${name}": header entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES)) {
    throw new DatasetFormatError(
      `tensor "${name}": unsupported dtype ${JSON.stringify(dtype)} (supported: F32, I32, U8)`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw new DatasetFormatError(`tensor "${name}": shape must be an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw new DatasetFormatError(`tensor "${name}": data_offsets must be [begin, end] non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new DatasetFormatError(`tensor "${name}": data_offsets [${begin}, ${end}] end before begin`);
  const e: HeaderEntry = { name, dtype: dtype as DType, shape: shape as number[], begin, end };
  const expected = elementCount(name, e.shape) * DTYPE_BYTES[e.dtype];
  if (expected !== end - begin) {
    throw new DatasetFormatError(
      `tensor "${name}": shape [${e.shape}] × ${e.dtype} is ${expected} bytes but data_offsets span ${end - begin}`,
    );
  }
  return e;
}

/** Sorts entries by offset (file order) and requires them to tile [0, dataLength) exactly. */
function checkTiling(entries: HeaderEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin < expected) {
      throw new DatasetFormatError(
        `tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap the previous tensor`,
      );
    }
    if (e.begin > expected) {
      throw new DatasetFormatError(
        `tensor "${e.name}": gap before data_offsets [${e.begin}, ${e.end}] (expected ${expected})`,
      );
    }
    if (e.end > dataLength) {
      throw new DatasetFormatError(
        `tensor "${e.name}": data_offsets end ${e.end} is past the ${dataLength}-byte data section`,
      );
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    throw new DatasetFormatError(`data section is ${dataLength} bytes but the tensors cover ${expected}`);
  }
}

function readTensor(bytes: Uint8Array, at: number, e: HeaderEntry): TensorData {
  const length = e.end - e.begin;
  // copy into a fresh, aligned ArrayBuffer (note: Buffer#slice would return a view, hence no slice())
  const copy = new Uint8Array(length);
  copy.set(bytes.subarray(at, at + length));
  if (e.dtype === "U8") return copy;
  if (LITTLE_ENDIAN) return e.dtype === "F32" ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  const view = new DataView(copy.buffer);
  const count = length / 4;
  const out = e.dtype === "F32" ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++)
    out[i] = e.dtype === "F32" ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** Product of `shape` ([] is a scalar: 1 element), checked to stay a safe integer. */
export function elementCount(name: string, shape: readonly number[]): number {
  let count = 1;
  for (const d of shape) {
    if (!isNonNegativeInteger(d)) throw new DatasetFormatError(`tensor "${name}": bad dimension ${d} in shape`);
    count *= d;
    if (!Number.isSafeInteger(count)) throw new DatasetFormatError(`tensor "${name}": shape [${shape}] is too large`);
  }
  return count;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
