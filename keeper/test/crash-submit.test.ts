/**
 * Crash safety of the task creator and the training node, as real `flock` child processes against a real anvil.
 * Each run: the creator (`flock task create … --watch`) is SIGKILLed at its commit (the create transaction), and the
 * trainer (`flock train … --watch`) at its commitment — in even runs while the transaction waits in anvil's pool (it
 * is mined after the kill: the process never learns its receipt, so the creator never learns its task id), in odd
 * runs a varying delay (0–500 ms) after it was mined. Restarted (`flock task reveal-eval --watch`, and the
 * same `flock train` command), both reveal in the publish window from what they journaled before sending: one task,
 * one commitment, one reveal each, nothing trained twice, the revealed CIDs those committed to, and the published
 * content in each node's IPFS store.
 *
 * FLOCK_CRASH_RUNS runs (default 3 in `npm test`); `npm run test:crash-loop` plays 20.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetToFiles, loadDataset } from "../src/data/dataset.js";
import { buildMnistDatasets } from "../src/data/mnist.js";
import { rpc, warpTo } from "../src/devnet/anvil.js";
import { REPO_ROOT } from "../src/devnet/deploy.js";
import type { Managed } from "../src/devnet/procs.js";
import { submissionCommitment } from "../src/logic/commitments.js";
import type { Node } from "../src/node.js";
import { pinSpec } from "../src/roles/creator.js";
import { parseSpec, type TaskSpec } from "../src/spec.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { Journal } from "../src/store/journal.js";
import { actorNode, type DevChain, FLOCK, fund, nonceOf, stakeAll, startDevChain, until } from "./helpers/devchain.js";
import { startFlock } from "./helpers/flock.js";

const RUNS = Number(process.env.FLOCK_CRASH_RUNS ?? 3);
const KILL_DELAYS_MS = [0, 25, 100, 250, 500];
const CREATOR = "creator" as const;
const TRAINER = "trainer-strong" as const;

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let gatewayUrl: string;
let deployer: Node;
let specPath: string;
let trainData: string;
let evalData: string;
const children: Managed[] = [];
const timings: number[] = [];
/** where each kill left the secret: the creator's under its commitment (task id not learnt yet) or its task id */
const paths = { creatorPending: 0, creatorJournaled: 0, trainerPrepared: 0, trainerCommitted: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-crash-submit-"));
  chain = await startDevChain(dir);
  deployer = actorNode(chain, "deployer");
  await fund(deployer, chain, [
    [CREATOR, FLOCK(100_000)],
    [TRAINER, FLOCK(1_000 * (RUNS + 2))],
  ]);
  const trainer = actorNode(chain, TRAINER);
  await stakeAll([[trainer, "trainer", FLOCK(1_000 * (RUNS + 1))]]);
  await trainer.close();

  const built = await buildMnistDatasets({
    outDir: join(dir, "data"),
    shards: 1,
    evalSize: 100,
    trainPerShard: 200,
    seed: 4,
  });
  trainData = built.shards[0].path;
  evalData = built.eval.path;
  specPath = join(REPO_ROOT, "examples", "mnist", "spec.json");
  // the creator child pins the spec and the training data in its own store; the same bytes give the same CIDs here,
  // where the hub serves them to the trainer child through its gateway
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  gatewayUrl = await hub.serveGateway();
  const trainingDataCid = await hub.addDirectory(datasetToFiles(await loadDataset(trainData)));
  const spec: TaskSpec = { ...parseSpec(JSON.parse(readFileSync(specPath, "utf8"))), trainingDataCid };
  await pinSpec({ store: hub }, spec);
}, 180_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(2_000)));
  await deployer?.close();
  await hub?.close();
  await chain?.stop();
  if (timings.length > 0)
    console.log(
      `crash runs: ${timings.length}, seconds per run: ${timings.map((t) => t.toFixed(1)).join(" ")} ` +
        `(mean ${(timings.reduce((a, b) => a + b, 0) / timings.length).toFixed(1)}); killed at: ${JSON.stringify(paths)}`,
    );
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

