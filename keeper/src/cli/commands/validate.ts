/** `flock validate`: the validator bot. */
import { Command, Option } from "@commander-js/extra-typings";
import { parseIntIn } from "../args.js";
import { runBot, withNode } from "../common.js";

export function validateCommand() {
  return new Command("validate")
    .description("the validator bot: evaluate published models, commit scores, reveal them")
    .option("--watch", "keep watching the chain (otherwise one pass)")
    .option("--workers <n>", "evaluation worker threads (default: one per core)", parseIntIn(1, 64))
    .addOption(
      new Option("--strategy <s>", "scoring strategy (`random` only for demos and tests)")
        .choices(["honest", "random"] as const)
        .default("honest" as const),
    )
    .option("--skip-reveal", "commit but never reveal (only for demos and tests)")
    .action(async (o, cmd) => {
      const [{ acquirePidLock }, { ValidatorBot }, { EvalPool }, { createProgress }] = await Promise.all([
        import("../../roles/bot.js"),
        import("../../roles/validator.js"),
        import("../../eval/index.js"),
        import("../progress.js"),
      ]);
      await withNode(cmd, async (node) => {
        const release = acquirePidLock(node.config.dataDir, `validator-${node.chain.address.toLowerCase()}`);
        const pool = new EvalPool({ size: o.workers });
        try {
          const bot = new ValidatorBot(node, {
            pool,
            strategy: o.strategy,
            skipReveal: Boolean(o.skipReveal),
            progress: createProgress(node.log),
          });
          await runBot(bot, Boolean(o.watch));
        } finally {
          await pool.close();
          release();
        }
      });
    });
}
