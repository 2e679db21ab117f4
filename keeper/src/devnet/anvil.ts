/** A local anvil chain from the npm `@foundry-rs/anvil` binary (never `npx anvil`: it leaves orphans). */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Managed, startProcess } from "./procs.js";

const require = createRequire(import.meta.url);

/** The binary of a Foundry tool (anvil, forge, cast) from its per-platform npm package. */
export function foundryBinary(tool: "anvil" | "forge" | "cast"): string {
  const plat = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform as string];
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  try {
    const pkg = require.resolve(`@foundry-rs/${tool}-${plat}-${arch}/package.json`);
    const bin = join(dirname(pkg), "bin", process.platform === "win32" ? `${tool}.exe` : tool);
    if (existsSync(bin)) return bin;
  } catch {
    /* fall through */
  }
  throw new Error(
    `no ${tool} binary for ${process.platform}-${process.arch}: run \`npm ci\` (it installs @foundry-rs/${tool})`,
  );
}

export interface Anvil {
  url: string;
  port: number;
  process: Managed;
  stop(): Promise<void>;
}

export interface AnvilOptions {
  port?: number;
  accounts?: number;
  /** dump the state here on exit and load it on start (to restart a chain with its state) */
  stateFile?: string;
  logFile?: string;
  timeoutMs?: number;
  /** start with mining off (transactions wait in the pool until `evm_mine` / `evm_setAutomine`) */
  noMining?: boolean;
  /** keep only the latest states in memory (`--prune-history`): mining long runs of blocks stays fast */
  pruneHistory?: boolean;
}

export async function startAnvil(o: AnvilOptions = {}): Promise<Anvil> {
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(o.port ?? 0),
    "--accounts",
    String(o.accounts ?? 20),
    "--balance",
    "10000",
    "--chain-id",
    "31337",
  ];
  if (o.stateFile) args.push("--state", o.stateFile);
  if (o.noMining) args.push("--no-mining");
  if (o.pruneHistory) args.push("--prune-history");
  let resolvePort: (p: number) => void;
  const portSeen = new Promise<number>((r) => (resolvePort = r));
  const proc = startProcess("anvil", foundryBinary("anvil"), args, {
    logFile: o.logFile,
    onLine: (line) => {
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolvePort(Number(m[1]));
    },
  });
  const timeout = new Promise<never>((_, rej) =>
    setTimeout(() => rej(new Error("anvil did not start within the timeout")), o.timeoutMs ?? 20_000).unref(),
  );
  const exited = proc.exited.then((c) => Promise.reject(new Error(`anvil exited early (${c})`)));
  const port = await Promise.race([portSeen, timeout, exited]);
  const url = `http://127.0.0.1:${port}`;
  return { url, port, process: proc, stop: () => proc.stop() };
}

/** A JSON-RPC call to anvil's dev methods (evm_increaseTime, anvil_mine, ...). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Moves block time forward to at least `timestamp` and mines a block there. */
export async function warpTo(url: string, timestamp: number): Promise<void> {
  const latest = await rpc<{ timestamp: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  const now = Number(BigInt(latest.timestamp));
  if (timestamp > now) await rpc(url, "evm_setNextBlockTimestamp", [timestamp]);
  await rpc(url, "evm_mine", []);
}

export async function mine(url: string, blocks: number): Promise<void> {
  await rpc(url, "anvil_mine", [`0x${blocks.toString(16)}`]);
}
