/**
 * The proposer's local step: load the current global model (its canonical files), train it on the private
 * dataset with TF.js (wasm by default: dense models only, see ../train), and return the fixed-point update
 * `local − global`. Per-epoch shuffles are seeded; the floats differ between backends, the update's format does not.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendChoice, type BackendName, initBackend } from "../eval/backend.js";
import { loadModelFromFiles, saveModelToFiles } from "../eval/modelio.js";
import { mulberry32, permutation } from "../logic/random.js";
import type { TaskSpec } from "../spec.js";
import { outputUnits } from "../spec.js";
import type { Dataset, FileMap } from "../types.js";
import { type FixedModel, modelFromFiles, modelToFiles } from "./model.js";
import { computeUpdate, MAX_EXAMPLES, type Update } from "./update.js";

export interface LocalTrainingOptions {
  global: FixedModel;
  /** CID of the global model's directory (the update's `base`) */
  globalCid: string;
  dataset: Dataset;
  spec: TaskSpec;
  epochs: number;
  batchSize?: number;
  /** local optimizer: plain SGD (FedAvg's, the default) or Adam (its state restarts every round) */
  optimizer?: "sgd" | "adam";
  /** learning rate; default 0.05 for SGD, 0.001 for Adam */
  learningRate?: number;
  seed?: number;
  /** default "wasm" */
  backend?: BackendChoice;
}

export interface LocalTrainingResult {
  update: Update;
  /** the trained model in fixed point */
  local: FixedModel;
  /** the trained model's float32 files exactly as TF.js saved them (before the fixed-point conversion) */
  localFiles: FileMap;
  backend: BackendName;
  /** training loss of each epoch */
  losses: number[];
}

/** Makes `choice` the process's TF.js backend (no-op when it already is). */
export async function useBackend(choice: BackendChoice): Promise<BackendName> {
  const want = choice === "node" ? "tensorflow" : choice;
  const current = tf.getBackend() as BackendName | undefined;
  if (current !== undefined && (want === "auto" || want === current)) return current;
  return initBackend(choice);
}

/** Trains the global model on `dataset` and returns the update (examples = the dataset's size, capped at 2^24). */
export async function trainLocalUpdate(opts: LocalTrainingOptions): Promise<LocalTrainingResult> {
  const backend = await useBackend(opts.backend ?? "wasm");
  const { dataset, spec } = opts;
  const [n, ...shape] = dataset.xShape;
  if (n < 1) throw new RangeError("the local dataset is empty");
  if (spec.output.type !== "classes") throw new RangeError("local FL training supports classification tasks");
  const model = await loadModelFromFiles(modelToFiles(opts.global));
  const rand = mulberry32(opts.seed ?? 1);
  const xAll = tf.tensor(dataset.x, [n, ...shape], "float32");
  const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(dataset.y), "int32"), outputUnits(spec)).toFloat());
  const losses: number[] = [];
  try {
    const optimizer =
      opts.optimizer === "adam" ? tf.train.adam(opts.learningRate ?? 0.001) : tf.train.sgd(opts.learningRate ?? 0.05);
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const idx = tf.tensor1d(permutation(n, rand), "int32");
      const xs = tf.gather(xAll, idx);
      const ys = tf.gather(yAll, idx);
      try {
        const h = await model.fit(xs, ys, { epochs: 1, batchSize: opts.batchSize ?? 32, shuffle: false, verbose: 0 });
        losses.push(Number(h.history.loss[0]));
      } finally {
        tf.dispose([idx, xs, ys]);
      }
    }
    const localFiles = await saveModelToFiles(model);
    const local = modelFromFiles(localFiles);
    const update = computeUpdate(local, opts.global, Math.min(n, MAX_EXAMPLES), opts.globalCid);
    return { update, local, localFiles, backend, losses };
  } finally {
    tf.dispose([xAll, yAll]);
    model.dispose();
  }
}
