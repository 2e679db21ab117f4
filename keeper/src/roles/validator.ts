/**
 * The validator bot. For each task in its commit window: fetch the spec, the (now revealed) evaluation data and every
 * published model, evaluate them in the sandboxed worker pool, journal salt + scores durably, then commit. In the
 * reveal window: reveal what the journal says was committed — also after a crash or restart.
 *
 * A model that cannot be fetched or evaluated scores 0 with a logged reason; the bot goes on.
 */

import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TaskView } from "../chain/protocol.js";
import type { Progress } from "../cli/progress.js";
import { datasetFromFiles } from "../data/dataset.js";
import type { EvalPool } from "../eval/index.js";
import { newSalt, scoresCommitment } from "../logic/commitments.js";
import { Phase, validatorAction } from "../logic/phase.js";
import type { Node } from "../node.js";
import type { TaskSpec } from "../spec.js";
import type { Dataset, EvalResult } from "../types.js";
import { Bot } from "./bot.js";
import { fetchSpec } from "./creator.js";

export type ScoringStrategy = "honest" | "random";

export interface ValidatorOptions {
  pool: EvalPool;
  /** "random" scores without evaluating (a misbehaving validator, for demos and tests) */
  strategy?: ScoringStrategy;
  /** commit but never reveal (a misbehaving validator, for demos and tests) */
  skipReveal?: boolean;
  /** the largest evaluation dataset accepted, in bytes */
  maxEvalBytes?: number;
  progress?: Progress;
}

export interface ScoredModel {
  index: number;
  trainer: string;
  modelCid: string;
  result: EvalResult;
}

export class ValidatorBot extends Bot {
  private readonly done = new Set<bigint>();

  constructor(
    private readonly node: Node,
    private readonly opts: ValidatorOptions,
  ) {
    super("validator", node.log.child({ bot: "validator" }), node.config.pollMs);
  }

  protected async tick(): Promise<void> {
    const count = await this.node.protocol.taskCount();
    for (const id of taskIds(count)) {
      if (this.done.has(id)) continue;
      await this.handle(await this.node.protocol.getTask(id));
    }
  }

  private key(taskId: bigint, chainId: number) {
    return {
      kind: "scores" as const,
      chainId,
      contract: this.node.protocol.arena.address,
      taskId,
      account: this.node.chain.address,
    };
  }

  private async handle(task: TaskView): Promise<void> {
    if (task.phase === Phase.Settled || task.phase === Phase.Cancelled) return void this.done.add(task.id);
    const { protocol, journal } = this.node;
    const chainId = await this.node.chain.chainId();
    const key = this.key(task.id, chainId);
    let row = journal.get(key);
    if (row && (row.state === "prepared" || row.state === "committed")) {
      // crashed (or lost the RPC) between journal and receipt: the chain says whether the commit, or the reveal, landed
      const rec = await protocol.read(`validatorRecord(${task.id})`, () =>
        protocol.chain.public.readContract({
          ...protocol.arena,
          functionName: "validatorRecord",
          args: [task.id, key.account],
        }),
      );
      if (rec.commitment === row.commitment) journal.mark(key, rec.revealed ? "revealed" : "committed");
      row = journal.get(key);
    }
    const viable = task.evalRevealed && task.published > 0;
    const action = validatorAction(task.phase as never, {
      committed: row?.state === "committed",
      revealed: row?.state === "revealed",
      viable,
    });
    if (action === "evaluate-and-commit")
      await this.evaluateAndCommit(task, row?.state === "prepared" ? row : undefined);
    else if (action === "reveal") await this.reveal(task);
    else if (action === "done" && task.phase >= Phase.Reveal) this.done.add(task.id);
    else if (action === "too-late") {
      this.log.warn({ taskId: task.id.toString() }, "window missed");
      this.done.add(task.id);
    }
  }

  private async evaluateAndCommit(
    task: TaskView,
    prepared?: { salt: `0x${string}`; commitment: `0x${string}`; payload: string },
  ): Promise<void> {
    const { protocol, journal } = this.node;
    const chainId = await this.node.chain.chainId();
    const key = this.key(task.id, chainId);
    let commitment = prepared?.commitment;
    if (!prepared) {
      const scored = await this.scoreTask(task);
      const scores = scored.map((s) => s.result.score);
      const salt = newSalt();
      commitment = scoresCommitment(chainId, protocol.arena.address, task.id, key.account, scores, salt);
      journal.prepare({ ...key, salt, commitment, payload: JSON.stringify(scores) });
      this.writeReport(task.id, scored);
    }
    const receipt = await this.node.chain.write({
      ...protocol.arena,
      functionName: "commitScores",
      args: [task.id, commitment!],
      label: `commitScores(${task.id})`,
    });
    journal.mark(key, "committed", receipt.transactionHash);
    this.log.info({ taskId: task.id.toString(), tx: receipt.transactionHash }, "scores committed");
  }

