/** `flock reveal`: publish and reveal your committed model for a task (publish window). */
import { Command } from "@commander-js/extra-typings";
import { parseId } from "../args.js";
import { print, stopSignal, withNode } from "../common.js";

export function revealCommand() {
  return new Command("reveal")
    .description("publish your committed model to IPFS and reveal it (publish window); also after a crash")
    .requiredOption("--task <id>", "task id", parseId)
    .option("--watch", "wait for the publish window and the creator's eval data (otherwise act only if both are there)")
    .action(async (o, cmd) => {
      const trainer = await import("../../roles/trainer.js");
      await withNode(cmd, async (node) => {
        if (o.watch) print({ tx: await trainer.watchSubmission(node, o.task, stopSignal()) });
        else print(await trainer.advanceSubmission(node, o.task));
      });
    });
}
