/**
 * `flock train`: train a TF.js model for a task on local data, commit to it (its CID computed locally, the model kept
 * private), and with --watch reveal it in the publish window. Run again after a crash, the same command resumes the
 * journaled submission instead of training a new one (--replace trains and commits a new model).
 */
import { Command, Option } from "@commander-js/extra-typings";
import { ARCHS } from "../../train/archs.js";
import { parseId, parseIntIn } from "../args.js";
import { print, stopSignal, withNode } from "../common.js";

export function trainCommand() {
  return new Command("train")
    .description(
      "train a TF.js model on local data for a task and commit to it; reveal with --watch (or `flock reveal`). " +
        "Again after a crash: resumes the journaled submission",
    )
    .requiredOption("--task <id>", "task id", parseId)
    .requiredOption("--data <dir>", "local training dataset directory")
    .addOption(new Option("--arch <arch>", "model architecture").choices(ARCHS).default("mlp"))
    .option("--epochs <n>", "epochs", parseIntIn(1, 1000), 3)
    .option("--seed <n>", "seed", parseIntIn(0, 2 ** 31), 1)
    .option("--watch", "wait for the publish window and the creator's eval data, then publish and reveal")
    .option("--replace", "train and commit a new model even if one is journaled for this task")
    .action(async (o, cmd) => {
      const trainer = await import("../../roles/trainer.js");
      await withNode(cmd, async (node) => {
        const journaled = trainer.journaledSubmission(node, o.task);
        if (journaled && journaled.state !== "abandoned" && !o.replace) {
          node.log.info(
            { taskId: o.task.toString(), modelCid: journaled.payload, state: journaled.state },
            "resuming the journaled submission (--replace to train a new one)",
          );
          print({ resumed: journaled.payload, ...(await trainer.advanceSubmission(node, o.task)) });
        } else {
          const { files } = await trainer.trainForTask(node, {
            taskId: o.task,
            dataDir: o.data,
            arch: o.arch,
            epochs: o.epochs,
            seed: o.seed,
            onEpoch: (e) => node.log.info(e, "epoch"),
          });
          const { modelCid, tx } = await trainer.commitModel(node, o.task, files);
          print({ modelCid, tx });
        }
        if (o.watch) print({ revealTx: await trainer.watchSubmission(node, o.task, stopSignal()) });
      });
    });
}
