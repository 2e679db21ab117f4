/**
 * `npm run bench:gateway`: the inference gateway under a mixed load, measured from a second process (autocannon).
 *
 * Sets up a real settled MNIST task on anvil + embedded IPFS, lists its winner, has one account buy access, starts
 * `flock serve`'s gateway, pre-signs the requests (one digit each), then spawns the load generator. The mix: 80%
 * valid requests of the buyer, and 5% each of unsigned, replayed (an already-served request sent again), unpaid
 * (signed by an account without access) and wrongly signed requests. Prints p50/p99 latency at the offered rate (all
 * requests, as autocannon measures them), the status counts and the latency per kind (the goal is the valid, paying
 * requests'; an unpaid one costs a chain read), and the number of requests answered 200 without access (must be 0);
 * then the signature + access check alone (warm cache) in-process.
 *
 *   npm run bench:gateway [-- --rate 200 --seconds 20]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Market } from "../src/chain/market.js";
import { loadDataset } from "../src/data/dataset.js";
import type { ActorName } from "../src/devnet/actors.js";
import { initBackend } from "../src/eval/backend.js";
import { EvalPool } from "../src/eval/index.js";
import { ModelHost } from "../src/gateway/models.js";
import { HEADER, parseAuth, signRequest, verifyAuth } from "../src/gateway/protocol.js";
import { DEFAULT_GATEWAY_OPTIONS, startGateway } from "../src/gateway/server.js";
import type { Node } from "../src/node.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { actorNode, FLOCK, fund, startDevChain } from "../test/helpers/devchain.js";
import { settledAndListed } from "../test/helpers/market.js";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RATE = arg("rate", 200);
const SECONDS = arg("seconds", 20);

const pct = (xs: number[], p: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "flock-bench-gateway-"));
  const chain = await startDevChain(dir);
  const hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  const pool = new EvalPool({ size: 1 });
  const nodes = new Map<ActorName, Node>();
  const node = (name: ActorName) => {
    let n = nodes.get(name);
    if (!n) {
      n = actorNode(chain, name, hub);
      nodes.set(name, n);
    }
    return n;
  };
  try {
    process.stderr.write("setting up a settled, listed task (anvil + IPFS + bots)…\n");
    const listed = await settledAndListed(chain, node, pool, { price: FLOCK(1), period: 30 * 86400 });
    await pool.close();
    await fund(node("deployer"), chain, [["delegator", FLOCK(100)]]);
    await new Market(node("delegator").protocol).buy(listed.listingId, 1n);
    await initBackend("auto");
    const market = new Market(node("deployer").protocol);
    const domain = { chainId: chain.deployments.chainId, marketplace: market.contract.address };
    const host = new ModelHost(hub, { maxBytes: 50 * 1024 * 1024, timeoutMs: 30_000 });
    const gw = await startGateway(market, host, {
      ...DEFAULT_GATEWAY_OPTIONS,
      host: "127.0.0.1",
      port: 0,
      ratePerSecond: 100_000,
      burst: 100_000,
      log: chain.log,
      listings: [listed.listingId],
    });
    const ds = await loadDataset(listed.evalDir);
    const width = ds.x.length / ds.y.length;
    const digit = (i: number) => Array.from(ds.x.slice((i % 100) * width, ((i % 100) + 1) * width));
    const now = await node("deployer").protocol.now();
    const deadline = BigInt(now + 550);
    const path = `/v1/listings/${listed.listingId}/predict`;
    const total = RATE * SECONDS + RATE;
    process.stderr.write(`pre-signing ${total} requests…\n`);
    const plan: { kind: string; path: string; headers: Record<string, string>; body: string }[] = [];
    const valid: { headers: Record<string, string>; body: string }[] = [];
    for (let i = 0; i < total; i++) {
      const body = JSON.stringify({ inputs: [digit(i)] });
      const bytes = new TextEncoder().encode(body);
      const base = { "content-type": "application/json" };
      const k = i % 20;
      if (k < 16) {
        const h = await signRequest(chain.cast.delegator.account, domain, {
          listingId: listed.listingId,
          body: bytes,
          deadline,
        });
        valid.push({ headers: { ...base, ...h }, body });
        plan.push({ kind: "valid", path, headers: { ...base, ...h }, body });
      } else if (k === 16) plan.push({ kind: "unsigned", path, headers: base, body });
      else if (k === 17) {
        const v = valid[Math.max(0, valid.length - 40)];
        plan.push({ kind: "replayed", path, headers: v.headers, body: v.body });
      } else if (k === 18) {
        const h = await signRequest(chain.cast["trainer-medium"].account, domain, {
          listingId: listed.listingId,
          body: bytes,
          deadline,
        });
        plan.push({ kind: "unpaid", path, headers: { ...base, ...h }, body });
      } else {
        const h = await signRequest(chain.cast["trainer-medium"].account, domain, {
          listingId: listed.listingId,
          body: bytes,
          deadline,
        });
        plan.push({
          kind: "forged",
          path,
          headers: { ...base, ...h, [HEADER.address]: chain.cast.delegator.address },
          body,
        });
      }
    }
    const planFile = join(dir, "plan.json");
    writeFileSync(planFile, JSON.stringify(plan));

    // the in-process cost of the signature + access check, warm cache (requests not sent to the server)
    const extra = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const body = new TextEncoder().encode(JSON.stringify({ inputs: [digit(i)] }));
        const h = await signRequest(chain.cast.delegator.account, domain, {
          listingId: listed.listingId,
          body,
          deadline,
        });
        return { h, body };
      }),
    );
    await gw.access.expiry(listed.listingId, chain.cast.delegator.address);
    const checks: number[] = [];
    for (const { h, body } of extra) {
      const t = performance.now();
      const auth = parseAuth((n) => h[n]);
      const signer = await verifyAuth(auth, domain, listed.listingId, body);
      const e = await gw.access.expiry(listed.listingId, signer);
      if (e <= gw.access.now()) throw new Error("the buyer has no access");
      checks.push(performance.now() - t);
    }

    process.stderr.write(`load: ${RATE} req/s for ${SECONDS} s from a second process (autocannon)…\n`);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, "gateway-load.cjs"), planFile, gw.url, String(RATE), String(SECONDS)],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let s = "";
      child.stdout.on("data", (d) => {
        s += d;
      });
      child.on("exit", (code) => (code === 0 ? resolve(s) : reject(new Error(`load generator exited ${code}`))));
    });
    const r = JSON.parse(out) as {
      sent: number;
      p50: number;
      p99: number;
      max: number;
      rps: number;
      errors: number;
      timeouts: number;
      counts: Record<string, Record<string, number>>;
      byKind: Record<string, { n: number; p50: number; p99: number; max: number }>;
    };
    const unauthorised = Object.entries(r.counts)
      .filter(([kind]) => kind !== "valid")
      .reduce((s, [, c]) => s + (c["200"] ?? 0), 0);
    console.log(
      `gateway under mixed load (${RATE} req/s offered, ${SECONDS} s, 8 connections, one MNIST digit per request)`,
    );
    console.log(`  sent ${r.sent}, ${r.rps.toFixed(0)} req/s, errors ${r.errors}, timeouts ${r.timeouts}`);
    console.log(`  latency (all requests): p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`);
    for (const [kind, c] of Object.entries(r.counts)) {
      const t = r.byKind[kind];
      const lat = t ? `  latency p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms (${t.n} timed)` : "";
      console.log(`  ${kind.padEnd(9)} ${JSON.stringify(c).padEnd(12)}${lat}`);
    }
    console.log(`  served without access: ${unauthorised + gw.stats.servedWithoutAccess}`);
    console.log(
      `signature + access check (warm cache, in-process, ${checks.length}): p50 ${pct(checks, 50).toFixed(3)} ms, p99 ${pct(checks, 99).toFixed(3)} ms`,
    );
    await gw.close();
    host.dispose();
    if (unauthorised > 0) process.exitCode = 1;
  } finally {
    for (const n of nodes.values()) await n.close();
    await hub.close();
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
