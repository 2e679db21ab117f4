/**
 * `flock`: one command, a sub-command per role (one file each under ./cli/commands/). Each sub-command validates its
 * flags and the configuration first — every bad value is one line on stderr and exit code 2; no transaction is sent —
 * then builds a node and does one job.
 */
import { Command, CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { allianceCommand } from "./cli/commands/alliance.js";
import { claimCommand } from "./cli/commands/claim.js";
import { configCommand } from "./cli/commands/config.js";
import { dataCommand } from "./cli/commands/data.js";
import { delegateCommand } from "./cli/commands/delegate.js";
import { devnetCommand } from "./cli/commands/devnet.js";
import { evalCommand } from "./cli/commands/eval.js";
import { finalizeCommand } from "./cli/commands/finalize.js";
import { flCommand } from "./cli/commands/fl.js";
import { govCommand } from "./cli/commands/gov.js";
import { inferCommand } from "./cli/commands/infer.js";
import { marketCommand } from "./cli/commands/market.js";
import { pendingCommand } from "./cli/commands/pending.js";
import { revealCommand } from "./cli/commands/reveal.js";
import { serveCommand } from "./cli/commands/serve.js";
import { stakeCommand } from "./cli/commands/stake.js";
import { statusCommand } from "./cli/commands/status.js";
import { taskCommand } from "./cli/commands/task.js";
import { trainCommand } from "./cli/commands/train.js";
import { unstakeCommand } from "./cli/commands/unstake.js";
import { validateCommand } from "./cli/commands/validate.js";
import { withdrawCommand } from "./cli/commands/withdraw.js";
import { addSettings } from "./cli/common.js";
import { ConfigError } from "./config.js";

/** A rejected flag is one line on stderr (commander's own message), not the whole help. */
function oneLine(str: string, write: (s: string) => void): void {
  const msg = str
    .replace(/^error: /, "")
    .trim()
    .replace(/\s*\n\s*/g, " ");
  write(`flock: ${msg} (see --help)\n`);
}

export function buildProgram() {
  const program = addSettings(new Command("flock"))
    .description("FLock keeper: task creators, training nodes, validators and keepers of the FLock protocol")
    .configureOutput({ outputError: oneLine })
    .exitOverride();
  for (const command of [
    dataCommand(),
    taskCommand(),
    stakeCommand(),
    delegateCommand(),
    unstakeCommand(),
    withdrawCommand(),
    pendingCommand(),
    claimCommand(),
    trainCommand(),
    revealCommand(),
    evalCommand(),
    validateCommand(),
    finalizeCommand(),
    allianceCommand(),
    flCommand(),
    statusCommand(),
    govCommand(),
    configCommand(),
    devnetCommand(),
    marketCommand(),
    serveCommand(),
    inferCommand(),
  ]) {
    program.addCommand(command);
  }
  // commands built apart (addCommand) and their sub-commands do not inherit these: set them on every one
  const configure = (cmd: CommandUnknownOpts) => {
    cmd.configureOutput({ outputError: oneLine }).exitOverride();
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof ConfigError) {
      // one line per bad value, as the README promises
      for (const problem of e.problems) process.stderr.write(`flock: ${problem}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`flock: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
