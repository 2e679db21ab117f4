/**
 * End to end: a reduced `npm run demo` (fewer digits and epochs, the same actors) through the real stack — anvil, the
 * deployed contracts, the Ponder indexer on PGlite, the embedded IPFS hub and gateway, validator and keeper bots as
 * separate processes, the FL alliance's bots — asserting what the demo promises from GraphQL AND from the chain.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, createPublicClient, http, parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arenaTasksAbi, flAllianceAbi, flockTokenAbi, stakingVaultAbi } from "../../generated/abis.js";
import { AllianceSlashReasonNames, AllianceStatus, ValidatorOutcome } from "../../generated/enums.js";
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

describe("the demo's FL alliance (stage 2)", () => {
  it("starts from the Arena winner, completes its rounds, and the indexer agrees with the chain", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const id = BigInt(s.alliance.id);
    const a = await chain().readContract({
      address: c.FLAlliance,
      abi: flAllianceAbi,
      functionName: "getAlliance",
      args: [id],
    });
    expect(a.status).toBe(AllianceStatus.Completed);
    expect(a.startCid).toBe(s.winnerModelCid);
    expect(a.parentId).toBe(BigInt(s.taskId));
    expect(a.globalCid).toBe(s.alliance.finalModelCid);
    expect(s.alliance.rounds).toHaveLength(a.rounds);
    const g = await graphql<{ alliance: { status: string; globalCid: string; source: string; parentId: string } }>(
      devnet!.graphqlUrl,
      `{ alliance(id: "${id}") { status globalCid source parentId } }`,
    );
    expect(g.alliance).toEqual({
      status: "Completed",
      globalCid: a.globalCid,
      source: "ArenaTask",
      parentId: s.taskId,
    });
    const lineage = await chain().readContract({
      address: c.FLAlliance,
      abi: flAllianceAbi,
      functionName: "lineageOf",
      args: [id],
    });
    expect(lineage.parentContributor.toLowerCase()).toBe(s.addresses["trainer-strong"].toLowerCase());
    expect(lineage.contributors.map((x) => x.toLowerCase())).not.toContain(
      s.addresses["trainer-garbage"].toLowerCase(),
    );
  });

  it("excludes and slashes the poisoner whenever it proposes, and nobody else", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const poisoner = s.addresses["trainer-garbage"] as Address;
    const logs = await chain().getLogs({ address: c.FLAlliance, fromBlock: 0n, toBlock: "latest" });
    const slashes = parseEventLogs({ abi: flAllianceAbi, logs, eventName: "ParticipantSlashed" });
    const started = parseEventLogs({ abi: flAllianceAbi, logs, eventName: "RoundStarted" });
    const proposed = started.filter((e) => e.args.proposers.includes(poisoner)).length;
    // drawn by stake, 4 of 5 a round, the poisoner holding the largest stake: it proposes in some round but with
    // probability ≈ 10⁻³
    expect(proposed).toBeGreaterThan(0);
    const poisoned = slashes.filter((e) => e.args.account === poisoner);
    expect(poisoned).toHaveLength(proposed);
    expect(poisoned.every((e) => AllianceSlashReasonNames[e.args.reason] === "Poisoning")).toBe(true);
    expect(slashes.filter((e) => e.args.account !== poisoner)).toHaveLength(0);
    for (const r of s.alliance.rounds) {
      const inRound = started.find((e) => e.args.round === r.round)!.args.proposers.includes(poisoner);
      expect(r.excluded).toEqual(inRound ? ["trainer-garbage"] : []);
    }
    // the same from GraphQL
    const g = await graphql<{ allianceSlashs: { items: { account: string; reason: string }[] } }>(
      devnet!.graphqlUrl,
      `{ allianceSlashs(where: { allianceId: "${s.alliance.id}" }) { items { account reason } } }`,
    );
    expect(g.allianceSlashs.items).toHaveLength(proposed);
    expect(new Set(g.allianceSlashs.items.map((x) => `${x.account}:${x.reason}`))).toEqual(
      new Set([`${poisoner.toLowerCase()}:Poisoning`]),
    );
  });

  it("moved the global model exactly on accepted rounds, and kept every token accounted for", async () => {
    const s = devnet!.summary;
    const { contracts: c } = contracts();
    const logs = await chain().getLogs({ address: c.FLAlliance, fromBlock: 0n, toBlock: "latest" });
    const moved = parseEventLogs({ abi: flAllianceAbi, logs, eventName: "GlobalModelUpdated" });
    const accepted = s.alliance.rounds.filter((r) => r.accepted);
    expect(moved.map((e) => e.args.round)).toEqual(accepted.map((r) => r.round));
    let model = s.winnerModelCid;
    for (const r of s.alliance.rounds) {
      const m = moved.find((e) => e.args.round === r.round);
      if (m) {
        expect(m.args.previousCid).toBe(model);
        model = m.args.globalCid;
      }
      expect(r.globalModelCid).toBe(model);
    }
    // every participant and the creator claimed: the contract holds nothing; what it received (the pool) left as
    // rewards, the creator's refund, and the treasury's share of the slashes (the rest of a slash came in from the vault)
    const held = await chain().readContract({
      address: c.FlockToken,
      abi: flockTokenAbi,
      functionName: "balanceOf",
      args: [c.FLAlliance],
    });
    expect(held).toBe(0n);
    const g = await graphql<{
      alliance: { rewardPool: string; totalPaid: string; creatorRefund: string; totalSlashed: string };
      allianceSlashs: { items: { amount: string; toTreasury: string }[] };
      allianceClaims: { items: { amount: string; refund: string }[] };
    }>(
      devnet!.graphqlUrl,
      `{ alliance(id: "${s.alliance.id}") { rewardPool totalPaid creatorRefund totalSlashed }
         allianceSlashs(where: { allianceId: "${s.alliance.id}" }) { items { amount toTreasury } }
         allianceClaims(where: { allianceId: "${s.alliance.id}" }) { items { amount refund } } }`,
    );
    const toPool = g.allianceSlashs.items.reduce((t, x) => t + BigInt(x.amount) - BigInt(x.toTreasury), 0n);
    const a = g.alliance;
    expect(BigInt(a.totalPaid) + BigInt(a.creatorRefund)).toBe(BigInt(a.rewardPool) + toPool);
    const claimed = g.allianceClaims.items.reduce((t, x) => t + BigInt(x.amount) + BigInt(x.refund), 0n);
    expect(claimed).toBe(BigInt(a.totalPaid) + BigInt(a.creatorRefund));
    // every lock released
    for (const p of s.alliance.participants) {
      const lock = await chain().readContract({
        address: c.StakingVault,
        abi: stakingVaultAbi,
        functionName: "lockOf",
        args: [c.FLAlliance, BigInt(s.alliance.id), s.addresses[p.name] as Address],
      });
      expect(lock).toBe(0n);
    }
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
