/**
 * A small response cache keyed by (key, indexed checkpoint), with no I/O of its own.
 *
 * A JSON route's answer only changes when the index does, i.e. when Ponder's checkpoint moves. `get(key, checkpoint,
 * load)` returns the value cached for `key` if it was computed at this very checkpoint, otherwise it calls `load` once
 * (concurrent callers for the same key and checkpoint share that one call) and keeps the result. An entry computed at
 * another checkpoint is never served. At most `maxEntries` keys are kept (least recently used dropped first); a failed
 * load is not cached.
 */
export class CheckpointCache<V> {
  private readonly entries = new Map<string, { checkpoint: string; value: Promise<V> }>();

  constructor(readonly maxEntries = 256) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
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
    const entry = { checkpoint, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
