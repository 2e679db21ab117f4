/**
 * End to end: a reduced `npm run demo` (fewer digits and epochs, the same actors) through the real stack — anvil, the
 * deployed contracts, the Ponder indexer on PGlite, the embedded IPFS hub and gateway, validator and keeper bots as
 * separate processes, the FL alliance's bots — asserting what the demo promises from GraphQL AND from the chain.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, createPublicClient, http, keccak256, parseEventLogs, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  arenaTasksAbi,
  flAllianceAbi,
  flockGovernorAbi,
  flockTokenAbi,
  modelMarketplaceAbi,
  protocolConfigAbi,
  stakingVaultAbi,
} from "../../generated/abis.js";
import { AllianceSlashReasonNames, AllianceStatus, ListingSource, ValidatorOutcome } from "../../generated/enums.js";
import { waitForIndexedBlock } from "../../indexer/launch.js";
import { actors } from "../../keeper/src/devnet/actors.js";
import { rpc } from "../../keeper/src/devnet/anvil.js";
import { graphql } from "../../keeper/src/devnet/graphql.js";
import { type Devnet, startDevnet } from "../../keeper/src/devnet/index.js";
import { signRequest } from "../../keeper/src/gateway/protocol.js";
import { until } from "../../keeper/src/logic/async.js";

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

describe("the demo's governance act", () => {
  it("passed a higher non-reveal slash with staked FLOCK, executed by the timelock (chain and GraphQL agree)", async () => {
    const g = devnet!.summary.governance;
    const { contracts: c } = contracts();
    expect(g).toMatchObject({
      governor: c.FlockGovernor,
      timelock: c.TimelockController,
      key: "NON_REVEAL_SLASH_BPS",
      before: "1000",
      after: "1500",
    });
    const pub = chain();
    const state = await pub.readContract({
      address: c.FlockGovernor,
      abi: flockGovernorAbi,
      functionName: "state",
      args: [BigInt(g.proposalId)],
    });
    expect(state).toBe(7); // Executed
    const value = await pub.readContract({
      address: c.ProtocolConfig,
      abi: protocolConfigAbi,
      functionName: "get",
      args: [keccak256(toHex("NON_REVEAL_SLASH_BPS"))],
    });
    expect(value).toBe(1500n);
    // the votes are the validators' staked FLOCK at the snapshot
    const [against, forVotes, abstain] = await pub.readContract({
      address: c.FlockGovernor,
      abi: flockGovernorAbi,
      functionName: "proposalVotes",
      args: [BigInt(g.proposalId)],
    });
    expect([g.tally.against, g.tally.for, g.tally.abstain]).toEqual([against, forVotes, abstain].map(String));
    expect(g.votes).toHaveLength(5);
    expect(forVotes).toBeGreaterThan(against);
  });
});

describe("the demo's AI Marketplace (stage 3)", () => {
  const listingId = () => BigInt(devnet!.summary.marketplace.listings[0].listingId);
  const market = () => ({ address: contracts().contracts.ModelMarketplace, abi: modelMarketplaceAbi }) as const;
  const now = async () => Number((await chain().getBlock({ blockTag: "latest" })).timestamp);
  /** one signed request by `name`, sent `times` times as is (a replay from the second on) */
  async function ask(name: "delegator" | "trainer-garbage", times = 1, inputs = [new Array(784).fill(0)]) {
    const body = new TextEncoder().encode(JSON.stringify({ inputs }));
    const headers = await signRequest(
      actors()[name].account,
      { chainId: await chain().getChainId(), marketplace: market().address },
      { listingId: listingId(), body, deadline: BigInt((await now()) + 60) },
    );
    const out: { status: number; body: Record<string, unknown> }[] = [];
    for (let i = 0; i < times; i++) {
      const res = await fetch(`${devnet!.summary.gateway}/v1/listings/${listingId()}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      out.push({ status: res.status, body: (await res.json()) as Record<string, unknown> });
    }
    return out;
  }

  it("listed the Arena winner; the chain and GraphQL agree on the listing, the purchase and every claim", async () => {
    const s = devnet!.summary;
    const winner = s.report.leaderboard.find((r) => r.rank === 0)!;
    // the stage ends with the contributors' claims: read GraphQL once the indexer has their block
    await waitForIndexedBlock(devnet!.indexerUrl, await chain().getBlockNumber(), 60_000);
    expect(s.marketplace.address).toBe(market().address);
    expect(s.marketplace.listings[0]).toEqual({
      listingId: "1",
      source: "arena",
      sourceId: s.taskId,
      modelCid: winner.modelCid,
    });
    const l = await chain().readContract({ ...market(), functionName: "getListing", args: [listingId()] });
    expect(l.modelCid).toBe(winner.modelCid);
    expect(l.sourceId).toBe(BigInt(s.taskId));
    const g = await graphql<{
      listing: { revenue: string; toTreasury: string; claimed: string; contributors: number };
      purchases: { items: { buyer: string; cost: string; expiry: string }[] };
      revenueShares: { items: { account: string; shares: string; claimed: string }[] };
    }>(
      devnet!.graphqlUrl,
      `query($id: BigInt!) { listing(id: $id) { revenue toTreasury claimed contributors }
         purchases(where: { listingId: $id }) { items { buyer cost expiry } }
         revenueShares(where: { listingId: $id }, limit: 500) { items { account shares claimed } } }`,
      { id: String(listingId()) },
    );
    expect(g.purchases.items).toEqual([
      { buyer: s.market.buyer.toLowerCase(), cost: s.market.paid, expiry: String(s.market.expiry) },
    ]);
    expect(g.listing.revenue).toBe(s.market.paid);
    expect(g.listing.toTreasury).toBe(s.market.fee);
    // every contributor claimed: GraphQL, the chain and the summary agree to the wei, and nothing is left over
    expect(g.revenueShares.items).toHaveLength(l.contributors);
    const byAccount = new Map(s.market.revenue.map((r) => [r.account.toLowerCase(), r]));
    for (const r of g.revenueShares.items) {
      expect(byAccount.get(r.account)?.claimed, r.account).toBe(r.claimed);
      expect(byAccount.get(r.account)?.shares).toBe(r.shares);
      expect(
        await chain().readContract({
          ...market(),
          functionName: "claimable",
          args: [listingId(), r.account as Address],
        }),
      ).toBe(0n);
    }
    const claimed = g.revenueShares.items.reduce((a, r) => a + BigInt(r.claimed), 0n);
    expect(claimed + BigInt(g.listing.toTreasury)).toBe(BigInt(g.listing.revenue));
  });

  it("listed the FL alliance's final model with a royalty to the Arena task's contributors, and paid every wei", async () => {
    const s = devnet!.summary;
    await waitForIndexedBlock(devnet!.indexerUrl, await chain().getBlockNumber(), 60_000);
    const fl = s.marketplace.listings[1]!;
    expect(fl).toEqual({
      listingId: "2",
      source: "alliance",
      sourceId: s.alliance.id,
      modelCid: s.alliance.finalModelCid,
    });
    const l = await chain().readContract({ ...market(), functionName: "getListing", args: [BigInt(fl.listingId)] });
    expect(l.source).toBe(ListingSource.Alliance);
    expect(l.depth).toBe(1); // one parent: the Arena task
    expect(l.modelCid).toBe(s.alliance.finalModelCid);
    const g = await graphql<{
      listing: { revenue: string; toTreasury: string; contributors: number };
      revenueShares: { items: { account: string; shares: string; claimed: string }[] };
    }>(
      devnet!.graphqlUrl,
      `query($id: BigInt!) { listing(id: $id) { revenue toTreasury contributors }
         revenueShares(where: { listingId: $id }, limit: 500) { items { account shares claimed } } }`,
      { id: fl.listingId },
    );
    expect(g.listing.revenue).toBe(s.market.alliance!.paid);
    expect(g.revenueShares.items).toHaveLength(l.contributors);
    const byAccount = new Map(s.market.revenue.map((r) => [r.account.toLowerCase(), r]));
    for (const r of g.revenueShares.items) {
      expect(byAccount.get(r.account)?.allianceShares, r.account).toBe(r.shares);
      expect(byAccount.get(r.account)?.allianceClaimed, r.account).toBe(r.claimed);
    }
    const shares = g.revenueShares.items.reduce((a, r) => a + BigInt(r.shares), 0n);
    expect(shares).toBe(1_000_000_000n); // the split is the whole
    const claimed = g.revenueShares.items.reduce((a, r) => a + BigInt(r.claimed), 0n);
    expect(claimed + BigInt(g.listing.toTreasury)).toBe(BigInt(g.listing.revenue));
    // the royalty: an Arena validator that took no part in the alliance earns from the alliance's model
    const inAlliance = new Set(s.alliance.participants.map((p) => p.name));
    const royalty = s.market.revenue.filter((r) => !inAlliance.has(r.name) && r.name.startsWith("validator-"));
    expect(royalty.length).toBeGreaterThan(0);
    for (const r of royalty) expect(BigInt(r.allianceShares), r.name).toBeGreaterThan(0n);
  });

  it("served the buyer from its purchase's block on, and refused the unsigned and the non-buyer", async () => {
    const m = devnet!.summary.market;
    expect(BigInt(m.servedAt)).toBe(BigInt(m.boughtAt));
    expect(m.predictions).toHaveLength(5);
    expect(m.predictions.filter((p) => p.predicted === p.label).length).toBeGreaterThanOrEqual(3);
    expect(m.refused.map((r) => [r.request, r.status])).toEqual([
      ["unsigned", 401],
      ["signed by a non-buyer", 402],
    ]);
    const [stranger] = await ask("trainer-garbage");
    expect(stranger.status).toBe(402);
    expect(stranger.body.marketplace).toBe(market().address);
  });

  it("refuses a replayed request, and the buyer once its access expired", async () => {
    const [first, replay] = await ask("delegator", 2);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    expect(String(replay.body.error)).toMatch(/nonce/i);
    const expiry = devnet!.summary.market.expiry;
    await rpc(devnet!.rpcUrl, "evm_setNextBlockTimestamp", [expiry]);
    await rpc(devnet!.rpcUrl, "evm_mine", []);
    // the gateway follows new blocks (it polls every 250 ms): from that block on, the access is over
    const refused = await until(
      async () => {
        const [r] = await ask("delegator");
        return r.status === 402 ? r : undefined;
      },
      10_000,
      "the gateway to see the expiry block",
    );
    expect(refused.body.expiry).toBe(expiry);
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
