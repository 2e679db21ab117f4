/**
 * A pool of evaluation workers: N threads (default: one per core), each with its own TF.js backend, fed
 * from one queue. A job that crashes its worker, exhausts its memory or times out gets score 0 and its
 * worker is replaced; the other jobs are unaffected.
 */
import os from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import type { EvalResult } from "../types.js";
import type { BackendChoice, BackendName } from "./backend.js";
import { type EvaluateOptions, EvalWorker, evaluateWith } from "./sandbox.js";

export interface EvalPoolOptions {
  /** number of worker threads; default os.availableParallelism() */
  size?: number;
  backend?: BackendChoice;
  resourceLimits?: ResourceLimits;
  /** replace a worker after this many jobs (bounds memory leaked by models that failed half-way); default 100 */
  recycleAfter?: number;
}

export type EvalJob = Omit<EvaluateOptions, "backend" | "resourceLimits">;

interface Slot {
  worker: EvalWorker | null;
  busy: boolean;
}

interface Queued {
  job: EvalJob;
  resolve: (r: EvalResult) => void;
  reject: (e: unknown) => void;
}

export class EvalPool {
  readonly size: number;
  private readonly slots: Slot[];
  private readonly queue: Queued[] = [];
  private closed = false;
  /** backend of the most recently started worker (null before the first start) */
  backend: BackendName | null = null;
  /** number of workers replaced after a crash, OOM or timeout */
  replacedWorkers = 0;

  constructor(private readonly opts: EvalPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? os.availableParallelism());
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, busy: false }));
  }

  /** Starts every worker now (otherwise they start on first use). Returns the backend name. */
  async warmUp(): Promise<BackendName> {
    await Promise.all(this.slots.map((s) => this.ensureWorker(s)));
    return this.backend!;
  }

  /** Evaluates one model; never rejects for a bad model (only for a closed pool, a dataset that does not fit
   *  the spec, or a worker thread that cannot start). */
  evaluate(job: EvalJob): Promise<EvalResult> {
    if (this.closed) return Promise.reject(new Error("EvalPool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  /** Evaluates many models in parallel; results are in input order. */
  evaluateAll(jobs: EvalJob[]): Promise<EvalResult[]> {
    return Promise.all(jobs.map((j) => this.evaluate(j)));
  }

  /** Terminates every worker; queued jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new Error("EvalPool closed"));
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.queue.length === 0 || this.closed) continue;
      const item = this.queue.shift()!;
      slot.busy = true;
      this.runOn(slot, item.job)
        .then(item.resolve, item.reject)
        .finally(() => {
          slot.busy = false;
          this.pump();
        });
    }
  }

  private async ensureWorker(slot: Slot): Promise<EvalWorker> {
    if (slot.worker?.alive && slot.worker.jobs >= (this.opts.recycleAfter ?? 100)) await slot.worker.terminate();
    else if (slot.worker?.alive) return slot.worker;
    else if (slot.worker) this.replacedWorkers++;
    slot.worker = null;
    const worker = await EvalWorker.start({ backend: this.opts.backend, resourceLimits: this.opts.resourceLimits });
    if (this.closed) {
      await worker.terminate();
      throw new Error("EvalPool closed");
    }
    slot.worker = worker;
    this.backend = worker.backend;
    return worker;
  }

  /** A worker that cannot start is an environment failure, not the model's: it rejects the job (so a
   *  validator retries later instead of posting 0 for a good model), as does a dataset that misfits the spec. */
  private async runOn(slot: Slot, job: EvalJob): Promise<EvalResult> {
    return evaluateWith(job, async (req, timeoutMs) => (await this.ensureWorker(slot)).run(req, timeoutMs));
  }
}
