/**
 * The validator bot. For each live task (chain/tracker.ts) in its commit window: fetch the spec, the (now revealed)
 * evaluation data and every published model, score each, journal salt + scores durably, then commit. In the reveal
 * window: reveal what the journal says was committed — also after a crash or restart.
 *
 * A model scores 0 with a logged reason, and the bot goes on, when it cannot be fetched or evaluated, when its
 * `flock.json` manifest is missing or names another node, task, chain or arena, or when its weight bytes are those of
 * a model of the same task committed earlier (logic/submission.ts).
 *
 * When the evaluation data (or the task's spec) cannot be fetched or used (missing, too big, not a dataset, the wrong
 * input shape), the bot retries until the middle of the commit window and then commits — and reveals — an EMPTY score
 * list: the protocol's "eval data unavailable". If the validators saying so hold more of the revealed stake than those who
 * scored, the task is cancelled `CreatorDefault` (the creator loses pool and bond); if not, they are judged deviating.
 *
 * The validator set is decided by stake: a full set admits a strictly larger lock by evicting the smallest
 * (`ValidatorEvicted`; the evicted stake is unlocked at once). An evicted validator's record is gone: the bot notices
 * (its commitment is no longer on chain), logs it, marks the journal entry abandoned and does not try to reveal.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PublishedSubmission, TaskView } from "../chain/protocol.js";
import { TaskTracker } from "../chain/tracker.js";
import { datasetFromFiles } from "../data/dataset.js";
import type { EvalPool } from "../eval/index.js";
import { mapLimit } from "../logic/async.js";
import { newSalt, scoresCommitment } from "../logic/commitments.js";
import { EVAL_DATA_FETCH_LIMITS, modelFetchLimits } from "../logic/limits.js";
import { evalUnavailableAfter, validatorAction } from "../logic/phase.js";
import { randomScore } from "../logic/random.js";
import { copiedWeights, manifestMismatch, sharedDigests, weightsDigest } from "../logic/submission.js";
import type { Node } from "../node.js";
import type { TaskSpec } from "../spec.js";
import type { Dataset, EvalResult, Progress } from "../types.js";
import { Bot } from "./bot.js";
import { fetchSpec } from "./creator.js";

export type ScoringStrategy = "honest" | "random";

/** The task's evaluation data cannot be fetched or used: the validator's answer is an empty score list. */
export class EvalDataUnavailableError extends Error {
  override name = "EvalDataUnavailableError";
}

export interface ValidatorOptions {
  pool: EvalPool;
  /** "random" scores without evaluating (a misbehaving validator, for demos and tests) */
  strategy?: ScoringStrategy;
  /** commit but never reveal (a misbehaving validator, for demos and tests) */
  skipReveal?: boolean;
  progress?: Progress;
}

export interface ScoredModel extends PublishedSubmission {
  result: EvalResult;
}

export class ValidatorBot extends Bot {
  readonly tracker: TaskTracker;

  constructor(
    private readonly node: Node,
    private readonly opts: ValidatorOptions,
  ) {
    super("validator", node.log.child({ bot: "validator" }), node.config.pollMs);
    this.tracker = new TaskTracker(node.protocol, node.journal, { name: "validator" });
  }

  protected async tick(): Promise<void> {
    await this.tracker.sync();
    await this.eachTask(this.tracker.live(), async (id) => {
      if (await this.handle(await this.node.protocol.getTask(id))) this.tracker.drop(id);
    });
  }

  private key(taskId: bigint) {
    return {
      kind: "scores" as const,
      chainId: this.node.protocol.deployments.chainId,
      contract: this.node.protocol.arena.address,
      taskId,
      account: this.node.chain.address,
    };
  }

  /** Does what is due for one task; true when nothing will ever be due for it again. */
  private async handle(task: TaskView): Promise<boolean> {
    const { protocol, journal } = this.node;
    const key = this.key(task.id);
    let row = journal.get(key);
    if (row && (row.state === "prepared" || row.state === "committed")) {
      // crashed (or lost the RPC) between journal and receipt: the chain says whether the commit, or the reveal, landed
      const rec = await protocol.validatorRecord(task.id, key.account);
      if (rec.commitment === row.commitment) journal.mark(key, rec.revealed ? "revealed" : "committed");
      else if (row.state === "committed" && /^0x0+$/.test(rec.commitment)) {
        // the commit landed (we saw its receipt) and the record is gone: a larger lock evicted us
        journal.mark(key, "abandoned");
        this.log.warn(
          { taskId: task.id.toString() },
          "evicted from the validator set by a larger lock (ValidatorEvicted): stake unlocked, nothing to reveal",
        );
        return true;
      }
      row = journal.get(key);
    }
    const viable = task.evalRevealed && task.published > 0;
    const action = validatorAction(task.phase, {
      committed: row?.state === "committed",
      revealed: row?.state === "revealed",
      viable,
    });
    switch (action) {
      case "evaluate-and-commit":
        await this.evaluateAndCommit(task, row?.state === "prepared" ? row : undefined);
        return false;
      case "reveal":
        await this.reveal(task);
        return true;
      case "too-late":
        this.log.warn({ taskId: task.id.toString() }, "window missed");
        return true;
      case "done":
        return true;
      case "wait":
        return false;
    }
  }