function start(name: string, account: typeof CREATOR | typeof TRAINER, dataDir: string, args: string[]): Managed {
  const m = startFlock(
    name,
    args,
    {
      FLOCK_RPC_URL: chain.url,
      FLOCK_PRIVATE_KEY: chain.cast[account].privateKey,
      FLOCK_DEPLOYMENTS: chain.deploymentsPath,
      FLOCK_DATA_DIR: dataDir,
      FLOCK_IPFS: "embedded",
      FLOCK_IPFS_GATEWAYS: gatewayUrl,
      FLOCK_POLL_MS: "100",
      FLOCK_LOG_LEVEL: "info",
    },
    join(dataDir, "..", `${name}.log`),
  );
  children.push(m);
  return m;
}

const alive = (m: Managed) => m.child.exitCode === null && m.child.signalCode === null;

async function kill(m: Managed, delayMs: number): Promise<void> {
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs)); // the varying kill point itself
  process.kill(-m.child.pid!, "SIGKILL");
  expect(await m.exited).toBe("SIGKILL");
}

async function exitCode(m: Managed, what: string, log: string): Promise<void> {
  const code = await Promise.race([m.exited, new Promise((r) => setTimeout(() => r("timeout"), 120_000).unref())]);
  const text = existsSync(log) ? readFileSync(log, "utf8") : "";
  expect(code, `${what}\n${text.slice(-3000)}`).toBe(0);
}

