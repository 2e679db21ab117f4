/**
 * Evaluation worker thread: initialises one TF.js backend, then for each request loads the model from the
 * in-memory files, checks its input/output shapes and predicts in batches. It returns raw predictions; the
 * metric is computed by the main thread (labels never enter the worker). Anything hostile that escapes
 * here (OOM, infinite work, crash) is handled by the parent terminating this thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type BackendName, initBackend } from "./backend.js";
import { loadModelFromFiles } from "./modelio.js";
import type { EvalRequest, WorkerInit, WorkerMessage } from "./protocol.js";

const port = parentPort!;
const post = (msg: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, " ").slice(0, 300);
}

function shapeFits(shape: (number | null)[], expected: number[]): boolean {
  return shape.length === expected.length + 1 && shape.slice(1).every((d, i) => d === null || d === expected[i]);
}

async function predictAll(model: tf.LayersModel, req: EvalRequest): Promise<Float32Array> {
  const [n, ...inputShape] = req.xShape;
  const perExample = inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * req.units);
  for (let start = 0; start < n; start += req.batchSize) {
    const count = Math.min(req.batchSize, n - start);
    const y = tf.tidy(() => {
      const xs = tf.tensor(
        req.x.subarray(start * perExample, (start + count) * perExample),
        [count, ...inputShape],
        "float32",
      );
      // predict() splits its input into batches of 32 by default (a Slice per batch): use ours whole
      const pred = model.predict(xs, { batchSize: count });
      if (Array.isArray(pred)) throw new Error("model returned several outputs");
      return (pred as tf.Tensor).reshape([count * req.units]);
    });
    try {
      if (y.size !== count * req.units) throw new Error(`model output has ${y.size} values for ${count} examples`);
      out.set((await y.data()) as Float32Array, start * req.units);
    } finally {
      y.dispose();
    }
  }
  return out;
}

async function evaluate(req: EvalRequest): Promise<void> {
  const t0 = performance.now();
  let model: tf.LayersModel | undefined;
  try {
    try {
      model = await loadModelFromFiles(new Map(req.files));
    } catch (err) {
      post({ type: "result", id: req.id, ok: false, reason: `model does not load: ${describe(err)}` });
      return;
    }
    const loadMs = performance.now() - t0;
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      post({
        type: "result",
        id: req.id,
        ok: false,
        reason: `model has ${model.inputs.length} inputs and ${model.outputs.length} outputs, expected 1 and 1`,
      });
      return;
    }
    const inShape = model.inputs[0].shape;
    if (!shapeFits(inShape, req.xShape.slice(1))) {
      post({
        type: "result",
        id: req.id,
        ok: false,
        reason: `model input shape ${JSON.stringify(inShape)} does not fit [null, ${req.xShape.slice(1).join(", ")}]`,
      });
      return;
    }
    const outShape = model.outputs[0].shape;
    if (!shapeFits(outShape, [req.units])) {
      post({
        type: "result",
        id: req.id,
        ok: false,
        reason: `model output shape ${JSON.stringify(outShape)} is not [null, ${req.units}]`,
      });
      return;
    }
    const t1 = performance.now();
    let predictions: Float32Array;
    try {
      predictions = await predictAll(model, req);
    } catch (err) {
      post({ type: "result", id: req.id, ok: false, reason: `prediction failed: ${describe(err)}` });
      return;
    }
    post({ type: "result", id: req.id, ok: true, predictions, loadMs, predictMs: performance.now() - t1 }, [
      predictions.buffer as ArrayBuffer,
    ]);
  } finally {
    model?.dispose();
  }
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  // production mode: no console warnings from TF.js (they would interleave with the caller's logs)
  tf.env().set("PROD", true);
  let backend: BackendName;
  try {
    backend = await initBackend(init.backend);
  } catch (err) {
    post({ type: "startup_failed", reason: describe(err) });
    return;
  }
  // requests are handled one at a time: the parent never sends a second one before the first's result
  port.on("message", (req: EvalRequest) => {
    evaluate(req).catch((err) =>
      post({ type: "result", id: req.id, ok: false, reason: `evaluation failed: ${describe(err)}` }),
    );
  });
  post({ type: "ready", backend });
}

await main();
