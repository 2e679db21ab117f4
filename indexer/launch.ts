/**
 * Starts the Ponder indexer as a child process and resolves once it serves `/ready`; then watches it.
 *
 *   const indexer = await startIndexer({ rpcUrl, deploymentsPath, dataDir, port: 0, restart: true });
 *   fetch(indexer.graphqlUrl, …); await indexer.stop();
 *
 * The ponder binary runs directly on this Node (`process.execPath`), in its own process group; `stop()` signals the
 * whole group (SIGTERM, then SIGKILL after a grace period), so no orphan survives.
 *
 * A child that dies after it was ready (a crash, `JavaScript heap out of memory`, a kill) is noticed at once: it is
 * reported through `onExit` (by default one clear line on stderr with its exit code and last log lines), and with
 * `restart` it is started again on the same port and data directory (Ponder resumes from its checkpoint), so the URLs
 * handed out stay valid; when it may not (or cannot) be restarted, `done` resolves with the exit — the caller decides
 * whether to stop (the devnet exits non-zero).
 *
 * Finality on a local chain: Ponder treats the last 30 blocks as unfinalized and `/ready` turns 200 once the historical
 * backfill up to the finalized block is done (the rest is indexed live, so no mining is needed); `waitForIndexedBlock`
 * waits until a given block is indexed. `mineForReady: true` mines while waiting, for chains that must be all backfill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
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
  /** how long to wait for `/ready` (default 120 s), at the start and at every restart */
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
  /** extra environment of the indexer process (e.g. `FLOCK_GRAPHQL_TIME_LIMIT_MS`) */
  env?: Record<string, string>;
  /** extra Node.js flags for the indexer process, e.g. ["--cpu-prof", "--cpu-prof-dir", dir] */
  nodeArgs?: string[];
  /**
   * Restart the indexer when it dies after it was ready (same port, same data): `true` = at most 3 restarts within
   * 10 minutes. Default: no restart.
   */
  restart?: boolean | { maxRestarts: number; windowMs: number };
  /**
   * Called when the running indexer exits without `stop()`. Default: one line on stderr saying so, with the exit code
   * and the last log lines.
   */
  onExit?: (event: IndexerExitEvent) => void;
  /** called with the child's pid as soon as it is spawned (its process group id too), at every (re)start */
  onSpawn?: (pid: number) => void;
  /** called with every log line of the child (JSON lines) */
  onLog?: (line: string) => void;
}

export interface IndexerExit {
  /** exit code, or null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** its last log lines */
  tail: string[];
}

export interface IndexerExitEvent extends IndexerExit {
  pid: number;
  /** true when it is being restarted; false when it stays down */
  restarting: boolean;
  /** restarts so far (this one included when `restarting`) */
  restarts: number;
  /** one sentence for people */
  message: string;
}

export interface RunningIndexer {
  /** base URL, e.g. http://127.0.0.1:42069 (the same across restarts) */
  url: string;
  graphqlUrl: string;
  /** the Explorer's page */
  explorerUrl: string;
  port: number;
  /** pid of the current ponder process (a restart changes it) */
  readonly pid: number;
  /** restarts so far */
  readonly restarts: number;
  logFile: string;
  /** whether the ponder process runs right now */
  alive(): boolean;
  /** resolves when the indexer is down for good: "stopped" after `stop()`, else how it died (not restarted) */
  done: Promise<IndexerExit | "stopped">;
  /** stops the indexer (its whole process group); resolves when it has exited */
  stop(): Promise<void>;
}

export class IndexerStartError extends Error {
  override name = "IndexerStartError";
}

const indexerRoot = fileURLToPath(new URL(".", import.meta.url));
const ponderBin = fileURLToPath(new URL("../node_modules/ponder/dist/esm/bin/ponder.js", import.meta.url));

interface Child {
  child: ChildProcess;
  pid: number;
  exited: Promise<IndexerExit>;
  /** its last log lines so far */
  tail: string[];
  isAlive(): boolean;
  stop(): Promise<void>;
}

