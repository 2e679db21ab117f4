/**
 * The unit of each ProtocolConfig parameter, from its `ConfigKeys` name (`contracts/libraries/ConfigKeys.sol`).
 * Dependency-free: the keeper (`params.ts`) and the Explorer's governance section both use it.
 */
export type ParamUnit = "bps" | "seconds" | "FLOCK" | "score" | "count";

const COUNTS = new Set(["MAX_SUBMISSIONS", "MAX_VALIDATORS", "MIN_SUBMISSIONS", "MIN_REVEALS"]);

/** The unit of a `ConfigKeys` name. */
export function unitOf(name: string): ParamUnit {
  if (name.endsWith("_BPS")) return "bps";
  if (/_(PERIOD|COOLDOWN|WINDOW)$/.test(name)) return "seconds";
  if (name.endsWith("_TOLERANCE") || name === "MAX_SCORE_DEVIATION") return "score";
  if (COUNTS.has(name)) return "count";
  return "FLOCK";
}
