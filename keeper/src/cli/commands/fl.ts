/** `flock fl`: one participant of an FL alliance — proposer and voter — until the alliance ends. */
import { readFile } from "node:fs/promises";
import { Command, Option } from "@commander-js/extra-typings";
import { parseId, parseIntIn, parsePositive } from "../args.js";
import { withNode } from "../common.js";

export function flCommand() {
  return new Command("fl")
    .description(
      "the FL Alliance bot: train on your private shard when drawn as a proposer, score every update and vote on " +
        "the candidate each round, claim at the end",
    )
    .requiredOption("--alliance <id>", "the alliance (join it first: `flock alliance join`)", parseId)
    .requiredOption("--data <dir>", "your private dataset (safetensors directory, `flock data mnist`)")
    .option("--eval-data <dir>", "your private evaluation data (default: the last 20% of --data, at most 1,000)")
    .option("--spec <file>", "task spec JSON (default: the spec of the Arena task the alliance descends from)")
    .option("--epochs <n>", "local epochs per round", parseIntIn(1, 100), 1)
    .option("--lr <x>", "local SGD learning rate", parsePositive, 0.1)
    .option("--workers <n>", "evaluation worker threads", parseIntIn(1, 64), 1)
    .option(
      "--tolerance <bps>",
      "accept a candidate scoring at least the global model less this",
      parseIntIn(0, 10_000),
      100,
    )
    .addOption(
      new Option("--behaviour <b>", "`poison` / `free-ride` only for demos and tests")
        .choices(["honest", "poison", "free-ride"] as const)
        .default("honest" as const),
    )
    .option("--watch", "keep playing until the alliance is over (otherwise one pass)")
    .action(async (o, cmd) => {
      const [{ acquirePidLock }, { FlBot }, { EvalPool }, { loadDataset }, { parseSpec }, { splitHoldout }] =
        await Promise.all([
          import("../../roles/bot.js"),
          import("../../roles/fl.js"),
          import("../../eval/index.js"),
          import("../../data/dataset.js"),
          import("../../spec.js"),
          import("../../data/holdout.js"),
        ]);
      const data = await loadDataset(o.data);
      const { train, holdout } = o.evalData
        ? { train: data, holdout: await loadDataset(o.evalData) }
        : splitHoldout(data, 0.2, 1000);
      const spec = o.spec ? parseSpec(JSON.parse(await readFile(o.spec, "utf8"))) : undefined;
      await withNode(cmd, async (node) => {
        const release = acquirePidLock(node.config.dataDir, `fl-${o.alliance}-${node.chain.address.toLowerCase()}`);
        const pool = new EvalPool({ size: o.workers });
        try {
          const bot = new FlBot(node, {
            allianceId: o.alliance,
            pool,
            train,
            evalData: holdout,
            spec,
            epochs: o.epochs,
            learningRate: o.lr,
            toleranceBps: o.tolerance,
            behaviour: o.behaviour,
          });
          if (!o.watch) {
            await bot.tickOnce();
            return;
          }
          const ctl = new AbortController();
          const { stopSignal } = await import("../common.js");
          stopSignal().addEventListener("abort", () => ctl.abort());
          const stopWhenDone = setInterval(() => bot.done && ctl.abort(), 200);
          try {
            await bot.run(ctl.signal);
          } finally {
            clearInterval(stopWhenDone);
          }
        } finally {
          await pool.close();
          release();
        }
      });
    });
}
