/**
 * The evaluation sandbox: static pre-checks in the calling thread, then load + predict in a worker thread
 * with V8 heap limits and a wall-clock timeout. A bad model (unloadable, hostile, slow, memory-hungry)
 * always yields score 0 with a reason. Only problems that are not the model's throw: a dataset that does not
 * match the spec (DatasetMismatchError) and a worker thread that cannot start (WorkerStartError).
 */
import { type ResourceLimits, Worker } from "node:worker_threads";
import type { TaskSpec } from "../spec.js";
import { outputUnits } from "../spec.js";
import type { Dataset, EvalResult, FileMap } from "../types.js";
import type { BackendChoice, BackendName } from "./backend.js";
import { checkModelFiles, ModelRejected } from "./checks.js";
import { evaluatePredictions } from "./metrics.js";
import type { EvalRequest, WorkerMessage } from "./protocol.js";

/** Default heap limits of an evaluation worker. WASM memory is outside the V8 heap and not capped by them. */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 };
export const DEFAULT_BATCH_SIZE = 500;
/** Budget for a worker thread to start and initialise its backend (not counted in a model's timeout). */
export const WORKER_STARTUP_TIMEOUT_MS = 60_000;

const WORKER_ENTRY = new URL("./worker-entry.js", import.meta.url);

export interface WorkerOptions {
  backend?: BackendChoice;
  resourceLimits?: ResourceLimits;
}

/** Outcome of one job in a worker; `fatal` means the worker is gone (terminated, crashed, out of memory). */
type WorkerOutcome =
  | { ok: true; predictions: Float32Array; loadMs: number; predictMs: number }
  | { ok: false; reason: string; fatal: boolean };
export type JobOutcome = WorkerOutcome & {
  /** wall time from sending the job to its outcome */
  ms: number;
};

/** An evaluation worker thread could not start: an environment problem, never the model's fault. */
export class WorkerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerStartError";
  }
}

/** One evaluation worker thread, running one job at a time. */
export class EvalWorker {
  private pending: ((outcome: WorkerOutcome) => void) | null = null;
  private nextId = 1;
  private dead = false;
  /** jobs run so far (the pool recycles a worker after many, to bound leaks from failed loads) */
  jobs = 0;

  private constructor(
    private readonly worker: Worker,
    readonly backend: BackendName,
  ) {
    worker.on("message", (msg: WorkerMessage) => {
      if (msg.type !== "result") return;
      const settle = this.pending;
      this.pending = null;
      settle?.(
        msg.ok
          ? { ok: true, predictions: msg.predictions, loadMs: msg.loadMs, predictMs: msg.predictMs }
          : { ok: false, reason: msg.reason, fatal: false },
      );
    });
    worker.on("error", (err: Error & { code?: string }) => this.fail(describeWorkerError(err)));
    worker.on("exit", (code) => this.fail(`evaluation worker exited (code ${code})`));
  }

  /** Starts a worker thread and waits until its backend is initialised. */
  static start(opts: WorkerOptions = {}): Promise<EvalWorker> {
    const worker = new Worker(WORKER_ENTRY, {
      workerData: { backend: opts.backend ?? "auto" },
      resourceLimits: opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS,
      stdout: false,
      stderr: false,
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new WorkerStartError(`evaluation worker did not start within ${WORKER_STARTUP_TIMEOUT_MS} ms`)),
        WORKER_STARTUP_TIMEOUT_MS,
      );
      const fail = (err: Error) => {
        cleanup();
        void worker.terminate();
        reject(err);
      };
      const onMessage = (msg: WorkerMessage) => {
        if (msg.type === "ready") {
          cleanup();
          resolve(new EvalWorker(worker, msg.backend));
        } else if (msg.type === "startup_failed") {
          fail(new WorkerStartError(`evaluation worker failed to start: ${msg.reason}`));
        }
      };
      const onError = (err: Error) => fail(new WorkerStartError(`evaluation worker failed to start: ${err.message}`));
      const onExit = (code: number) =>
        fail(new WorkerStartError(`evaluation worker exited during start-up (code ${code})`));
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      };
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs one job; after `timeoutMs` the worker is terminated and the outcome is a fatal timeout. */
  run(req: Omit<EvalRequest, "type" | "id">, timeoutMs: number): Promise<JobOutcome> {
    if (this.dead)
      return Promise.resolve({ ok: false, reason: "evaluation worker is not running", fatal: true, ms: 0 });
    if (this.pending) throw new Error("EvalWorker runs one job at a time");
    this.jobs++;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail(`evaluation timed out after ${timeoutMs} ms`), timeoutMs);
      this.pending = (outcome) => {
        clearTimeout(timer);
        resolve({ ...outcome, ms: performance.now() - t0 });
      };
      this.worker.postMessage({ type: "eval", id: this.nextId++, ...req } satisfies EvalRequest);
    });
  }

  /** Stops the thread (idempotent). */
  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }

  /** The worker is lost: settle the running job (first reason wins) and terminate the thread. */
  private fail(reason: string): void {
    const wasDead = this.dead;
    this.dead = true;
    const settle = this.pending;
    this.pending = null;
    settle?.({ ok: false, reason, fatal: true });
    if (!wasDead) void this.worker.terminate();
  }
}

