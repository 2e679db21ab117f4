import { describe, expect, it } from "vitest";
import { accuracy, evaluatePredictions, logLoss, scoreFromValue, variance } from "../src/eval/metrics.js";

const f32 = (a: number[]) => Float32Array.from(a);

describe("accuracy", () => {
  it("counts argmax hits and maps to round(10000·acc)", () => {
    const pred = f32([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]);
    const out = evaluatePredictions("accuracy", pred, Int32Array.from([0, 1, 1]), 2);
    expect(out).toEqual({ ok: true, value: 2 / 3, score: 6667 });
  });
  it("breaks ties towards the lowest index", () => {
    expect(accuracy(f32([0.5, 0.5]), [0], 2)).toBe(1);
    expect(accuracy(f32([0.5, 0.5]), [1], 2)).toBe(0);
  });
  it("perfect and empty", () => {
    expect(scoreFromValue("accuracy", 1)).toBe(10000);
    expect(scoreFromValue("accuracy", 0)).toBe(0);
  });
});

describe("log_loss", () => {
  it("uniform guessing scores 0, a perfect model 10000", () => {
    const k = 4;
    const uniform = new Float32Array(3 * k).fill(0.25);
    const u = evaluatePredictions("log_loss", uniform, Int32Array.from([0, 1, 3]), k);
    expect(u.ok && u.value).toBeCloseTo(Math.log(4), 6);
    expect(u.ok && u.score).toBe(0);
    const perfect = f32([1, 0, 0, 0, 0, 1, 0, 0]);
    const p = evaluatePredictions("log_loss", perfect, Int32Array.from([0, 1]), k);
    expect(p.ok && p.score).toBe(10000);
  });
  it("clips worse-than-uniform to 0 and a zero probability to ε", () => {
    const wrong = f32([0, 1, 0, 1]);
    expect(logLoss(wrong, [0, 0], 2)).toBeCloseTo(-Math.log(1e-7), 4);
    expect(scoreFromValue("log_loss", 5, { classes: 2 })).toBe(0);
  });
  it("maps a known value", () => {
    // p(label) = 0.5 on 10 classes: 1 − ln 2 / ln 10 = 0.69897
    const pred = new Float32Array(10).fill(0.5 / 9);
    pred[3] = 0.5;
    const out = evaluatePredictions("log_loss", pred, Int32Array.from([3]), 10);
    expect(out.ok && out.score).toBe(6990);
  });
  it("renormalises rows that do not sum to 1", () => {
    expect(logLoss(f32([2, 2]), [0], 2)).toBeCloseTo(Math.log(2), 6);
  });
  it("needs classes", () => {
    expect(() => scoreFromValue("log_loss", 0.1)).toThrow(/classes/);
  });
});

describe("mse", () => {
  it("is R² clipped at 0", () => {
    const y = f32([1, 2, 3, 4]);
    expect(variance(y)).toBeCloseTo(1.25);
    const exact = evaluatePredictions("mse", f32([1, 2, 3, 4]), y, 1);
    expect(exact).toEqual({ ok: true, value: 0, score: 10000 });
    const mean = evaluatePredictions("mse", f32([2.5, 2.5, 2.5, 2.5]), y, 1);
    expect(mean.ok && mean.score).toBe(0);
    const half = evaluatePredictions("mse", f32([1.5, 2.5, 2.5, 3.5]), y, 1); // mse 0.25 → R² 0.8
    expect(half.ok && half.score).toBe(8000);
    const awful = evaluatePredictions("mse", f32([100, 100, 100, 100]), y, 1);
    expect(awful.ok && awful.score).toBe(0);
  });
  it("handles constant targets", () => {
    expect(scoreFromValue("mse", 0, { targetVariance: 0 })).toBe(10000);
    expect(scoreFromValue("mse", 0.1, { targetVariance: 0 })).toBe(0);
  });
});

describe("bad predictions", () => {
  it("NaN or Inf scores 0 with a reason", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const out = evaluatePredictions("accuracy", f32([0.1, bad]), Int32Array.from([0]), 2);
      expect(out).toEqual({ ok: false, reason: "model produced NaN/Inf predictions" });
    }
  });
  it("a wrong number of outputs scores 0", () => {
    const out = evaluatePredictions("accuracy", f32([1, 0, 0]), Int32Array.from([0, 1]), 2);
    expect(out.ok).toBe(false);
  });
  it("a non-finite metric value maps to 0", () => {
    expect(scoreFromValue("accuracy", Number.NaN)).toBe(0);
  });
});

describe("backend noise", () => {
  it("a 1e-5 relative change in outputs leaves the score unchanged away from .5 boundaries", () => {
    const n = 1000;
    const k = 10;
    const pred = new Float32Array(n * k);
    const labels = new Int32Array(n);
    let s = 1;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    for (let i = 0; i < n * k; i++) pred[i] = rand();
    for (let i = 0; i < n; i++) labels[i] = Math.floor(rand() * k);
    const noisy = pred.map((v) => v * (1 + (rand() - 0.5) * 2e-5));
    for (const metric of ["accuracy", "log_loss"] as const) {
      const a = evaluatePredictions(metric, pred, labels, k);
      const b = evaluatePredictions(metric, noisy, labels, k);
      expect(a.ok && b.ok && Math.abs(a.score - b.score)).toBeLessThanOrEqual(1);
    }
  });
});
