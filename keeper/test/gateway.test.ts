/**
 * `flock serve` against a real anvil, a real settled task whose winner is listed, the model fetched from a real
 * embedded IPFS node, and real HTTP: every refusal of the request protocol (docs/gateway.md) with its status, a
 * purchase served at once (never "paid but denied"), replay and expiry.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Account } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Market } from "../src/chain/market.js";
import { loadDataset } from "../src/data/dataset.js";
import type { ActorName } from "../src/devnet/actors.js";
import { rpc } from "../src/devnet/anvil.js";
import { initBackend } from "../src/eval/backend.js";
import { EvalPool } from "../src/eval/index.js";
import { predict } from "../src/gateway/client.js";
import { ModelHost } from "../src/gateway/models.js";
import { type GatewayDomain, HEADER, signRequest } from "../src/gateway/protocol.js";
import { DEFAULT_GATEWAY_OPTIONS, type Gateway, startGateway } from "../src/gateway/server.js";
import type { Node } from "../src/node.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { actorNode, type DevChain, FLOCK, fund, startDevChain, until } from "./helpers/devchain.js";
import { type ListedTask, settledAndListed } from "./helpers/market.js";

const PERIOD = 3600;
const PRICE = FLOCK(10);

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let pool: EvalPool;
let gw: Gateway;
let strict: Gateway;
let listed: ListedTask;
let domain: GatewayDomain;
let rows: number[][];
let labels: number[];
const nodes = new Map<ActorName, Node>();
const node = (name: ActorName): Node => {
  let n = nodes.get(name);
  if (!n) {
    n = actorNode(chain, name, hub);
    nodes.set(name, n);
  }
  return n;
};
const account = (name: ActorName): Account => chain.cast[name].account;
const chainNow = async () => node("deployer").protocol.now();

async function post(
  listingId: bigint | string,
  body: Uint8Array | string,
  headers: Record<string, string>,
  url = gw.url,
) {
  const res = await fetch(`${url}/v1/listings/${listingId}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signed(name: ActorName, inputs: unknown, o: { deadline?: bigint; listingId?: bigint } = {}) {
  const body = new TextEncoder().encode(JSON.stringify({ inputs }));
  const headers = await signRequest(account(name), domain, {
    listingId: o.listingId ?? listed.listingId,
    body,
    deadline: o.deadline ?? BigInt((await chainNow()) + 60),
  });
  return { body, headers };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-gateway-"));
  chain = await startDevChain(dir);
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  pool = new EvalPool({ size: 1 });
  listed = await settledAndListed(chain, node, pool, { price: PRICE, period: PERIOD });
  await fund(node("deployer"), chain, [
    ["delegator", FLOCK(1000)],
    ["trainer-medium", FLOCK(1000)],
  ]);
  await initBackend("auto");
  const market = new Market(node("deployer").protocol);
  domain = { chainId: chain.deployments.chainId, marketplace: market.contract.address };
  const host = new ModelHost(hub, { maxBytes: 50 * 1024 * 1024, timeoutMs: 30_000 });
  const base = { ...DEFAULT_GATEWAY_OPTIONS, host: "127.0.0.1", port: 0, pollMs: 100, log: chain.log };
  gw = await startGateway(market, host, { ...base, listings: [listed.listingId] });
  strict = await startGateway(market, host, { ...base, ratePerSecond: 0.001, burst: 2 });
  const ds = await loadDataset(listed.evalDir);
  const width = ds.x.length / ds.y.length;
  rows = [0, 1, 2].map((i) => Array.from(ds.x.slice(i * width, (i + 1) * width)));
  labels = [0, 1, 2].map((i) => Number(ds.y[i]));
}, 300_000);

afterAll(async () => {
  await gw?.close();
  await strict?.close();
  for (const n of nodes.values()) await n.close();
  await pool?.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("flock serve: the request protocol over real HTTP", () => {
  it("answers 402 with how to buy, then serves the buyer in the block after its purchase", async () => {
    const before = await signed("delegator", rows);
    const refused = await post(listed.listingId, before.body, before.headers);
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({
      listingId: String(listed.listingId),
      price: String(PRICE),
      period: PERIOD,
      marketplace: domain.marketplace,
      chainId: domain.chainId,
    });

    const bought = await new Market(node("delegator").protocol).buy(listed.listingId, 1n);
    // the next request, with no wait for the gateway's watcher: served
    const r = await predict({
      gateway: gw.url,
      account: account("delegator"),
      domain,
      listingId: listed.listingId,
      inputs: rows,
      now: await chainNow(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.modelCid).toBe(listed.modelCid);
    expect(r.body.outputs).toHaveLength(3);
    for (const row of r.body.outputs ?? []) {
      expect(row).toHaveLength(10);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
    const argmax = (r.body.outputs ?? []).map((row) => row.indexOf(Math.max(...row)));
    expect(argmax.filter((p, i) => p === labels[i]).length).toBeGreaterThanOrEqual(2);
    expect(bought.expiry).toBeGreaterThan(await chainNow());
  });

  it("refuses unsigned, wrongly signed, replayed, expired, too-far and malformed requests", async () => {
    const ok = await signed("delegator", rows);
    const { [HEADER.signature]: _sig, ...unsigned } = ok.headers;
    expect((await post(listed.listingId, ok.body, {})).status).toBe(401);
    const missing = await post(listed.listingId, ok.body, unsigned);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/x-flock-signature/);

    // signed by another account than the address header
    const other = await signed("trainer-medium", rows);
    const forged = await post(listed.listingId, ok.body, {
      ...ok.headers,
      [HEADER.signature]: other.headers[HEADER.signature],
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatch(/signer/);
    // another body under the same signature
    const swapped = await post(listed.listingId, JSON.stringify({ inputs: [rows[0]] }), ok.headers);
    expect(swapped.status).toBe(401);

    // replay: the same request twice
    expect((await post(listed.listingId, ok.body, ok.headers)).status).toBe(200);
    const replay = await post(listed.listingId, ok.body, ok.headers);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatch(/replay/);

    // "expired" by the latest block's clock: once the gateway has seen that block (its clock is the chain's)
    const head = BigInt(await rpc<string>(chain.url, "eth_blockNumber"));
    await until(async () => gw.access.block >= head, 10_000, "the gateway sees the latest block");
    const expired = await signed("delegator", rows, { deadline: BigInt((await chainNow()) - 1) });
    const e = await post(listed.listingId, expired.body, expired.headers);
    expect(e.status).toBe(401);
    expect(e.body.error).toMatch(/expired/);
    const far = await signed("delegator", rows, { deadline: BigInt((await chainNow()) + 3600) });
    expect((await post(listed.listingId, far.body, far.headers)).status).toBe(401);

    const bad = { ...ok.headers, [HEADER.nonce]: "-1" };
    expect((await post(listed.listingId, ok.body, bad)).status).toBe(401);
  });

  it("answers 400 for a wrong shape, 404 for an unknown listing, 413 for a body too large", async () => {
    const short = await signed("delegator", [[1, 2, 3]]);
    const s = await post(listed.listingId, short.body, short.headers);
    expect(s.status).toBe(400);
    expect(s.body.error).toMatch(/784/);
    const notJson = new TextEncoder().encode("{inputs:");
    const h = await signRequest(account("delegator"), domain, {
      listingId: listed.listingId,
      body: notJson,
      deadline: BigInt((await chainNow()) + 60),
    });
    expect((await post(listed.listingId, notJson, h)).status).toBe(400);
    const nan = await signed("delegator", [rows[0].map(() => "x")]);
    expect((await post(listed.listingId, nan.body, nan.headers)).status).toBe(400);

    const unknown = await signed("delegator", rows, { listingId: 99n });
    expect((await post(99n, unknown.body, unknown.headers)).status).toBe(404);
    expect((await post("abc", unknown.body, unknown.headers)).status).toBe(404);

    const huge = new Uint8Array(DEFAULT_GATEWAY_OPTIONS.maxBodyBytes + 1).fill(32);
    expect((await post(listed.listingId, huge, {})).status).toBe(413);
  });

  it("refuses a signed non-buyer with 402 and rate-limits an address with 429", async () => {
    const r = await signed("trainer-medium", rows);
    expect((await post(listed.listingId, r.body, r.headers)).status).toBe(402);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const q = await signed("delegator", rows);
      statuses.push((await post(listed.listingId, q.body, q.headers, strict.url)).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("stops serving at the expiry second, as block time passes it", async () => {
    const expiry = await new Market(node("deployer").protocol).expiryOf(listed.listingId, chain.cast.delegator.address);
    await rpc(chain.url, "evm_setNextBlockTimestamp", [expiry]);
    await rpc(chain.url, "evm_mine", []);
    const mined = BigInt(await rpc<string>(chain.url, "eth_blockNumber"));
    await until(async () => gw.access.block >= mined, 10_000, "the gateway sees the new block");
    const q = await signed("delegator", rows);
    const r = await post(listed.listingId, q.body, q.headers);
    expect(r.status).toBe(402);
    expect(r.body.expiry).toBe(expiry);
    expect(gw.stats.servedWithoutAccess).toBe(0);
  });
});
