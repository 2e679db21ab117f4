/**
 * Determinism of the FL candidate across processes and TF.js backends, over a multi-round run:
 * two separate processes, one on wasm and one on the pure-JS cpu backend, each train some proposers' updates (so the
 * update files come from different backends, whose floats differ), then both — and this test's own process — read the
 * same update files, aggregate them and must produce the same candidate bytes and CID in every round; and a
 * candidate loaded into TF.js on either backend and saved again must canonicalise to the very same bytes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveModelToFiles } from "../src/eval/index.js";
import {
  type Address,
  type AggregationRule,
  buildCandidate,
  type Contribution,
  directoryCid,
  modelFromFiles,
  modelLayout,
  modelToFiles,
  updateFromFiles,
  useBackend,
} from "../src/fl/index.js";
import { buildDense } from "../src/train/index.js";
import type { FileMap } from "../src/types.js";
import { mnistSpec } from "./fixtures/mnist.js";

const HELPER = new URL("./helpers/fl-node.ts", import.meta.url).pathname;
const ROUNDS = 8;
const RULES: AggregationRule[] = [
  { kind: "fedavg", maxExamples: 60 },
  { kind: "trimmed-mean", betaBps: 2000 },
  { kind: "median" },
  { kind: "fedavg", maxExamples: 1000 },
];
const address = (i: number): Address => `0x${(0xf1 * (i + 1)).toString(16).padStart(40, "0")}`;

/** One FL process: JSON line requests on stdin, JSON line answers on stdout. */
class FlNode {
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly queued: string[] = [];
  stderr = "";

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on("line", (l) => {
      const w = this.waiting.shift();
      if (w) w(l);
      else this.queued.push(l);
    });
    child.stderr.on("data", (c: Buffer) => (this.stderr += c.toString()));
  }

  static async start(backend: "wasm" | "cpu"): Promise<FlNode> {
    const child = spawn(process.execPath, ["--import", "tsx", HELPER, backend], { stdio: ["pipe", "pipe", "pipe"] });
    const node = new FlNode(child);
    const ready = JSON.parse(await node.next()) as { ready: string; pid: number };
    expect(ready.ready).toBe(backend);
    return node;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private next(): Promise<string> {
    const l = this.queued.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.child.once("exit", (code) => reject(new Error(`FL process exited (${code}): ${this.stderr.slice(-2000)}`)));
    });
  }

  async call<T>(req: object): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const answer = JSON.parse(await this.next()) as { ok: boolean; result?: T; error?: string };
    if (!answer.ok) throw new Error(answer.error);
    return answer.result as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}

interface Digest {
  cid: string;
  files: Record<string, string>;
}

async function readDir(dir: string): Promise<FileMap> {
  const files: FileMap = new Map();
  for (const name of (await readdir(dir)).sort()) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  return files;
}

let tmp: string;
let wasm: FlNode;
let cpu: FlNode;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "flock-fl-det-"));
  [wasm, cpu] = await Promise.all([FlNode.start("wasm"), FlNode.start("cpu")]);
  await useBackend("wasm");
}, 60_000);

