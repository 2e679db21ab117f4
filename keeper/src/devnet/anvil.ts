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

/**
 * Devnet and tests only: sends `data` to `to` from the governance timelock, as an executed proposal would (anvil
 * impersonates the timelock for this one transaction and gives it gas money). The protocol's real path to the same
 * call is a proposal: `flock gov propose | vote | queue | execute`. Resolves once the transaction is mined; a revert
 * is an error.
 */
export async function sendAsTimelock(url: string, timelock: string, to: string, data: string): Promise<void> {
  await rpc(url, "anvil_impersonateAccount", [timelock]);
  try {
    await rpc(url, "anvil_setBalance", [timelock, "0x8ac7230489e80000"]); // 10 ETH
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: timelock, to, data }]);
    if (!(await rpc<boolean>(url, "anvil_getAutomine"))) await rpc(url, "evm_mine", []);
    let receipt: { status: string } | null = null;
    for (let i = 0; i < 600 && !receipt; i++) {
      receipt = await rpc<{ status: string } | null>(url, "eth_getTransactionReceipt", [hash]);
      if (!receipt) await new Promise((r) => setTimeout(r, 50));
    }
    if (!receipt) throw new Error(`the timelock's transaction ${hash} was not mined`);
    if (receipt.status !== "0x1") throw new Error(`the timelock's transaction ${hash} reverted`);
  } finally {
    await rpc(url, "anvil_stopImpersonatingAccount", [timelock]);
  }
}
