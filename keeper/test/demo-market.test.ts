/**
 * The demo's stage 3 (`keeper/src/devnet/market.ts`) on a real settled task: listing, purchase, the buyer's signed
 * predictions through a real `flock serve` process, the refused unsigned and non-buyer requests, and the contributors'
 * claims adding up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Market } from "../src/chain/market.js";
import type { ActorName } from "../src/devnet/actors.js";
import { type MarketSummary, playMarket } from "../src/devnet/market.js";
import type { Managed } from "../src/devnet/procs.js";
import { EvalPool } from "../src/eval/index.js";
import type { Node } from "../src/node.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { actorNode, type DevChain, FLOCK, startDevChain } from "./helpers/devchain.js";
import { settledAndListed } from "./helpers/market.js";

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let summary: MarketSummary;
const procs: Managed[] = [];
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
  dir = mkdtempSync(join(tmpdir(), "flock-demo-market-"));
  chain = await startDevChain(dir);
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  const pool = new EvalPool({ size: 1 });
  const settled = await settledAndListed(chain, node, pool, { price: FLOCK(1), period: 60, list: false }).finally(() =>
    pool.close(),
  );
  summary = await playMarket({
    node,
    taskId: settled.taskId,
    modelCid: settled.modelCid,
    licenseCid: settled.specCid,
    evalDir: settled.evalDir,
    accounts: Object.values(chain.cast).map((a) => ({ name: a.name, address: a.address })),
    serve: {
      rpcUrl: chain.url,
      deploymentsPath: chain.deploymentsPath,
      ipfsGateway: await hub.serveGateway(),
      dataDir: dir,
      procs,
    },
    log: chain.log,
    say: () => {},
  });
}, 300_000);

afterAll(async () => {
  for (const p of procs) await p.stop();
  for (const n of nodes.values()) await n.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("demo stage 3: the AI Marketplace", () => {
  it("lists, sells, serves the buyer, refuses the others, and pays the contributors every claimable wei", async () => {
    const s = summary.market;
    expect(summary.marketplace.listings).toHaveLength(1);
    expect(summary.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.predictions).toHaveLength(5);
    expect(s.predictions.filter((p) => p.label === p.predicted).length).toBeGreaterThanOrEqual(3);
    expect(s.refused.map((r) => r.status)).toEqual([401, 402]);
    const market = new Market(node("deployer").protocol);
    const listing = await market.listing(BigInt(summary.marketplace.listings[0].listingId));
    expect(s.revenue).toHaveLength(listing.contributors);
    expect(s.revenue.reduce((sum, c) => sum + BigInt(c.shares), 0n)).toBe(1_000_000_000n);
    const claimed = s.revenue.reduce((sum, c) => sum + BigInt(c.claimed), 0n);
    // every shareholder claimed: what was distributed is exactly what they were paid
    expect(claimed).toBe(listing.distributed);
    expect(claimed + listing.fees).toBe(BigInt(s.paid));
    expect(BigInt(s.fee)).toBe(listing.fees);
    // the gateway process is ours to stop, and stops
    expect(procs.map((p) => p.name)).toEqual(["flock-serve"]);
    await procs[0].stop();
    expect(procs[0].child.exitCode ?? procs[0].child.signalCode).not.toBeNull();
  });
});
