/**
 * The bots on a chain with a long history: 100 old (cancelled) tasks, then thousands of empty blocks, then one live
 * task. Counted through a counting transport, on a real anvil:
 *  - a fresh bot catches up in `eth_getLogs` chunks of at most FLOCK_LOG_RANGE blocks, never reading an old task;
 *  - after that, a tick costs one `eth_blockNumber`, one `eth_getLogs` and one `getTask` per live task — whatever
 *    the history — and a restarted bot resumes from its persisted cursor at the same cost;
 *  - new blocks are read in chunks too.
 * The history size is FLOCK_TEST_HISTORY_BLOCKS (default 5,000) and the range FLOCK_TEST_LOG_RANGE (default 100: the
 * same 50 chunks as 100,000 blocks at the default 2,000); `FLOCK_TEST_HISTORY_BLOCKS=50000 FLOCK_TEST_LOG_RANGE=2000`
 * plays the example (minutes: anvil mines ~100 empty blocks per second here).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWalletClient, type Hex, hexToBigInt, http, maxUint256 } from "viem";
import { anvil } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rpc } from "../src/devnet/anvil.js";
import { EvalPool } from "../src/eval/index.js";
import type { Node } from "../src/node.js";
import { FinalizerBot } from "../src/roles/finalizer.js";
import { ValidatorBot } from "../src/roles/validator.js";
import { actorNode, type DevChain, FLOCK, fund, startDevChain } from "./helpers/devchain.js";
import { type CountingTransport, countingTransport } from "./helpers/rpc-count.js";

const HISTORY = Number(process.env.FLOCK_TEST_HISTORY_BLOCKS ?? 5_000);
const RANGE = Number(process.env.FLOCK_TEST_LOG_RANGE ?? 100);
const OLD_TASKS = 100;
const MAX_CHUNKS = 50; // TaskTracker's default chunks per sync
const SPEC_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

let dir: string;
let chain: DevChain;
let pool: EvalPool;
let liveTask: bigint;
let startBlock: bigint;
const opened: Node[] = [];

/** A node for `keeper` whose every RPC call is counted. */
function countedNode(): { node: Node; rpc: CountingTransport } {
  const counter = countingTransport(chain.url);
  const node = actorNode(chain, "keeper", undefined, { transport: counter.transport, logRange: RANGE });
  opened.push(node);
  return { node, rpc: counter };
}

/** Every eth_getLogs span [from, to] recorded by `rpc`. */
function logSpans(rpc: CountingTransport): bigint[] {
  return rpc.calls
    .filter((c) => c.method === "eth_getLogs")
    .map((c) => {
      const [filter] = c.params as [{ fromBlock: Hex; toBlock: Hex }];
      return hexToBigInt(filter.toBlock) - hexToBigInt(filter.fromBlock) + 1n;
    });
}

beforeAll(
  async () => {
    dir = mkdtempSync(join(tmpdir(), "flock-history-"));
    chain = await startDevChain(dir, { pruneHistory: true });
    startBlock = BigInt(chain.deployments.startBlock);
    pool = new EvalPool({ size: 1 }); // workers start on first use: none here
    const deployer = actorNode(chain, "deployer");
    opened.push(deployer);
    await fund(deployer, chain, [["creator", FLOCK(1_000_000)]]);

    // the old tasks, sent back to back (anvil mines each at once): created to start in a week, cancelled by their creator
    const creator = chain.cast.creator;
    const wallet = createWalletClient({ account: creator.account, chain: anvil, transport: http(chain.url) });
    const arena = deployer.protocol.arena;
    const token = deployer.protocol.token;
    const send = async (hash: Promise<Hex>) => {
      const receipt = await deployer.chain.public.waitForTransactionReceipt({ hash: await hash, pollingInterval: 20 });
      expect(receipt.status).toBe("success");
    };
    await send(wallet.writeContract({ ...token, functionName: "approve", args: [arena.address, maxUint256] }));
    const now = await deployer.protocol.now();
    // each task its own eval commitment (a reused one reverts EvalCommitmentReused)
    const params = (submissionStart: number, n: number) => ({
      specCid: SPEC_CID,
      evalCommitment: `0x${n.toString(16).padStart(64, "0")}` as Hex,
      rewardPool: FLOCK(100),
      submissionStart,
      submissionWindow: 3600,
      publishWindow: 3600,
      commitWindow: 3600,
      revealWindow: 3600,
      minScore: 0,
      spamScore: 0,
    });
    for (let i = 1; i <= OLD_TASKS; i++) {
      await send(wallet.writeContract({ ...arena, functionName: "createTask", args: [params(now + 7 * 86_400, i)] }));
      await send(wallet.writeContract({ ...arena, functionName: "cancelBeforeStart", args: [BigInt(i)] }));
    }
    const mining = performance.now();
    for (let left = HISTORY; left > 0; left -= 1_000)
      await rpc(chain.url, "anvil_mine", [`0x${Math.min(1_000, left).toString(16)}`]);
    console.log(`mined ${HISTORY} empty blocks in ${((performance.now() - mining) / 1000).toFixed(1)} s`);
    await send(wallet.writeContract({ ...arena, functionName: "createTask", args: [params(0, OLD_TASKS + 1)] }));
    liveTask = BigInt(OLD_TASKS + 1);
    expect(await deployer.protocol.taskCount()).toBe(liveTask);
  },
  120_000 + HISTORY * 40,
); // anvil mines empty blocks at ~100-500 per second here, depending on the load

