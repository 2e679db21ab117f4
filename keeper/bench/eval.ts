/**
 * Evaluation benchmark: inference throughput of a small MNIST CNN and an MLP per TF.js backend, the
 * per-model overhead (pre-checks + load), and EvalPool scaling from 1 to 2 workers.
 * Run: npx tsx keeper/bench/eval.ts   (npm run bench:eval)
 */
import os from "node:os";
import {
  type BackendChoice,
  checkModelFiles,
  EvalPool,
  EvalWorker,
  nodeBackendInstalled,
  saveModelToFiles,
  sharedInputs,
} from "../src/eval/index.js";
import { buildDense, smallCnnModel } from "../src/train/index.js";
import type { Dataset, FileMap } from "../src/types.js";
import { mnistAll, mnistSpec } from "../test/fixtures/mnist.js";

const spec = mnistSpec;
const all = mnistAll();
const N_ALL = all.y.length;
/** the pure-JS backend runs the CNN at a few hundred samples/s: measure on a prefix, extrapolate */
const CPU_CNN_SAMPLES = 1000;

function prefix(ds: Dataset, n: number): Dataset {
  const per = ds.x.length / ds.y.length;
  return { x: ds.x.subarray(0, n * per), xShape: [n, ...ds.xShape.slice(1)], y: ds.y.subarray(0, n) };
}

async function mlpFiles(seed: number): Promise<FileMap> {
  const m = buildDense(spec, "mlp", seed);
  try {
    return await saveModelToFiles(m);
  } finally {
    m.dispose();
  }
}

interface Run {
  model: string;
  backend: string;
  samples: number;
  predictMs: number;
  loadMs: number;
}

async function throughput(backend: BackendChoice, model: string, files: FileMap, ds: Dataset): Promise<Run> {
  const worker = await EvalWorker.start({ backend });
  try {
    const req = { files: [...files], x: sharedInputs(ds).x, xShape: ds.xShape, units: 10, batchSize: 500 };
    await worker.run({ ...req, x: req.x.subarray(0, 784 * 10), xShape: [10, 28, 28, 1] }, 600_000); // warm-up
    const out = await worker.run(req, 600_000);
    if (!out.ok) throw new Error(out.reason);
    return { model, backend: worker.backend, samples: ds.y.length, predictMs: out.predictMs, loadMs: out.loadMs };
  } finally {
    await worker.terminate();
  }
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const pad = (s: string, n: number) => s.padEnd(n);

console.log(
  `# FLock evaluation benchmark — ${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}, Node ${process.version}`,
);
console.log(`MNIST digits: ${fmt(N_ALL)}; tfjs-node installed: ${nodeBackendInstalled() ? "yes" : "no"}`);
const load = () => os.loadavg()[0].toFixed(1);
console.log(
  `load average at start: ${load()} (figures are only meaningful when it is well below ${os.availableParallelism()})\n`,
);
const cpu0 = process.cpuUsage();
const wall0 = performance.now();

const cnn = await smallCnnModel(spec);
const mlp = await mlpFiles(1);
const backends: BackendChoice[] = nodeBackendInstalled() ? ["node", "wasm", "cpu"] : ["wasm", "cpu"];

// ── 1. inference throughput per backend ─────────────────────────────────────────────────────────
const runs: Run[] = [];
for (const backend of backends) {
  runs.push(await throughput(backend, "cnn", cnn, backend === "cpu" ? prefix(all, CPU_CNN_SAMPLES) : all));
  runs.push(await throughput(backend, "mlp", mlp, all));
}
console.log("## Inference throughput (predict only, batches of 500, one worker thread)");
console.log(`${pad("model", 6)}${pad("backend", 12)}${pad("samples", 10)}${pad("time (s)", 10)}samples/s`);
for (const r of runs) {
  const note =
    r.samples < N_ALL
      ? `  (measured on ${fmt(r.samples)}, extrapolated to ${fmt(N_ALL)}: ${fmt(((N_ALL / r.samples) * r.predictMs) / 1000, 1)} s)`
      : "";
  console.log(
    `${pad(r.model, 6)}${pad(r.backend, 12)}${pad(fmt(r.samples), 10)}${pad(fmt(r.predictMs / 1000, 2), 10)}${fmt((r.samples / r.predictMs) * 1000)}${note}`,
  );
}
const rate = (m: string, b: string) => {
  const r = runs.find((x) => x.model === m && x.backend === b);
  return r ? (r.samples / r.predictMs) * 1000 : NaN;
};
for (const m of ["cnn", "mlp"]) console.log(`wasm / cpu speed-up, ${m}: ${fmt(rate(m, "wasm") / rate(m, "cpu"), 1)}×`);

// ── 2. per-model overhead ───────────────────────────────────────────────────────────────────────
console.log("\n## Per-model overhead (wasm)");
for (const [name, files] of [
  ["cnn", cnn],
  ["mlp", mlp],
] as const) {
  const bytes = [...files.values()].reduce((s, b) => s + b.byteLength, 0);
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) checkModelFiles(files, spec);
  const checkMs = (performance.now() - t0) / 20;
  const r = runs.find((x) => x.model === name && x.backend === "wasm")!;
  console.log(
    `${pad(name, 6)}${fmt(bytes / 1024)} KiB: pre-checks ${fmt(checkMs, 2)} ms, load in worker ${fmt(r.loadMs, 1)} ms`,
  );
}
const t0 = performance.now();
const w = await EvalWorker.start({ backend: "wasm" });
console.log(
  `worker thread start-up (tsx + tfjs + wasm init): ${fmt(performance.now() - t0)} ms (once per worker, not per model)`,
);
await w.terminate();

// ── 3. pool scaling ─────────────────────────────────────────────────────────────────────────────
const MODELS = 8;
const poolSet = all;
const models = await Promise.all(
  Array.from({ length: MODELS }, (_, i) => (i % 2 ? mlpFiles(i) : smallCnnModel(spec, i))),
);
console.log(
  `\n## Pool scaling: ${MODELS} models (half CNN, half MLP) × ${fmt(poolSet.y.length)} digits, full evaluateModel path`,
);
const times: number[] = [];
for (const size of [1, 2]) {
  const pool = new EvalPool({ size, backend: "wasm" });
  await pool.warmUp();
  const t = performance.now();
  const cpuBefore = process.cpuUsage();
  const results = await pool.evaluateAll(models.map((files) => ({ files, dataset: poolSet, spec })));
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpuBefore);
  const cores = (cpu.user + cpu.system) / 1000 / ms;
  await pool.close();
  if (results.some((r) => r.reason)) throw new Error(`pool run failed: ${results.map((r) => r.reason).join("; ")}`);
  times.push(ms);
  console.log(
    `${size} worker${size > 1 ? "s" : " "}: ${fmt(ms / 1000, 2)} s  (${fmt(((MODELS * poolSet.y.length) / ms) * 1000)} samples/s, ${fmt(cores, 2)} cores busy on average)`,
  );
}
console.log(
  `speed-up 2 vs 1 worker: ${fmt(times[0] / times[1], 2)}× (bounded by the cores this process actually got: see "cores busy")`,
);
console.log(
  `\nload average at end: ${load()}; whole run ${fmt((performance.now() - wall0) / 1000, 1)} s wall, main thread + workers CPU ${fmt((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6, 1)} s`,
);
