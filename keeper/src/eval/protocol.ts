/** Messages between the evaluation sandbox (main thread) and its worker threads. */
import type { BackendChoice, BackendName } from "./backend.js";

export interface WorkerInit {
  backend: BackendChoice;
}

export interface EvalRequest {
  type: "eval";
  id: number;
  /** model directory, as [path, bytes] pairs */
  files: [string, Uint8Array][];
  /** inputs, row-major [n, ...inputShape], usually backed by a SharedArrayBuffer */
  x: Float32Array;
  xShape: number[];
  /** expected outputs per example (K classes, or 1 for regression) */
  units: number;
  batchSize: number;
}

export type WorkerMessage =
  | { type: "ready"; backend: BackendName }
  | { type: "startup_failed"; reason: string }
  | { type: "result"; id: number; ok: true; predictions: Float32Array; loadMs: number; predictMs: number }
  | { type: "result"; id: number; ok: false; reason: string };
