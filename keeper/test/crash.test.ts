/**
 * Crash safety of the bots, run as real `flock` child processes against a real anvil:
 *  1. a validator SIGKILLed right after its ScoresCommitted is mined reveals after a restart (from its journal), with
 *     exactly one commit transaction;
 *  2. a 30 s RPC outage (anvil stopped, restarted on the same port with its dumped state) while a validator and the
 *     finalizer watch: both survive, the task settles and everyone is claimed for, with no duplicate transaction.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, decodeFunctionData, parseEventLogs, zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskView } from "../src/chain/protocol.js";
import { loadDataset } from "../src/data/dataset.js";
import { buildMnistDatasets } from "../src/data/mnist.js";
import type { ActorName } from "../src/devnet/actors.js";
import { rpc, warpTo } from "../src/devnet/anvil.js";
import { REPO_ROOT } from "../src/devnet/deploy.js";
import type { Managed } from "../src/devnet/procs.js";
import { EvalPool } from "../src/eval/index.js";
import { Phase } from "../src/logic/phase.js";
import type { Node } from "../src/node.js";
import { createTask, fetchSpec, revealEvalData } from "../src/roles/creator.js";
import { commitModel, revealModel } from "../src/roles/trainer.js";
import { ValidatorBot } from "../src/roles/validator.js";
import { parseSpec } from "../src/spec.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { Journal } from "../src/store/journal.js";
import { trainModel } from "../src/train/index.js";
import {
  actorNode,
  type DevChain,
  FLOCK,
  fund,
  nonceOf,
  stakeAll,
  startDevChain,
  txsFrom,
  until,
} from "./helpers/devchain.js";
import { startFlock } from "./helpers/flock.js";

const WINDOW = 3600;
const OUTAGE_MS = 30_000;
const TRAINERS = ["trainer-strong", "trainer-medium"] as const;
const CHILD_VALIDATOR: ActorName = "validator-1";
const IN_PROCESS_VALIDATORS = ["validator-2", "validator-3"] as const;

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let gatewayUrl: string;
let pool: EvalPool;
let taskId: bigint;
let task: TaskView;
const children: Managed[] = [];
const nodes = new Map<ActorName, Node>();
const node = (name: ActorName): Node => {
  let n = nodes.get(name);
  if (!n) {
    n = actorNode(chain, name, hub);
    nodes.set(name, n);
  }
  return n;
};
const arena = () => node("deployer").protocol.arena;
const read = () => node("deployer").chain.public;
const validatorRecord = (v: ActorName) =>
  read().readContract({ ...arena(), functionName: "validatorRecord", args: [taskId, chain.cast[v].address] });

function startBot(name: ActorName, args: string[]): Managed {
  const m = startFlock(
    name,
    args,
    {
      FLOCK_RPC_URL: chain.url,
      FLOCK_PRIVATE_KEY: chain.cast[name].privateKey,
      FLOCK_DEPLOYMENTS: chain.deploymentsPath,
      FLOCK_DATA_DIR: join(dir, "bots", name),
      FLOCK_IPFS: "embedded",
      FLOCK_IPFS_GATEWAYS: gatewayUrl,
      FLOCK_POLL_MS: "200",
      FLOCK_LOG_LEVEL: "info",
    },
    join(dir, "logs", `${name}.log`),
  );
  children.push(m);
  return m;
}

const alive = (m: Managed) => m.child.exitCode === null && m.child.signalCode === null;
const logOf = (name: string) =>
  existsSync(join(dir, "logs", `${name}.log`)) ? readFileSync(join(dir, "logs", `${name}.log`), "utf8") : "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-crash-"));
  chain = await startDevChain(dir, { stateFile: true });
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  gatewayUrl = await hub.serveGateway();
  pool = new EvalPool({ size: 1 });

  await fund(node("deployer"), chain, [
    ["creator", FLOCK(1000)],
    ...TRAINERS.map((t) => [t, FLOCK(2000)] as [ActorName, bigint]),
    ...[CHILD_VALIDATOR, ...IN_PROCESS_VALIDATORS].map((v) => [v, FLOCK(5000)] as [ActorName, bigint]),
  ]);
  await stakeAll([
    ...TRAINERS.map((t) => [node(t), "trainer", FLOCK(1500)] as const),
    ...[CHILD_VALIDATOR, ...IN_PROCESS_VALIDATORS].map((v) => [node(v), "validator", FLOCK(4000)] as const),
  ]);

  const built = await buildMnistDatasets({
    outDir: join(dir, "data"),
    shards: 2,
    evalSize: 300,
    trainPerShard: 500,
    seed: 5,
  });
  const spec = parseSpec(JSON.parse(readFileSync(join(REPO_ROOT, "examples", "mnist", "spec.json"), "utf8")));
  const created = await createTask(node("creator"), {
    spec,
    trainDataDir: built.shards[0].path,
    evalDataDir: built.eval.path,
    reward: FLOCK(500),
    windows: { submission: WINDOW, publish: WINDOW, commit: WINDOW, reveal: WINDOW },
  });
  taskId = created.taskId;
  const taskSpec = await fetchSpec(node("creator"), created.specCid);
  for (const [i, t] of TRAINERS.entries()) {
    const { files } = await trainModel({
      dataset: await loadDataset(built.shards[i].path),
      spec: taskSpec,
      arch: "linear",
      epochs: i + 1,
      seed: 3,
    });
    await commitModel(node(t), taskId, files);
  }
  task = await node("deployer").protocol.getTask(taskId);
  await warpTo(chain.url, task.submissionEnd);
  await revealEvalData(node("creator"), taskId); // the eval data first: models can be revealed only after it
  for (const t of TRAINERS) await revealModel(node(t), taskId);
  await warpTo(chain.url, task.publishEnd); // the commit window
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(2_000)));
  for (const n of nodes.values()) await n.close();
  await pool?.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/**
 * Each transaction's purpose: the function and its arguments; a finalize call (sent in batches, same arguments each
 * time) is told apart by the progress it made (stage and cursor after it, from its FinalizeProgressed event).
 */
