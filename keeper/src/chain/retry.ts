/** Retries with exponential backoff (capped), for RPC calls that may fail while a node restarts. */
import type { Logger } from "../log.js";

export interface RetryOptions {
  label: string;
  logger?: Logger;
  /** total attempts (default 8: about 30 s of backoff in all) */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  retryIf?: (e: unknown) => boolean;
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = opts.attempts ?? 8;
  let delay = opts.baseMs ?? 250;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || (opts.retryIf && !opts.retryIf(e))) throw e;
      opts.logger?.warn(
        { attempt: i, err: (e as Error).message?.split("\n")[0] },
        `${opts.label} failed, retrying in ${delay} ms`,
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, opts.maxMs ?? 5_000);
    }
  }
}
