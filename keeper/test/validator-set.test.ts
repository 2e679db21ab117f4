/**
 * The validator bot and the contracts' stake-decided validator set, on anvil (MAX_VALIDATORS set to 3 for the task):
 *  - a validator that cannot fetch the task's spec or eval data retries until the middle of the commit window, then
 *    commits and reveals an EMPTY score list ("eval data unavailable"), recorded on chain as `unavailable`;
 *  - a full set admits a strictly larger lock by evicting the smallest (`ValidatorEvicted`): the evicted bot sees its
 *    commitment gone, marks its journal entry abandoned and sends nothing more (no failing reveal).
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeFunctionData, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolConfigAbi } from "../../generated/abis.js";
import { buildMnistDatasets } from "../src/data/mnist.js";
import type { ActorName } from "../src/devnet/actors.js";
import { sendAsTimelock, warpTo } from "../src/devnet/anvil.js";
import { REPO_ROOT } from "../src/devnet/deploy.js";
import { EvalPool } from "../src/eval/index.js";
import { evalUnavailableAfter } from "../src/logic/phase.js";
import { type Node, NoStore } from "../src/node.js";
import { createTask, revealEvalData } from "../src/roles/creator.js";
import { commitModel, revealModel } from "../src/roles/trainer.js";
import { ValidatorBot } from "../src/roles/validator.js";
import { parseSpec } from "../src/spec.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { actorNode, type DevChain, FLOCK, fund, stakeAll, startDevChain, txsFrom } from "./helpers/devchain.js";

const WINDOW = 3600;
const TRAINERS = ["trainer-strong", "trainer-weak"] as const;

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let pool: EvalPool;
const nodes = new Map<ActorName, Node>();
const node = (name: ActorName, store?: NoStore): Node => {
  let n = nodes.get(name);
  if (!n) {
    n = actorNode(chain, name, store ?? hub);
    nodes.set(name, n);
  }
  return n;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-validator-set-"));
  chain = await startDevChain(dir);
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  pool = new EvalPool({ size: 1 }); // workers start on first use: none here (the scorers score at random)
}, 60_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.close();
  await pool?.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("the validator set", () => {
  it("reveals 'eval data unavailable' when the data cannot be fetched, and an evicted bot stops", async () => {
    const deployer = node("deployer");
    await fund(deployer, chain, [
      ["creator", FLOCK(1000)],
      ...TRAINERS.map((t) => [t, FLOCK(2000)] as [ActorName, bigint]),
      ["validator-1", FLOCK(4000)],
      ["validator-2", FLOCK(4000)],
      ["validator-3", FLOCK(6000)],
      ["validator-4", FLOCK(30_000)],
    ]);
    // validator-3 cannot fetch anything (no content store): its spec and eval data are "unavailable"
    node("validator-3", new NoStore());
    await stakeAll([
      ...TRAINERS.map((t) => [node(t), "trainer", FLOCK(1500)] as const),
      [node("validator-1"), "validator", FLOCK(3000)] as const,
      [node("validator-2"), "validator", FLOCK(3500)] as const,
      [node("validator-3"), "validator", FLOCK(5000)] as const,
      [node("validator-4"), "validator", FLOCK(20_000)] as const,
    ]);
    // a task with at most 3 validators (the config is snapshotted at creation); governance (the timelock) owns it
    const setConfig = (name: string, value: bigint) =>
      sendAsTimelock(
        chain.url,
        chain.deployments.contracts.TimelockController,
        chain.deployments.contracts.ProtocolConfig,
        encodeFunctionData({ abi: protocolConfigAbi, functionName: "set", args: [keccak256(toHex(name)), value] }),
      );
    await setConfig("MIN_REVEALS", 1n);
    await setConfig("MAX_VALIDATORS", 3n);
    const built = await buildMnistDatasets({
      outDir: join(dir, "data"),
      shards: 1,
      evalSize: 50,
      trainPerShard: 50,
      seed: 5,
    });
    const spec = parseSpec(JSON.parse(readFileSync(join(REPO_ROOT, "examples", "mnist", "spec.json"), "utf8")));
    const { taskId } = await createTask(node("creator"), {
      spec,
      trainDataDir: built.shards[0].path,
      evalDataDir: built.eval.path,
      reward: FLOCK(200),
      windows: { submission: WINDOW, publish: WINDOW, commit: WINDOW, reveal: WINDOW },
    });
    await setConfig("MAX_VALIDATORS", 64n);
    await setConfig("MIN_REVEALS", 3n);
    expect((await deployer.protocol.paramsOf(taskId)).maxValidators).toBe(3);
    for (const [i, t] of TRAINERS.entries())
      await commitModel(node(t), taskId, new Map([["model.json", new TextEncoder().encode(`{"model":${i}}`)]]));

    let task = await deployer.protocol.getTask(taskId);
    await warpTo(chain.url, task.submissionEnd);
    await revealEvalData(node("creator"), taskId);
    for (const t of TRAINERS) await revealModel(node(t), taskId);

    const bot = (name: ActorName, strategy: "honest" | "random") => new ValidatorBot(node(name), { pool, strategy });
    const v1 = bot("validator-1", "random");
    const v2 = bot("validator-2", "random");
    const v3 = bot("validator-3", "honest");
    const v4 = bot("validator-4", "random");

    // ── commit window: the unavailable one retries until half-way, then commits an empty list ──
    await warpTo(chain.url, task.publishEnd);
    for (const b of [v1, v2]) await b.tickOnce();
    await v3.tickOnce();
    expect(v3.errors).toBe(1); // retried next tick: nothing committed yet
    expect((await deployer.protocol.validatorRecord(taskId, chain.cast["validator-3"].address)).commitment).toMatch(
      /^0x0+$/,
    );
    await warpTo(chain.url, evalUnavailableAfter(task));
    await v3.tickOnce();
    expect(v3.errors).toBe(1);
    task = await deployer.protocol.getTask(taskId);
    expect(task.validators).toBe(3); // full

    // ── a larger lock evicts the smallest (validator-1, 3,000) ──
    await v4.tickOnce();
    expect(v4.errors).toBe(0);
    const evicted = await deployer.chain.public.getContractEvents({
      ...deployer.protocol.arena,
      eventName: "ValidatorEvicted",
      args: { taskId },
      fromBlock: 0n,
      strict: true,
    });
    expect(evicted.map((e) => [e.args.evicted, e.args.by])).toEqual([
      [chain.cast["validator-1"].address, chain.cast["validator-4"].address],
    ]);
    expect(await deployer.protocol.lockOf(taskId, chain.cast["validator-1"].address)).toBe(0n); // unlocked at once

    // ── reveal window ──
    await warpTo(chain.url, task.commitEnd);
    const sentBefore = (await txsFrom(chain.url, chain.cast["validator-1"].address)).length;
    for (const b of [v1, v2, v3, v4]) await b.tickOnce();
    for (const b of [v1, v2, v3, v4]) expect(b.errors).toBe(b === v3 ? 1 : 0);
    // the evicted bot sent nothing and closed its entry
    expect((await txsFrom(chain.url, chain.cast["validator-1"].address)).length).toBe(sentBefore);
    const key = {
      kind: "scores" as const,
      chainId: chain.deployments.chainId,
      contract: chain.deployments.contracts.ArenaTasks,
      taskId,
      account: chain.cast["validator-1"].address,
    };
    expect(node("validator-1").journal.get(key)?.state).toBe("abandoned");
    // the unavailable one revealed an empty list
    const r3 = await deployer.protocol.validatorRecord(taskId, chain.cast["validator-3"].address);
    expect(r3).toMatchObject({ revealed: true, unavailable: true });
    const revealed = await deployer.chain.public.getContractEvents({
      ...deployer.protocol.arena,
      eventName: "ScoresRevealed",
      args: { taskId, validator: chain.cast["validator-3"].address },
      fromBlock: 0n,
      strict: true,
    });
    expect(revealed.map((e) => e.args.scores)).toEqual([[]]);
    task = await deployer.protocol.getTask(taskId);
    expect(task.revealed).toBe(3);
  }, 180_000);
});