/** Spawns one ponder process (own process group), its output appended to `log` and fed to `onLine`. */
function spawnPonder(args: string[], env: NodeJS.ProcessEnv, log: WriteStream, onLine: (line: string) => void): Child {
  const child = spawn(process.execPath, args, {
    cwd: indexerRoot,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  let partial = "";
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onLine(line);
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  let alive = true;
  const exited = new Promise<IndexerExit>((res) => {
    child.once("exit", (code, signal) => {
      alive = false;
      res({ code, signal, tail: [...tail, ...(partial.trim() ? [partial] : [])] });
    });
    child.once("error", (e) => {
      alive = false;
      res({ code: null, signal: null, tail: [...tail, `spawn error: ${e.message}`] });
    });
  });
  const stop = async () => {
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL"); // anything left in the group
  };
  return { child, pid: child.pid ?? -1, exited, tail, isAlive: () => alive, stop };
}

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
  Object.assign(env, opts.env);
  const args = (p: number) => [
    ...(opts.nodeArgs ?? []),
    ponderBin,
    "start",
    "--root",
    indexerRoot,
    "--schema",
    opts.schema ?? "flock",
    "-p",
    String(p),
    "-H",
    "127.0.0.1",
    "--log-format",
    "json",
    "--log-level",
    opts.logLevel ?? "info",
  ];
  const log = createWriteStream(logFile, { flags: "a" });
  let actualPort = port;
  const onLine = (line: string) => {
    opts.onLog?.(line);
    if (line.includes('"Created HTTP server"')) {
      const m = /"port":(\d+)/.exec(line);
      if (m) actualPort = Number(m[1]);
    }
  };
  const launch = () => {
    const c = spawnPonder(args(actualPort), env, log, onLine);
    if (c.pid > 0) opts.onSpawn?.(c.pid);
    return c;
  };

  let current = launch();
  try {
    await waitReady(() => `http://127.0.0.1:${actualPort}`, current, opts);
  } catch (e) {
    await current.stop();
    await new Promise<void>((res) => log.end(res));
    throw e;
  }

  // ── watching: a death after ready is reported, and restarted when allowed ──
  const policy = opts.restart === true ? { maxRestarts: 3, windowMs: 600_000 } : opts.restart || undefined;
  const report = opts.onExit ?? ((e: IndexerExitEvent) => process.stderr.write(`${e.message}\n`));
  let stopping = false;
  let restarts = 0;
  const restartTimes: number[] = [];
  let resolveDone!: (v: IndexerExit | "stopped") => void;
  const done = new Promise<IndexerExit | "stopped">((r) => (resolveDone = r));
  const url = `http://127.0.0.1:${actualPort}`;

  const watch = (c: Child): void => {
    void c.exited.then(async (exit) => {
      if (stopping) return;
      const now = Date.now();
      while (restartTimes.length && now - restartTimes[0]! > (policy?.windowMs ?? 0)) restartTimes.shift();
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const last = exit.tail
        .slice(-8)
        .map((l) => `  ${l.slice(0, 400)}`)
        .join("\n");
      const base = `indexer: ponder (pid ${c.pid}, ${url}) ${how}; last log lines (full log: ${logFile}):\n${last}`;
      if (!policy || restartTimes.length >= policy.maxRestarts) {
        const why = policy
          ? `${policy.maxRestarts} restarts within ${policy.windowMs / 1000} s already`
          : "no restart asked";
        report({
          ...exit,
          pid: c.pid,
          restarting: false,
          restarts,
          message: `${base}\nindexer: not restarting (${why}): it is down.`,
        });
        await new Promise<void>((res) => log.end(res));
        resolveDone(exit);
        return;
      }
      restarts++;
      restartTimes.push(now);
      report({
        ...exit,
        pid: c.pid,
        restarting: true,
        restarts,
        message: `${base}\nindexer: restarting it on the same port (restart ${restarts}).`,
      });
      const next = launch();
      current = next;
      try {
        await waitReady(() => url, next, opts);
        if (stopping) return;
        watch(next);
      } catch (e) {
        await next.stop();
        if (stopping) return;
        const failed = await next.exited;
        report({
          ...failed,
          pid: next.pid,
          restarting: false,
          restarts,
          message: `indexer: the restart failed (${e instanceof Error ? e.message.split("\n")[0] : String(e)}): it is down.`,
        });
        await new Promise<void>((res) => log.end(res));
        resolveDone(failed);
      }
    });
  };
  watch(current);

  const stop = async () => {
    if (stopping) return void (await done);
    stopping = true;
    await current.stop();
    await new Promise<void>((res) => (log.writableEnded ? res() : log.end(res)));
    resolveDone("stopped");
  };
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    explorerUrl: `${url}/`,
    port: actualPort,
    get pid() {
      return current.pid;
    },
    get restarts() {
      return restarts;
    },
    logFile,
    alive: () => current.isAlive(),
    done,
    stop,
  };
}

async function waitReady(base: () => string, c: Child, opts: StartIndexerOptions): Promise<void> {
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  let exit: IndexerExit | undefined;
  void c.exited.then((e) => (exit = e));
  let lastMine = 0;
  while (Date.now() < deadline) {
    if (exit) {
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      throw new IndexerStartError(`ponder ${how} before it was ready:\n${exit.tail.join("\n")}`);
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
  throw new IndexerStartError(
    `ponder was not ready within ${opts.readyTimeoutMs ?? 120_000} ms:\n${c.tail.join("\n")}`,
  );
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
