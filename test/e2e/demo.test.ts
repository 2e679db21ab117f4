/**
 * End to end: a reduced `npm run demo` (fewer digits and epochs, the same actors) through the real stack — anvil, the
 * deployed contracts, the Ponder indexer on PGlite, the embedded IPFS hub and gateway, validator and keeper bots as
 * separate processes — asserting what the demo promises from GraphQL AND from the chain.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, createPublicClient, http, parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arenaTasksAbi, flockTokenAbi, stakingVaultAbi } from "../../generated/abis.js";
import { ValidatorOutcome } from "../../generated/enums.js";
import { waitForIndexedBlock } from "../../indexer/launch.js";
import { graphql } from "../../keeper/src/devnet/graphql.js";
import { type Devnet, startDevnet } from "../../keeper/src/devnet/index.js";

let devnet: Devnet | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "flock-e2e-"));
  devnet = await startDevnet({ quick: true, print: false, dataDir });
}, 600_000);

afterAll(async () => {
  await devnet?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function chain() {
  return createPublicClient({ transport: http(devnet!.rpcUrl) });
}

function contracts() {
  const d = JSON.parse(readFileSync(devnet!.deploymentsPath, "utf8")) as {
    contracts: Record<string, Address>;
    treasury: Address;
  };
  return d;
}

describe("the demo's AI Arena task", () => {
  it("settles, and the indexer serves it through GraphQL", async () => {
    const s = devnet!.summary;
    expect(s.report.task.status).toBe("settled");
    expect(s.report.task.published).toBe(4);
    expect(s.report.task.validators).toBe(6);
    expect(s.report.task.revealed).toBe(5);
    const g = await graphql<{ task: { status: string } }>(devnet!.graphqlUrl, `{ task(id: "${s.taskId}") { status } }`);
    expect(g.task.status).toBe("settled");
  });

  it("revealed the eval data before any model, and the validators revealed more than MIN_REVEALED_STAKE", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const logs = await chain().getLogs({ address: c.ArenaTasks, fromBlock: 0n, toBlock: "latest" });
    const events = parseEventLogs({ abi: arenaTasksAbi, logs });
    const evalAt = events.findIndex((e) => e.eventName === "EvalDataRevealed");
    const firstModel = events.findIndex((e) => e.eventName === "SubmissionRevealed");
    expect(evalAt).toBeGreaterThanOrEqual(0);
    expect(evalAt).toBeLessThan(firstModel);
    const params = await chain().readContract({
      address: c.ArenaTasks,
      abi: arenaTasksAbi,
      functionName: "paramsOf",
      args: [BigInt(s.taskId)],
    });
    const revealedStake = s.report.validators.filter((v) => v.revealed).reduce((a, v) => a + BigInt(v.lockedStake), 0n);
    expect(revealedStake).toBeGreaterThanOrEqual(params.minRevealedStake);
    expect(params.minRevealedStake).toBe(10_000n * 10n ** 18n);
  });

  it("slashes the random and the non-revealing validators, on chain and in GraphQL", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const byName = (n: string) => s.addresses[n] as Address;
    for (const [name, outcome, reason] of [
      ["validator-random", ValidatorOutcome.SlashedDeviation, "Deviation"],
      ["validator-lazy", ValidatorOutcome.SlashedNonReveal, "NonReveal"],
    ] as const) {
      const rec = await chain().readContract({
        address: c.ArenaTasks,
        abi: arenaTasksAbi,
        functionName: "validatorRecord",
        args: [BigInt(s.taskId), byName(name)],
      });
      expect(rec.outcome, name).toBe(outcome);
      const slash = s.report.slashes.find((x) => x.operator.toLowerCase() === byName(name).toLowerCase());
      expect(slash?.reason, name).toBe(reason);
      expect(BigInt(slash!.amount)).toBeGreaterThan(0n);
      const v = s.report.validators.find((x) => x.validator.toLowerCase() === byName(name).toLowerCase())!;
      expect(BigInt(v.reward ?? "0")).toBe(0n);
    }
    for (const name of ["validator-1", "validator-2", "validator-3", "validator-4"]) {
      const rec = await chain().readContract({
        address: c.ArenaTasks,
        abi: arenaTasksAbi,
        functionName: "validatorRecord",
        args: [BigInt(s.taskId), byName(name)],
      });
      expect(rec.outcome, name).toBe(ValidatorOutcome.Rewarded);
    }
  });

  it("rejected the copier's reveal (the model is owned by its earlier commitment) and slashed it at its claim", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    expect(s.rejected.map((r) => r.error).join()).toMatch(/DuplicateModel/);
    const copier = (s.addresses["trainer-copier"] as Address).toLowerCase();
    const slash = s.report.slashes.find((x) => x.operator.toLowerCase() === copier);
    expect(slash?.reason).toBe("TrainerNonReveal");
    const events = parseEventLogs({
      abi: arenaTasksAbi,
      logs: await chain().getLogs({ address: c.ArenaTasks, fromBlock: 0n, toBlock: "latest" }),
      eventName: "TrainerNonRevealSlashed",
    });
    expect(events.map((e) => [e.args.trainer.toLowerCase(), e.args.amount])).toEqual([[copier, BigInt(slash!.amount)]]);
    expect(BigInt(slash!.amount)).toBeGreaterThan(0n);
    const rec = await chain().readContract({
      address: c.ArenaTasks,
      abi: arenaTasksAbi,
      functionName: "trainerRecord",
      args: [BigInt(s.taskId), s.addresses["trainer-copier"] as Address],
    });
    expect(rec.published).toBe(false);
    const row = s.report.leaderboard.find(
      (r) => r.trainer.toLowerCase() === s.addresses["trainer-copier"].toLowerCase(),
    );
    expect(row?.modelCid ?? null).toBeNull();
  });

  it("scores the garbage model below the spam score and slashes its node", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const params = await chain().readContract({
      address: c.ArenaTasks,
      abi: arenaTasksAbi,
      functionName: "paramsOf",
      args: [BigInt(s.taskId)],
    });
    const g = s.report.leaderboard.find(
      (r) => r.trainer.toLowerCase() === s.addresses["trainer-garbage"].toLowerCase(),
    )!;
    expect(g.consensus!).toBeLessThan(params.spamScore);
    expect(g.spam).toBe(true);
    const onChain = await chain().readContract({
      address: c.ArenaTasks,
      abi: arenaTasksAbi,
      functionName: "submissionAt",
      args: [BigInt(s.taskId), BigInt(g.index!)],
    });
    expect(onChain.spam).toBe(true);
    expect(onChain.consensus).toBe(g.consensus);
  });

  it("ranks follow consensus scores (GraphQL and chain agree)", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const ranked = s.report.leaderboard.filter((r) => r.rank !== null);
    expect(ranked).toHaveLength(4);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1].consensus!).toBeGreaterThanOrEqual(ranked[i].consensus!);
    expect(ranked.map((r) => r.trainer.toLowerCase())).toEqual(
      ["trainer-strong", "trainer-medium", "trainer-weak", "trainer-garbage"].map((n) => s.addresses[n].toLowerCase()),
    );
    for (const r of ranked) {
      const sub = await chain().readContract({
        address: c.ArenaTasks,
        abi: arenaTasksAbi,
        functionName: "submissionAt",
        args: [BigInt(s.taskId), BigInt(r.index!)],
      });
      expect(sub.rank).toBe(r.rank);
      expect(sub.consensus).toBe(r.consensus);
    }
  });

  it("accounts for every wei: rewards + fee + bounty = pool + slashed", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const taskId = BigInt(s.taskId);
    const client = chain();
    const [task, settlement] = await Promise.all([
      client.readContract({ address: c.ArenaTasks, abi: arenaTasksAbi, functionName: "getTask", args: [taskId] }),
      client.readContract({ address: c.ArenaTasks, abi: arenaTasksAbi, functionName: "settlementOf", args: [taskId] }),
    ]);
    const logs = await client.getLogs({ address: c.ArenaTasks, fromBlock: 0n, toBlock: "latest" });
    const events = parseEventLogs({ abi: arenaTasksAbi, logs });
    const trainerRewards = events
      .filter((e) => e.eventName === "SubmissionRanked")
      .reduce((a, e) => a + (e.args as { reward: bigint }).reward, 0n);
    const validatorRewards = events
      .filter((e) => e.eventName === "ValidatorJudged")
      .reduce((a, e) => a + (e.args as { reward: bigint }).reward, 0n);
    const bounty = events
      .filter((e) => e.eventName === "FinalizeProgressed")
      .reduce((a, e) => a + (e.args as { bounty: bigint }).bounty, 0n);
    const slashed = events
      .filter((e) => e.eventName === "ParticipantSlashed")
      .reduce((a, e) => a + (e.args as { amount: bigint }).amount, 0n);
    expect(bounty).toBe(settlement.keeperBounty);
    expect(slashed).toBe(settlement.slashed);
    expect(trainerRewards + validatorRewards + settlement.protocolFee + settlement.keeperBounty).toBe(
      task.rewardPool + settlement.slashed,
    );
    // the same figures through GraphQL
    const t = s.report.task;
    const gRewards =
      s.report.leaderboard.reduce((a, r) => a + BigInt(r.reward ?? "0"), 0n) +
      s.report.validators.reduce((a, v) => a + BigInt(v.reward ?? "0"), 0n);
    expect(gRewards + BigInt(t.protocolFee!) + BigInt(t.keeperBounty)).toBe(BigInt(t.rewardPool) + BigInt(t.slashed));
    // and the claims paid exactly the rewards, and the creator its bond (held until settlement)
    const claimed = s.report.claims
      .filter((x) => x.kind !== "CreatorRefund")
      .reduce((a, x) => a + BigInt(x.amount), 0n);
    expect(claimed).toBe(trainerRewards + validatorRewards);
    const bond = s.report.claims.filter((x) => x.kind === "CreatorRefund");
    expect(bond.map((x) => BigInt(x.amount))).toEqual([task.bond]);
    expect(s.creator.bondClaimed).toBe(task.bond.toString());
    expect(task.bond).toBe(BigInt(s.creator.bond));
  });

  it("grew the delegator's position through validator-1's rewards", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    expect(BigInt(s.delegator.after)).toBeGreaterThan(BigInt(s.delegator.before));
    const now = await chain().readContract({
      address: c.StakingVault,
      abi: stakingVaultAbi,
      functionName: "assetsOf",
      args: [s.addresses["validator-1"] as Address, s.addresses.delegator as Address],
    });
    expect(now).toBe(BigInt(s.delegator.after));
    const treasury = await chain().readContract({
      address: c.FlockToken,
      abi: flockTokenAbi,
      functionName: "balanceOf",
      args: [contracts().treasury],
    });
    expect(treasury).toBeGreaterThan(0n);
  });
});

describe("the devnet's children", () => {
  it("serves the Explorer beside GraphQL", async () => {
    expect(devnet!.explorerUrl).toBe(`${devnet!.indexerUrl}/`);
    const res = await fetch(`${devnet!.explorerUrl}tasks/${devnet!.summary.taskId}`, {
      headers: { accept: "text/html" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("restarts an indexer that died, on the same URL, instead of advertising a dead one", async () => {
    const ix = devnet!.indexer;
    const before = ix.pid;
    let failed: string | undefined;
    void devnet!.failure.then((why) => (failed = why));
    process.kill(-before, "SIGKILL"); // as an out-of-memory kill would
    const end = Date.now() + 180_000;
    while (
      !(ix.restarts === 1 && ix.alive() && (await fetch(`${ix.url}/ready`).catch(() => undefined))?.status === 200)
    ) {
      if (Date.now() > end) throw new Error("the devnet did not bring its indexer back within 180 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ix.pid).not.toBe(before);
    expect(ix.url).toBe(devnet!.indexerUrl);
    // resumed from its data: the live tail it rolled back is indexed again
    await waitForIndexedBlock(ix.url, await chain().getBlockNumber(), 120_000);
    const s = devnet!.summary;
    const g = await graphql<{ task: { status: string } }>(devnet!.graphqlUrl, `{ task(id: "${s.taskId}") { status } }`);
    expect(g.task.status).toBe("settled");
    expect(failed).toBeUndefined();
  }, 240_000);
});
