/**
 * `flock serve`: an HTTP gateway that answers a listing's model only to callers whose access the chain confirms.
 * The request protocol is in ./protocol.ts and docs/gateway.md. Checks, in order (the first failing one answers):
 * 413 body too large → 404 unknown listing → 401 unsigned / malformed headers / expired or too-far deadline / bad
 * signature / signer ≠ address → 429 the address's rate limit → 401 nonce already used (replay) → 402 no access
 * (with the price, period and marketplace) → 400 malformed inputs or wrong shape → 200 {outputs, modelCid}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import type { Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { ListingView, Market } from "../chain/market.js";
import type { Logger } from "../log.js";
import { AccessCache } from "./access.js";
import type { ModelHost } from "./models.js";
import {
  type GatewayDomain,
  GatewayError,
  MAX_DEADLINE_SECONDS,
  parseAuth,
  parseInputs,
  signRequest,
  verifyAuth,
} from "./protocol.js";

export interface GatewayOptions {
  host: string;
  port: number;
  /** largest accepted body, bytes (413 above) */
  maxBodyBytes: number;
  /** most rows per request */
  maxRows: number;
  /** sustained requests per second per address, and the burst above it (429 beyond) */
  ratePerSecond: number;
  burst: number;
  /** how often the access watcher looks for new blocks */
  pollMs: number;
  /** model fetch limits */
  maxModelBytes: number;
  modelTimeoutMs: number;
}

export const DEFAULT_GATEWAY_OPTIONS: Omit<GatewayOptions, "host" | "port"> = {
  maxBodyBytes: 1 << 20,
  maxRows: 256,
  ratePerSecond: 50,
  burst: 100,
  pollMs: 250,
  maxModelBytes: 200 * 1024 * 1024,
  modelTimeoutMs: 60_000,
};

/** A token bucket per address. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}
  take(who: string): boolean {
    const now = Date.now();
    const b = this.buckets.get(who) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    this.buckets.set(who, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** Used nonces per address, each kept until its deadline (after which the request is refused anyway). */
class NonceBook {
  private readonly used = new Map<string, number>();
  private lastSweep = 0;
  /** false when (address, nonce) was seen before */
  use(address: Address, nonce: bigint, deadline: number, now: number): boolean {
    if (now - this.lastSweep > 30) {
      for (const [k, d] of this.used) if (d < now) this.used.delete(k);
      this.lastSweep = now;
    }
    const k = `${address}:${nonce}`;
    if (this.used.has(k)) return false;
    this.used.set(k, deadline);
    return true;
  }
}

export interface Gateway {
  url: string;
  port: number;
  access: AccessCache;
  /** counts by HTTP status, and the 200s served without confirmed access (must stay 0) */
  stats: { byStatus: Record<number, number>; servedWithoutAccess: number };
  close(): Promise<void>;
}

