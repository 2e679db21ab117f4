/**
 * Phase arithmetic and the bots' decisions, pure (no RPC): given a task's phase (or windows and a timestamp), what is
 * due. Windows are [start, end) in block timestamps, exactly as `ArenaTasks` checks them.
 *
 * The phases are the generated Solidity enum (`generated/enums.ts`); every decision is an exhaustive `switch`, so a
 * phase added to the contract fails to compile here until each decision says what to do in it.
 */
import { Phase, PhaseNames } from "../../../generated/enums.js";

export { Phase, PhaseNames };

/** Compile-time exhaustiveness: called in a `switch`'s default, it fails to type-check when a case is missing. */
export function unreachable(value: never): never {
  throw new Error(`unhandled value ${String(value)}`);
}

export function phaseName(phase: Phase): string {
  return PhaseNames[phase];
}

export interface Windows {
  submissionStart: number;
  submissionEnd: number;
  /** the creator must reveal the eval data before this (submissionEnd + publishWindow / 2); trainers reveal after it */
  evalRevealEnd?: number;
  publishEnd: number;
  commitEnd: number;
  revealEnd: number;
}

/** The end of each timed phase; the phases after the last window are not timed. */
const WINDOW_END = {
  [Phase.Created]: "submissionStart",
  [Phase.Submission]: "submissionEnd",
  [Phase.Publish]: "publishEnd",
  [Phase.Commit]: "commitEnd",
  [Phase.Reveal]: "revealEnd",
} as const satisfies Partial<Record<Phase, keyof Windows>>;
type Untimed = typeof Phase.Finalizing | typeof Phase.Settled | typeof Phase.Cancelled;
/** Every phase of the contract is timed or untimed here: a new phase fails to compile until it is placed. */
type Unplaced = Exclude<Phase, keyof typeof WINDOW_END | Untimed>;
const everyPhasePlaced: [Unplaced] extends [never] ? true : Unplaced = true;
void everyPhasePlaced;

function isTimed(phase: Phase): phase is keyof typeof WINDOW_END {
  return phase in WINDOW_END;
}

/** The phase at `now` for a task that is neither settled nor cancelled. */
export function phaseAt(w: Windows, now: number): Phase {
  for (const phase of Object.values(Phase)) if (isTimed(phase) && now < w[WINDOW_END[phase]]) return phase;
  return Phase.Finalizing;
}

export type ValidatorAction = "wait" | "evaluate-and-commit" | "reveal" | "too-late" | "done";

/**
 * What a validator should do for one task.
 * @param committed whether the journal holds a commitment for this task that reached the chain
 * @param revealed whether that commitment was revealed
 * @param viable whether the task can be scored (eval data revealed, enough submissions)
 */
export function validatorAction(
  phase: Phase,
  s: { committed: boolean; revealed: boolean; viable: boolean },
): ValidatorAction {
  if (s.revealed) return "done";
  switch (phase) {
    case Phase.Created:
    case Phase.Submission:
    case Phase.Publish:
      return "wait";
    case Phase.Commit:
      return s.committed || !s.viable ? "wait" : "evaluate-and-commit";
    case Phase.Reveal:
      return s.committed ? "reveal" : "too-late";
    case Phase.Finalizing:
    case Phase.Settled:
    case Phase.Cancelled:
      return s.committed ? "too-late" : "done";
    default:
      return unreachable(phase);
  }
}

/**
 * Until when a validator keeps retrying evaluation data it cannot fetch or use: the middle of the commit window. After
 * that it commits (and reveals) an empty score list — "eval data unavailable" — rather than nothing: a validator that
 * commits nothing is not counted, one that does not reveal is slashed for it, and when the validators saying
 * "unavailable" hold more of the revealed stake than those who scored, the task is cancelled `CreatorDefault`.
 */
export function evalUnavailableAfter(task: { publishEnd: number; commitEnd: number }): number {
  return task.publishEnd + Math.floor((task.commitEnd - task.publishEnd) / 2);
}

export type TrainerAction = "wait" | "commit" | "reveal" | "no-eval-data" | "too-late" | "done";

