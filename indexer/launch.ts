/**
 * Starts the Ponder indexer as a child process and resolves once it serves `/ready`.
 *
 *   const indexer = await startIndexer({ rpcUrl, deploymentsPath, dataDir, port: 0 });
 *   fetch(indexer.graphqlUrl, …); await indexer.stop();
 *
 * The ponder binary runs directly on this Node (`process.execPath`), in its own process group; `stop()` signals the
 * whole group (SIGTERM, then SIGKILL after a grace period), so no orphan survives.
 *
 * Finality on a local chain: Ponder treats the last 30 blocks as unfinalized and `/ready` only turns 200 once the
 * historical backfill up to the finalized block is done. On anvil, call `mineBlocks(rpcUrl, 64)` (or pass
 * `mineForReady: true`) so that `/ready` is reached; then `waitForIndexedBlock` waits for a given block to be indexed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface StartIndexerOptions {
  rpcUrl: string;
  /** the deployments JSON (chain id, start block, addresses) */
  deploymentsPath: string;
  /** where the PGlite database and the log file live */
  dataDir: string;
  /** HTTP port; 0 picks a free one */
  port?: number;
  /** PostgreSQL connection string; PGlite when absent */
  databaseUrl?: string;
  /** database schema (default "flock") */
  schema?: string;
  logLevel?: "error" | "warn" | "info" | "debug" | "trace";
  /** how long to wait for `/ready` (default 120 s) */
  readyTimeoutMs?: number;
  /** mine blocks on the (anvil) chain while waiting so the finality window is passed (default false) */
  mineForReady?: boolean;
  /** block polling interval of the indexer (default 250 ms on chain 31337) */
  pollingIntervalMs?: number;
  /**
   * keep fetched RPC data in the database and reuse it (default: off on chain 31337). Only with a PGlite directory or
   * a PostgreSQL database that never saw another chain under the same id (the cache is shared by every schema).
   */
  rpcCache?: boolean;
  /** extra Node.js flags for the indexer process, e.g. ["--cpu-prof", "--cpu-prof-dir", dir] */
  nodeArgs?: string[];
  /** called with the child's pid as soon as it is spawned (its process group id too) */
  onSpawn?: (pid: number) => void;
  /** called with every log line of the child (JSON lines) */
  onLog?: (line: string) => void;
}

export interface RunningIndexer {
  /** base URL, e.g. http://127.0.0.1:42069 */
  url: string;
  graphqlUrl: string;
  port: number;
  pid: number;
  logFile: string;
  /** stops the indexer (its whole process group); resolves when it has exited */
  stop(): Promise<void>;
}

export class IndexerStartError extends Error {
  override name = "IndexerStartError";
}

const indexerRoot = fileURLToPath(new URL(".", import.meta.url));
const ponderBin = fileURLToPath(new URL("../node_modules/ponder/dist/esm/bin/ponder.js", import.meta.url));

export async function startIndexer(opts: StartIndexerOptions): Promise<RunningIndexer> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const logFile = join(dataDir, "ponder.log");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  Object.assign(env, {
    FLOCK_RPC_URL: opts.rpcUrl,
    FLOCK_DEPLOYMENTS: resolve(opts.deploymentsPath),
    FLOCK_INDEXER_PGLITE_DIR: join(dataDir, "pglite"),
    PONDER_TELEMETRY_DISABLED: "true",
    NODE_ENV: "production",
  });
  delete env.FLOCK_CHAIN_ID;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.pollingIntervalMs) env.FLOCK_POLLING_INTERVAL_MS = String(opts.pollingIntervalMs);
  if (opts.rpcCache !== undefined) env.FLOCK_RPC_CACHE = opts.rpcCache ? "1" : "0";
  else delete env.FLOCK_RPC_CACHE;
  const args = [
    ...(opts.nodeArgs ?? []),
    ponderBin,
    "start",
    "--root",
    indexerRoot,
    "--schema",
    opts.schema ?? "flock",
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
    "--log-format",
    "json",
    "--log-level",
    opts.logLevel ?? "info",
  ];
  const child = spawn(process.execPath, args, {
    cwd: indexerRoot,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  const log = createWriteStream(logFile, { flags: "a" });
  const tail: string[] = [];
  let actualPort = port;
  let partial = "";
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      tail.push(line);
      opts.onLog?.(line);
      if (tail.length > 40) tail.shift();
      if (line.includes('"Created HTTP server"')) {
        const m = /"port":(\d+)/.exec(line);
        if (m) actualPort = Number(m[1]);
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return exited.then(() => undefined);
    stopped = true;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL"); // anything left in the group
    await new Promise<void>((res) => log.end(res));
  };

  try {
    await waitReady(() => `http://127.0.0.1:${actualPort}`, exited, tail, opts);
  } catch (e) {
    await stop();
    throw e;
  }
  const url = `http://127.0.0.1:${actualPort}`;
  return { url, graphqlUrl: `${url}/graphql`, port: actualPort, pid: child.pid!, logFile, stop };
}

async function waitReady(
  base: () => string,
  exited: Promise<number | null>,
  tail: string[],
  opts: StartIndexerOptions,
): Promise<void> {
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c ?? -1));
  let lastMine = 0;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new IndexerStartError(`ponder exited with code ${exitCode} before it was ready:\n${tail.join("\n")}`);
    }
    try {
      const res = await fetch(`${base()}/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (opts.mineForReady && Date.now() - lastMine > 1000) {
      lastMine = Date.now();
      await mineBlocks(opts.rpcUrl, 32).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new IndexerStartError(`ponder was not ready within ${opts.readyTimeoutMs ?? 120_000} ms:\n${tail.join("\n")}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const p = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => res(p));
    });
  });
}

async function rpc(rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Mines `n` empty blocks on anvil (`anvil_mine`), e.g. to pass Ponder's 30-block finality window. */
export async function mineBlocks(rpcUrl: string, n: number): Promise<void> {
  await rpc(rpcUrl, "anvil_mine", [`0x${n.toString(16)}`]);
}

/** The latest block the indexer has indexed, from its `/status`. */
export async function indexedBlock(indexerUrl: string): Promise<number | undefined> {
  const res = await fetch(`${indexerUrl}/status`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) return undefined;
  const status = (await res.json()) as Record<string, { block?: { number: number } }>;
  const first = Object.values(status)[0];
  return first?.block?.number;
}

/** Waits until the indexer has indexed block `blockNumber` (or later). */
export async function waitForIndexedBlock(
  indexerUrl: string,
  blockNumber: number | bigint,
  timeoutMs = 60_000,
): Promise<void> {
  const target = Number(blockNumber);
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = await indexedBlock(indexerUrl).catch(() => undefined);
    if (last !== undefined && last >= target) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new IndexerStartError(
    `the indexer did not reach block ${target} within ${timeoutMs} ms (at ${last ?? "unknown"})`,
  );
}
