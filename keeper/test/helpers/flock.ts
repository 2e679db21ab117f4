/** Runs the real `flock` command (keeper/bin/flock.js) as a child process, on the Node that runs the tests. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/devnet/deploy.js";
import { type Managed, startProcess } from "../../src/devnet/procs.js";

export const FLOCK_BIN = join(REPO_ROOT, "keeper", "bin", "flock.js");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child: none of the caller's FLOCK_* settings leak in, only `env`. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("FLOCK_")) base[k] = v;
  return { ...base, FLOCK_LOG_LEVEL: "warn", ...env };
}

/** Runs `flock …args` to completion (killed, group and all, after `timeoutMs`). */
export function runFlock(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLOCK_BIN, ...args], {
      cwd: REPO_ROOT,
      env: childEnv(env),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
      reject(new Error(`flock ${args.join(" ")} did not finish within ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Starts a long-running `flock …args` (a bot) in its own process group; its output goes to `logFile`. */
export function startFlock(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  logFile: string,
): Managed {
  return startProcess(name, process.execPath, [FLOCK_BIN, ...args], { cwd: REPO_ROOT, env: childEnv(env), logFile });
}
