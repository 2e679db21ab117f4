/**
 * The models a gateway serves: fetched from IPFS by the listing's CID (every block verified against it, size- and
 * time-capped), loaded once into TF.js, kept in memory.
 */
import * as tf from "@tensorflow/tfjs";
import { loadModelFromFiles } from "../eval/modelio.js";
import type { ContentStore } from "../storage/index.js";

export interface LoadedModel {
  cid: string;
  model: tf.LayersModel;
  /** the input shape without the batch dimension */
  inputShape: number[];
  /** numbers per sample (the input shape's product) */
  width: number;
}

export interface ModelLimits {
  maxBytes: number;
  timeoutMs: number;
}

export class ModelHost {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly store: ContentStore,
    private readonly limits: ModelLimits,
  ) {}

  /** The model of `cid`, fetched and loaded at most once (a failed load is retried by the next call). */
  get(cid: string): Promise<LoadedModel> {
    let p = this.loaded.get(cid);
    if (!p) {
      p = this.load(cid);
      this.loaded.set(cid, p);
      p.catch(() => this.loaded.delete(cid));
    }
    return p;
  }

  private async load(cid: string): Promise<LoadedModel> {
    const files = await this.store.getDirectory(cid, { ...this.limits, maxFiles: 64 });
    const model = await loadModelFromFiles(files);
    const shape = model.inputs[0]?.shape;
    if (!shape || shape.slice(1).some((d) => d === null || d === undefined || d <= 0))
      throw new Error(`the model ${cid} has no fixed input shape`);
    const inputShape = shape.slice(1) as number[];
    return { cid, model, inputShape, width: inputShape.reduce((a, b) => a * b, 1) };
  }

  /** Runs the model on `rows` (each flattened to its input shape): one output row per input row. */
  predict(m: LoadedModel, rows: number[][]): number[][] {
    return tf.tidy(() => {
      const x = tf.tensor(rows.flat(), [rows.length, ...m.inputShape], "float32");
      const y = m.model.predict(x);
      const out = Array.isArray(y) ? y[0] : y;
      return (out.reshape([rows.length, -1]) as tf.Tensor2D).arraySync();
    });
  }

  dispose(): void {
    for (const p of this.loaded.values()) p.then((m) => m.model.dispose()).catch(() => {});
    this.loaded.clear();
  }
}
