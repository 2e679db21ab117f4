/** Phase arithmetic and the bots' pure decisions: every window boundary, end − 1 vs end. */
import { describe, expect, it } from "vitest";
import {
  creatorAction,
  dueCancellation,
  evalUnavailableAfter,
  finalizerAction,
  Phase,
  PhaseNames,
  phaseAt,
  trainerAction,
  validatorAction,
  type Windows,
} from "../src/logic/phase.js";

const w: Windows = {
  submissionStart: 1000,
  submissionEnd: 2000,
  evalRevealEnd: 2250,
  publishEnd: 2500,
  commitEnd: 3000,
  revealEnd: 3500,
};

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
  type S = { committed: boolean; revealed: boolean; evalRevealed?: boolean };
  // the eval data is revealed (or not) at the start of Publish; evalRevealClosed follows the clock
  const at = (now: number, s: S) =>
    trainerAction(phaseAt(w, now), { evalRevealed: true, ...s, evalRevealClosed: now >= w.evalRevealEnd! });
  it("reveals exactly in the publish window, once the eval data is revealed", () => {
    const s = { committed: true, revealed: false };
    expect(at(1999, s)).toBe("wait");
    expect(at(2000, s)).toBe("reveal");
    expect(at(2499, s)).toBe("reveal");
    expect(at(2500, s)).toBe("too-late");
  });
  it("waits for the creator's eval data, and gives up when evalRevealEnd passes without it", () => {
    const s = { committed: true, revealed: false, evalRevealed: false };
    expect(at(2000, s)).toBe("wait");
    expect(at(2249, s)).toBe("wait");
    expect(at(2250, s)).toBe("no-eval-data");
    expect(at(2500, s)).toBe("no-eval-data");
    expect(trainerAction(Phase.Cancelled, { ...s, evalRevealClosed: true })).toBe("no-eval-data");
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
    expect(
      trainerAction(Phase.Settled, { committed: true, revealed: true, evalRevealed: true, evalRevealClosed: true }),
    ).toBe("done");
  });
});

describe("creatorAction", () => {
  const at = (now: number, evalRevealed = false) =>
    creatorAction({ phase: phaseAt(w, now), evalRevealed, evalRevealEnd: w.evalRevealEnd! }, now);
  it("reveals the eval data from the start of the publish window until evalRevealEnd, once", () => {
    expect(at(1999)).toBe("wait");
    expect(at(2000)).toBe("reveal");
    expect(at(2249)).toBe("reveal");
    expect(at(2250)).toBe("too-late");
    expect(at(2500)).toBe("too-late");
    expect(at(2000, true)).toBe("done");
    expect(creatorAction({ phase: Phase.Cancelled, evalRevealed: false, evalRevealEnd: 2250 }, 4000)).toBe("done");
  });
});

describe("dueCancellation and evalUnavailableAfter", () => {
  const task = { evalRevealed: false, evalRevealEnd: 2250, publishEnd: 2500, published: 1 };
  it("is due for missing eval data at evalRevealEnd, for too few submissions at publishEnd", () => {
    expect(dueCancellation(task, 2, 2249)).toBeNull();
    expect(dueCancellation(task, 2, 2250)).toBe("EvalDataNotRevealed");
    expect(dueCancellation({ ...task, evalRevealed: true }, 2, 2499)).toBeNull();
    expect(dueCancellation({ ...task, evalRevealed: true }, 2, 2500)).toBe("TooFewSubmissions");
    expect(dueCancellation({ ...task, evalRevealed: true, published: 2 }, 2, 2500)).toBeNull();
  });
  it("gives a validator half the commit window to fetch the eval data", () => {
    expect(evalUnavailableAfter({ publishEnd: 2500, commitEnd: 3000 })).toBe(2750);
  });
});

describe("finalizerAction", () => {
  it("finalizes after the reveal window, checks cancellation from publish to reveal, drops closed tasks", () => {
    expect(finalizerAction(phaseAt(w, 1999))).toBe("wait");
    expect(finalizerAction(phaseAt(w, 2000))).toBe("check-cancel");
    expect(finalizerAction(phaseAt(w, 2500))).toBe("check-cancel");
    expect(finalizerAction(phaseAt(w, 3499))).toBe("check-cancel");
    expect(finalizerAction(phaseAt(w, 3500))).toBe("finalize");
    expect(finalizerAction(Phase.Settled)).toBe("closed");
    expect(finalizerAction(Phase.Cancelled)).toBe("closed");
  });
});
