/**
 * The demo's stage 3, the AI Marketplace (docs/gateway.md): the creator lists the settled task's winner; a buyer pays;
 * `flock serve`'s gateway (in this process) answers the buyer's signed prediction for a few hidden-eval digits; an
 * unsigned request and a non-buyer's signed request are refused; the contributors claim their revenue.
 */
import type { Address } from "viem";
import { Market } from "../chain/market.js";
import { loadDataset } from "../data/dataset.js";
import { initBackend } from "../eval/backend.js";
import { predict } from "../gateway/client.js";
import { ModelHost } from "../gateway/models.js";
import { DEFAULT_GATEWAY_OPTIONS, type Gateway, startGateway } from "../gateway/server.js";
import type { Logger } from "../log.js";
import type { Node } from "../node.js";
import type { ContentStore } from "../storage/index.js";
import type { ActorName } from "./actors.js";

export interface MarketSummary {
  marketplace: { address: string; listings: { listingId: string; modelCid: string }[] };
  gateway: string;
  buyer: string;
  paid: string;
  expiry: number;
  predictions: { label: number; predicted: number; confidence: number }[];
  refused: { request: string; status: number; error: string }[];
  claims: { account: string; name: string; amount: string }[];
}

export interface MarketStage {
  summary: MarketSummary;
  gateway: Gateway;
  close(): Promise<void>;
}

const PRICE = 10n * 10n ** 18n;
const PERIOD = 30 * 86400;

export async function playMarket(o: {
  node: (name: ActorName) => Node;
  store: ContentStore;
  taskId: bigint;
  modelCid: string;
  licenseCid: string;
  evalDir: string;
  contributors: { name: ActorName; address: Address }[];
  log: Logger;
  say: (m: string) => void;
  digits?: number;
}): Promise<MarketStage> {
  const { node, say } = o;
  const creatorMarket = new Market(node("creator").protocol);
  const { listingId } = await creatorMarket.listTask({
    taskId: o.taskId,
    modelCid: o.modelCid,
    licenseCid: o.licenseCid,
    price: PRICE,
    period: PERIOD,
  });
  say(`▸ marketplace: the creator listed the winner ${o.modelCid} as listing ${listingId} (10 FLOCK / 30 days)`);
  await node("deployer").chain.write({
    ...node("deployer").protocol.token,
    functionName: "mint",
    args: [node("delegator").chain.address, PRICE],
    label: "mint buyer",
  });
  const bought = await new Market(node("delegator").protocol).buy(listingId, 1n);
  say(`▸ marketplace: delegator bought access until ${new Date(bought.expiry * 1000).toISOString()}`);

  await initBackend("auto");
  const market = new Market(node("deployer").protocol);
  const host = new ModelHost(o.store, { maxBytes: 200 * 1024 * 1024, timeoutMs: 60_000 });
  const gateway = await startGateway(market, host, {
    ...DEFAULT_GATEWAY_OPTIONS,
    host: "127.0.0.1",
    port: 0,
    log: o.log,
    listings: [listingId],
  });
  const domain = { chainId: await node("deployer").chain.chainId(), marketplace: market.contract.address };
  const ds = await loadDataset(o.evalDir);
  const width = ds.x.length / ds.y.length;
  const n = o.digits ?? 5;
  const inputs = Array.from({ length: n }, (_, i) => Array.from(ds.x.slice(i * width, (i + 1) * width)));
  const now = await node("deployer").protocol.now();
  const ask = (name: ActorName) =>
    predict({ gateway: gateway.url, account: node(name).chain.account!, domain, listingId, inputs, now });
  const paid = await ask("delegator");
  if (paid.status !== 200) throw new Error(`the gateway refused the buyer: ${paid.status} ${paid.body.error}`);
  const predictions = (paid.body.outputs ?? []).map((row, i) => {
    const best = row.indexOf(Math.max(...row));
    return { label: Number(ds.y[i]), predicted: best, confidence: Math.round(row[best] * 1000) / 1000 };
  });
  const refused: MarketSummary["refused"] = [];
  const unsigned = await fetch(`${gateway.url}/v1/listings/${listingId}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ inputs }),
  });
  refused.push({
    request: "unsigned",
    status: unsigned.status,
    error: ((await unsigned.json()) as { error: string }).error,
  });
  const stranger = await ask("trainer-garbage");
  refused.push({ request: "signed by a non-buyer", status: stranger.status, error: String(stranger.body.error) });

  const claims: MarketSummary["claims"] = [];
  for (const c of o.contributors) {
    const r = await market.claim([listingId], c.address);
    if (r.amount > 0n) claims.push({ account: c.address, name: c.name, amount: r.amount.toString() });
  }
  const summary: MarketSummary = {
    marketplace: {
      address: market.contract.address,
      listings: [{ listingId: listingId.toString(), modelCid: o.modelCid }],
    },
    gateway: gateway.url,
    buyer: node("delegator").chain.address,
    paid: bought.cost.toString(),
    expiry: bought.expiry,
    predictions,
    refused,
    claims,
  };
  return {
    summary,
    gateway,
    async close() {
      await gateway.close();
      host.dispose();
    },
  };
}

/** The stage's lines of the demo's summary. */
export function printMarketSummary(s: MarketSummary, write: (line: string) => void): void {
  write(`\nAI Marketplace (${s.marketplace.address})`);
  for (const l of s.marketplace.listings) write(`  listing ${l.listingId}: ${l.modelCid}`);
  write(`  the buyer's prediction for ${s.predictions.length} hidden-eval digits (through the gateway):`);
  for (const p of s.predictions)
    write(
      `    true ${p.label} → predicted ${p.predicted} (p = ${p.confidence})${p.label === p.predicted ? "" : "  ✗"}`,
    );
  for (const r of s.refused) write(`  ${r.request}: HTTP ${r.status} (${r.error})`);
  for (const c of s.claims) write(`  ${c.name} claimed ${Number(BigInt(c.amount) / 10n ** 14n) / 10_000} FLOCK`);
}
