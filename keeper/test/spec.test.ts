import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidSpecError, outputUnits, parseSpec } from "../src/spec.js";

const example = JSON.parse(readFileSync(new URL("../../examples/mnist/spec.json", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;

function issuesOf(json: unknown): string[] {
  try {
    parseSpec(json);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidSpecError);
    return (err as InvalidSpecError).issues;
  }
  throw new Error("expected the spec to be rejected");
}

describe("parseSpec", () => {
  it("accepts the MNIST example", () => {
    const spec = parseSpec(example);
    expect(spec.input.shape).toEqual([28, 28, 1]);
    expect(outputUnits(spec)).toBe(10);
    expect(spec.spamScore).toBeLessThanOrEqual(spec.minScore);
  });

  it("accepts a JSON string and a regression spec with an optional data CID", () => {
    const spec = parseSpec(
      JSON.stringify({ ...example, output: { type: "regression" }, metric: "mse", trainingDataCid: "bafy123" }),
    );
    expect(outputUnits(spec)).toBe(1);
    expect(spec.trainingDataCid).toBe("bafy123");
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["version", { version: 2 }, /^version:/],
    ["name", { name: "" }, /^name:/],
    ["description", { description: 42 }, /^description:/],
    ["input shape", { input: { shape: [28, -1] } }, /^input\.shape\.1:/],
    ["input missing", { input: undefined }, /^input:/],
    ["output type", { output: { type: "ranking" } }, /^output/],
    ["output classes", { output: { type: "classes", classes: 1 } }, /^output\.classes:/],
    ["metric", { metric: "f1" }, /^metric:/],
    ["metric vs output", { metric: "mse" }, /^metric: mse needs a regression output/],
    ["trainingDataCid", { trainingDataCid: "" }, /^trainingDataCid:/],
    ["minScore", { minScore: 10001 }, /^minScore:/],
    ["spamScore", { spamScore: -1 }, /^spamScore:/],
    ["spamScore > minScore", { spamScore: 6000 }, /^spamScore: must be ≤ minScore \(5000\)/],
    ["maxModelBytes", { maxModelBytes: 0 }, /^maxModelBytes:/],
    ["maxParams", { maxParams: 1.5 }, /^maxParams:/],
    ["evalTimeoutMs", { evalTimeoutMs: "60s" }, /^evalTimeoutMs:/],
    ["unknown field", { extra: true }, /extra/],
  ];
  for (const [field, patch, expected] of bad) {
    it(`rejects a bad ${field}`, () => {
      const issues = issuesOf({ ...example, ...patch });
      expect(
        issues.some((i) => expected.test(i)),
        issues.join("; "),
      ).toBe(true);
    });
  }

  it("lists every bad field at once", () => {
    const issues = issuesOf({ ...example, name: "", metric: "f1", maxParams: -1 });
    expect(issues.length).toBeGreaterThanOrEqual(3);
    const err = (() => {
      try {
        parseSpec({ ...example, name: "", maxParams: -1 });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/name:.*\n.*maxParams:/s);
  });

  it("rejects non-JSON text and non-objects", () => {
    expect(issuesOf("{nope")[0]).toMatch(/not JSON/);
    expect(issuesOf(null).length).toBeGreaterThan(0);
  });
});
