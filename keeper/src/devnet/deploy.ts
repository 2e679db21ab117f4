/** Deploys the protocol with `script/Deploy.s.sol` (forge script) and returns the deployments file it wrote. */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Deployments, readDeployments } from "../chain/deployments.js";
import { foundryBinary } from "./anvil.js";
import { startProcess } from "./procs.js";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..");

export interface DeployOptions {
  rpcUrl: string;
  privateKey: `0x${string}`;
  treasury: string;
  /** where the deployments JSON ends up */
  out: string;
  /** keep MINTER_ROLE with the deployer (a devnet faucet) */
  devnetMinter?: boolean;
  logFile?: string;
}

export async function deployProtocol(o: DeployOptions): Promise<Deployments> {
  // forge may only write under ./deployments (foundry.toml fs_permissions): write there, then move
  const scratch = join("deployments", `local-${process.pid}-${Date.now()}.json`);
  const lines: string[] = [];
  const proc = startProcess(
    "forge-script",
    foundryBinary("forge"),
    [
      "script",
      "script/Deploy.s.sol:Deploy",
      "--rpc-url",
      o.rpcUrl,
      "--broadcast",
      "--private-key",
      o.privateKey,
      "--non-interactive",
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        // the solc shim runs on the Node that runs us
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        FLOCK_DEPLOYMENTS_OUT: scratch,
        FLOCK_TREASURY: o.treasury,
        FLOCK_DEVNET_MINTER: o.devnetMinter ? "1" : "0",
      },
      logFile: o.logFile,
      onLine: (l) => lines.push(l),
    },
  );
  const code = await proc.exited;
  if (code !== 0) throw new Error(`forge script failed (${code}):\n${lines.slice(-30).join("\n")}`);
  mkdirSync(dirname(o.out), { recursive: true });
  copyFileSync(join(REPO_ROOT, scratch), o.out);
  rmSync(join(REPO_ROOT, scratch), { force: true });
  return readDeployments(o.out);
}
