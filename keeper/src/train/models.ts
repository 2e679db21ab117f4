/**
 * Model builders: dense architectures that train on the wasm backend (it has no CNN gradients), a small
 * CNN for evaluation benchmarks, and an untrained "garbage" model. Initialisers are seeded, so a given
 * (arch, seed) always starts from the same weights.
 */
import * as tf from "@tensorflow/tfjs";
import type { TaskSpec } from "../spec.js";
import { outputUnits } from "../spec.js";

import type { Arch } from "./archs.js";

export { ARCHS, type Arch } from "./archs.js";

/** Hidden layer widths of each dense architecture (linear = none: multinomial logistic regression). */
export const HIDDEN: Record<Arch, number[]> = {
  linear: [],
  "mlp-small": [32],
  mlp: [128],
  "mlp-wide": [512, 256],
  "mlp-deep": [256, 128, 64],
};

function head(spec: TaskSpec, seed: number): tf.layers.Layer {
  const classes = spec.output.type === "classes";
  return tf.layers.dense({
    units: outputUnits(spec),
    activation: classes ? "softmax" : "linear",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: "zeros",
    name: "output",
  });
}

/** Flatten → Dense(relu)* → Dense(K, softmax) (or Dense(1) for regression). */
export function buildDense(spec: TaskSpec, arch: Arch, seed = 1): tf.Sequential {
  const model = tf.sequential({ name: `flock_${arch.replace("-", "_")}` });
  model.add(tf.layers.flatten({ inputShape: spec.input.shape, name: "flatten" }));
  HIDDEN[arch].forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed: seed * 1000 + i }),
        biasInitializer: "zeros",
        name: `hidden${i + 1}`,
      }),
    );
  });
  model.add(head(spec, seed * 1000 + 999));
  return model;
}

/** A small CNN (Conv 8 → pool → Conv 16 → pool → Dense), untrained: for evaluation benchmarks on wasm. */
export function buildSmallCnn(spec: TaskSpec, seed = 1): tf.Sequential {
  if (spec.input.shape.length !== 3) throw new Error("buildSmallCnn needs an input shape [height, width, channels]");
  const model = tf.sequential({ name: "flock_small_cnn" });
  const conv = (filters: number, i: number, inputShape?: number[]) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: seed * 1000 + i }),
      inputShape,
      name: `conv${i}`,
    });
  model.add(conv(8, 1, spec.input.shape));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }));
  model.add(conv(16, 2));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(head(spec, seed * 1000 + 999));
  return model;
}
