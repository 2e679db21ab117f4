/** Retries with backoff, and which errors are worth retrying. */
import { BaseError, ContractFunctionRevertedError, HttpRequestError } from "viem";
import { describe, expect, it } from "vitest";
import { isTransient } from "../src/chain/client.js";
import { withRetry } from "../src/chain/retry.js";

describe("withRetry", () => {
  it("returns the first success after transient failures", async () => {
    let calls = 0;
    const v = await withRetry(
      async () => {
        if (++calls < 3) throw new Error("fetch failed");
        return "ok";
      },
      { label: "t", baseMs: 1, maxMs: 2 },
    );
    expect(v).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after `attempts` and throws the last error", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          throw new Error(`fail ${++calls}`);
        },
        { label: "t", attempts: 4, baseMs: 1, maxMs: 2 },
      ),
    ).rejects.toThrow("fail 4");
    expect(calls).toBe(4);
  });

  it("does not retry what retryIf rejects", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error("execution reverted");
        },
        { label: "t", baseMs: 1, retryIf: isTransient },
      ),
    ).rejects.toThrow("execution reverted");
    expect(calls).toBe(1);
  });

  it("backs off exponentially up to the cap", async () => {
    const stamps: number[] = [];
    await expect(
      withRetry(
        async () => {
          stamps.push(performance.now());
          throw new Error("x");
        },
        { label: "t", attempts: 5, baseMs: 20, maxMs: 40 },
      ),
    ).rejects.toThrow();
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    // 20, 40, 40, 40 (timers fire no earlier than asked)
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    for (const g of gaps.slice(1)) expect(g).toBeGreaterThanOrEqual(39);
  });
});

describe("isTransient", () => {
  it("retries network failures", () => {
    for (const m of [
      "fetch failed",
      "connect ECONNREFUSED 127.0.0.1:8545",
      "socket hang up",
      "The request timed out.",
      "other side closed",
    ]) {
      expect(isTransient(new Error(m)), m).toBe(true);
    }
    expect(isTransient(new HttpRequestError({ url: "http://127.0.0.1:1", details: "fetch failed" }))).toBe(true);
  });

  it("never retries a revert", () => {
    const revert = new ContractFunctionRevertedError({
      abi: [],
      functionName: "f",
      message: "timed out (in the revert text)",
    });
    expect(isTransient(revert)).toBe(false);
    expect(isTransient(new BaseError("wrapped", { cause: revert }))).toBe(false);
    expect(isTransient(new Error("execution reverted: AlreadyRevealed"))).toBe(false);
  });
});