afterAll(async () => {
  await Promise.all([wasm?.stop(), cpu?.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

describe("the candidate is identical across processes and backends", () => {
  it(`in every round of a ${ROUNDS}-round run`, async () => {
    expect(wasm.pid).not.toBe(cpu.pid);
    expect(wasm.pid).not.toBe(process.pid);
    // round 0: the global model, canonical
    const m = buildDense(mnistSpec, "mlp-small", 5);
    let globalFiles = modelToFiles(modelFromFiles(await saveModelToFiles(m)));
    m.dispose();
    let globalDir = join(tmp, "global-0");
    const { mkdir, writeFile } = await import("node:fs/promises");
    await mkdir(globalDir);
    for (const [n, b] of globalFiles) await writeFile(join(globalDir, n), b);
    let globalCid = await directoryCid(globalFiles);

    const identical: boolean[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const updates = join(tmp, `r${round}`, "updates");
      const clients = (from: number, to: number) =>
        Array.from({ length: to - from }, (_, k) => ({
          index: from + k,
          proposer: address(from + k),
          seed: round * 10 + from + k,
        }));
      // proposers 0–2 train on wasm, 3–5 on cpu, in two processes at once
      type Trained = { written: Record<string, string>; floats: Record<string, string>; backends: string[] };
      const trained = await Promise.all([
        wasm.call<Trained>({ op: "train", global: globalDir, globalCid, out: updates, clients: clients(0, 3) }),
        cpu.call<Trained>({ op: "train", global: globalDir, globalCid, out: updates, clients: clients(3, 6) }),
      ]);
      expect(trained.map((t) => t.backends)).toEqual([["wasm"], ["cpu"]]);
      if (round === 1) {
        // the backends' floats differ: the same client trained from the same model with the same seed on each
        // backend gives different float32 weights
        const cross = join(tmp, "r1", "cross");
        const [a, b] = await Promise.all([
          wasm.call<Trained>({
            op: "train",
            global: globalDir,
            globalCid,
            out: join(cross, "wasm"),
            clients: clients(0, 1),
          }),
          cpu.call<Trained>({
            op: "train",
            global: globalDir,
            globalCid,
            out: join(cross, "cpu"),
            clients: clients(0, 1),
          }),
        ]);
        expect(a.floats[address(0)]).not.toBe(b.floats[address(0)]);
      }
      const rule = RULES[(round - 1) % RULES.length];
      const candidateDir = join(tmp, `global-${round}`);
      const [onWasm, onCpu] = await Promise.all([
        wasm.call<Digest>({ op: "aggregate", global: globalDir, globalCid, updates, rule, write: candidateDir }),
        cpu.call<Digest>({ op: "aggregate", global: globalDir, globalCid, updates, rule }),
      ]);
      // and this process, the third one, from the same files
      const global = modelFromFiles(globalFiles);
      const contributions: Contribution[] = [];
      for (const p of (await readdir(updates)).sort()) {
        contributions.push({
          proposer: p as Address,
          update: updateFromFiles(await readDir(join(updates, p)), { layout: modelLayout(global), base: globalCid }),
        });
      }
      expect(contributions).toHaveLength(6);
      const here = await buildCandidate({ global, globalCid, contributions, rule });
      const written = await readDir(candidateDir);
      // re-serialised through TF.js on the other backend (and on the same one)
      const [reWasm, reCpu] = await Promise.all([
        wasm.call<Digest>({ op: "reserialise", dir: candidateDir }),
        cpu.call<Digest>({ op: "reserialise", dir: candidateDir }),
      ]);
      const same =
        onWasm.cid === here.cid &&
        onCpu.cid === here.cid &&
        reWasm.cid === here.cid &&
        reCpu.cid === here.cid &&
        JSON.stringify(onWasm.files) === JSON.stringify(onCpu.files) &&
        JSON.stringify(reWasm.files) === JSON.stringify(onWasm.files) &&
        JSON.stringify(reCpu.files) === JSON.stringify(onWasm.files) &&
        [...here.files].every(([n, b]) => Buffer.from(b).equals(written.get(n)!));
      expect({ round, wasm: onWasm.cid, cpu: onCpu.cid, reWasm: reWasm.cid, reCpu: reCpu.cid }).toEqual({
        round,
        wasm: here.cid,
        cpu: here.cid,
        reWasm: here.cid,
        reCpu: here.cid,
      });
      identical.push(same);
      // the candidate becomes the next round's global model (and it moved)
      expect(here.cid).not.toBe(globalCid);
      globalFiles = here.files;
      globalDir = candidateDir;
      globalCid = here.cid;
    }
    expect(identical).toEqual(new Array(ROUNDS).fill(true));
  }, 180_000);
});
