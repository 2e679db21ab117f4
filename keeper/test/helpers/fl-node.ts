/**
 * A separate FL process for the determinism test (`node --import tsx fl-node.ts <backend>`): it initialises one TF.js
 * backend, then answers one JSON request per stdin line with one JSON line on stdout.
 *   { op: "train", global, globalCid, out, clients: [{ index, proposer, seed }] }
 *       trains each client's MNIST slice from the global model directory and writes out/<proposer>/update.safetensors
 *   { op: "aggregate", global, globalCid, updates, rule, write? }
 *       reads and validates every update directory under `updates`, builds the candidate, optionally writes its files
 *   { op: "reserialise", dir }
 *       loads a model directory into TF.js on this backend, saves it back and canonicalises it again
 * Every answer that concerns a model carries its CID and the sha-256 of each file.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type BackendChoice, initBackend, loadModelFromFiles, saveModelToFiles } from "../../src/eval/index.js";
import {
  type Address,
  type AggregationRule,
  buildCandidate,
  type Contribution,
  directoryCid,
  modelFromFiles,
  modelLayout,
  modelToFiles,
  trainLocalUpdate,
  updateFromFiles,
  updateToFiles,
} from "../../src/fl/index.js";
import type { FileMap } from "../../src/types.js";
import { mnistDataset, mnistSpec } from "../fixtures/mnist.js";

const backend = await initBackend(process.argv[2] as BackendChoice);

async function readDir(dir: string): Promise<FileMap> {
  const files: FileMap = new Map();
  for (const name of (await readdir(dir)).sort()) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  return files;
}

async function writeDir(dir: string, files: FileMap): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
}

const digest = (files: FileMap) =>
  Object.fromEntries([...files].map(([name, b]) => [name, createHash("sha256").update(b).digest("hex")]));

type Request =
  | {
      op: "train";
      global: string;
      globalCid: string;
      out: string;
      clients: { index: number; proposer: Address; seed: number }[];
    }
  | { op: "aggregate"; global: string; globalCid: string; updates: string; rule: AggregationRule; write?: string }
  | { op: "reserialise"; dir: string };

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case "train": {
      const global = modelFromFiles(await readDir(req.global));
      const written: Record<string, string> = {};
      const floats: Record<string, string> = {};
      const backends = new Set<string>();
      for (const c of req.clients) {
        // each client holds its own slice of real digits: 8 per class
        const dataset = mnistDataset(8, 8 * c.index);
        const r = await trainLocalUpdate({
          global,
          globalCid: req.globalCid,
          dataset,
          spec: mnistSpec,
          epochs: 1,
          batchSize: 16,
          seed: c.seed,
          backend: backend === "tensorflow" ? "node" : backend,
        });
        const files = updateToFiles(r.update);
        await writeDir(join(req.out, c.proposer), files);
        written[c.proposer] = digest(files)["update.safetensors"];
        floats[c.proposer] = digest(r.localFiles)["weights.bin"];
        backends.add(r.backend);
      }
      return { written, floats, backends: [...backends] };
    }
    case "aggregate": {
      const globalFiles = await readDir(req.global);
      const global = modelFromFiles(globalFiles);
      const layout = modelLayout(global);
      const contributions: Contribution[] = [];
      for (const proposer of (await readdir(req.updates)).sort()) {
        const update = updateFromFiles(await readDir(join(req.updates, proposer)), { layout, base: req.globalCid });
        contributions.push({ proposer: proposer as Address, update });
      }
      const cand = await buildCandidate({ global, globalCid: req.globalCid, contributions, rule: req.rule });
      if (req.write !== undefined) await writeDir(req.write, cand.files);
      return { cid: cand.cid, files: digest(cand.files), proposers: cand.aggregate.proposers };
    }
    case "reserialise": {
      const model = await loadModelFromFiles(await readDir(req.dir));
      try {
        const files = modelToFiles(modelFromFiles(await saveModelToFiles(model)));
        return { cid: await directoryCid(files), files: digest(files) };
      } finally {
        model.dispose();
      }
    }
  }
}

process.stdout.write(`${JSON.stringify({ ready: backend, pid: process.pid })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "") continue;
  try {
    process.stdout.write(`${JSON.stringify({ ok: true, result: await handle(JSON.parse(line) as Request) })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: (err as Error).stack ?? String(err) })}\n`);
  }
}
