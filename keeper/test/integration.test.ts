/**
 * The AI Arena lifecycle through the keeper's own roles, on a real anvil with the deployed protocol and a real
 * embedded IPFS node: create → train + commit → reveal (models, eval data) → three ValidatorBots commit and reveal →
 * a FinalizerBot settles → everyone claims. Checks the chain: phase, consensus and ranks, rewards into pools, locks
 * released, and the money adding up.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../src/data/dataset.js";
import { buildMnistDatasets } from "../src/data/mnist.js";
import type { ActorName } from "../src/devnet/actors.js";
import { warpTo } from "../src/devnet/anvil.js";
import { REPO_ROOT } from "../src/devnet/deploy.js";
import { EvalPool } from "../src/eval/index.js";
import { Phase } from "../src/logic/phase.js";
import type { Node } from "../src/node.js";
import { claimCreatorRefund, createTask, fetchSpec, revealEvalData } from "../src/roles/creator.js";
import { FinalizerBot } from "../src/roles/finalizer.js";
import { claimTask } from "../src/roles/staking.js";
import { commitModel, revealModel } from "../src/roles/trainer.js";
import { ValidatorBot } from "../src/roles/validator.js";
import { parseSpec } from "../src/spec.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { type Arch, trainModel } from "../src/train/index.js";
import { actorNode, type DevChain, FLOCK, fund, stakeAll, startDevChain } from "./helpers/devchain.js";

const WINDOW = 3600;
const TRAINERS = ["trainer-strong", "trainer-weak"] as const;
const VALIDATORS = ["validator-1", "validator-2", "validator-3"] as const;
const VALIDATOR_STAKE: Record<(typeof VALIDATORS)[number], bigint> = {
  "validator-1": FLOCK(5000),
  "validator-2": FLOCK(4000),
  "validator-3": FLOCK(3000),
};

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

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-integration-"));
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

describe("an AI Arena task, end to end on anvil + embedded IPFS", () => {
  it("settles with consensus ranks, pays rewards into pools, releases every lock, and the money adds up", async () => {
    const { cast, url } = chain;
    const arena = () => node("deployer").protocol.arena;
    const read = () => node("deployer").chain.public;

    // ── money and stakes ──
    await fund(node("deployer"), chain, [
      ["creator", FLOCK(1000)],
      ...TRAINERS.map((t) => [t, FLOCK(2000)] as [ActorName, bigint]),
      ...VALIDATORS.map((v) => [v, FLOCK(6000)] as [ActorName, bigint]),
    ]);
    await stakeAll([
      ...TRAINERS.map((t) => [node(t), "trainer", FLOCK(1500)] as const),
      ...VALIDATORS.map((v) => [node(v), "validator", VALIDATOR_STAKE[v]] as const),
    ]);

    // ── data and the task ──
    const built = await buildMnistDatasets({
      outDir: join(dir, "data"),
      shards: 2,
      evalSize: 300,
      trainPerShard: 500,
      seed: 3,
    });
    const spec = parseSpec(JSON.parse(readFileSync(join(REPO_ROOT, "examples", "mnist", "spec.json"), "utf8")));
    const reward = FLOCK(500);
    const created = await createTask(node("creator"), {
      spec,
      trainDataDir: built.shards[0].path,
      evalDataDir: built.eval.path,
      reward,
      windows: { submission: WINDOW, publish: WINDOW, commit: WINDOW, reveal: WINDOW },
    });
    const taskId = created.taskId;
    expect(taskId).toBe(1n);

    // ── submission: two models of different quality ──
    const taskSpec = await fetchSpec(node("trainer-strong"), created.specCid);
    const plan: [ActorName, Arch, number, number][] = [
      ["trainer-strong", "mlp-small", 3, 500],
      ["trainer-weak", "linear", 1, 60],
    ];
    for (const [[name, arch, epochs, samples], shard] of plan.map((p, i) => [p, built.shards[i]] as const)) {
      const ds = await loadDataset(shard.path);
      const per = ds.x.length / ds.y.length;
      const head = {
        ...ds,
        x: ds.x.slice(0, samples * per),
        xShape: [samples, ...ds.xShape.slice(1)],
        y: ds.y.slice(0, samples) as typeof ds.y,
      };
      const { files } = await trainModel({ dataset: head, spec: taskSpec, arch, epochs, seed: 7 });
      await commitModel(node(name), taskId, files);
    }

    // ── publish ──
    let task = await node("deployer").protocol.getTask(taskId);
    await warpTo(url, task.submissionEnd);
    // models can be revealed only once the creator has revealed the eval data: a trainer waits for it
    expect(await revealModel(node("trainer-strong"), taskId)).toBeNull();
    expect(await revealEvalData(node("creator"), taskId)).toMatch(/^0x/);
    for (const t of TRAINERS) expect(await revealModel(node(t), taskId)).toMatch(/^0x/);

    // ── commit and reveal: the validator bots, one tick at a time ──
    const bots = VALIDATORS.map((v) => new ValidatorBot(node(v), { pool }));
    await warpTo(url, task.publishEnd);
    for (const b of bots) expect(await b.tickOnce()).toBe(true);
    task = await node("deployer").protocol.getTask(taskId);
    expect(task.validators).toBe(3);
    for (const b of bots) expect(b.errors).toBe(0);
    await warpTo(url, task.commitEnd);
    for (const b of bots) await b.tickOnce();
    task = await node("deployer").protocol.getTask(taskId);
    expect(task.revealed).toBe(3);

    // ── finalize ──
    await warpTo(url, task.revealEnd);
    const keeper = new FinalizerBot(node("keeper"), { steps: 2 });
    await keeper.tickOnce();
    expect(keeper.errors).toBe(0);
    task = await node("deployer").protocol.getTask(taskId);
    expect(task.phase).toBe(Phase.Settled);

    // consensus = the (stake-weighted) median of the revealed scores; here every honest validator agrees
    const scores = await Promise.all(
      VALIDATORS.map((v) =>
        read().readContract({ ...arena(), functionName: "scoresOf", args: [taskId, cast[v].address] }),
      ),
    );
    const subs = await Promise.all(
      [0n, 1n].map((i) => read().readContract({ ...arena(), functionName: "submissionAt", args: [taskId, i] })),
    );
    for (const [i, s] of subs.entries()) {
      const col = scores.map((sc) => sc[i]).sort((a, b) => a - b);
      expect(s.consensus).toBe(col[1]);
    }
    const byConsensus = [...subs].sort((a, b) => b.consensus - a.consensus);
    expect(byConsensus.map((s) => s.rank)).toEqual([0, 1]);
    const strong = subs.find((s) => s.trainer === cast["trainer-strong"].address)!;
    expect(strong.rank).toBe(0);
    expect(strong.consensus).toBeGreaterThan(spec.minScore);

    // ── everyone claims; rewards go into the operators' pools ──
    const operators = [...TRAINERS, ...VALIDATORS];
    const assets = (a: Address) =>
      read().readContract({ ...node("deployer").protocol.vault, functionName: "assetsOf", args: [a, a] });
    const before = await Promise.all(operators.map((o) => assets(cast[o].address)));
    const claims: bigint[] = [];
    for (const o of operators) claims.push((await claimTask(node(o), taskId)).amount);
    const after = await Promise.all(operators.map((o) => assets(cast[o].address)));
    for (const [i, o] of operators.entries()) {
      // the pool's assets are shares × price, rounded down: at most one wei below the claim
      expect(claims[i] - (after[i] - before[i]), `${o}'s pool grew by its claim`).toBeGreaterThanOrEqual(0n);
      expect(claims[i] - (after[i] - before[i]), `${o}'s pool grew by its claim`).toBeLessThanOrEqual(1n);
      const lock = await read().readContract({
        ...node("deployer").protocol.vault,
        functionName: "lockOf",
        args: [arena().address, taskId, cast[o].address],
      });
      expect(lock, `${o}'s lock released`).toBe(0n);
    }
    expect(claims[0]).toBeGreaterThan(0n); // the strong model is paid
    for (let i = TRAINERS.length; i < operators.length; i++) expect(claims[i]).toBeGreaterThan(0n); // honest validators are paid

    // ── accounting: pool + slashed = trainer rewards + validator rewards + protocol fee + keeper bounty ──
    const settlement = await read().readContract({ ...arena(), functionName: "settlementOf", args: [taskId] });
    const logs = await read().getLogs({ address: arena().address, fromBlock: 0n, toBlock: "latest" });
    const ranked = parseEventLogs({ abi: arena().abi, logs, eventName: "SubmissionRanked" });
    const judged = parseEventLogs({ abi: arena().abi, logs, eventName: "ValidatorJudged" }).filter(
      (e) => e.args.reward! > 0n,
    );
    const trainerRewards = ranked.reduce((s, e) => s + e.args.reward!, 0n);
    const validatorRewards = judged.reduce((s, e) => s + e.args.reward!, 0n);
    expect(reward + settlement.slashed).toBe(
      trainerRewards + validatorRewards + settlement.protocolFee + settlement.keeperBounty,
    );
    expect(claims.reduce((s, c) => s + c, 0n)).toBe(trainerRewards + validatorRewards);
    expect(keeper.bountyEarned).toBe(settlement.keeperBounty);
    expect(settlement.keeperBounty).toBeGreaterThan(0n);
    expect(settlement.slashed).toBe(0n); // nobody misbehaved

    // the creator's bond stayed in the contract until settlement; the creator claims it back now
    const onChainTask = await read().readContract({ ...arena(), functionName: "getTask", args: [taskId] });
    const cost = await node("creator").protocol.creationCost(reward);
    expect(onChainTask.bond).toBe(cost.bond);
    const refund = await claimCreatorRefund(node("creator"), taskId);
    expect(refund).toMatchObject({ amount: cost.bond });
  }, 240_000);
});
