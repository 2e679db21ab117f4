/** The commitment journal: durable across reopen, prepared → committed → revealed, a revealed row never overwritten. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { Journal, type Key } from "../src/store/journal.js";

const dir = mkdtempSync(join(tmpdir(), "flock-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARENA = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";
const ME = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const key: Key = { kind: "scores", chainId: 31337, contract: ARENA, taskId: 7n, account: ME };
const row = (salt: string, payload: string) => ({
  ...key,
  salt: salt as `0x${string}`,
  commitment: `0x${"cc".repeat(32)}` as `0x${string}`,
  payload,
});

describe("Journal", () => {
  it("keeps a prepared row across close and reopen (what a crash leaves behind)", () => {
    const path = join(dir, "a", "journal.sqlite");
    const j = new Journal(path);
    j.prepare(row("0x01", "[1,2,3]"));
    j.setValue("cursor", "42");
    j.close();
    const k = new Journal(path);
    const r = k.get(key)!;
    expect(r.state).toBe("prepared");
    expect(r.salt).toBe("0x01");
    expect(r.payload).toBe("[1,2,3]");
    expect(r.taskId).toBe(7n);
    expect(k.getValue("cursor")).toBe("42");
    k.close();
  });

  it("writes a group atomically: all of it, or nothing when it throws (nothing half-moved after a crash)", () => {
    const path = join(dir, "atomic.sqlite");
    const j = new Journal(path);
    j.setValue("pending:x", "secret");
    expect(() =>
      j.atomically(() => {
        j.prepare(row("0x05", "cid"));
        j.mark(key, "committed", "0xaa");
        throw new Error("killed in the middle");
      }),
    ).toThrow("killed in the middle");
    expect(j.get(key)).toBeUndefined();
    expect(j.getValue("pending:x")).toBe("secret");
    expect(
      j.atomically(() => {
        j.prepare(row("0x05", "cid"));
        j.mark(key, "committed", "0xaa");
        j.deleteValue("pending:x");
        return "moved";
      }),
    ).toBe("moved");
    j.close();
    const k = new Journal(path);
    expect(k.get(key)?.state).toBe("committed");
    expect(k.getValue("pending:x")).toBeUndefined();
    k.close();
  });

  it("keys addresses case-insensitively", () => {
    const j = new Journal(join(dir, "b.sqlite"));
    j.prepare(row("0x01", "x"));
    expect(j.get({ ...key, account: ME.toLowerCase(), contract: ARENA.toUpperCase().replace("0X", "0x") })?.salt).toBe(
      "0x01",
    );
    j.close();
  });

  it("goes prepared → committed → revealed, keeping both transaction hashes", () => {
    const j = new Journal(join(dir, "c.sqlite"));
    j.prepare(row("0x01", "[5]"));
    j.mark(key, "committed", "0xc0");
    expect(j.get(key)).toMatchObject({ state: "committed", commitTx: "0xc0", revealTx: null });
    expect(j.list("scores", ["committed"]).map((r) => r.taskId)).toEqual([7n]);
    j.mark(key, "revealed", "0xre");
    expect(j.get(key)).toMatchObject({ state: "revealed", commitTx: "0xc0", revealTx: "0xre" });
    expect(j.list("scores", ["prepared", "committed"])).toEqual([]);
    expect(j.list("scores", ["revealed"], ME)).toHaveLength(1);
    expect(j.list("scores", ["revealed"], "0x0000000000000000000000000000000000000001")).toHaveLength(0);
    j.close();
  });

  it("lets a new commitment replace an unrevealed one (a later commit replaces the earlier on chain too)", () => {
    const j = new Journal(join(dir, "d.sqlite"));
    j.prepare(row("0x01", "[1]"));
    j.mark(key, "committed", "0xc1");
    j.prepare(row("0x02", "[2]"));
    expect(j.get(key)).toMatchObject({ state: "prepared", salt: "0x02", payload: "[2]", commitTx: null });
    j.close();
  });

  it("never overwrites a revealed row", () => {
    const path = join(dir, "e.sqlite");
    const j = new Journal(path);
    j.prepare(row("0x01", "[1]"));
    j.mark(key, "committed", "0xc1");
    j.mark(key, "revealed", "0xr1");
    j.prepare(row("0x99", "[9]"));
    j.close();
    const k = new Journal(path);
    expect(k.get(key)).toMatchObject({
      state: "revealed",
      salt: "0x01",
      payload: "[1]",
      commitTx: "0xc1",
      revealTx: "0xr1",
    });
    k.close();
  });

  it("separates kinds, chains, contracts, tasks and accounts", () => {
    const j = new Journal(":memory:");
    j.prepare(row("0x01", "a"));
    j.prepare({ ...row("0x02", "b"), kind: "submission" });
    j.prepare({ ...row("0x03", "c"), taskId: 8n });
    j.prepare({ ...row("0x04", "d"), chainId: 8453 });
    expect(j.get(key)?.salt).toBe("0x01");
    expect(j.get({ ...key, kind: "submission" })?.salt).toBe("0x02");
    expect(j.get({ ...key, taskId: 8n })?.salt).toBe("0x03");
    expect(j.get({ ...key, chainId: 8453 })?.salt).toBe("0x04");
    expect(j.list("scores", ["prepared"])).toHaveLength(3);
    j.close();
  });

  it("waits for another process's lock instead of failing at once, from its very first statement", () => {
    // a new journal file that another process (a bot of the same account) is creating: it holds the lock that the
    // switch to WAL needs
    const path = join(dir, "locked.sqlite");
    const other = new DatabaseSync(path);
    other.exec("CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);");
    const t0 = performance.now();
    expect(() => new Journal(path, { busyTimeoutMs: 300 })).toThrow(/database is locked/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290); // it waited the whole timeout
    other.exec("COMMIT");
    const j = new Journal(path, { busyTimeoutMs: 300 }); // released: opens at once
    j.setValue("k", "v");
    expect(j.getValue("k")).toBe("v");
    j.close();
    other.close();
  });
});
