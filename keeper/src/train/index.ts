/**
 * Training of dense TF.js models for a task (the training node's job), on the wasm backend by default.
 * Deterministic-ish: initialisers and the per-epoch shuffles are seeded; floating-point summation order
 * in the backend is the only remaining source of variation.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendChoice, type BackendName, initBackend } from "../eval/backend.js";
import { saveModelToFiles } from "../eval/modelio.js";
import { mulberry32, permutation } from "../logic/random.js";
import type { TaskSpec } from "../spec.js";
import { outputUnits } from "../spec.js";
import type { Dataset, FileMap } from "../types.js";
import { ARCHS, type Arch, buildDense, buildSmallCnn } from "./models.js";

export { ARCHS, type Arch, buildDense, buildSmallCnn, HIDDEN } from "./models.js";

export interface EpochLog {
  epoch: number;
  loss: number;
  /** training accuracy (classification only) */
  acc?: number;
}

export interface TrainOptions {
  dataset: Dataset;
  spec: TaskSpec;
  arch: Arch;
  epochs: number;
  batchSize?: number;
  seed?: number;
  learningRate?: number;
  /** default "wasm" (falls back to cpu when wasm cannot start) */
  backend?: BackendChoice;
  onEpoch?: (log: EpochLog) => void;
}

export interface TrainResult {
  files: FileMap;
  history: EpochLog[];
  backend: BackendName;
  params: number;
}

/** The seeded PRNG for shuffles and garbage weights (mulberry32). */
export const seededRandom = mulberry32;

let activeBackend: BackendName | null = null;

async function ensureBackend(choice: BackendChoice): Promise<BackendName> {
  const want = choice === "node" ? "tensorflow" : choice;
  if (activeBackend && (want === "auto" || want === activeBackend) && tf.getBackend() === activeBackend)
    return activeBackend;
  if (choice === "wasm") {
    activeBackend = await initBackend("wasm").catch(() => initBackend("cpu"));
  } else {
    activeBackend = await initBackend(choice);
  }
  return activeBackend;
}

/** Trains a dense model on the dataset and returns its saved files (model.json + weights.bin). */
export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  if (!ARCHS.includes(opts.arch)) throw new Error(`unknown arch ${opts.arch}; one of ${ARCHS.join(", ")}`);
  const backend = await ensureBackend(opts.backend ?? "wasm");
  const { dataset, spec } = opts;
  const seed = opts.seed ?? 1;
  const [n, ...shape] = dataset.xShape;
  if (shape.join() !== spec.input.shape.join())
    throw new Error(`dataset shape [${shape}] differs from the spec's input [${spec.input.shape}]`);
  const classes = spec.output.type === "classes";
  const k = outputUnits(spec);

  const model = buildDense(spec, opts.arch, seed);
  model.compile({
    optimizer: tf.train.adam(opts.learningRate ?? (opts.arch === "linear" ? 0.005 : 0.001)),
    loss: classes ? "categoricalCrossentropy" : "meanSquaredError",
    metrics: classes ? ["accuracy"] : [],
  });
  const xAll = tf.tensor(dataset.x, [n, ...shape], "float32");
  const yAll = classes
    ? tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(dataset.y), "int32"), k).toFloat())
    : tf.tensor2d(Float32Array.from(dataset.y), [n, 1]);
  const rand = seededRandom(seed);
  const history: EpochLog[] = [];
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const idx = tf.tensor1d(permutation(n, rand), "int32");
      const xs = tf.gather(xAll, idx);
      const ys = tf.gather(yAll, idx);
      try {
        const h = await model.fit(xs, ys, { epochs: 1, batchSize: opts.batchSize ?? 32, shuffle: false, verbose: 0 });
        const log: EpochLog = { epoch, loss: Number(h.history.loss[0]) };
        if (classes) log.acc = Number((h.history.acc ?? h.history.accuracy)?.[0]);
        history.push(log);
        opts.onEpoch?.(log);
      } finally {
        tf.dispose([idx, xs, ys]);
      }
    }
    const files = await saveModelToFiles(model);
    return { files, history, backend, params: model.countParams() };
  } finally {
    tf.dispose([xAll, yAll]);
    model.dispose();
  }
}

/** A syntactically valid model with untrained, random weights (the demo's garbage submitter). */
export async function garbageModel(spec: TaskSpec, seed = 7): Promise<FileMap> {
  await ensureBackend("wasm");
  const model = buildDense(spec, "linear", seed);
  try {
    // scramble the weights further so the model is no better than chance
    const rand = seededRandom(seed);
    const random = model.getWeights().map((w) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () => (rand() - 0.5) * 2),
        w.shape,
      ),
    );
    model.setWeights(random);
    tf.dispose(random);
    return await saveModelToFiles(model);
  } finally {
    model.dispose();
  }
}

/** The files of an untrained small CNN, for evaluation benchmarks (wasm evaluates CNNs but cannot train them). */
export async function smallCnnModel(spec: TaskSpec, seed = 1): Promise<FileMap> {
  await ensureBackend("wasm");
  const model = buildSmallCnn(spec, seed);
  try {
    return await saveModelToFiles(model);
  } finally {
    model.dispose();
  }
}