afterAll(async () => {
  for (const n of opened) await n.close();
  await pool?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe(`a long history (${OLD_TASKS} old tasks, ${HISTORY} empty blocks, log range ${RANGE})`, () => {
  it("a fresh validator catches up in bounded chunks without reading old tasks; then each tick is O(live tasks)", async () => {
    const { node, rpc: counter } = countedNode();
    const bot = new ValidatorBot(node, { pool });
    const head = await node.protocol.blockNumber();
    const history = head - startBlock + 1n;
    const expectedChunks = Number((history + BigInt(RANGE) - 1n) / BigInt(RANGE));

    // catching up: at most MAX_CHUNKS log reads per tick, each over at most RANGE blocks
    const catchUp: Record<string, number>[] = [];
    let spans: bigint[] = [];
    for (let tick = 0; tick < 100; tick++) {
      counter.reset();
      expect(await bot.tickOnce()).toBe(true);
      catchUp.push(counter.byMethod());
      spans = [...spans, ...logSpans(counter)];
      if (bot.tracker.live().length > 0 && (catchUp.at(-1)!.eth_getLogs ?? 0) < MAX_CHUNKS) break;
    }
    expect(bot.errors).toBe(0);
    expect(spans.every((s) => s <= BigInt(RANGE))).toBe(true);
    expect(spans.reduce((a, b) => a + b, 0n)).toBeGreaterThanOrEqual(history);
    expect(spans.length).toBeGreaterThanOrEqual(expectedChunks);
    expect(spans.length).toBeLessThanOrEqual(expectedChunks + catchUp.length); // + a block mined by nobody meanwhile
    for (const t of catchUp) {
      expect(t.eth_getLogs ?? 0).toBeLessThanOrEqual(MAX_CHUNKS);
      expect(t.eth_call ?? 0).toBeLessThanOrEqual(1); // getTask of the one live task; never an old one
    }
    expect(bot.tracker.live()).toEqual([liveTask]);

    // steady state: one block number, at most one log chunk, one getTask per live task
    counter.reset();
    await bot.tickOnce();
    const steady = counter.byMethod();
    expect(steady.eth_blockNumber).toBe(1);
    expect(steady.eth_getLogs ?? 0).toBeLessThanOrEqual(1);
    expect(steady.eth_call).toBe(1);
    expect(counter.calls.length).toBeLessThanOrEqual(3);

    // a restarted validator (same journal) resumes from its cursor: no catch-up
    const again = new ValidatorBot(node, { pool });
    counter.reset();
    await again.tickOnce();
    expect(again.tracker.live()).toEqual([liveTask]);
    expect(counter.calls.length).toBeLessThanOrEqual(3);

    // new blocks are read in chunks too
    await rpc(chain.url, "anvil_mine", [`0x${(3 * RANGE).toString(16)}`]);
    counter.reset();
    await again.tickOnce();
    expect(logSpans(counter).every((s) => s <= BigInt(RANGE))).toBe(true);
    expect(counter.byMethod().eth_getLogs).toBe(3);
    console.log(
      `history of ${history} blocks: catch-up ${catchUp.length} tick(s) with ${spans.length} eth_getLogs ` +
        `(${catchUp.map((t) => Object.values(t).reduce((a, b) => a + b, 0)).join(" + ")} calls); ` +
        `then ${Object.values(steady).reduce((a, b) => a + b, 0)} calls per tick (${JSON.stringify(steady)}); ` +
        `a getTask for every task each tick would be ${OLD_TASKS + 2} calls`,
    );
  }, 600_000);

  it("the finalizer drops closed tasks from events alone and ticks at the same bounded cost", async () => {
    const { node, rpc: counter } = countedNode();
    const bot = new FinalizerBot(node);
    for (let tick = 0; tick < 100 && !(await tickCaughtUp(bot, counter)); tick++);
    expect(bot.errors).toBe(0);
    expect(bot.tracker.live()).toEqual([liveTask]);
    counter.reset();
    await bot.tickOnce();
    expect(counter.calls.length).toBeLessThanOrEqual(3);
    expect(counter.byMethod().eth_call).toBe(1);
  }, 600_000);
});

async function tickCaughtUp(bot: FinalizerBot, counter: CountingTransport): Promise<boolean> {
  counter.reset();
  await bot.tickOnce();
  return (counter.byMethod().eth_getLogs ?? 0) < MAX_CHUNKS;
}