describe(`crash safety of the creator and the trainer (${RUNS} runs)`, () => {
  it(
    "both reveal after a SIGKILL between commit and reveal, from what they journaled",
    async () => {
      const arena = deployer.protocol.arena;
      const trainerAddress = chain.cast[TRAINER].address as Address;
      for (let run = 0; run < RUNS; run++) {
        const t0 = performance.now();
        const runDir = join(dir, "runs", String(run));
        mkdirSync(runDir, { recursive: true });
        const creatorDir = join(runDir, "creator");
        const trainerDir = join(runDir, "trainer");
        // even runs: killed while the commit waits in the pool (anvil not mining), mined after the kill — the process
        // never learns its receipt; odd runs: killed a varying delay after the commit was mined
        const inPool = run % 2 === 0;
        const delay = KILL_DELAYS_MS[Math.floor(run / 2) % KILL_DELAYS_MS.length];
        const killAtCommit = async (
          child: Managed,
          who: typeof CREATOR | typeof TRAINER,
          landed: () => Promise<boolean>,
        ) => {
          const address = chain.cast[who].address as Address;
          const sent = async () =>
            Number(BigInt(await rpc<string>(chain.url, "eth_getTransactionCount", [address, "pending"]))) >
            (await nonceOf(chain.url, address));
          await until(async () => (await (inPool ? sent() : landed())) || !alive(child), 90_000, `${who}'s commit`, 20);
          expect(alive(child)).toBe(true);
          await kill(child, inPool ? 0 : delay);
          if (inPool) {
            await rpc(chain.url, "evm_setAutomine", [true]);
            await rpc(chain.url, "evm_mine", []);
          }
          expect(await landed()).toBe(true);
        };
        const before = await deployer.protocol.taskCount();

        // ── the creator commits (creates the task) and is killed before it can reveal ──
        if (inPool) await rpc(chain.url, "evm_setAutomine", [false]);
        const creator = start(`creator-${run}`, CREATOR, creatorDir, [
          ...["task", "create", "--spec", specPath, "--train-data", trainData, "--eval-data", evalData],
          ...["--reward", "200", "--submission-window", "3600", "--publish-window", "3600", "--watch"],
        ]);
        await killAtCommit(creator, CREATOR, async () => (await deployer.protocol.taskCount()) > before);
        const taskId = before + 1n;
        expect(await deployer.protocol.taskCount()).toBe(taskId);
        const cj = new Journal(join(creatorDir, "journal", `${chain.cast[CREATOR].address.toLowerCase()}.sqlite`));
        const pending = cj.entries("eval-pending:").length;
        const journaled = cj.list("eval", ["committed"]).length;
        cj.close();
        expect(pending + journaled).toBe(1); // the secret is somewhere, exactly once
        paths[pending ? "creatorPending" : "creatorJournaled"]++;

        // ── restart the creator; the trainer trains and commits, and is killed too ──
        const creator2 = start(`creator-${run}-restarted`, CREATOR, creatorDir, ["task", "reveal-eval", "--watch"]);
        const trainArgs = ["train", "--task", String(taskId), "--data", trainData, "--arch", "linear", "--epochs", "1"];
        if (inPool) await rpc(chain.url, "evm_setAutomine", [false]);
        const trainer = start(`trainer-${run}`, TRAINER, trainerDir, [...trainArgs, "--watch"]);
        await killAtCommit(
          trainer,
          TRAINER,
          async () => (await deployer.protocol.trainerRecord(taskId, trainerAddress)).commitment !== zeroHash,
        );
        const tj0 = new Journal(join(trainerDir, "journal", `${trainerAddress.toLowerCase()}.sqlite`));
        const state = tj0.list("submission", ["prepared", "committed"]).map((r) => r.state);
        tj0.close();
        expect(state).toHaveLength(1);
        paths[state[0] === "prepared" ? "trainerPrepared" : "trainerCommitted"]++;
        const trainer2 = start(`trainer-${run}-restarted`, TRAINER, trainerDir, [...trainArgs, "--watch"]);

        // ── the publish window: both restarted processes reveal and exit ──
        const task = await deployer.protocol.getTask(taskId);
        await warpTo(chain.url, task.submissionEnd);
        await exitCode(creator2, "the restarted creator", join(runDir, `creator-${run}-restarted.log`));
        await exitCode(trainer2, "the restarted trainer", join(runDir, `trainer-${run}-restarted.log`));

        // ── nothing lost, nothing doubled ──
        const after = await deployer.protocol.getTask(taskId);
        expect(after.evalRevealed).toBe(true);
        expect(await deployer.protocol.taskCount()).toBe(taskId); // one task: the restart did not create another
        const record = await deployer.protocol.trainerRecord(taskId, trainerAddress);
        expect(record.published).toBe(true);
        const committed = await deployer.chain.public.getContractEvents({
          ...arena,
          eventName: "SubmissionCommitted",
          args: { taskId, trainer: trainerAddress },
          fromBlock: 0n,
        });
        expect(committed).toHaveLength(1); // resumed, not trained and committed again
        const [revealed] = await deployer.chain.public.getContractEvents({
          ...arena,
          eventName: "SubmissionRevealed",
          args: { taskId, trainer: trainerAddress },
          fromBlock: 0n,
        });
        const modelCid = revealed.args.modelCid!;
        const tj = new Journal(join(trainerDir, "journal", `${trainerAddress.toLowerCase()}.sqlite`));
        const row = tj.get({
          kind: "submission",
          chainId: 31337,
          contract: arena.address,
          taskId,
          account: trainerAddress,
        });
        tj.close();
        expect(row?.state).toBe("revealed");
        expect(row?.payload).toBe(modelCid);
        expect(submissionCommitment(31337, arena.address, taskId, trainerAddress, modelCid, row!.salt)).toBe(
          record.commitment,
        );
        // the published content is in each node's store under the revealed CIDs
        for (const [dataDir, cid] of [
          [trainerDir, modelCid],
          [creatorDir, after.evalCid],
        ] as const) {
          const store = await EmbeddedStore.open({ dataDir });
          expect(await store.has(cid), `${cid} in ${dataDir}`).toBe(true);
          await store.close();
        }
        timings.push((performance.now() - t0) / 1000);
      }
    },
    60_000 + RUNS * 120_000,
  );
});
