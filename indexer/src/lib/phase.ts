import { PHASE, type Phase } from "./enums.js";

/** What the phase of a task depends on: its windows (seconds) and its stored status. */
export interface TaskWindows {
  status: string;
  submissionStart: bigint;
  submissionEnd: bigint;
  publishEnd: bigint;
  commitEnd: bigint;
  revealEnd: bigint;
}

/** The end of each timed phase (`[start, end)`); the phases after the last window are not timed. */
const WINDOW_END = {
  Created: "submissionStart",
  Submission: "submissionEnd",
  Publish: "publishEnd",
  Commit: "commitEnd",
  Reveal: "revealEnd",
} as const satisfies Partial<Record<Phase, keyof TaskWindows>>;
type Untimed = "Finalizing" | "Settled" | "Cancelled";
/** Every phase of the contract (generated enum) is timed or untimed here: a new phase fails to compile until placed. */
type Unplaced = Exclude<Phase, keyof typeof WINDOW_END | Untimed>;
const everyPhasePlaced: [Unplaced] extends [never] ? true : Unplaced = true;
void everyPhasePlaced;

function isTimed(phase: Phase): phase is keyof typeof WINDOW_END {
  return phase in WINDOW_END;
}

/**
 * The phase of a task at time `now` (seconds), as `IArenaTasks.phaseOf` derives it: every window is `[start, end)`,
 * a settled or cancelled task stays so.
 */
export function phaseAt(task: TaskWindows, now: bigint): Phase {
  if (task.status === "settled") return "Settled";
  if (task.status === "cancelled") return "Cancelled";
  for (const phase of PHASE) if (isTimed(phase) && now < task[WINDOW_END[phase]]) return phase;
  return "Finalizing";
}
