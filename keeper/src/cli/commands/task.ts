/** `flock task create | reveal-eval | show`: the task creator's commands, and a task as the chain sees it. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Command } from "@commander-js/extra-typings";
import { parseAmount, parseId, parseIntIn } from "../args.js";
import { print, stopSignal, withNode } from "../common.js";

const window = (what: string, def: number) =>
  [`--${what}-window <s>`, "seconds", parseIntIn(1, 31_536_000), def] as const;

export function taskCommand() {
  const task = new Command("task").description("create and manage AI Arena tasks");
  task
    .command("create")
    .description("pin spec and training data, commit to the eval-data CID (kept private), deposit the reward (permit)")
    .requiredOption("--spec <file>", "task spec JSON")
    .requiredOption("--train-data <dir>", "training dataset directory (public)")
    .requiredOption("--eval-data <dir>", "evaluation dataset directory (its CID stays secret until the publish window)")
    .requiredOption("--reward <amount>", "reward pool in FLOCK", parseAmount)
    .option(...window("submission", 3600))
    .option(...window("publish", 1800))
    .option(...window("commit", 1800))
    .option(...window("reveal", 1800))
    .option("--watch", "then wait for the publish window and reveal the evaluation data (at its start)")
    .option("--claim-bond", "with --watch: then wait until the task settles and claim the bond back (CreatorRefund)")
    .action(async (o, cmd) => {
      const [{ parseSpec }, creator] = await Promise.all([import("../../spec.js"), import("../../roles/creator.js")]);
      const spec = parseSpec(JSON.parse(await readFile(o.spec, "utf8")));
      for (const d of [o.trainData, o.evalData]) if (!existsSync(d)) throw new Error(`no dataset directory ${d}`);
      const windows = {
        submission: o.submissionWindow,
        publish: o.publishWindow,
        commit: o.commitWindow,
        reveal: o.revealWindow,
      };
      await withNode(cmd, async (node) => {
        const created = await creator.createTask(node, {
          spec,
          trainDataDir: o.trainData,
          evalDataDir: o.evalData,
          reward: o.reward,
          windows,
        });
        print(created);
        if (o.watch) print({ revealed: await creator.watchEvalReveals(node, [created.taskId], stopSignal()) });
        if (o.watch && o.claimBond)
          print({ claimed: await creator.claimCreatorRefunds(node, [created.taskId], stopSignal()) });
      });
    });
  task
    .command("reveal-eval")
    .description(
      "reveal the evaluation data of your task (publish window, before evalRevealEnd); without a task id, of every task whose eval data " +
        "you committed to and have not revealed (also after a crash: the journal keeps the secret)",
    )
    .argument("[taskId]", "task id", parseId)
    .option("--watch", "wait for the publish window (otherwise reveal only what is due now)")
    .option("--claim-bond", "with --watch: then wait until those tasks settle and claim the bond back (CreatorRefund)")
    .action(async (id, o, cmd) => {
      const creator = await import("../../roles/creator.js");
      await withNode(cmd, async (node) => {
        if (o.watch) {
          const revealed = await creator.watchEvalReveals(node, id === undefined ? undefined : [id], stopSignal());
          print({ revealed });
          if (o.claimBond)
            print({
              claimed: await creator.claimCreatorRefunds(
                node,
                revealed.map((r) => r.taskId),
                stopSignal(),
              ),
            });
          return;
        }
        const ids = id === undefined ? (await creator.openEvalCommitments(node)).map((r) => r.taskId) : [id];
        const out = [];
        for (const taskId of ids) out.push({ taskId, tx: await creator.revealEvalData(node, taskId) });
        print({ revealed: out });
      });
    });
  task
    .command("show")
    .description("a task as the chain sees it (ranks: `rank` from 0 as in the contract, `place` from 1)")
    .argument("<taskId>", "task id", parseId)
    .action(async (id, _o, cmd) => {
      const { taskOnChain } = await import("../../roles/status.js");
      await withNode(cmd, async (node) => print(await taskOnChain(node, id)), { store: false });
    });
  return task;
}
