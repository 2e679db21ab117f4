/**
 * `flock eval`: score one model as a validator scores each model — the same fetch limits, the same sandboxed worker,
 * metric and score mapping. Needs IPFS for CIDs, never a chain. What it cannot do without a task: check the model's
 * `flock.json` manifest against the task and the node that revealed it, and compare its weights with the task's
 * other models (`flock validate` scores 0 a manifest mismatch or a copy of an earlier-committed model's weights).
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Command } from "@commander-js/extra-typings";
import type { ContentStore } from "../../storage/store.js";
import type { FileMap } from "../../types.js";
import { configOf, print } from "../common.js";

export function evalCommand() {
  return new Command("eval")
    .description(
      "score one model as the validator scores each model (same fetch limits, sandbox and score); prints " +
        "{score, metric, value, reason}. Needs no chain; the task-level checks of `flock validate` (manifest, " +
        "copied weights) are not made",
    )
    .requiredOption("--spec <file|cid>", "task spec JSON file, or its CID")
    .requiredOption("--model <dir|cid>", "model directory (or model.json file), or its CID")
    .requiredOption("--data <dir|cid>", "dataset directory, or its CID")
    .action(async (o, cmd) => {
      const [{ parseSpec }, { fetchSpec }, { datasetFromFiles, loadDataset }, { evaluateModel }, limits, local] =
        await Promise.all([
          import("../../spec.js"),
          import("../../roles/creator.js"),
          import("../../data/dataset.js"),
          import("../../eval/index.js"),
          import("../../logic/limits.js"),
          import("../../store/local.js"),
        ]);
      const isLocal = (p: string) => existsSync(p);
      let store: ContentStore | undefined;
      const needStore = () => {
        if (!store) throw new Error("no content store open");
        return store;
      };
      if (!isLocal(o.spec) || !isLocal(o.model) || !isLocal(o.data)) {
        const { openConfiguredStore } = await import("../../node.js");
        store = await openConfiguredStore(configOf(cmd));
      }
      try {
        const spec = isLocal(o.spec)
          ? parseSpec(JSON.parse(await readFile(o.spec, "utf8")))
          : await fetchSpec({ store: needStore() }, o.spec);
        const dataset = isLocal(o.data)
          ? await loadDataset(o.data)
          : datasetFromFiles(await needStore().getDirectory(o.data, limits.EVAL_DATA_FETCH_LIMITS));
        let files: FileMap;
        try {
          files = isLocal(o.model)
            ? statSync(o.model).isDirectory()
              ? await local.readDirFiles(o.model)
              : new Map([["model.json", new Uint8Array(await readFile(o.model))]])
            : await needStore().getDirectory(o.model, limits.modelFetchLimits(spec));
        } catch (e) {
          print({ score: 0, metric: spec.metric, value: null, reason: `fetch failed: ${(e as Error).message}` });
          return;
        }
        print(await evaluateModel({ files, dataset, spec }));
      } finally {
        await store?.close();
      }
    });
}
