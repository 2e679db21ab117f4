/**
 * TF.js LayersModel ⇄ FileMap, without file:// (tfjs-node is not available): a model directory is
 * `model.json` + weight shards, all held in memory.
 */
import * as tf from "@tensorflow/tfjs";
import type { FileMap } from "../types.js";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/** Reads model.json and concatenates the shards in manifest order into ModelArtifacts.
 *  Throws on a missing file or bad JSON; run `checkModelFiles` first for friendly reasons. */
export function artifactsFromFiles(files: FileMap): tf.io.ModelArtifacts {
  const json = files.get(MODEL_JSON);
  if (!json) throw new Error(`${MODEL_JSON} is missing`);
  const modelJson = JSON.parse(new TextDecoder().decode(json)) as tf.io.ModelJSON;
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest ?? []) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const shard = files.get(p);
      if (!shard) throw new Error(`weight shard ${p} is missing`);
      shards.push(shard);
    }
  }
  const total = shards.reduce((s, b) => s + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.byteLength;
  }
  return {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    trainingConfig: modelJson.trainingConfig,
    weightSpecs,
    weightData: weightData.buffer,
  };
}

/** Loads a LayersModel from in-memory files (strict: every weight must be present and match its variable). */
export async function loadModelFromFiles(files: FileMap): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifactsFromFiles(files)), { strict: true });
}

/** A save IOHandler that fills `files` with `model.json` + a single shard `weights.bin`. */
export function fileMapSaver(files: FileMap): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const parts =
        artifacts.weightData == null
          ? []
          : Array.isArray(artifacts.weightData)
            ? artifacts.weightData
            : [artifacts.weightData];
      const weights = new Uint8Array(tf.io.concatenateArrayBuffers(parts));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: "layers-model",
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      files.clear();
      files.set(MODEL_JSON, new TextEncoder().encode(JSON.stringify(modelJson)));
      files.set(WEIGHTS_BIN, weights);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(0),
          modelTopologyType: "JSON",
          modelTopologyBytes: files.get(MODEL_JSON)!.byteLength,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** Saves a model to a new FileMap (model.json + weights.bin). */
export async function saveModelToFiles(model: tf.LayersModel): Promise<FileMap> {
  const files: FileMap = new Map();
  await model.save(fileMapSaver(files));
  return files;
}
