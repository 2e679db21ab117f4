/** Commitment hashes: pure, and byte-for-byte what ArenaTasks computes (cross-checked once against its views on anvil). */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arenaTasksAbi } from "../../generated/abis.js";
import { evalCommitment, newSalt, scoresCommitment, submissionCommitment } from "../src/logic/commitments.js";
import { type DevChain, startDevChain } from "./helpers/devchain.js";

const ARENA = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9" as Address;
const ME = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

describe("commitments (pure)", () => {
  it("bind every field: chain, contract, task, sender, payload and salt", () => {
    const salt = newSalt();
    const base = submissionCommitment(31337, ARENA, 1n, ME, CID, salt);
    expect(base).toMatch(/^0x[0-9a-f]{64}$/);
    expect(submissionCommitment(31337, ARENA, 1n, ME, CID, salt)).toBe(base);
    const variants = [
      submissionCommitment(8453, ARENA, 1n, ME, CID, salt),
      submissionCommitment(31337, ME, 1n, ME, CID, salt),
      submissionCommitment(31337, ARENA, 2n, ME, CID, salt),
      submissionCommitment(31337, ARENA, 1n, ARENA, CID, salt),
      submissionCommitment(31337, ARENA, 1n, ME, `${CID}x`, salt),
      submissionCommitment(31337, ARENA, 1n, ME, CID, newSalt()),
    ];
    expect(new Set([base, ...variants]).size).toBe(7);
    expect(scoresCommitment(31337, ARENA, 1n, ME, [1, 2], salt)).not.toBe(
      scoresCommitment(31337, ARENA, 1n, ME, [2, 1], salt),
    );
  });

  it("refuses scores outside [0, 10000] or not integers", () => {
    const salt = newSalt();
    expect(() => scoresCommitment(1, ARENA, 1n, ME, [10_001], salt)).toThrow(RangeError);
    expect(() => scoresCommitment(1, ARENA, 1n, ME, [-1], salt)).toThrow(RangeError);
    expect(() => scoresCommitment(1, ARENA, 1n, ME, [0.5], salt)).toThrow(/score 0 is 0.5/);
    expect(scoresCommitment(1, ARENA, 1n, ME, [0, 10_000], salt)).toMatch(/^0x/);
  });

  it("makes fresh 32-byte salts", () => {
    const salts = new Set(Array.from({ length: 100 }, newSalt));
    expect(salts.size).toBe(100);
    for (const s of salts) expect(s).toMatch(/^0x[0-9a-f]{64}$/);
  });
});

describe("commitments match the contract", () => {
  let dir: string;
  let chain: DevChain;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "flock-commitments-"));
    chain = await startDevChain(dir);
  }, 60_000);
  afterAll(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("submissionCommitmentOf, scoresCommitmentOf and evalCommitmentOf agree with ours", async () => {
    const client = createPublicClient({ transport: http(chain.url) });
    const arena = { address: chain.deployments.contracts.ArenaTasks, abi: arenaTasksAbi } as const;
    const salt = newSalt();
    const scores = [0, 1, 9_999, 10_000, 4_321];
    const [sub, sc, ev] = await Promise.all([
      client.readContract({ ...arena, functionName: "submissionCommitmentOf", args: [7n, ME, CID, salt] }),
      client.readContract({ ...arena, functionName: "scoresCommitmentOf", args: [7n, ME, scores, salt] }),
      client.readContract({ ...arena, functionName: "evalCommitmentOf", args: [ME, CID, salt] }),
    ]);
    expect(sub).toBe(submissionCommitment(31337, arena.address, 7n, ME, CID, salt));
    expect(sc).toBe(scoresCommitment(31337, arena.address, 7n, ME, scores, salt));
    expect(ev).toBe(evalCommitment(31337, arena.address, ME, CID, salt));
  }, 30_000);
});
