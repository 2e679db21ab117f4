/**
 * Child processes that never outlive us: each is spawned in its own process group and killed as a group (SIGTERM,
 * then SIGKILL after a grace period) — also when this process exits abnormally.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

export interface Managed {
  name: string;
  child: ChildProcess;
  /** resolves with the exit code (or signal name) once the process has exited */
  exited: Promise<number | string>;
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Managed>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const m of live) killGroup(m.child, "SIGKILL");
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export interface StartOptions extends SpawnOptions {
  /** append stdout and stderr to this file */
  logFile?: string;
  /** called with each line of stdout and stderr */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export function startProcess(name: string, command: string, args: string[], opts: StartOptions = {}): Managed {
  hookExit();
  const { logFile, onLine, ...spawnOpts } = opts;
  const child = spawn(command, args, { ...spawnOpts, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log: WriteStream | undefined;
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    log = createWriteStream(logFile, { flags: "a" });
  }
  for (const stream of ["stdout", "stderr"] as const) {
    let buf = "";
    child[stream]?.on("data", (chunk: Buffer) => {
      log?.write(chunk);
      if (!onLine) return;
      buf += chunk.toString("utf8");
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        onLine(buf.slice(0, i), stream);
        buf = buf.slice(i + 1);
      }
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(managed);
      log?.end();
      resolve(code ?? signal ?? "unknown");
    });
    child.once("error", (e) => {
      live.delete(managed);
      log?.end();
      resolve(`spawn error: ${e.message}`);
    });
  });
  const managed: Managed = {
    name,
    child,
    exited,
    async stop(graceMs = 5_000) {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(managed);
  return managed;
}

/** Stops every process started here (in reverse order of start). */
export async function stopAll(): Promise<void> {
  for (const m of [...live].reverse()) await m.stop();
}
