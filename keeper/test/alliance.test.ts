/**
 * An FL alliance played by the keeper's own `FlBot`s, on a real anvil with the deployed protocol and a real embedded
 * IPFS node: `flock alliance create` / `join` (roles/alliance.ts), 4 participants with private non-IID MNIST shards,
 * one of them a poisoner sending −10 × its honest update, 4 rounds of 3 proposers (drawn by stake: the poisoner is left
 * out of a round with probability ≈ 1/4, so it proposes in at least one round but with probability ≈ 0.4%). Checks from the chain: the
 * poisoner is excluded and slashed every time it proposes, accepted rounds moved the global model to the candidate
 * every voter computed, the lineage, every lock released once, and the tokens add up.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AllianceStatus, RoundOutcome } from "../../generated/enums.js";
import type { ActorName } from "../src/devnet/actors.js";
import { warpTo } from "../src/devnet/anvil.js";
import { EvalPool } from "../src/eval/index.js";
import type { Node } from "../src/node.js";
import { allianceOnChain, createAlliance, joinAlliance } from "../src/roles/alliance.js";
import { type FlBehaviour, FlBot } from "../src/roles/fl.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { trainModel } from "../src/train/index.js";
import type { Dataset } from "../src/types.js";
import { mnistDataset, mnistSpec } from "./fixtures/mnist.js";
import { actorNode, type DevChain, FLOCK, fund, stakeAll, startDevChain } from "./helpers/devchain.js";

const PEOPLE = ["trainer-strong", "trainer-medium", "trainer-weak", "trainer-garbage"] as const;
const POISONER = "trainer-garbage";

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let pool: EvalPool;
const nodes = new Map<ActorName, Node>();
const node = (name: ActorName): Node => {
  let n = nodes.get(name);
  if (!n) {
    n = actorNode(chain, name, hub);
    nodes.set(name, n);
  }
  return n;
};

/** A label-skewed slice: mostly the classes of `focus`. */
function shard(i: number): Dataset {
  const base = mnistDataset(30, 100 + i * 60);
  const keep: number[] = [];
  const y = base.y as Int32Array;
  for (let r = 0; r < y.length; r++) if (y[r] % 4 === i || r % 3 === 0) keep.push(r);
  const row = 28 * 28;
  const x = new Float32Array(keep.length * row);
  for (const [k, r] of keep.entries()) x.set(base.x.subarray(r * row, (r + 1) * row), k * row);
  return { x, xShape: [keep.length, 28, 28, 1], y: Int32Array.from(keep, (r) => y[r]) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-alliance-"));
  chain = await startDevChain(dir);
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  pool = new EvalPool({ size: 1 });
}, 60_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.close();
  await pool?.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("an FL alliance on anvil + embedded IPFS, played by FlBots", () => {
  it("excludes and slashes the poisoner, moves the global model on accepted rounds, records the lineage", async () => {
    await fund(node("deployer"), chain, [
      ["creator", FLOCK(5000)],
      ...PEOPLE.map((p) => [p, FLOCK(3000)] as [ActorName, bigint]),
    ]);
    await stakeAll(PEOPLE.map((p) => [node(p), "trainer", FLOCK(2000)] as const));

    // the starting model: a dense MNIST model trained briefly on other digits
    const start = await trainModel({
      dataset: mnistDataset(20, 600),
      spec: mnistSpec,
      arch: "mlp-small",
      epochs: 2,
      seed: 3,
    });
    const startCid = await hub.addDirectory(start.files);

    const { allianceId } = await createAlliance(node("creator"), {
      from: { cid: startCid },
      reward: FLOCK(1000),
      minStake: FLOCK(1000),
      rounds: 4,
      minParticipants: 4,
      maxParticipants: 4,
      proposersPerRound: 3,
      rule: "fedavg",
      ruleParam: 1000,
      windows: {
        join: 3600,
        updateCommit: 3600,
        updateReveal: 3600,
        scoreCommit: 3600,
        scoreReveal: 3600,
        voteCommit: 3600,
        voteReveal: 3600,
      },
    });
    for (const p of PEOPLE) await joinAlliance(node(p), allianceId, FLOCK(1000));
    await expect(joinAlliance(node("creator"), allianceId, FLOCK(1000))).rejects.toThrow(/not a registered operator/);

    const bots = PEOPLE.map((p, i) => {
      const data = shard(i);
      return new FlBot(node(p), {
        allianceId,
        pool,
        train: data,
        evalData: mnistDataset(10, 500 + i * 10),
        spec: mnistSpec,
        epochs: 2,
        learningRate: 0.1,
        behaviour: (p === POISONER ? "poison" : "honest") as FlBehaviour,
      });
    });
    const protocol = node("deployer").protocol;
    // every participant acts in every phase, so phases end early: no waiting on windows
    for (let pass = 0; pass < 120; pass++) {
      const a = await protocol.getAlliance(allianceId);
      if (a.status === AllianceStatus.Completed && bots.every((b) => b.done)) break;
      for (const b of bots) await b.tickOnce();
      if (bots.some((b) => b.errors > 0)) throw new Error("a bot tick failed (see FLOCK_TEST_LOG=info)");
      if (pass === 118) await warpTo(chain.url, (await protocol.now()) + 3600);
    }
    const shown = await allianceOnChain(node("deployer"), allianceId);
    expect(shown.alliance.status).toBe(AllianceStatus.Completed);
    expect(shown.rounds).toHaveLength(4);

    // the poisoner: slashed whenever it proposed, never paid as a proposer
    const poisoner = chain.cast[POISONER].address;
    const proposed = shown.rounds.filter((r) => r.proposers.includes(poisoner)).length;
    const pm = shown.members.find((m) => m.address === poisoner)!;
    expect(proposed).toBeGreaterThan(0);
    expect(pm.proposerEarned).toBe(0n);
    const slashes = parseEventLogs({
      abi: protocol.alliance.abi,
      logs: await node("deployer").chain.public.getLogs({ address: protocol.alliance.address, fromBlock: 0n }),
      eventName: "ParticipantSlashed",
    });
    expect(slashes.filter((e) => e.args.account === poisoner)).toHaveLength(proposed);
    expect(slashes.filter((e) => e.args.account !== poisoner)).toHaveLength(0);

    // accepted rounds moved the global model, to the candidate the voters agreed on
    const logs = await node("deployer").chain.public.getLogs({ address: protocol.alliance.address, fromBlock: 0n });
    expect(parseEventLogs({ abi: protocol.alliance.abi, logs, eventName: "PhaseAdvanced" }).length).toBeGreaterThan(0);
    const updated = parseEventLogs({ abi: protocol.alliance.abi, logs, eventName: "GlobalModelUpdated" });
    const accepted = shown.rounds.filter((r) => r.outcome === RoundOutcome.Accepted);
    expect(accepted.length).toBeGreaterThan(0);
    expect(updated).toHaveLength(accepted.length);
    expect(shown.alliance.globalCid).toBe(updated.at(-1)!.args.globalCid);
    expect(await hub.has(shown.alliance.globalCid)).toBe(true);
    expect(shown.lineage.finalModelCid).toBe(shown.alliance.globalCid);
    expect(shown.lineage.parentCid).toBe(startCid);
    expect(shown.lineage.contributors).not.toContain(poisoner);
    expect(shown.lineage.sharesBps.reduce((s, x) => s + x, 0)).toBe(10_000);

    // locks released, the alliance holds only the creator's unclaimed refund
    for (const p of PEOPLE) expect(await protocol.allianceLockOf(allianceId, chain.cast[p].address)).toBe(0n);
    const held = await protocol.balanceOf(protocol.alliance.address);
    expect(held).toBe(await protocol.allianceClaimable(allianceId, chain.cast.creator.address));
  }, 300_000);
});
