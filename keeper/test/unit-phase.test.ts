/** Phase arithmetic and the bots' pure decisions: every window boundary, end − 1 vs end. */
import { describe, expect, it } from "vitest";
import {
  creatorAction,
  finalizerAction,
  Phase,
  PhaseNames,
  phaseAt,
  trainerAction,
  validatorAction,
  type Windows,
} from "../src/logic/phase.js";

const w: Windows = { submissionStart: 1000, submissionEnd: 2000, publishEnd: 2500, commitEnd: 3000, revealEnd: 3500 };

describe("phaseAt", () => {
  it.each([
    [0, Phase.Created],
    [999, Phase.Created],
    [1000, Phase.Submission],
    [1999, Phase.Submission],
    [2000, Phase.Publish],
    [2499, Phase.Publish],
    [2500, Phase.Commit],
    [2999, Phase.Commit],
    [3000, Phase.Reveal],
    [3499, Phase.Reveal],
    [3500, Phase.Finalizing],
    [10 ** 10, Phase.Finalizing],
  ])("at %i the phase is %i (windows are [start, end))", (now, phase) => {
    expect(phaseAt(w, now)).toBe(phase);
  });

  it("uses the contract's enum, generated from its source (names by value)", () => {
    expect(PhaseNames).toEqual([
      "Created",
      "Submission",
      "Publish",
      "Commit",
      "Reveal",
      "Finalizing",
      "Settled",
      "Cancelled",
    ]);
    for (const [i, name] of PhaseNames.entries()) expect(Phase[name]).toBe(i);
  });
});

describe("validatorAction", () => {
  const at = (now: number, s: { committed: boolean; revealed: boolean; viable: boolean }) =>
    validatorAction(phaseAt(w, now), s);
  const fresh = { committed: false, revealed: false, viable: true };
  const committed = { committed: true, revealed: false, viable: true };

  it("waits before the commit window and evaluates from its first second to its last", () => {
    expect(at(2499, fresh)).toBe("wait");
    expect(at(2500, fresh)).toBe("evaluate-and-commit");
    expect(at(2999, fresh)).toBe("evaluate-and-commit");
    expect(at(3000, fresh)).toBe("too-late");
  });

  it("does not commit to a task that cannot be scored (eval data not revealed, nothing published)", () => {
    expect(at(2500, { ...fresh, viable: false })).toBe("wait");
  });

  it("reveals a commitment exactly in the reveal window", () => {
    expect(at(2999, committed)).toBe("wait");
    expect(at(3000, committed)).toBe("reveal");
    expect(at(3499, committed)).toBe("reveal");
    expect(at(3500, committed)).toBe("too-late");
  });

  it("is done once revealed, in any phase, and has nothing to do after a window it never joined", () => {
    for (const p of [Phase.Commit, Phase.Reveal, Phase.Finalizing, Phase.Settled]) {
      expect(validatorAction(p, { committed: true, revealed: true, viable: true })).toBe("done");
    }
    expect(at(3500, fresh)).toBe("done");
    expect(validatorAction(Phase.Cancelled, committed)).toBe("too-late");
  });
});

describe("trainerAction", () => {
  const at = (now: number, s: { committed: boolean; revealed: boolean }) => trainerAction(phaseAt(w, now), s);
  it("reveals exactly in the publish window", () => {
    const s = { committed: true, revealed: false };
    expect(at(1999, s)).toBe("wait");
    expect(at(2000, s)).toBe("reveal");
    expect(at(2499, s)).toBe("reveal");
    expect(at(2500, s)).toBe("too-late");
  });
  it("sends a journaled commitment the chain does not hold while the submission window is open", () => {
    const lost = { committed: false, revealed: false };
    expect(at(999, lost)).toBe("wait");
    expect(at(1000, lost)).toBe("commit");
    expect(at(1999, lost)).toBe("commit");
    expect(at(2000, lost)).toBe("too-late");
    expect(at(3500, lost)).toBe("done");
  });
  it("has nothing to do after revealing", () => {
    expect(at(2000, { committed: true, revealed: true })).toBe("done");
    expect(trainerAction(Phase.Settled, { committed: true, revealed: true })).toBe("done");
  });
});

describe("creatorAction", () => {
  it("reveals the eval data in the publish window only, once", () => {
    expect(creatorAction(phaseAt(w, 1999), false)).toBe("wait");
    expect(creatorAction(phaseAt(w, 2000), false)).toBe("reveal");
    expect(creatorAction(phaseAt(w, 2499), false)).toBe("reveal");
    expect(creatorAction(phaseAt(w, 2500), false)).toBe("too-late");
    expect(creatorAction(phaseAt(w, 2000), true)).toBe("done");
    expect(creatorAction(Phase.Cancelled, false)).toBe("done");
  });
});

describe("finalizerAction", () => {
  it("finalizes after the reveal window, checks cancellation during commit and reveal, drops closed tasks", () => {
    expect(finalizerAction(phaseAt(w, 2499))).toBe("wait");
    expect(finalizerAction(phaseAt(w, 2500))).toBe("check-cancel");
    expect(finalizerAction(phaseAt(w, 3499))).toBe("check-cancel");
    expect(finalizerAction(phaseAt(w, 3500))).toBe("finalize");
    expect(finalizerAction(Phase.Settled)).toBe("closed");
    expect(finalizerAction(Phase.Cancelled)).toBe("closed");
  });
});