  private async reveal(task: TaskView): Promise<void> {
    if (this.opts.skipReveal) {
      this.log.warn({ taskId: task.id.toString() }, "not revealing (--skip-reveal)");
      this.done.add(task.id);
      return;
    }
    const { protocol, journal } = this.node;
    const key = this.key(task.id, await this.node.chain.chainId());
    const row = journal.get(key)!;
    const scores = JSON.parse(row.payload) as number[];
    const receipt = await this.node.chain.write({
      ...protocol.arena,
      functionName: "revealScores",
      args: [task.id, scores, row.salt],
      label: `revealScores(${task.id})`,
    });
    journal.mark(key, "revealed", receipt.transactionHash);
    this.done.add(task.id);
    this.log.info({ taskId: task.id.toString(), scores, tx: receipt.transactionHash }, "scores revealed");
  }

  /** Fetches and evaluates every published model of the task (or scores at random with the "random" strategy). */
  async scoreTask(task: TaskView): Promise<ScoredModel[]> {
    const subs = await this.node.protocol.publishedSubmissions(task.id);
    if (subs.length !== task.published)
      throw new Error(`task ${task.id}: ${subs.length} reveal events for ${task.published} published`);
    if (this.opts.strategy === "random") {
      const me = this.node.chain.address;
      return subs.map((s) => ({
        ...s,
        result: {
          score: randomScore(task.id, me, s.index),
          metric: "accuracy",
          value: null,
          reason: "random strategy",
          ms: 0,
        },
      }));
    }
    const spec = await fetchSpec(this.node, task.specCid);
    const dataset = await this.fetchEvalData(task, spec);
    const bar = this.opts.progress?.start(`task ${task.id}: scoring ${subs.length} models`, subs.length);
    // at most two models per worker in flight: fetched model bytes wait in memory only briefly
    const scored = await mapLimit(subs, this.opts.pool.size * 2, async (s) => {
      const result = await this.scoreOne(s.modelCid, spec, dataset);
      bar?.increment();
      if (result.reason)
        this.log.warn(
          { taskId: task.id.toString(), index: s.index, modelCid: s.modelCid, reason: result.reason },
          "model scored 0",
        );
      return { ...s, result };
    });
    bar?.stop();
    return scored;
  }

  private async fetchEvalData(task: TaskView, spec: TaskSpec): Promise<Dataset> {
    const files = await this.node.store.getDirectory(task.evalCid, {
      maxBytes: this.opts.maxEvalBytes ?? 512 * 1024 * 1024,
      timeoutMs: 120_000,
      maxFiles: 8,
    });
    const ds = datasetFromFiles(files);
    const want = spec.input.shape.join("×");
    if (ds.xShape.slice(1).join("×") !== want)
      throw new Error(`eval data of task ${task.id} has inputs ${ds.xShape.slice(1).join("×")}, spec says ${want}`);
    return ds;
  }

  private async scoreOne(modelCid: string, spec: TaskSpec, dataset: Dataset): Promise<EvalResult> {
    const t0 = performance.now();
    let files;
    try {
      files = await this.node.store.getDirectory(modelCid, {
        maxBytes: spec.maxModelBytes,
        timeoutMs: spec.evalTimeoutMs,
        maxFiles: 64,
      });
    } catch (e) {
      return {
        score: 0,
        metric: spec.metric,
        value: null,
        reason: `fetch failed: ${(e as Error).message}`,
        ms: Math.round(performance.now() - t0),
      };
    }
    return this.opts.pool.evaluate({ files, dataset, spec });
  }

  private writeReport(taskId: bigint, scored: ScoredModel[]): void {
    const dir = join(this.node.config.dataDir, "reports");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `task-${taskId}.json`), JSON.stringify({ taskId: taskId.toString(), scored }, null, 2));
  }
}

/**
 * The "random" strategy's score: uniform in [0, 10000], seeded by (task, validator, index) so that a run is reproducible.
 * It stands for a validator that does not evaluate; it is how the demo shows deviation slashing.
 */
export function randomScore(taskId: bigint, validator: string, index: number): number {
  const h = createHash("sha256").update(`${taskId}:${validator.toLowerCase()}:${index}`).digest();
  return h.readUInt32BE(0) % 10_001;
}

/** Maps with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Task ids are 1..count. */
export function taskIds(count: bigint): bigint[] {
  const ids: bigint[] = [];
  for (let i = 1n; i <= count; i++) ids.push(i);
  return ids;
}