export async function startGateway(
  market: Market,
  host: ModelHost,
  o: GatewayOptions & { log: Logger; listings?: bigint[] },
): Promise<Gateway> {
  const domain: GatewayDomain = {
    chainId: await market.protocol.chain.chainId(),
    marketplace: market.contract.address,
  };
  const access = new AccessCache(market, { pollMs: o.pollMs });
  await access.poll();
  const limiter = new RateLimiter(o.ratePerSecond, o.burst);
  const nonces = new NonceBook();
  const listings = new Map<bigint, ListingView>();
  const stats = { byStatus: {} as Record<number, number>, servedWithoutAccess: 0 };
  const allowed = o.listings ? new Set(o.listings) : undefined;

  const listingOf = async (id: bigint): Promise<ListingView> => {
    const known = listings.get(id);
    if (known) return known;
    if (id < 1n || (allowed && !allowed.has(id)) || id > (await market.listingCount()))
      throw new GatewayError(404, `unknown listing ${id}`);
    const l = await market.listing(id);
    listings.set(id, l);
    return l;
  };
  // Warm what every request runs: the served models (fetched from IPFS, then run once, so their kernels are set up)
  // and the signature check. Without it the first requests wait ~100 ms, and those queued behind them too.
  for (const id of o.listings ?? []) {
    const l = await listingOf(id);
    const m = await host.get(l.modelCid);
    host.predict(m, [new Array<number>(m.width).fill(0)]);
  }
  await warmSignatureCheck(domain);

  const app = new Hono<{ Bindings: { body: Uint8Array } }>();
  app.get("/v1/health", (c) =>
    c.json({
      ok: true,
      chainId: domain.chainId,
      marketplace: domain.marketplace,
      block: String(access.block),
      now: access.now(),
    }),
  );
  app.get("/v1/listings/:listingId", async (c) => {
    const l = await listingOf(parseListingId(c.req.param("listingId")));
    return c.json({
      listingId: String(l.id),
      modelCid: l.modelCid,
      licenseCid: l.licenseCid,
      price: String(l.price),
      period: l.period,
      active: l.active,
      marketplace: domain.marketplace,
      chainId: domain.chainId,
    });
  });
  /** The paid route, answered straight from node:http (the hot path: no Request/Response objects, no router). */
  const predict = async (listingId: string, header: (name: string) => string | undefined, body: Uint8Array) => {
    const id = parseListingId(listingId);
    const listing = await listingOf(id);
    const auth = parseAuth(header);
    const now = access.now();
    if (auth.deadline < BigInt(now)) throw new GatewayError(401, `expired deadline ${auth.deadline} (now ${now})`);
    if (auth.deadline > BigInt(now + MAX_DEADLINE_SECONDS))
      throw new GatewayError(401, `deadline more than ${MAX_DEADLINE_SECONDS} s ahead`);
    const signer = await verifyAuth(auth, domain, id, body);
    if (!limiter.take(signer)) throw new GatewayError(429, `rate limit: ${o.ratePerSecond} requests/s per address`);
    if (!nonces.use(signer, auth.nonce, Number(auth.deadline), now))
      throw new GatewayError(401, `nonce ${auth.nonce} already used (replay)`);
    const expiry = await access.expiry(id, signer);
    if (expiry <= access.now())
      throw new GatewayError(402, `no access to listing ${id}: buy it on the marketplace`, {
        listingId: String(id),
        price: String(listing.price),
        period: listing.period,
        marketplace: domain.marketplace,
        chainId: domain.chainId,
        expiry,
      });
    const model = await host.get(listing.modelCid);
    const inputs = parseInputs(body, model.width, o.maxRows);
    const outputs = host.predict(model, inputs);
    // belt and braces for the benchmark's count: the expiry we served under
    if (expiry <= now) stats.servedWithoutAccess++;
    return { expiry, body: JSON.stringify({ outputs, modelCid: model.cid, listingId: String(id) }) };
  };
  app.onError((err, c) => {
    const r = errorAnswer(err, o.log);
    return c.json(r.body, r.status);
  });
  app.notFound((c) => c.json({ error: "not found: POST /v1/listings/:listingId/predict" }, 404));

  const server: Server = createServer((req, res) => {
    void handle(app, predict, o.log, req, res, o.maxBodyBytes, stats);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const stop = new AbortController();
  const watching = access.run(stop.signal, (e) =>
    o.log.warn({ err: (e as Error).message }, "access watcher: RPC error (retrying)"),
  );
  o.log.info({ port, marketplace: domain.marketplace }, "gateway listening");
  return {
    url: `http://${o.host}:${port}`,
    port,
    access,
    stats,
    async close() {
      stop.abort();
      await watching;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Signs and verifies one request with a throwaway key: the keccak and secp256k1 code paths run once before traffic. */
async function warmSignatureCheck(domain: GatewayDomain): Promise<void> {
  const account = privateKeyToAccount(generatePrivateKey());
  const body = new TextEncoder().encode('{"inputs":[]}');
  const headers = await signRequest(account, domain, { listingId: 1n, body, deadline: 1n });
  const signer = await verifyAuth(
    parseAuth((n) => headers[n]),
    domain,
    1n,
    body,
  );
  if (signer !== account.address) throw new Error("the gateway's signature check failed its self-test");
}

/** What a failed request is answered: a refusal's status and body, or a logged 500 that says nothing more. */
function errorAnswer(
  err: unknown,
  log: Logger,
): { status: GatewayError["status"]; body: Record<string, string | number> } {
  if (err instanceof GatewayError) return { status: err.status, body: err.body() };
  log.error({ err: (err as Error).message }, "gateway request failed");
  return { status: 500, body: { error: "internal error" } };
}

function parseListingId(s: string): bigint {
  if (!/^[1-9][0-9]{0,30}$/.test(s)) throw new GatewayError(404, `unknown listing ${s}`);
  return BigInt(s);
}

type Predict = (
  listingId: string,
  header: (name: string) => string | undefined,
  body: Uint8Array,
) => Promise<{ expiry: number; body: string }>;

const PREDICT_PATH = /^\/v1\/listings\/([^/?#]*)\/predict(?:\?.*)?$/;

/**
 * node:http → the routes: the body is read here, capped (413 as soon as it is over), then `POST …/predict` goes to
 * `predict` directly and everything else to Hono.
 */
async function handle(
  app: Hono<{ Bindings: { body: Uint8Array } }>,
  predict: Predict,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  maxBody: number,
  stats: Gateway["stats"],
): Promise<void> {
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };
  const tooLarge = () =>
    send(413, JSON.stringify({ error: `body larger than ${maxBody} bytes` }), { connection: "close" });
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBody) {
    tooLarge();
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) {
        tooLarge();
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return;
  }
  const body = new Uint8Array(Buffer.concat(chunks));
  const paid = req.method === "POST" ? PREDICT_PATH.exec(req.url ?? "") : null;
  if (paid) {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === "string" ? v : undefined;
    };
    try {
      const r = await predict(paid[1]!, header, body);
      send(200, r.body, { "x-flock-expiry": String(r.expiry) });
    } catch (err) {
      const r = errorAnswer(err, log);
      send(r.status, JSON.stringify(r.body));
    }
    return;
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const request = new Request(`http://gateway${req.url ?? "/"}`, { method: req.method, headers });
  let response: Response;
  try {
    response = await app.fetch(request, { body });
  } catch {
    response = new Response(JSON.stringify({ error: "internal error" }), { status: 500 });
  }
  const text = await response.text();
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    out[k] = v;
  });
  send(response.status, text, out);
}
