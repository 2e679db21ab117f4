/**
 * The content-store interface both implementations (embedded Helia, Kubo RPC) provide, and the limit handling
 * they share.
 */
import type { CID } from "multiformats/cid";
import type { FileMap } from "../types.js";
import { parseCid } from "./blocks.js";
import { ContentError, ContentTimeoutError } from "./errors.js";
import { type BlockSource, readDirectory } from "./read-directory.js";

export interface GetDirectoryOptions {
  /** cap on the bytes of all blocks (directory listing + file nodes + leaves); ≈ the files' total size */
  maxBytes: number;
  /** the whole fetch, listing included */
  timeoutMs: number;
  /** cap on entries (files and sub-directories); default {@link DEFAULT_MAX_FILES} */
  maxFiles?: number;
  signal?: AbortSignal;
}

export interface ContentStore {
  /** add the files as one UnixFS directory (CIDv1, raw leaves, Kubo-compatible chunking) and pin it; returns the directory CID string */
  addDirectory(files: FileMap): Promise<string>;
  /** fetch a directory by CID, verifying every block; reject with a typed error (ContentTooLargeError, ContentTimeoutError,
   *  ContentNotFoundError, NotADirectoryError, ...) as soon as limits are exceeded — before the download completes */
  getDirectory(cid: string, opts: GetDirectoryOptions): Promise<FileMap>;
  /** whether the directory's root block is held locally (no network) */
  has(cid: string): Promise<boolean>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_FILES = 1000;

/**
 * Runs {@link readDirectory} over `source` under the options' limits: validates them, parses the CID, applies the
 * timeout (reported as ContentTimeoutError) and the caller's signal (rethrown as its abort reason).
 */
export async function getDirectoryWithLimits(
  cid: string,
  opts: GetDirectoryOptions,
  source: (signal: AbortSignal) => BlockSource,
): Promise<FileMap> {
  checkLimit("maxBytes", opts.maxBytes, 0);
  checkLimit("timeoutMs", opts.timeoutMs, 1);
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  checkLimit("maxFiles", maxFiles, 0);
  const root: CID = parseCid(cid);
  opts.signal?.throwIfAborted();

  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout]);
  try {
    return await raceSignal(readDirectory(root, source(signal), { maxBytes: opts.maxBytes, maxFiles }, signal), signal);
  } catch (err) {
    if (opts.signal?.aborted === true) throw opts.signal.reason;
    if (err instanceof ContentError) throw err;
    if (timeout.aborted)
      throw new ContentTimeoutError(`${cid}: not fetched within ${opts.timeoutMs} ms`, { cause: err });
    throw err;
  }
}

function checkLimit(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Settles with `p`, or rejects with the signal's reason as soon as it aborts (for steps that ignore signals). */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
