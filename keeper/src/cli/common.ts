/**
 * What every command shares: the configuration flags (from config.ts' SETTINGS) on the program, reading them back,
 * opening a node for one job and closing it, printing results as JSON, and running a bot until a signal.
 * Heavy modules (the roles, TF.js, Helia, the ABIs) are imported by the actions that need them: `flock --help` and a
 * rejected flag answer at once.
 */
import type { Command } from "@commander-js/extra-typings";
import { Option } from "@commander-js/extra-typings";
import { type Config, type Flags, readConfig, SETTINGS, type SettingName } from "../config.js";
import type { Node } from "../node.js";

/** The configuration flags, on the program (they are accepted before and after the command). */
export function addSettings<C extends Command<[], Record<string, unknown>>>(cmd: C): C {
  for (const [name, s] of Object.entries(SETTINGS)) {
    const help = `${s.doc} [env ${s.env}${"def" in s ? `, default ${s.def}` : ""}]`;
    cmd.addOption(new Option(`${s.flag} <value>`, help).hideHelp(name === "keystorePassword"));
  }
  return cmd;
}

function isSetting(name: string): name is SettingName {
  return name in SETTINGS;
}

/** The configuration flags given on the command line (for `readConfig`). */
export function flagsOf(cmd: { optsWithGlobals(): object }): Flags {
  const out: Flags = {};
  for (const [name, value] of Object.entries(cmd.optsWithGlobals()))
    if (isSetting(name) && typeof value === "string") out[name] = value;
  return out;
}

export function configOf(cmd: { optsWithGlobals(): object }): Config {
  return readConfig(flagsOf(cmd));
}

/** Opens a node (chain, protocol, journal and, unless `store: false`, the content store), runs `job`, closes it. */
export async function withNode<T>(
  cmd: { optsWithGlobals(): object },
  job: (node: Node) => Promise<T>,
  opts: { store?: boolean } = {},
): Promise<T> {
  const config = configOf(cmd);
  const { openNode } = await import("../node.js");
  const node = await openNode(config, { store: opts.store });
  try {
    return await job(node);
  } finally {
    await node.close();
  }
}

/** Prints a result as JSON (bigints as decimal strings) on stdout. */
export function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}

/** An AbortSignal that fires on SIGINT / SIGTERM (for watching commands). */
export function stopSignal(): AbortSignal {
  const ctl = new AbortController();
  const stop = () => ctl.abort(new Error("stopped by a signal"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return ctl.signal;
}

/** One tick, or (watching) ticks until SIGINT / SIGTERM. */
export async function runBot(
  bot: { tickOnce(): Promise<boolean>; run(signal: AbortSignal): Promise<void> },
  watch: boolean,
): Promise<void> {
  if (!watch) {
    await bot.tickOnce();
    return;
  }
  await bot.run(stopSignal());
}
