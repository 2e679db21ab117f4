/** `flock devnet` (`npm run demo`): the whole system on one machine and the scripted demo. */
import { Command } from "@commander-js/extra-typings";

export function devnetCommand() {
  return new Command("devnet")
    .description("the whole system on one machine: anvil, deploy, indexer, embedded IPFS, and the scripted demo")
    .option("--exit", "stop after the summary instead of serving")
    .option("--json <file>", "also write the summary as JSON")
    .option("--quick", "a smaller, faster demo (fewer digits and epochs)")
    .option("--keep", "keep the devnet's data directory (chain log, IPFS blocks, indexer, bots' journals) on exit")
    .action(async (o) => {
      const { runDevnet } = await import("../../devnet/index.js");
      await runDevnet({ exit: Boolean(o.exit), jsonPath: o.json, quick: Boolean(o.quick), keep: Boolean(o.keep) });
    });
}
