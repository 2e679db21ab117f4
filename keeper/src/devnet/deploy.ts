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
  /** where the deployments JSON ends up */
  out: string;
  /** keep MINTER_ROLE with the deployer (a devnet faucet) */
  devnetMinter?: boolean;
  logFile?: string;
  /** governance timings and thresholds (script/Deploy.s.sol's FLOCK_GOV_* variables); unset: the script's defaults */
  gov?: GovSettings;
  /** give up (and kill forge) after this long; default 240 s */
  timeoutMs?: number;
}

/** Governance settings for `script/Deploy.s.sol` (seconds; the threshold in FLOCK base units). */
export interface GovSettings {
  votingDelay: number;
  votingPeriod: number;
  threshold: bigint;
  quorumPercent: number;
  lateQuorum: number;
  timelockDelay: number;
}

/**
 * A devnet's governance: the same contracts and rules as production, on a clock a demo can walk through in
 * seconds (the devnet advances anvil's time instead of waiting days).
 */
export const DEVNET_GOV: GovSettings = {
  votingDelay: 60,
  votingPeriod: 600,
  threshold: 1_000n * 10n ** 18n,
  quorumPercent: 4,
  lateQuorum: 120,
  timelockDelay: 300,
};

function govEnv(g: GovSettings | undefined): Record<string, string> {
  if (!g) return {};
  return {
    FLOCK_GOV_VOTING_DELAY: String(g.votingDelay),
    FLOCK_GOV_VOTING_PERIOD: String(g.votingPeriod),
    FLOCK_GOV_THRESHOLD: g.threshold.toString(),
    FLOCK_GOV_QUORUM_PERCENT: String(g.quorumPercent),
    FLOCK_GOV_LATE_QUORUM: String(g.lateQuorum),
    FLOCK_GOV_TIMELOCK_DELAY: String(g.timelockDelay),
  };
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
      // one transaction at a time, each after the previous one's receipt. Sent all at once, several of them may be
      // mined into one block under load; when they fill its gas limit, the rest wait in anvil's pool for a next
      // transaction that never comes (automine mines on arrival) and forge waits for their receipts forever.
      "--slow",
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        // the solc shim runs on the Node that runs us
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        FLOCK_DEPLOYMENTS_OUT: scratch,
        ...govEnv(o.gov),
        FLOCK_DEVNET_MINTER: o.devnetMinter ? "1" : "0",
      },
      logFile: o.logFile,
      onLine: (l) => lines.push(l),
    },
  );
  const timeoutMs = o.timeoutMs ?? 240_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), timeoutMs);
  });
  const code = await Promise.race([proc.exited, timedOut]);
  clearTimeout(timer);
  if (code === "timeout") {
    await proc.stop();
    rmSync(join(REPO_ROOT, scratch), { force: true });
    throw new Error(
      `forge script did not finish within ${timeoutMs / 1000} s (${o.rpcUrl}); its last lines:\n${lines.slice(-30).join("\n")}`,
    );
  }
  if (code !== 0) {
    rmSync(join(REPO_ROOT, scratch), { force: true });
    throw new Error(`forge script failed (${code}):\n${lines.slice(-30).join("\n")}`);
  }
  mkdirSync(dirname(o.out), { recursive: true });
  copyFileSync(join(REPO_ROOT, scratch), o.out);
  rmSync(join(REPO_ROOT, scratch), { force: true });
  return readDeployments(o.out);
}
