/**
 * The loop every long-running bot shares: one tick at a time (never two overlapping), errors logged and survived,
 * a pid lock so that two processes never run the same bot for the same account, and a clean stop on abort.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.js";
import { sleep } from "../logic/async.js";

export abstract class Bot {
  private running = false;
  ticks = 0;
  errors = 0;

  constructor(
    protected readonly name: string,
    protected readonly log: Logger,
    protected readonly pollMs: number,
  ) {}

  /** One pass over everything due. Must be idempotent: a crash in the middle is repaired by the next tick. */
  protected abstract tick(): Promise<void>;

  /**
   * Runs `job` for each id; a failure of one does not stop the others. Failures are logged, then thrown together at the
   * end (the tick counts as failed and is retried).
   */
  protected async eachTask(ids: readonly bigint[], job: (id: bigint) => Promise<void>): Promise<void> {
    const failed: string[] = [];
    for (const id of ids) {
      try {
        await job(id);
      } catch (e) {
        const message = (e as Error).message.split("\n")[0];
        this.log.warn({ taskId: id.toString(), err: message }, `${this.name}: task ${id} failed (will retry)`);
        failed.push(`task ${id}: ${message}`);
      }
    }
    if (failed.length > 0) throw new Error(failed.join("; "));
  }

  /** Runs one tick unless one is already running; returns false when skipped. */
  async tickOnce(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    try {
      await this.tick();
      this.ticks++;
    } catch (e) {
      this.errors++;
      this.log.error({ err: (e as Error).message }, `${this.name}: tick failed (will retry)`);
    } finally {
      this.running = false;
    }
    return true;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.log.info(`${this.name}: watching (every ${this.pollMs} ms)`);
    while (!signal.aborted) {
      await this.tickOnce();
      await sleep(this.pollMs, signal);
    }
    this.log.info(`${this.name}: stopped`);
  }
}

export class AlreadyRunningError extends Error {
  override name = "AlreadyRunningError";
}

/** Takes `<dataDir>/locks/<name>.pid`; a lock whose process is gone is taken over. Returns the release function. */
export function acquirePidLock(dataDir: string, name: string): () => void {
  const dir = join(dataDir, "locks");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.pid`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(path, "utf8").trim());
      if (pid && pid !== process.pid && alive(pid))
        throw new AlreadyRunningError(`${name} is already running (pid ${pid}, lock ${path})`);
      rmSync(path, { force: true });
    }
  }
  throw new AlreadyRunningError(`could not take the lock ${path}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
