/** `flock data mnist`: training shards and an evaluation split from the real MNIST digits of the `mnist` package. */
import { resolve } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { parseIntIn, parsePositive } from "../args.js";
import { print } from "../common.js";

export function dataCommand() {
  const data = new Command("data").description("build datasets");
  data
    .command("mnist")
    .description("build training shards and an evaluation split from the real MNIST digits of the `mnist` package")
    .requiredOption("--shards <n>", "number of training shards", parseIntIn(1, 1000))
    .requiredOption("--out <dir>", "output directory (train-0 … train-<n-1>, eval)")
    .option("--eval-size <n>", "digits in the evaluation split", parseIntIn(1, 9999), 2000)
    .option("--train-per-shard <n>", "digits per shard (default: all remaining, split evenly)", parseIntIn(1, 9999))
    .option("--non-iid <alpha>", "Dirichlet α of the label skew per shard (smaller = more skewed)", parsePositive)
    .option("--seed <n>", "random seed", parseIntIn(0, 2 ** 31), 1)
    .action(async (o) => {
      const { buildMnistDatasets } = await import("../../data/mnist.js");
      print(
        await buildMnistDatasets({
          outDir: resolve(o.out),
          shards: o.shards,
          evalSize: o.evalSize,
          trainPerShard: o.trainPerShard,
          nonIid: o.nonIid,
          seed: o.seed,
        }),
      );
    });
  return data;
}
