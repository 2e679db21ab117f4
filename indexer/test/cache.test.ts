import { describe, expect, it } from "vitest";
import { CheckpointCache, freshReads } from "../src/api/cache.js";

describe("CheckpointCache", () => {
  it("serves a value only at the checkpoint it was built at", async () => {
    const cache = new CheckpointCache<string>();
    let loads = 0;
    const load = (v: string) => async () => {
      loads++;
      return v;
    };
    expect(await cache.get("1", "cp-a", load("a1"))).toBe("a1");
    expect(await cache.get("1", "cp-a", load("never"))).toBe("a1");
    expect(loads).toBe(1);
    expect(await cache.get("1", "cp-b", load("b1"))).toBe("b1");
    expect(await cache.get("1", "cp-a", load("a1-again"))).toBe("a1-again");
    expect(loads).toBe(3);
  });

  it("shares one load between concurrent callers", async () => {
    const cache = new CheckpointCache<number>();
    let loads = 0;
    let release!: (v: number) => void;
    const gate = new Promise<number>((r) => (release = r));
    const load = () => {
      loads++;
      return gate;
    };
    const all = Promise.all([cache.get("7", "cp", load), cache.get("7", "cp", load), cache.get("7", "cp", load)]);
    release(42);
    expect(await all).toEqual([42, 42, 42]);
    expect(loads).toBe(1);
  });

  it("does not keep a failed load", async () => {
    const cache = new CheckpointCache<string>();
    await expect(cache.get("1", "cp", async () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(cache.size).toBe(0);
    expect(await cache.get("1", "cp", async () => "ok")).toBe("ok");
  });

  it("drops the least recently used key beyond maxEntries", async () => {
    const cache = new CheckpointCache<string>(2);
    await cache.get("a", "cp", async () => "A");
    await cache.get("b", "cp", async () => "B");
    await cache.get("a", "cp", async () => "A2"); // a is now the most recent
    await cache.get("c", "cp", async () => "C"); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get("a", "cp", async () => "A3")).toBe("A");
    expect(await cache.get("b", "cp", async () => "B2")).toBe("B2");
    expect(() => new CheckpointCache(0)).toThrow(RangeError);
  });
});

describe("CheckpointCache with a byte budget", () => {
  it("keeps at most maxBytes, never keeps a larger value, and skips values `keep` rejects", async () => {
    const cache = new CheckpointCache<string>(100, {
      sizeOf: (v) => v.length,
      maxBytes: 10,
      keep: (v) => !v.startsWith("error"),
    });
    await cache.get("a", "cp", async () => "aaaa");
    await cache.get("b", "cp", async () => "bbbb");
    expect(cache.totalBytes).toBe(8);
    await cache.get("c", "cp", async () => "cccc"); // 12 > 10: the oldest (a) goes
    expect(cache.size).toBe(2);
    expect(cache.totalBytes).toBe(8);
    expect(await cache.get("a", "cp", async () => "A")).toBe("A");
    expect(await cache.get("huge", "cp", async () => "x".repeat(11))).toBe("x".repeat(11));
    expect(await cache.get("huge", "cp", async () => "again")).toBe("again");
    expect(await cache.get("e", "cp", async () => "error: db down")).toBe("error: db down");
    expect(await cache.get("e", "cp", async () => "fine")).toBe("fine");
    expect(cache.totalBytes).toBeLessThanOrEqual(10);
  });
});

describe("freshReads", () => {
  /** a read whose every call is a separate, manually finished promise, stamped with the order it started in */
  function manualRead() {
    const started: { n: number; finish: (v?: unknown) => void; fail: (e: Error) => void }[] = [];
    const read = () =>
      new Promise<number>((resolve, reject) => {
        const n = started.length + 1;
        started.push({ n, finish: () => resolve(n), fail: reject });
      });
    return { read, started };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it("answers every call with a read that started after it, sharing reads between concurrent calls", async () => {
    const { read, started } = manualRead();
    const get = freshReads(read);
    const a = get(); // starts read 1
    await tick();
    const b = get(); // arrives while read 1 runs: must not get read 1
    const c = get();
    await tick();
    expect(started).toHaveLength(1);
    started[0]!.finish();
    expect(await a).toBe(1);
    await tick();
    expect(started).toHaveLength(2); // one read for b and c, started after both arrived
    const d = get(); // arrives while read 2 runs
    started[1]!.finish();
    expect([await b, await c]).toEqual([2, 2]);
    await tick();
    expect(started).toHaveLength(3);
    started[2]!.finish();
    expect(await d).toBe(3);
    // idle again: the next call starts its own read at once
    const e = get();
    await tick();
    expect(started).toHaveLength(4);
    started[3]!.finish();
    expect(await e).toBe(4);
  });

  it("lets every call made before a read starts share it (one read for a burst)", async () => {
    const { read, started } = manualRead();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const get = freshReads(read, () => gate);
    const burst = Array.from({ length: 10 }, () => get());
    await tick();
    expect(started).toHaveLength(0); // deferred
    release();
    await tick();
    expect(started).toHaveLength(1);
    started[0]!.finish();
    expect(await Promise.all(burst)).toEqual(Array(10).fill(1));
  });

  it("fails only the callers that share a failed read; the next call reads afresh", async () => {
    const { read, started } = manualRead();
    const get = freshReads(read);
    const a = get();
    await tick();
    const b = get(); // after read 1 started: not answered by it
    await tick();
    started[0]!.fail(new Error("db down"));
    await expect(a).rejects.toThrow("db down");
    await tick();
    expect(started).toHaveLength(2); // b is not answered by the failed read
    started[1]!.finish();
    expect(await b).toBe(2);
    const c = get();
    await tick();
    started[2]!.finish();
    expect(await c).toBe(3);
  });
});
