/**
 * How much a validator fetches, and how long it waits, for each kind of content — shared by `flock validate` and
 * `flock eval`, so that a model `flock eval` scores is fetched exactly as a validator would fetch it.
 */

import type { TaskSpec } from "../spec.js";
import type { GetDirectoryOptions } from "../storage/store.js";

/** The task spec: one small JSON file. */
export const SPEC_FETCH_LIMITS: GetDirectoryOptions = { maxBytes: 1_000_000, timeoutMs: 30_000, maxFiles: 4 };

/** The evaluation dataset (safetensors + metadata). */
export const EVAL_DATA_FETCH_LIMITS: GetDirectoryOptions = {
  maxBytes: 512 * 1024 * 1024,
  timeoutMs: 120_000,
  maxFiles: 8,
};

/** A model directory: the spec's byte cap, its evaluation timeout for the fetch, at most 64 files. */
export function modelFetchLimits(spec: TaskSpec): GetDirectoryOptions {
  return { maxBytes: spec.maxModelBytes, timeoutMs: spec.evalTimeoutMs, maxFiles: 64 };
}
