/**
 * The FL Alliance's pure decisions: commitment hashes byte-for-byte as `FLAlliance` computes them, the journal key of
 * a round, what a participant should do in each phase, and the voters' screening of updates that the scores alone
 * would not catch (copies, free-riders). No chain, no IPFS.
 */

import { createHash } from "node:crypto";
import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { RoundPhase } from "../../../generated/enums.js";
import type { Update } from "../fl/update.js";

const PREFIX = [{ type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "uint16" }, { type: "address" }];

/** keccak256(abi.encode(chainId, alliance, allianceId, round, proposer, updateCid, examples, salt)) */
export function updateCommitment(
  chainId: number,
  alliance: Address,
  allianceId: bigint,
  round: number,
  proposer: Address,
  updateCid: string,
  examples: number,
  salt: Hex,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [...PREFIX, { type: "string" }, { type: "uint32" }, { type: "bytes32" }],
      [BigInt(chainId), alliance, allianceId, round, proposer, updateCid, examples, salt],
    ),
  );
}

/** keccak256(abi.encode(chainId, alliance, allianceId, round, voter, scores, salt)), scores a uint16[] */
export function allianceScoresCommitment(
  chainId: number,
  alliance: Address,
  allianceId: bigint,
  round: number,
  voter: Address,
  scores: readonly number[],
  salt: Hex,
): Hex {
  for (const [i, s] of scores.entries())
    if (!Number.isInteger(s) || s < 0 || s > 10_000)
      throw new RangeError(`score ${i} is ${s}: scores are integers in [0, 10000]`);
  return keccak256(
    encodeAbiParameters(
      [...PREFIX, { type: "uint16[]" }, { type: "bytes32" }],
      [BigInt(chainId), alliance, allianceId, round, voter, scores, salt],
    ),
  );
}

/** keccak256(abi.encode(chainId, alliance, allianceId, round, voter, accept, candidateCid, salt)) */
export function voteCommitment(
  chainId: number,
  alliance: Address,
  allianceId: bigint,
  round: number,
  voter: Address,
  accept: boolean,
  candidateCid: string,
  salt: Hex,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [...PREFIX, { type: "bool" }, { type: "string" }, { type: "bytes32" }],
      [BigInt(chainId), alliance, allianceId, round, voter, accept, candidateCid, salt],
    ),
  );
}

/** The journal's task id of (alliance, round): allianceId · 2^16 + round (rounds < 2^16). */
export function roundKey(allianceId: bigint, round: number): bigint {
  if (!Number.isInteger(round) || round < 0 || round >= 65536) throw new RangeError(`round ${round} out of range`);
  return (allianceId << 16n) | BigInt(round);
}

/** Where a participant's step of one kind stands in the journal (undefined: nothing journaled yet). */
export type StepState = "prepared" | "committed" | "revealed" | "abandoned" | undefined;

export type FlAction =
  | "train-and-commit"
  | "reveal-update"
  | "score-and-commit"
  | "reveal-scores"
  | "vote-and-commit"
  | "reveal-vote"
  | "advance"
  | "wait";

/**
 * What a participant does now in a round, given the phase and its journal: commit steps when nothing (or only a
 * prepared, unsent commitment) is journaled; reveal steps when the commitment is on chain; `advance` once ended.
 */
export function flAction(
  phase: RoundPhase,
  s: { proposer: boolean; update: StepState; scores: StepState; vote: StepState },
): FlAction {
  const fresh = (x: StepState) => x === undefined || x === "prepared";
  switch (phase) {
    case RoundPhase.UpdateCommit:
      return s.proposer && fresh(s.update) ? "train-and-commit" : "wait";
    case RoundPhase.UpdateReveal:
      return s.proposer && s.update === "committed" ? "reveal-update" : "wait";
    case RoundPhase.ScoreCommit:
      return fresh(s.scores) ? "score-and-commit" : "wait";
    case RoundPhase.ScoreReveal:
      return s.scores === "committed" ? "reveal-scores" : "wait";
    case RoundPhase.VoteCommit:
      return s.scores === "revealed" && fresh(s.vote) ? "vote-and-commit" : "wait";
    case RoundPhase.VoteReveal:
      return s.vote === "committed" ? "reveal-vote" : "wait";
    case RoundPhase.Ended:
      return "advance";
    default:
      return "wait";
  }
}

/** An update that alone moves the model by less than this share of the round's median update norm is a free-ride. */
export const FREE_RIDE_NORM_RATIO = 0.1;

/**
 * The voters' screening, in column order: an update scores 0 when it is a copy of an earlier column's weights
 * (the first keeps its score) or a free-ride (its L2 norm below {@link FREE_RIDE_NORM_RATIO} of the median norm of
 * the round's valid updates). `null` entries are updates that failed to fetch or decode (they score 0 anyway).
 * Returns the reason per column (null: kept).
 */
export function screenUpdates(updates: readonly (Update | null)[]): (string | null)[] {
  const norms = updates.map((u) => (u === null ? null : l2(u)));
  const valid = norms.filter((n): n is number => n !== null).sort((a, b) => a - b);
  const median = valid.length === 0 ? 0 : valid[Math.floor((valid.length - 1) / 2)];
  const seen = new Map<string, number>();
  return updates.map((u, j) => {
    if (u === null) return null;
    const digest = weightsKey(u);
    const first = seen.get(digest);
    if (first !== undefined) return `weights identical to column ${first}`;
    seen.set(digest, j);
    if (valid.length > 1 && norms[j]! < FREE_RIDE_NORM_RATIO * median)
      return `free-ride: update norm ${norms[j]!.toFixed(1)} < ${FREE_RIDE_NORM_RATIO} × median ${median.toFixed(1)}`;
    return null;
  });
}

/** The L2 norm of an update's Q16 values (a double: the same on every machine for the same values and order). */
function l2(u: Update): number {
  let sum = 0;
  for (const t of u.tensors) for (let i = 0; i < t.values.length; i++) sum += t.values[i] * t.values[i];
  return Math.sqrt(sum);
}

/** sha-256 over every tensor's name and Q16 values (the metadata — base, examples — left out). */
function weightsKey(u: Update): string {
  const h = createHash("sha256");
  for (const t of u.tensors) {
    h.update(`${t.name}:${t.values.length};`);
    h.update(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  }
  return h.digest("hex");
}
