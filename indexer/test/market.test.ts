/**
 * The marketplace in GraphQL: a real settled task listed on anvil, a purchase and a claim, indexed by a real Ponder
 * (PGlite); listings, purchases, access, revenue shares and claims, and lineage edges read back and checked against
 * the chain.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Market } from "../../keeper/src/chain/market.js";
import type { ActorName } from "../../keeper/src/devnet/actors.js";
import { rpc } from "../../keeper/src/devnet/anvil.js";
import { EvalPool } from "../../keeper/src/eval/index.js";
import type { Node } from "../../keeper/src/node.js";
import { EmbeddedStore } from "../../keeper/src/storage/embedded.js";
import { actorNode, type DevChain, FLOCK, fund, startDevChain } from "../../keeper/test/helpers/devchain.js";
import { type ListedTask, settledAndListed } from "../../keeper/test/helpers/market.js";
import { type RunningIndexer, startIndexer, waitForIndexedBlock } from "../launch.js";
import { gql } from "./graphql.js";

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let ix: RunningIndexer;
let listed: ListedTask;
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
  dir = mkdtempSync(join(tmpdir(), "flock-indexer-market-"));
  chain = await startDevChain(dir);
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  const pool = new EvalPool({ size: 1 });
  try {
    listed = await settledAndListed(chain, node, pool, { price: FLOCK(10), period: 3600 });
  } finally {
    await pool.close();
  }
  await fund(node("deployer"), chain, [["delegator", FLOCK(100)]]);
  await new Market(node("delegator").protocol).buy(listed.listingId, 2n);
  await new Market(node("creator").protocol).claim([listed.listingId], chain.cast.creator.address);
  ix = await startIndexer({
    rpcUrl: chain.url,
    deploymentsPath: chain.deploymentsPath,
    dataDir: join(dir, "indexer"),
    port: 0,
    schema: `t_market_${process.pid}`,
    readyTimeoutMs: 240_000,
    mineForReady: true,
  });
  await waitForIndexedBlock(ix.url, BigInt(await rpc<string>(chain.url, "eth_blockNumber")), 120_000);
}, 400_000);

afterAll(async () => {
  await ix?.stop();
  for (const n of nodes.values()) await n.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the marketplace in GraphQL", () => {
  it("serves listings, purchases, access, revenue shares and claims, and lineage edges as the chain has them", async () => {
    const market = new Market(node("deployer").protocol);
    const onChain = await market.listing(listed.listingId);
    const url = `${ix.url}/graphql`;
    const d = await gql<{
      listing: Record<string, unknown>;
      purchases: { items: Record<string, unknown>[] };
      accessGrants: { items: Record<string, unknown>[] };
      revenueShares: { items: { account: string; shares: string; claimed: string }[] };
      lineageEdges: { items: Record<string, unknown>[] };
      revenueClaims: { items: Record<string, unknown>[] };
    }>(
      url,
      `query($id: BigInt!) {
        listing(id: $id) { id lister source sourceId modelCid price period feeBps contributors depth active purchaseCount revenue toTreasury accPerShare claimed }
        purchases(where: { listingId: $id }) { items { buyer periods cost toTreasury expiry } }
        accessGrants(where: { listingId: $id }) { items { account expiry purchases paid } }
        revenueShares(where: { listingId: $id }, limit: 100) { items { account shares claimed } }
        lineageEdges(where: { listingId: $id }) { items { depth source sourceId shares parentListingId } }
        revenueClaims(where: { listingId: $id }) { items { account amount } }
      }`,
      { id: String(listed.listingId) },
    );
    const delegator = chain.cast.delegator.address.toLowerCase();
    const creator = chain.cast.creator.address.toLowerCase();
    expect(d.listing).toMatchObject({
      lister: creator,
      source: "ArenaTask",
      sourceId: String(listed.taskId),
      modelCid: listed.modelCid,
      price: String(FLOCK(10)),
      period: 3600,
      feeBps: 500,
      contributors: onChain.contributors,
      depth: 0,
      active: true,
      purchaseCount: 1,
      revenue: String(FLOCK(20)),
      accPerShare: String(onChain.accPerShare),
    });
    expect(d.purchases.items).toEqual([
      expect.objectContaining({ buyer: delegator, periods: "2", cost: String(FLOCK(20)) }),
    ]);
    const expiry = await market.expiryOf(listed.listingId, chain.cast.delegator.address);
    expect(d.accessGrants.items).toEqual([
      { account: delegator, expiry: String(expiry), purchases: 1, paid: String(FLOCK(20)) },
    ]);
    // shares sum to 1e9; each matches the chain; the creator's claim is recorded
    const total = d.revenueShares.items.reduce((s, r) => s + BigInt(r.shares), 0n);
    expect(total).toBe(1_000_000_000n);
    expect(d.revenueShares.items).toHaveLength(onChain.contributors);
    for (const r of d.revenueShares.items)
      expect(BigInt(r.shares)).toBe(await market.sharesOf(listed.listingId, r.account as `0x${string}`));
    const creatorRow = d.revenueShares.items.find((r) => r.account === creator);
    expect(BigInt(creatorRow?.claimed ?? 0)).toBeGreaterThan(0n);
    expect(d.revenueClaims.items).toEqual([{ account: creator, amount: creatorRow?.claimed }]);
    expect(d.lineageEdges.items).toEqual([
      {
        depth: 0,
        source: "ArenaTask",
        sourceId: String(listed.taskId),
        shares: "1000000000",
        parentListingId: String(listed.listingId),
      },
    ]);
  });
});
