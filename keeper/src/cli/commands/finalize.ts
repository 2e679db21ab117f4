/** `flock finalize`: the keeper bot. */
import { Command } from "@commander-js/extra-typings";
import { parseIntIn } from "../args.js";
import { runBot, withNode } from "../common.js";

export function finalizeCommand() {
  return new Command("finalize")
    .description("the keeper: finalize due tasks in batches (bounty), cancel dead ones")
    .option("--watch", "keep watching the chain (otherwise one pass)")
    .option("--steps <n>", "work units per finalize call", parseIntIn(1, 1024), 64)
    .option("--claim-all", "also claim for every participant of settled tasks")
    .action(async (o, cmd) => {
      const [{ acquirePidLock }, { FinalizerBot }] = await Promise.all([
        import("../../roles/bot.js"),
        import("../../roles/finalizer.js"),
      ]);
      await withNode(
        cmd,
        async (node) => {
          const release = acquirePidLock(node.config.dataDir, `finalizer-${node.chain.address.toLowerCase()}`);
          try {
            await runBot(new FinalizerBot(node, { steps: o.steps, claimAll: Boolean(o.claimAll) }), Boolean(o.watch));
          } finally {
            release();
          }
        },
        { store: false },
      );
    });
}
