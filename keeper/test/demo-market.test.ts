/**
 * The demo's stage 3 (`keeper/src/devnet/market.ts`) on a real settled task: listing, purchase, the buyer's signed
 * predictions through the gateway, the refused unsigned and non-buyer requests, and the contributors' claims adding up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Market } from "../src/chain/market.js";
import type { ActorName } from "../src/devnet/actors.js";
import { type MarketStage, playMarket } from "../src/devnet/market.js";
import { EvalPool } from "../src/eval/index.js";
import type { Node } from "../src/node.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { actorNode, type DevChain, FLOCK, startDevChain } from "./helpers/devchain.js";
import { settledAndListed } from "./helpers/market.js";

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let stage: MarketStage;
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
  const contributors = (
    ["creator", "trainer-strong", "trainer-weak", "validator-1", "validator-2", "validator-3"] as const
  ).map((name) => ({ name, address: chain.cast[name].address }));
  stage = await playMarket({
    node,
    store: hub,
    taskId: settled.taskId,
    modelCid: settled.modelCid,
    licenseCid: settled.specCid,
    evalDir: settled.evalDir,
    contributors,
    log: chain.log,
    say: () => {},
  });
}, 300_000);

afterAll(async () => {
  await stage?.close();
  for (const n of nodes.values()) await n.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("demo stage 3: the AI Marketplace", () => {
  it("lists, sells, serves the buyer, refuses the others, and pays the contributors every claimable wei", async () => {
    const s = stage.summary;
    expect(s.marketplace.listings).toHaveLength(1);
    expect(s.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.predictions).toHaveLength(5);
    expect(s.predictions.filter((p) => p.label === p.predicted).length).toBeGreaterThanOrEqual(3);
    expect(s.refused.map((r) => r.status)).toEqual([401, 402]);
    const market = new Market(node("deployer").protocol);
    const listing = await market.listing(BigInt(s.marketplace.listings[0].listingId));
    const claimed = s.claims.reduce((sum, c) => sum + BigInt(c.amount), 0n);
    // every shareholder claimed: what was distributed is exactly what they were paid
    expect(claimed).toBe(listing.distributed);
    expect(claimed + listing.fees).toBe(BigInt(s.paid));
  });
});
