/** Names of the contracts' enums, by their uint8 value (same order as in the Solidity interfaces). */

export const ROLE = ["None", "TrainingNode", "Validator"] as const;
export const PHASE = [
  "Created",
  "Submission",
  "Publish",
  "Commit",
  "Reveal",
  "Finalizing",
  "Settled",
  "Cancelled",
] as const;
export const STAGE = ["None", "Consensus", "Validators", "Ranking", "Done"] as const;
export const CANCEL_REASON = [
  "None",
  "ByCreator",
  "EvalDataNotRevealed",
  "TooFewSubmissions",
  "TooFewReveals",
] as const;
export const SLASH_REASON = ["None", "Spam", "Deviation", "NonReveal"] as const;
export const VALIDATOR_OUTCOME = ["None", "Rewarded", "Neutral", "SlashedDeviation", "SlashedNonReveal"] as const;
export const CLAIM_KIND = [
  "None",
  "TrainerReward",
  "ValidatorReward",
  "CreatorRefund",
  "BondShare",
  "UnlockOnly",
] as const;

export type Phase = (typeof PHASE)[number];

/** The name of enum value `value`; an unknown value (a newer contract) reads as `Unknown(n)` rather than failing. */
export function enumName(names: readonly string[], value: number | bigint): string {
  const i = Number(value);
  return names[i] ?? `Unknown(${i})`;
}
