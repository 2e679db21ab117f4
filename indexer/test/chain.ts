/**
 * Test and benchmark plumbing around a real anvil: start it (own process group, killed on stop), deploy the protocol
 * with the real `script/Deploy.s.sol`, and small JSON-RPC helpers (time travel).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const anvilBin = join(repoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
const forgeBin = join(repoRoot, "node_modules/.bin/forge");

/** anvil's default key 0 (the deployer; also the devnet minter). */
export const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

export interface Anvil {
  rpcUrl: string;
  stop(): Promise<void>;
}

export async function startAnvil(opts: { accounts?: number; timeoutMs?: number } = {}): Promise<Anvil> {
  const child = spawn(
    anvilBin,
    ["--host", "127.0.0.1", "--port", "0", "--accounts", String(opts.accounts ?? 14), "--gas-limit", "100000000"],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const stop = async () => {
    kill(child, "SIGTERM");
    const t = setTimeout(() => kill(child, "SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
  };
  try {
    const port = await new Promise<number>((res, rej) => {
      let out = "";
      const timer = setTimeout(() => rej(new Error(`anvil did not start:\n${out}`)), opts.timeoutMs ?? 30_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(Number(m[1]));
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => rej(new Error(`anvil exited (${code}):\n${out}`)));
    });
    child.stdout!.resume();
    child.stderr!.resume();
    return { rpcUrl: `http://127.0.0.1:${port}`, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function kill(child: ChildProcess, sig: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    /* gone */
  }
}

/**
 * Deploys with `script/Deploy.s.sol` (deployer keeps MINTER_ROLE) and returns the deployments file path. forge may only
 * write under `deployments/` (foundry.toml fs_permissions), so the file is `deployments/local-<tag>.json` (gitignored).
 */
export async function deployProtocol(rpcUrl: string, tag: string): Promise<string> {
  mkdirSync(join(repoRoot, "deployments"), { recursive: true });
  const out = join(repoRoot, "deployments", `local-${tag}.json`);
  await promisify(execFile)(
    forgeBin,
    ["script", "script/Deploy.s.sol", "--rpc-url", rpcUrl, "--broadcast", "--private-key", DEPLOYER_KEY, "--slow"],
    {
      cwd: repoRoot,
      env: { ...process.env, FLOCK_DEPLOYMENTS_OUT: relative(repoRoot, out), FLOCK_DEVNET_MINTER: "1" },
      timeout: 240_000,
      maxBuffer: 16 << 20,
    },
  );
  return out;
}

export async function rpc<T = unknown>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Moves chain time forward by `seconds` and mines a block. */
export async function warp(rpcUrl: string, seconds: number): Promise<void> {
  await rpc(rpcUrl, "evm_increaseTime", [seconds]);
  await rpc(rpcUrl, "evm_mine", []);
}

export async function blockNumber(rpcUrl: string): Promise<number> {
  return Number(await rpc<string>(rpcUrl, "eth_blockNumber"));
}
