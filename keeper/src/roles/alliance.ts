/**
 * The FL Alliance's one-shot commands: create an alliance (approve + create), join one (a stake lock), show one as the
 * chain sees it, and claim. The rounds themselves are played by the `flock fl` bot (./fl.ts).
 */
import { type Address, type Hex, parseEventLogs } from "viem";
import {
  AggregationRule,
  AggregationRuleNames,
  AllianceStatusNames,
  ModelSource,
  ModelSourceNames,
  Role,
  RoundOutcomeNames,
  RoundPhaseNames,
} from "../../../generated/enums.js";
import type { Node } from "../node.js";

export type RuleName = "fedavg" | "trimmed-mean" | "median";

export interface CreateAllianceOptions {
  /** the starting model: an Arena task's winner (`task`), a completed alliance's final model (`alliance`), or a CID */
  from: { task: bigint; cid: string } | { alliance: bigint } | { cid: string };
  reward: bigint;
  minStake: bigint;
  rounds: number;
  minParticipants: number;
  maxParticipants: number;
  proposersPerRound: number;
  rule: RuleName;
  /** fedavg: the example cap; trimmed-mean: β in basis points; median: ignored */
  ruleParam?: number;
  windows: {
    join: number;
    updateCommit: number;
    updateReveal: number;
    scoreCommit: number;
    scoreReveal: number;
    voteCommit: number;
    voteReveal: number;
  };
}

export const DEFAULT_FEDAVG_CAP = 1000;
export const DEFAULT_TRIM_BPS = 2000;

/** The on-chain rule and its parameter. */
export function ruleOf(rule: RuleName, param?: number): { rule: AggregationRule; ruleParam: number } {
  switch (rule) {
    case "fedavg":
      return { rule: AggregationRule.FedAvg, ruleParam: param ?? DEFAULT_FEDAVG_CAP };
    case "trimmed-mean":
      return { rule: AggregationRule.TrimmedMean, ruleParam: param ?? DEFAULT_TRIM_BPS };
    case "median":
      return { rule: AggregationRule.Median, ruleParam: 0 };
  }
}

/** Approves the reward pool and creates the alliance; returns its id. */
export async function createAlliance(node: Node, o: CreateAllianceOptions): Promise<{ allianceId: bigint; tx: Hex }> {
  const { protocol } = node;
  const from = o.from;
  const source = "task" in from ? ModelSource.ArenaTask : "alliance" in from ? ModelSource.Alliance : ModelSource.Cid;
  const parentId = "task" in from ? from.task : "alliance" in from ? from.alliance : 0n;
  const startCid = "cid" in from ? from.cid : "";
  await protocol.ensureAllowance(protocol.alliance.address, o.reward);
  const receipt = await node.chain.write({
    ...protocol.alliance,
    functionName: "createAlliance",
    args: [
      {
        source,
        parentId,
        startCid,
        rewardPool: o.reward,
        minStake: o.minStake,
        rounds: o.rounds,
        minParticipants: o.minParticipants,
        maxParticipants: o.maxParticipants,
        proposersPerRound: o.proposersPerRound,
        ...ruleOf(o.rule, o.ruleParam),
        windows: o.windows,
      },
    ],
    label: "createAlliance",
  });
  const [created] = parseEventLogs({ abi: protocol.alliance.abi, logs: receipt.logs, eventName: "AllianceCreated" });
  if (!created) throw new Error("createAlliance: no AllianceCreated event in the receipt");
  return { allianceId: created.args.allianceId, tx: receipt.transactionHash };
}

/** Joins alliance `id`, locking `stake` of the caller's operator pool (the caller must be a registered operator). */
export async function joinAlliance(node: Node, id: bigint, stake: bigint): Promise<Hex> {
  const { protocol } = node;
  const me = node.chain.address;
  if ((await protocol.roleOf(me)) === Role.None)
    throw new Error("this account is not a registered operator: `flock stake --role trainer|validator` first");
  const available = await protocol.read("availableStake", () =>
    node.chain.public.readContract({ ...protocol.vault, functionName: "availableStake", args: [me] }),
  );
  if (available < stake) throw new Error(`only ${available} of the pool's stake is free to lock, less than ${stake}`);
  const receipt = await node.chain.write({
    ...protocol.alliance,
    functionName: "join",
    args: [id, stake],
    label: `join(${id})`,
  });
  return receipt.transactionHash;
}

/** Claims `account`'s rewards (and, once over, releases its lock; the creator's refund to the creator). */
export async function claimAlliance(node: Node, id: bigint, account: Address = node.chain.address) {
  const receipt = await node.chain.write({
    ...node.protocol.alliance,
    functionName: "claim",
    args: [id, account],
    label: `claim(alliance ${id})`,
  });
  const [claimed] = parseEventLogs({ abi: node.protocol.alliance.abi, logs: receipt.logs, eventName: "Claimed" });
  return {
    tx: receipt.transactionHash,
    reward: claimed?.args.amount ?? 0n,
    refund: claimed?.args.refund ?? 0n,
    unlocked: claimed?.args.unlocked ?? 0n,
  };
}

/** An alliance as the chain sees it: the alliance, its parameters, participants, every round so far, its lineage. */
export async function allianceOnChain(node: Node, id: bigint) {
  const { protocol } = node;
  const a = await protocol.getAlliance(id);
  const [params, participants, lineage] = await Promise.all([
    protocol.allianceParams(id),
    protocol.participantsOf(id),
    protocol.lineageOf(id),
  ]);
  const members = await Promise.all(
    participants.map(async (p) => ({ address: p, ...(await protocol.memberOf(id, p)) })),
  );
  const rounds = [];
  for (let r = 1; r <= a.round; r++) {
    const round = await protocol.getRound(id, r);
    rounds.push({ ...round, phaseName: RoundPhaseNames[round.phase], outcomeName: RoundOutcomeNames[round.outcome] });
  }
  return {
    alliance: {
      ...a,
      statusName: AllianceStatusNames[a.status],
      sourceName: ModelSourceNames[a.source],
      ruleName: AggregationRuleNames[a.rule],
    },
    params,
    members,
    rounds,
    lineage: { ...lineage, sourceName: ModelSourceNames[lineage.source] },
  };
}
