/**
 * Names of the contracts' enums, by their uint8 value. Generated from the Solidity sources (`generated/enums.ts`, by
 * `npm run build`), never re-declared: a changed enum changes these lists and the types built on them.
 */
export {
  AggregationRuleNames as AGGREGATION_RULE,
  AllianceSlashReasonNames as ALLIANCE_SLASH_REASON,
  AllianceStatusNames as ALLIANCE_STATUS,
  CancelReasonNames as CANCEL_REASON,
  ClaimKindNames as CLAIM_KIND,
  ModelSourceNames as MODEL_SOURCE,
  type PhaseName as Phase,
  PhaseNames as PHASE,
  RoleNames as ROLE,
  RoundOutcomeNames as ROUND_OUTCOME,
  RoundPhaseNames as ROUND_PHASE,
  SlashReasonNames as SLASH_REASON,
  StageNames as STAGE,
  ValidatorOutcomeNames as VALIDATOR_OUTCOME,
} from "../../../generated/enums.js";

/** The name of enum value `value`; an unknown value (a newer contract) reads as `Unknown(n)` rather than failing. */
export function enumName(names: readonly string[], value: number | bigint): string {
  const i = Number(value);
  return names[i] ?? `Unknown(${i})`;
}
