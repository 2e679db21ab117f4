/**
 * Phase arithmetic and the bots' decisions, pure (no RPC): given a task's windows and a timestamp, what is due.
 * Windows are [start, end) in block timestamps, exactly as `ArenaTasks` checks them.
 */

export const Phase = {
  Created: 0,
  Submission: 1,
  Publish: 2,
  Commit: 3,
  Reveal: 4,
  Finalizing: 5,
  Settled: 6,
  Cancelled: 7,
} as const;
export type PhaseId = (typeof Phase)[keyof typeof Phase];
export const PHASE_NAMES = [
  "Created",
  "Submission",
  "Publish",
  "Commit",
  "Reveal",
  "Finalizing",
  "Settled",
  "Cancelled",
] as const;

export interface Windows {
  submissionStart: number;
  submissionEnd: number;
  publishEnd: number;
  commitEnd: number;
  revealEnd: number;
}

/** The phase at `now` for a task that is neither settled nor cancelled. */
export function phaseAt(w: Windows, now: number): PhaseId {
  if (now < w.submissionStart) return Phase.Created;
  if (now < w.submissionEnd) return Phase.Submission;
  if (now < w.publishEnd) return Phase.Publish;
  if (now < w.commitEnd) return Phase.Commit;
  if (now < w.revealEnd) return Phase.Reveal;
  return Phase.Finalizing;
}

/** Seconds left in the current window (0 once finalizing). */
export function secondsLeft(w: Windows, now: number): number {
  const p = phaseAt(w, now);
  const end = [w.submissionStart, w.submissionEnd, w.publishEnd, w.commitEnd, w.revealEnd][p];
  return end === undefined ? 0 : Math.max(0, end - now);
}

export type ValidatorAction = "wait" | "evaluate-and-commit" | "reveal" | "too-late" | "done";

/**
 * What a validator should do for one task.
 * @param committed whether the journal holds a commitment for this task that reached the chain
 * @param revealed whether that commitment was revealed
 * @param viable whether the task can be scored (eval data revealed, enough submissions)
 */
export function validatorAction(
  phase: PhaseId,
  s: { committed: boolean; revealed: boolean; viable: boolean },
): ValidatorAction {
  if (s.revealed) return "done";
  if (phase === Phase.Commit) return s.committed ? "wait" : s.viable ? "evaluate-and-commit" : "wait";
  if (phase === Phase.Reveal) return s.committed ? "reveal" : "too-late";
  if (phase < Phase.Commit) return "wait";
  return s.committed ? "too-late" : "done";
}

export type TrainerAction = "wait" | "reveal" | "too-late" | "done";

export function trainerAction(phase: PhaseId, s: { committed: boolean; revealed: boolean }): TrainerAction {
  if (s.revealed || !s.committed) return "done";
  if (phase < Phase.Publish) return "wait";
  if (phase === Phase.Publish) return "reveal";
  return "too-late";
}

/** Finalize steps per call that keep each transaction under the gas cap (256 submissions × 64 validators measured). */
export const DEFAULT_FINALIZE_STEPS = 64;

/** The creator reveals its eval data once the submission window has closed. */
export function creatorShouldReveal(phase: PhaseId, evalRevealed: boolean): boolean {
  return phase === Phase.Publish && !evalRevealed;
}