function describeWorkerError(err: Error & { code?: string }): string {
  if (err.code === "ERR_WORKER_OUT_OF_MEMORY") return "evaluation worker ran out of memory";
  return `evaluation worker crashed: ${String(err.message).replace(/\s+/g, " ").slice(0, 300)}`;
}

interface SharedInputs {
  x: Float32Array;
}
const sharedCache = new WeakMap<Dataset, SharedInputs>();

/** The dataset's inputs in a SharedArrayBuffer (copied once per Dataset object, then reused), so that
 *  posting them to workers costs nothing. */
export function sharedInputs(dataset: Dataset): SharedInputs {
  if (dataset.x.buffer instanceof SharedArrayBuffer) return { x: dataset.x };
  let shared = sharedCache.get(dataset);
  if (!shared) {
    const x = new Float32Array(new SharedArrayBuffer(dataset.x.byteLength));
    x.set(dataset.x);
    shared = { x };
    sharedCache.set(dataset, shared);
  }
  return shared;
}

/** The evaluation dataset does not fit the task spec: a caller error, not a model's fault. */
export class DatasetMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatasetMismatchError";
  }
}

/** Throws DatasetMismatchError when the dataset does not fit the spec. */
export function assertDatasetFitsSpec(dataset: Dataset, spec: TaskSpec): void {
  const [n, ...shape] = dataset.xShape;
  const want = spec.input.shape;
  if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
    throw new DatasetMismatchError(
      `dataset example shape [${shape.join(", ")}] differs from the spec's input shape [${want.join(", ")}]`,
    );
  }
  if (dataset.x.length !== n * want.reduce((a, b) => a * b, 1))
    throw new DatasetMismatchError(`dataset x has ${dataset.x.length} values, xShape says ${dataset.xShape.join("×")}`);
  if (dataset.y.length !== n) throw new DatasetMismatchError(`dataset has ${n} inputs but ${dataset.y.length} labels`);
}

export interface EvaluateOptions {
  files: FileMap;
  dataset: Dataset;
  spec: TaskSpec;
  /** wall-clock budget for load + predict; defaults to spec.evalTimeoutMs */
  timeoutMs?: number;
  resourceLimits?: ResourceLimits;
  backend?: BackendChoice;
  batchSize?: number;
}

export const zeroResult = (spec: TaskSpec, reason: string, ms: number): EvalResult => ({
  score: 0,
  metric: spec.metric,
  value: null,
  reason,
  ms,
});

/** Evaluates one model on a runner that executes the worker part (a fresh EvalWorker, or a pool's). */
export async function evaluateWith(
  opts: EvaluateOptions,
  runJob: (req: Omit<EvalRequest, "type" | "id">, timeoutMs: number) => Promise<JobOutcome>,
): Promise<EvalResult> {
  const { files, dataset, spec } = opts;
  assertDatasetFitsSpec(dataset, spec);
  // ms counts pre-checks + the job in the worker + the metric, not waiting for a worker to start
  let spent = 0;
  const timed = <T>(fn: () => T): T => {
    const t = performance.now();
    try {
      return fn();
    } finally {
      spent += performance.now() - t;
    }
  };
  const ms = () => Math.round(spent);
  try {
    timed(() => checkModelFiles(files, spec));
  } catch (err) {
    if (err instanceof ModelRejected) return zeroResult(spec, err.reason, ms());
    return zeroResult(spec, `pre-checks failed: ${(err as Error).message}`, ms());
  }
  const units = outputUnits(spec);
  const outcome = await runJob(
    {
      files: [...files],
      x: sharedInputs(dataset).x,
      xShape: dataset.xShape,
      units,
      batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE,
    },
    opts.timeoutMs ?? spec.evalTimeoutMs,
  );
  spent += outcome.ms;
  if (!outcome.ok) return zeroResult(spec, outcome.reason, ms());
  const metric = timed(() => evaluatePredictions(spec.metric, outcome.predictions, dataset.y, units));
  if (!metric.ok) return zeroResult(spec, metric.reason, ms());
  return { score: metric.score, metric: spec.metric, value: metric.value, reason: null, ms: ms() };
}

/** Evaluates one model in a fresh, isolated worker thread. Never throws for a bad model; throws when the
 *  dataset does not fit the spec (DatasetMismatchError) or the worker thread cannot start (environment). */
export async function evaluateModel(opts: EvaluateOptions): Promise<EvalResult> {
  let worker: EvalWorker | undefined;
  try {
    return await evaluateWith(opts, async (req, timeoutMs) => {
      worker = await EvalWorker.start({ backend: opts.backend, resourceLimits: opts.resourceLimits });
      return worker.run(req, timeoutMs);
    });
  } finally {
    await worker?.terminate();
  }
}
