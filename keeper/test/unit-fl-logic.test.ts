/** The FL bot's pure decisions (src/logic/fl.ts) and the hold-out split (src/data/holdout.ts). */
import { describe, expect, it } from "vitest";
import { RoundPhase } from "../../generated/enums.js";
import { splitHoldout } from "../src/data/holdout.js";
import type { Update } from "../src/fl/index.js";
import { flAction, roundKey, screenUpdates, voteCommitment } from "../src/logic/fl.js";

const update = (values: number[]): Update => ({
  base: "bafybase",
  examples: 10,
  tensors: [{ name: "w", shape: [values.length], size: values.length, values: Int32Array.from(values) }],
});

describe("flAction", () => {
  const none = { proposer: false, update: undefined, scores: undefined, vote: undefined } as const;
  it("trains only as a proposer, and re-sends a prepared commitment instead of training again", () => {
    expect(flAction(RoundPhase.UpdateCommit, none)).toBe("wait");
    expect(flAction(RoundPhase.UpdateCommit, { ...none, proposer: true })).toBe("train-and-commit");
    expect(flAction(RoundPhase.UpdateCommit, { ...none, proposer: true, update: "prepared" })).toBe("train-and-commit");
    expect(flAction(RoundPhase.UpdateCommit, { ...none, proposer: true, update: "committed" })).toBe("wait");
    expect(flAction(RoundPhase.UpdateReveal, { ...none, proposer: true, update: "committed" })).toBe("reveal-update");
  });
  it("every participant scores and votes; a vote needs revealed scores; an ended round advances", () => {
    expect(flAction(RoundPhase.ScoreCommit, none)).toBe("score-and-commit");
    expect(flAction(RoundPhase.ScoreReveal, { ...none, scores: "committed" })).toBe("reveal-scores");
    expect(flAction(RoundPhase.VoteCommit, { ...none, scores: "committed" })).toBe("wait");
    expect(flAction(RoundPhase.VoteCommit, { ...none, scores: "revealed" })).toBe("vote-and-commit");
    expect(flAction(RoundPhase.VoteReveal, { ...none, scores: "revealed", vote: "committed" })).toBe("reveal-vote");
    expect(flAction(RoundPhase.Ended, none)).toBe("advance");
    expect(flAction(RoundPhase.Settled, none)).toBe("wait");
  });
});

describe("screenUpdates", () => {
  it("zeroes a later copy of an earlier column's weights and a free-ride, keeps the rest", () => {
    const a = update([100, -200, 300]);
    const copy = { ...update([100, -200, 300]), examples: 999 }; // same weights, other metadata
    const zero = update([0, 0, 0]);
    const b = update([120, -180, 310]);
    const reasons = screenUpdates([a, copy, zero, null, b]);
    expect(reasons[0]).toBeNull();
    expect(reasons[1]).toMatch(/identical to column 0/);
    expect(reasons[2]).toMatch(/free-ride/);
    expect(reasons[3]).toBeNull(); // unreadable: scored 0 elsewhere
    expect(reasons[4]).toBeNull();
  });
  it("never calls a lone update a free-ride", () => {
    expect(screenUpdates([update([0, 0])])).toEqual([null]);
  });
});

describe("commitments and keys", () => {
  it("binds every field of a vote", () => {
    const a = "0x0000000000000000000000000000000000000001" as const;
    const s = `0x${"11".repeat(32)}` as const;
    const base = voteCommitment(31337, a, 1n, 1, a, true, "bafyc", s);
    expect(voteCommitment(31337, a, 1n, 1, a, false, "bafyc", s)).not.toBe(base);
    expect(voteCommitment(31337, a, 1n, 2, a, true, "bafyc", s)).not.toBe(base);
    expect(voteCommitment(31337, a, 1n, 1, a, true, "bafyd", s)).not.toBe(base);
  });
  it("keys a round in the journal without collisions", () => {
    expect(roundKey(1n, 2)).not.toBe(roundKey(2n, 1));
    expect(() => roundKey(1n, 65536)).toThrow(RangeError);
  });
});

describe("splitHoldout", () => {
  it("takes the last share (capped) as the hold-out", () => {
    const ds = {
      x: Float32Array.from({ length: 20 }, (_, i) => i),
      xShape: [10, 2],
      y: Int32Array.from({ length: 10 }, (_, i) => i),
    };
    const { train, holdout } = splitHoldout(ds, 0.2, 1000);
    expect(train.xShape).toEqual([8, 2]);
    expect(Array.from(holdout.y)).toEqual([8, 9]);
    expect(Array.from(holdout.x)).toEqual([16, 17, 18, 19]);
    expect(splitHoldout(ds, 0.5, 3).holdout.xShape[0]).toBe(3);
    expect(() => splitHoldout({ ...ds, xShape: [1, 2] }, 0.2, 10)).toThrow(/cannot be split/);
  });
});