  private async evaluateAndCommit(
    task: TaskView,
    prepared?: { salt: `0x${string}`; commitment: `0x${string}`; payload: string },
  ): Promise<void> {
    const { protocol, journal } = this.node;
    const key = this.key(task.id);
    let commitment = prepared?.commitment;
    if (!prepared) {
      let scored: ScoredModel[];
      try {
        scored = await this.scoreTask(task);
      } catch (e) {
        if (!(e instanceof EvalDataUnavailableError)) throw e;
        const now = await protocol.now();
        const after = evalUnavailableAfter(task);
        if (now < after) {
          this.log.warn(
            { taskId: task.id.toString(), err: e.message, retryUntil: after },
            "eval data unavailable (will retry)",
          );
          throw e;
        }
        this.log.warn(
          { taskId: task.id.toString(), err: e.message },
          "eval data unavailable: committing an empty score list",
        );
        scored = [];
      }
      const scores = scored.map((s) => s.result.score);
      const salt = newSalt();
      commitment = scoresCommitment(key.chainId, protocol.arena.address, task.id, key.account, scores, salt);
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
      return;
    }
    const { protocol, journal } = this.node;
    const key = this.key(task.id);
    const row = journal.get(key)!;
    const scores = JSON.parse(row.payload) as number[];
    // an empty list is the protocol's "eval data unavailable"
    if (scores.length === 0) this.log.warn({ taskId: task.id.toString() }, "revealing 'eval data unavailable'");
    const receipt = await this.node.chain.write({
      ...protocol.arena,
      functionName: "revealScores",
      args: [task.id, scores, row.salt],
      label: `revealScores(${task.id})`,
    });
    journal.mark(key, "revealed", receipt.transactionHash);
    this.log.info({ taskId: task.id.toString(), scores, tx: receipt.transactionHash }, "scores revealed");
  }

  /** Fetches and scores every published model of the task (or scores at random with the "random" strategy). */
  async scoreTask(task: TaskView): Promise<ScoredModel[]> {
    const subs = await this.node.protocol.publishedSubmissions(task);
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
    // the creator's spec and eval data: if either cannot be fetched or used, the task cannot be scored
    let spec: TaskSpec;
    let dataset: Dataset;
    try {
      spec = await fetchSpec(this.node, task.specCid);
    } catch (e) {
      throw new EvalDataUnavailableError(`task ${task.id}: spec ${task.specCid}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    try {
      dataset = await this.fetchEvalData(task, spec);
    } catch (e) {
      throw new EvalDataUnavailableError(`task ${task.id}: eval data ${task.evalCid}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const bar = this.opts.progress?.start(`task ${task.id}: scoring ${subs.length} models`, subs.length);
    // at most two models per worker in flight: fetched model bytes wait in memory only briefly
    const scored = await mapLimit(subs, this.opts.pool.size * 2, async (s) => {
      const { result, digest } = await this.scoreOne(task, s, spec, dataset);
      bar?.increment();
      return { ...s, result, digest };
    });
    bar?.stop();
    await this.zeroCopies(task, scored);
    for (const s of scored)
      if (s.result.reason)
        this.log.warn(
          { taskId: task.id.toString(), index: s.index, modelCid: s.modelCid, reason: s.result.reason },
          "model scored 0",
        );
    return scored.map(({ digest: _digest, ...s }) => s);
  }

  /** Scores 0 every model whose weights are those of a model of this task committed earlier. */
  private async zeroCopies(task: TaskView, scored: (ScoredModel & { digest: string | undefined })[]): Promise<void> {
    const shared = sharedDigests(scored);
    if (shared.length === 0) return;
    const seqs = new Map<number, number>();
    for (const index of shared) seqs.set(index, (await this.node.protocol.submissionAt(task.id, index)).commitSeq);
    const copies = copiedWeights(
      scored
        .filter((s) => seqs.has(s.index))
        .map((s) => ({ index: s.index, commitSeq: seqs.get(s.index)!, digest: s.digest })),
    );
    for (const s of scored) {
      const original = copies.get(s.index);
      if (original === undefined) continue;
      s.result = {
        score: 0,
        metric: s.result.metric,
        value: null,
        reason: `weights identical to submission ${original} (committed earlier)`,
        ms: s.result.ms,
      };
    }
  }

  private async fetchEvalData(task: TaskView, spec: TaskSpec): Promise<Dataset> {
    const files = await this.node.store.getDirectory(task.evalCid, EVAL_DATA_FETCH_LIMITS);
    const ds = datasetFromFiles(files);
    const want = spec.input.shape.join("×");
    if (ds.xShape.slice(1).join("×") !== want)
      throw new Error(`eval data of task ${task.id} has inputs ${ds.xShape.slice(1).join("×")}, spec says ${want}`);
    return ds;
  }

  private async scoreOne(
    task: TaskView,
    s: PublishedSubmission,
    spec: TaskSpec,
    dataset: Dataset,
  ): Promise<{ result: EvalResult; digest: string | undefined }> {
    const t0 = performance.now();
    const zero = (reason: string) => ({
      result: { score: 0, metric: spec.metric, value: null, reason, ms: Math.round(performance.now() - t0) },
      digest: undefined,
    });
    let files: Awaited<ReturnType<Node["store"]["getDirectory"]>>;
    try {
      files = await this.node.store.getDirectory(s.modelCid, modelFetchLimits(spec));
    } catch (e) {
      return zero(`fetch failed: ${(e as Error).message}`);
    }
    const mismatch = manifestMismatch(files, {
      chainId: this.node.protocol.deployments.chainId,
      arena: this.node.protocol.arena.address,
      taskId: task.id,
      node: s.trainer,
    });
    if (mismatch !== null) return zero(mismatch);
    return { result: await this.opts.pool.evaluate({ files, dataset, spec }), digest: weightsDigest(files) };
  }

  private writeReport(taskId: bigint, scored: ScoredModel[]): void {
    const dir = join(this.node.config.dataDir, "reports");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `task-${taskId}.json`), JSON.stringify({ taskId: taskId.toString(), scored }, null, 2));
  }
}
