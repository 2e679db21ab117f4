/** The bot loop: a pid lock per bot and account, no overlapping ticks, errors survived, a clean stop. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { AlreadyRunningError, acquirePidLock, Bot } from "../src/roles/bot.js";

const dir = mkdtempSync(join(tmpdir(), "flock-bot-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const BOT_MODULE = resolve(import.meta.dirname, "../src/roles/bot.ts");

/** Another process that takes the lock and holds it until killed; resolves once it holds it. */
function holder(dataDir: string, name: string): Promise<ChildProcess> {
  const code = `const { acquirePidLock } = await import(${JSON.stringify(BOT_MODULE)}); acquirePidLock(${JSON.stringify(dataDir)}, ${JSON.stringify(name)}); console.log("locked"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((res, rej) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && res(child));
    child.once("exit", (c) => rej(new Error(`lock holder exited (${c})`)));
  });
}

describe("acquirePidLock", () => {
  it("fails while another live process holds the lock, and takes it over once that process is gone", async () => {
    const child = await holder(dir, "validator-0xabc");
    const path = join(dir, "locks", "validator-0xabc.pid");
    expect(readFileSync(path, "utf8")).toBe(String(child.pid));
    expect(() => acquirePidLock(dir, "validator-0xabc")).toThrow(AlreadyRunningError);
    expect(() => acquirePidLock(dir, "validator-0xabc")).toThrow(new RegExp(`pid ${child.pid}`));
    // another bot name, or another account, is another lock
    acquirePidLock(dir, "finalizer-0xabc")();
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL"); // no chance to clean up: the lock file stays behind, stale
    await gone;
    expect(existsSync(path)).toBe(true);
    const release = acquirePidLock(dir, "validator-0xabc");
    expect(readFileSync(path, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(path)).toBe(false);
  }, 30_000);

  it.each([
    ["a pid that no longer exists", "2147483646"],
    ["something that is not a pid", "garbage"],
    ["an empty file", ""],
  ])("takes over a lock file holding %s, and release removes it", (_what, content) => {
    // a directory of its own: nothing depends on what another test left behind
    const own = mkdtempSync(join(dir, "stale-"));
    const path = join(own, "locks", "x.pid");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    const release = acquirePidLock(own, "x");
    expect(readFileSync(path, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(path)).toBe(false);
  });
});

class GatedBot extends Bot {
  gate?: PromiseWithResolvers<void>;
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;
  constructor(pollMs = 5) {
    super("gated", pino({ level: "silent" }), pollMs);
  }
  protected async tick(): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate.promise;
      if (this.failNext) {
        this.failNext = false;
        throw new Error("boom");
      }
    } finally {
      this.inFlight--;
    }
  }
}

class TasksBot extends Bot {
  done: bigint[] = [];
  constructor() {
    super("tasks", pino({ level: "silent" }), 5);
  }
  protected async tick(): Promise<void> {
    await this.eachTask([1n, 2n, 3n], async (id) => {
      if (id === 2n) throw new Error("getTask(2) reverted: UnknownTask(2)");
      this.done.push(id);
    });
  }
}

describe("Bot", () => {
  it("goes on with the other tasks when one fails, and counts the tick as failed", async () => {
    const bot = new TasksBot();
    expect(await bot.tickOnce()).toBe(true);
    expect(bot.done).toEqual([1n, 3n]);
    expect(bot.errors).toBe(1);
    expect(bot.ticks).toBe(0);
  });

  it("never runs two ticks at once: a tick asked for while one runs is skipped", async () => {
    const bot = new GatedBot();
    bot.gate = Promise.withResolvers<void>();
    const first = bot.tickOnce();
    expect(await bot.tickOnce()).toBe(false);
    expect(await bot.tickOnce()).toBe(false);
    bot.gate.resolve();
    expect(await first).toBe(true);
    expect(bot.ticks).toBe(1);
    expect(bot.maxInFlight).toBe(1);
    bot.gate = undefined;
    expect(await bot.tickOnce()).toBe(true);
    expect(bot.ticks).toBe(2);
  });

  it("survives a failing tick and goes on", async () => {
    const bot = new GatedBot();
    bot.failNext = true;
    expect(await bot.tickOnce()).toBe(true);
    expect(bot.errors).toBe(1);
    expect(bot.ticks).toBe(0);
    await bot.tickOnce();
    expect(bot.ticks).toBe(1);
  });

  it("runs until aborted, one tick after another, and stops promptly", async () => {
    const bot = new GatedBot(10_000);
    const ctl = new AbortController();
    const running = bot.run(ctl.signal);
    // the first tick runs at once; the loop then sleeps 10 s, which the abort cuts short
    while (bot.ticks === 0) await new Promise((r) => setImmediate(r));
    ctl.abort();
    await running;
    expect(bot.ticks).toBe(1);
    expect(bot.maxInFlight).toBe(1);
  });
});
