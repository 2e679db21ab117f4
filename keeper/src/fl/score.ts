/**
 * What a voter computes on its private data: the uint16 scores ([0, 10000], the task metric's mapping of
 * ../eval/metrics.ts — accuracy, log_loss or mse) of the current global model, of the round's candidate, and of
 * the global model plus each update alone. Models are evaluated through an {@link ModelEvaluator}; the real one
 * is the sandboxed {@link EvalPool} ({@link poolEvaluator}), so a hostile update can only score 0.
 */
import type { EvalPool } from "../eval/pool.js";
import type { TaskSpec } from "../spec.js";
import type { Dataset, EvalResult, FileMap } from "../types.js";
import { type Contribution, canonicalOrder } from "./aggregate.js";
import { type FixedModel, modelToFiles } from "./model.js";
import { applyUpdate } from "./update.js";

/** Evaluates one model directory on the voter's private data. */
export type ModelEvaluator = (files: FileMap) => Promise<EvalResult>;

/** The sandboxed evaluator: `pool` workers, the voter's `dataset`, the task `spec`'s metric and limits. */
export function poolEvaluator(pool: EvalPool, dataset: Dataset, spec: TaskSpec): ModelEvaluator {
  return (files) => pool.evaluate({ files, dataset, spec });
}

export interface RoundScores {
  global: EvalResult;
  /** absent when no candidate was given */
  candidate?: EvalResult;
  /** global + each update alone, in canonical (proposer) order */
  updates: EvalResult[];
  /** the proposers of `updates`, in the same order */
  proposers: `0x${string}`[];
}

export interface ScoreRoundOptions {
  global: FixedModel;
  /** the candidate's files (as built by buildCandidate and checked against its CID) */
  candidate?: FileMap;
  contributions: readonly Contribution[];
  evaluate: ModelEvaluator;
}

/** Scores the global model, the candidate and every update alone (all submitted at once: a pool runs them in
 *  parallel). The integer scores to reveal are the results' `score` fields. */
export async function scoreRound(opts: ScoreRoundOptions): Promise<RoundScores> {
  const sorted = canonicalOrder(opts.contributions);
  const alone = sorted.map((c) => modelToFiles(applyUpdate(opts.global, c.update).model));
  const [global, candidate, ...updates] = await Promise.all([
    opts.evaluate(modelToFiles(opts.global)),
    opts.candidate === undefined ? undefined : opts.evaluate(opts.candidate),
    ...alone.map((files) => opts.evaluate(files)),
  ]);
  return {
    global: global!,
    ...(candidate === undefined ? {} : { candidate }),
    updates: updates as EvalResult[],
    proposers: sorted.map((c) => c.proposer),
  };
}