async function purposes(txs: { hash: `0x${string}`; to: string | null; input: string }[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of txs) {
    const { functionName, args } = decodeFunctionData({ abi: arena().abi, data: t.input as `0x${string}` });
    let purpose = `${t.to?.toLowerCase()} ${functionName}(${(args ?? []).map(String).join(",")})`;
    if (functionName === "finalize") {
      const receipt = await read().getTransactionReceipt({ hash: t.hash });
      const [ev] = parseEventLogs({ abi: arena().abi, logs: receipt.logs, eventName: "FinalizeProgressed" });
      purpose += ` → stage ${ev?.args.stage} cursor ${ev?.args.cursor}`;
    }
    out.push(purpose);
  }
  return out;
}

describe("crash safety", () => {
  it("a validator killed right after its commit is mined reveals after a restart, with one commit transaction", async () => {
    const me = chain.cast[CHILD_VALIDATOR].address;
    const nonceBefore = await nonceOf(chain.url, me);
    const blockBefore = Number(await read().getBlockNumber());

    const first = startBot(CHILD_VALIDATOR, ["validate", "--watch", "--workers", "1"]);
    await until(
      async () => (await validatorRecord(CHILD_VALIDATOR)).commitment !== zeroHash || !alive(first),
      90_000,
      "the child validator to commit",
      20,
    );
    expect(alive(first), logOf(CHILD_VALIDATOR)).toBe(true);
    process.kill(-first.child.pid!, "SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    // what the kill left behind: the salt and scores are in the journal (committed, or still 'prepared' if the kill
    // came before the receipt was recorded); the pid lock is stale
    const journalPath = join(dir, "bots", CHILD_VALIDATOR, "journal", `${me.toLowerCase()}.sqlite`);
    const j = new Journal(journalPath);
    const row = j.get({ kind: "scores", chainId: 31337, contract: arena().address, taskId, account: me });
    j.close();
    expect(row?.state).toMatch(/^(prepared|committed)$/);
    expect(row?.commitment).toBe((await validatorRecord(CHILD_VALIDATOR)).commitment);

    // the two other validators commit in-process; then the reveal window opens
    for (const v of IN_PROCESS_VALIDATORS) expect(await new ValidatorBot(node(v), { pool }).tickOnce()).toBe(true);
    expect((await node("deployer").protocol.getTask(taskId)).validators).toBe(3);
    await warpTo(chain.url, task.commitEnd);

    const second = startBot(CHILD_VALIDATOR, ["validate", "--watch", "--workers", "1"]);
    await until(
      async () => (await validatorRecord(CHILD_VALIDATOR)).revealed || !alive(second),
      90_000,
      "the restarted validator to reveal",
    );
    expect(alive(second), logOf(CHILD_VALIDATOR)).toBe(true);

    const sent = await txsFrom(chain.url, me, blockBefore + 1);
    expect(await purposes(sent)).toEqual([
      `${arena().address.toLowerCase()} commitScores(${taskId},${row!.commitment})`,
      expect.stringMatching(/ revealScores\(/),
    ]);
    expect(sent.map((t) => t.nonce)).toEqual([nonceBefore, nonceBefore + 1]);
    expect(sent.every((t) => t.status === "success")).toBe(true);
    const committedEvents = await read().getContractEvents({
      ...arena(),
      eventName: "ScoresCommitted",
      args: { taskId, validator: me },
      fromBlock: 0n,
    });
    expect(committedEvents).toHaveLength(1);
  }, 200_000);

  it("bots survive a 30 s RPC outage and finish the task without duplicate transactions", async () => {
    const keeper = chain.cast.keeper.address;
    const validator = children.at(-1)!;
    expect(alive(validator)).toBe(true);
    const finalizer = startBot("keeper", ["finalize", "--watch", "--claim-all", "--steps", "2"]);
    await until(async () => logOf("keeper").includes("watching"), 60_000, "the finalizer to start watching");

    for (const v of IN_PROCESS_VALIDATORS) await new ValidatorBot(node(v), { pool }).tickOnce();
    expect((await node("deployer").protocol.getTask(taskId)).revealed).toBe(3);

    // ── the outage, in the middle of the keeper's work: it finalizes in batches of 2 steps (4 calls), then claims ──
    await warpTo(chain.url, task.revealEnd);
    const progressed = () =>
      read().getContractEvents({ ...arena(), eventName: "FinalizeProgressed", args: { taskId }, fromBlock: 0n });
    await until(async () => (await progressed()).length > 0, 60_000, "the keeper's first finalize call", 20);
    // no block may be mined while anvil dumps its state: a block mined during the dump can land in the dumped state
    // but not in the dumped history (seen as a keeper transaction missing from every block). A transaction sent from
    // here on waits in the pool, which the outage loses: the keeper must notice and send it again.
    await rpc(chain.url, "evm_setAutomine", [false]);
    await chain.stopAnvil(); // SIGTERM: anvil writes its state file
    const down = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the outage itself: there is no event to wait for
    expect(alive(validator), logOf(CHILD_VALIDATOR)).toBe(true);
    expect(alive(finalizer), logOf("keeper")).toBe(true);
    await chain.restartAnvil();
    const outageSeconds = (Date.now() - down) / 1000;
    const doneBefore = (await progressed()).length; // finalize calls that made it into the dumped state
    expect(doneBefore).toBeGreaterThan(0);

    await until(
      async () => (await node("deployer").protocol.getTask(taskId)).phase === Phase.Settled,
      90_000,
      "the finalizer to settle the task",
    );
    const everyone = [...TRAINERS, CHILD_VALIDATOR, ...IN_PROCESS_VALIDATORS].map(
      (n) => chain.cast[n].address as Address,
    );
    const lockOf = (a: Address) =>
      read().readContract({
        ...node("deployer").protocol.vault,
        functionName: "lockOf",
        args: [arena().address, taskId, a],
      });
    await until(
      async () => (await Promise.all(everyone.map(lockOf))).every((l) => l === 0n),
      90_000,
      "the finalizer to claim for everyone",
    );
    expect(alive(validator)).toBe(true);
    expect(alive(finalizer)).toBe(true);

    // no duplicates: each purpose once, nonces contiguous from 0, nothing reverted
    const keeperTxs = await txsFrom(chain.url, keeper);
    const p = await purposes(keeperTxs);
    expect(new Set(p).size, p.join("\n")).toBe(p.length);
    expect(keeperTxs.map((t) => t.nonce)).toEqual(keeperTxs.map((_, i) => i));
    expect(keeperTxs.every((t) => t.status === "success")).toBe(true);
    expect(p.filter((x) => x.includes(" claim(")).length).toBe(everyone.length + 1); // and the creator's bond
    const v1 = await txsFrom(chain.url, chain.cast[CHILD_VALIDATOR].address);
    expect(await purposes(v1.filter((t) => t.to?.toLowerCase() === arena().address.toLowerCase()))).toHaveLength(2); // still one commit, one reveal
    console.log(
      `outage ${outageSeconds.toFixed(1)} s after ${doneBefore} finalize call(s); keeper sent ${keeperTxs.length} txs (${p.filter((x) => x.includes("finalize(")).length} finalize calls)`,
    );
  }, 240_000);
});