/**
 * What a training node should do with its journaled submission. A model may be revealed only once the creator has
 * revealed the evaluation data (`revealSubmission` reverts `EvalDataNotRevealed` before): in the publish window the
 * node waits for it, and gives up ("no-eval-data": the task is cancellable `EvalDataNotRevealed`, the model was never
 * announced, and a claim releases the stake unslashed) once `evalRevealEnd` passes without it.
 * @param committed whether the chain holds the journaled commitment
 * @param revealed whether the chain says the submission is published
 * @param evalRevealed whether the creator revealed the evaluation data
 * @param evalRevealClosed whether `evalRevealEnd` has passed (the creator can no longer reveal)
 */
export function trainerAction(
  phase: Phase,
  s: { committed: boolean; revealed: boolean; evalRevealed: boolean; evalRevealClosed: boolean },
): TrainerAction {
  if (s.revealed) return "done";
  switch (phase) {
    case Phase.Created:
      return "wait";
    case Phase.Submission:
      // a journaled commitment the chain does not hold (killed before sending it) is sent now
      return s.committed ? "wait" : "commit";
    case Phase.Publish:
      if (!s.committed) return "too-late";
      if (s.evalRevealed) return "reveal";
      return s.evalRevealClosed ? "no-eval-data" : "wait";
    case Phase.Commit:
    case Phase.Reveal:
    case Phase.Finalizing:
    case Phase.Settled:
    case Phase.Cancelled:
      if (!s.committed) return "done";
      return s.evalRevealed ? "too-late" : "no-eval-data";
    default:
      return unreachable(phase);
  }
}

export type CreatorAction = "wait" | "reveal" | "too-late" | "done";

/**
 * What a task creator should do about its eval-data commitment: reveal it as soon as the submission window has closed
 * — trainers can reveal their models only after it — and at the latest before `evalRevealEnd` (the first half of the
 * publish window); after that the task is cancellable `EvalDataNotRevealed` and the bond is forfeited.
 */
export function creatorAction(
  task: { phase: Phase; evalRevealed: boolean; evalRevealEnd: number },
  now: number,
): CreatorAction {
  if (task.evalRevealed) return "done";
  switch (task.phase) {
    case Phase.Created:
    case Phase.Submission:
      return "wait";
    case Phase.Publish:
      return now < task.evalRevealEnd ? "reveal" : "too-late";
    case Phase.Commit:
    case Phase.Reveal:
    case Phase.Finalizing:
      return "too-late";
    case Phase.Settled:
    case Phase.Cancelled:
      return "done";
    default:
      return unreachable(task.phase);
  }
}

export type FinalizerAction = "wait" | "check-cancel" | "finalize" | "closed";

/**
 * What the keeper should do for a task. From the publish window on a cancellation may be due (the eval data not
 * revealed by `evalRevealEnd`, too few submissions): see {@link dueCancellation}.
 */
export function finalizerAction(phase: Phase): FinalizerAction {
  switch (phase) {
    case Phase.Created:
    case Phase.Submission:
      return "wait";
    case Phase.Publish:
    case Phase.Commit:
    case Phase.Reveal:
      return "check-cancel";
    case Phase.Finalizing:
      return "finalize";
    case Phase.Settled:
    case Phase.Cancelled:
      return "closed";
    default:
      return unreachable(phase);
  }
}

/**
 * The cancellation a keeper can send before the reveal window ends, as `ArenaTasks` decides it (`dueCancelReason`): the
 * eval data not revealed by `evalRevealEnd`, or fewer than `minSubmissions` published by `publishEnd`. After
 * `revealEnd` `finalize` itself cancels when a cancellation is due (too few reveals, a creator default).
 */
export function dueCancellation(
  task: { evalRevealed: boolean; evalRevealEnd: number; publishEnd: number; published: number },
  minSubmissions: number,
  now: number,
): "EvalDataNotRevealed" | "TooFewSubmissions" | null {
  if (now < task.evalRevealEnd) return null;
  if (!task.evalRevealed) return "EvalDataNotRevealed";
  if (now < task.publishEnd) return null;
  return task.published < minSubmissions ? "TooFewSubmissions" : null;
}

/** Finalize steps per call that keep each transaction under the gas cap (256 submissions × 64 validators measured). */
export const DEFAULT_FINALIZE_STEPS = 64;
