import type { Phase } from "./enums.js";

/** What the phase of a task depends on: its windows (seconds) and its stored status. */
export interface TaskWindows {
  status: string;
  submissionStart: bigint;
  submissionEnd: bigint;
  publishEnd: bigint;
  commitEnd: bigint;
  revealEnd: bigint;
}

/**
 * The phase of a task at time `now` (seconds), as `IArenaTasks.phaseOf` derives it: every window is `[start, end)`,
 * a settled or cancelled task stays so.
 */
export function phaseAt(task: TaskWindows, now: bigint): Phase {
  if (task.status === "settled") return "Settled";
  if (task.status === "cancelled") return "Cancelled";
  if (now < task.submissionStart) return "Created";
  if (now < task.submissionEnd) return "Submission";
  if (now < task.publishEnd) return "Publish";
  if (now < task.commitEnd) return "Commit";
  if (now < task.revealEnd) return "Reveal";
  return "Finalizing";
}
