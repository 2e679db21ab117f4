/**
 * Metrics and their mapping to the on-chain score, a uint16 in [0, 10000]. Pure functions.
 *
 * | metric   | value                                   | score                                        |
 * |----------|-----------------------------------------|----------------------------------------------|
 * | accuracy | share of argmax(prediction) == label    | round(10000 · accuracy)                      |
 * | log_loss | mean −ln p(label), p clipped to [ε, 1]  | round(10000 · max(0, 1 − logLoss / ln K))    |
 * | mse      | mean (prediction − y)²                  | round(10000 · max(0, 1 − mse / var(y)))      |
 *
 * log_loss: uniform guessing (p = 1/K) scores 0, a perfect model 10000; rows are renormalised (negative
 * outputs count as 0) so a softmax that does not sum exactly to 1 is not penalised. mse: the score is R²
 * clipped at 0 (predicting the mean of y scores 0). Any NaN or ±Inf prediction scores 0 with a reason.
 *
 * Determinism across backends: cpu and wasm outputs differ by ≈1e-5 relative. Values are accumulated in
 * float64 and the score is rounded to an integer out of 10,000, so a 1e-5 relative change in the value
 * moves the unrounded score by ≤ 0.1: both backends give the same integer except when the unrounded score
 * lies within 0.1 of a .5 boundary (then they differ by 1, which the on-chain median absorbs). Accuracy
 * only differs when two classes are within ~1e-5 of each other for an example (ties pick the lowest index).
 */
import type { Metric } from "../types.js";

export const MAX_SCORE = 10000;
/** probabilities are clipped to [EPS, 1] before the logarithm */
export const LOG_LOSS_EPS = 1e-7;

export type MetricOutcome = { ok: true; value: number; score: number } | { ok: false; reason: string };

/** Maps a metric value to the uint16 score (see the table above). `classes` is needed for log_loss,
 *  `targetVariance` for mse. */
export function scoreFromValue(
  metric: Metric,
  value: number,
  opts: { classes?: number; targetVariance?: number } = {},
): number {
  if (!Number.isFinite(value)) return 0;
  let s: number;
  switch (metric) {
    case "accuracy":
      s = value;
      break;
    case "log_loss": {
      const k = opts.classes ?? 0;
      if (k < 2) throw new Error("log_loss score needs classes ≥ 2");
      s = 1 - value / Math.log(k);
      break;
    }
    case "mse": {
      const v = opts.targetVariance ?? 0;
      s = v > 0 ? 1 - value / v : value === 0 ? 1 : 0;
      break;
    }
  }
  return Math.round(MAX_SCORE * Math.min(1, Math.max(0, s)));
}

/** Index of the largest value in row `i` of a row-major [n, k] matrix (lowest index on ties). */
function argmaxRow(p: Float32Array, i: number, k: number): number {
  let best = 0;
  let bestV = p[i * k];
  for (let j = 1; j < k; j++) {
    const v = p[i * k + j];
    if (v > bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

export function accuracy(pred: Float32Array, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) if (argmaxRow(pred, i, k) === labels[i]) correct++;
  return n === 0 ? 0 : correct / n;
}

export function logLoss(pred: Float32Array, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.max(0, pred[i * k + j]);
    const py = sum > 0 ? Math.max(0, pred[i * k + labels[i]]) / sum : 0;
    total += -Math.log(Math.min(1, Math.max(LOG_LOSS_EPS, py)));
  }
  return n === 0 ? 0 : total / n;
}

export function meanSquaredError(pred: Float32Array, targets: ArrayLike<number>): number {
  const n = targets.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += (pred[i] - targets[i]) ** 2;
  return n === 0 ? 0 : total / n;
}

export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  return v / n;
}

/** Computes the metric and score of predictions `pred` (row-major [n, units]) against `y`.
 *  `units` is K for classification and 1 for regression. Never throws for bad predictions. */
export function evaluatePredictions(
  metric: Metric,
  pred: Float32Array,
  y: Int32Array | Float32Array,
  units: number,
): MetricOutcome {
  const n = y.length;
  if (pred.length !== n * units) {
    return { ok: false, reason: `model produced ${pred.length} outputs, expected ${n} × ${units}` };
  }
  for (let i = 0; i < pred.length; i++) {
    if (!Number.isFinite(pred[i])) return { ok: false, reason: "model produced NaN/Inf predictions" };
  }
  if (metric === "mse") {
    const value = meanSquaredError(pred, y);
    return { ok: true, value, score: scoreFromValue("mse", value, { targetVariance: variance(y) }) };
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= units) {
      throw new RangeError(`label ${y[i]} at index ${i} is not a class in [0, ${units})`);
    }
  }
  const value = metric === "accuracy" ? accuracy(pred, y, units) : logLoss(pred, y, units);
  return { ok: true, value, score: scoreFromValue(metric, value, { classes: units }) };
}
