/**
 * A small response cache keyed by (key, indexed checkpoint), with no I/O of its own.
 *
 * A route's answer only changes when the index does, i.e. when Ponder's checkpoint moves. `get(key, checkpoint, load)`
 * returns the value cached for `key` if it was computed at this very checkpoint, otherwise it calls `load` once
 * (concurrent callers for the same key and checkpoint share that one call) and keeps the result. An entry computed at
 * another checkpoint is never served. At most `maxEntries` keys are kept, and — when `sizeOf` is given — at most
 * `maxBytes` in total (least recently used dropped first; a value larger than `maxBytes` is served but not kept). A
 * failed load, and a value `keep` rejects, is not kept.
 */
export interface CheckpointCacheOptions<V> {
  /** how much a value weighs (e.g. its length in bytes); with `maxBytes` */
  sizeOf?: (value: V) => number;
  maxBytes?: number;
  /** false: serve this value to the callers that waited for it, but do not keep it */
  keep?: (value: V) => boolean;
}

interface Entry<V> {
  checkpoint: string;
  value: Promise<V>;
  bytes: number;
}

export class CheckpointCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private bytes = 0;

  constructor(
    readonly maxEntries = 256,
    private readonly opts: CheckpointCacheOptions<V> = {},
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** total `sizeOf` of the values kept */
  get totalBytes(): number {
    return this.bytes;
  }

  get(key: string, checkpoint: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.checkpoint === checkpoint) {
      // refresh its recency (Map keeps insertion order)
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = load();
    const entry: Entry<V> = { checkpoint, value, bytes: 0 };
    this.remove(key);
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (this.entries.get(key) !== entry) return;
        if (this.opts.keep && !this.opts.keep(v)) return void this.remove(key);
        if (this.opts.sizeOf) {
          entry.bytes = this.opts.sizeOf(v);
          this.bytes += entry.bytes;
          if (this.opts.maxBytes !== undefined && entry.bytes > this.opts.maxBytes) return void this.remove(key);
          this.evict();
        }
      },
      () => {
        if (this.entries.get(key) === entry) this.remove(key);
      },
    );
    this.evict();
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  private evict(): void {
    const maxBytes = this.opts.maxBytes ?? Number.POSITIVE_INFINITY;
    while (this.entries.size > this.maxEntries || (this.bytes > maxBytes && this.entries.size > 1)) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
    }
  }
}

/**
 * Coalesces a read without ever answering a call with a read that started before it. A call joins the next read if it
 * has not started yet, else schedules one that starts when the running read has ended (at most one running and one
 * waiting). A read starts after `defer()` — e.g. `setImmediate`, so that every request whose I/O arrived in the same
 * event-loop turn joins it: a burst of N concurrent callers costs one or two reads instead of N, and every caller
 * still sees at least what was there when it called (e.g. the indexed checkpoint `/status` just showed it). A failed
 * read fails the callers that share it; the next call starts afresh.
 */
export function freshReads<T>(
  read: () => Promise<T>,
  defer: () => Promise<void> = () => Promise.resolve(),
): () => Promise<T> {
  let running: Promise<unknown> | undefined;
  let waiting: Promise<T> | undefined;
  return () => {
    if (waiting) return waiting;
    const after = running ? running.then(defer, defer) : defer();
    const w: Promise<T> = after.then(() => {
      if (waiting === w) waiting = undefined;
      const p = read();
      const done = p.then(
        () => undefined,
        () => undefined,
      );
      running = done;
      void done.then(() => {
        if (running === done) running = undefined;
      });
      return p;
    });
    waiting = w;
    return w;
  };
}
