/**
 * Types shared by the keeper's modules. Everything that crosses a module boundary
 * (dataset ↔ evaluation ↔ storage ↔ roles) is described here.
 */

/** An in-memory dataset: `x` is row-major float32 of shape `xShape` ([n, ...inputShape]); `y` holds one label
 *  (class index, int32) per example for classification, or one float32 target per example for regression. */
export interface Dataset {
  x: Float32Array;
  xShape: number[];
  y: Int32Array | Float32Array;
  /** free-form metadata carried in the container (e.g. { source: "mnist", shard: "3" }) */
  meta?: Record<string, string>;
}

/** The files of one directory, by relative POSIX path ("model.json", "group1-shard1of1.bin"). */
export type FileMap = Map<string, Uint8Array>;

export type Metric = "accuracy" | "log_loss" | "mse";

/** Result of evaluating one model: `score` is the on-chain uint16 in [0, 10000]. */
export interface EvalResult {
  score: number;
  metric: Metric;
  /** the raw metric value (accuracy in [0,1], log loss ≥ 0, mse ≥ 0), null when the model could not be evaluated */
  value: number | null;
  /** why the model scored 0 without being evaluated (unloadable, oversize, timeout, ...); null when evaluated */
  reason: string | null;
  /** wall time of load + evaluation in ms */
  ms: number;
}

/** One progress bar (a terminal bar, or log lines). */
export interface Bar {
  increment(): void;
  stop(): void;
}

/** Starts progress bars for long work; `cli/progress.ts` draws them on a terminal and logs them otherwise. */
export interface Progress {
  start(label: string, total: number): Bar;
}
