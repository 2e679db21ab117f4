/**
 * Typed access to the deployed protocol: every view and every event read of the keeper goes through here, with
 * retries on RPC errors and revert reasons decoded. Built only on the contracts' views and events (SPEC §1.2).
 *
 * Types come from the generated modules, never re-declared: view results are viem's inference from the `as const`
 * ABIs (`ContractFunctionReturnType`), enum fields are decoded into the generated Solidity enums. A changed contract
 * changes these types, and `tsc` shows every place that must follow.
 *
 * Event reads never span more than `logRange` blocks per `eth_getLogs` call (public RPCs cap the range), and a task's
 * events are looked for only inside the window in which the contract can emit them.
 */
import {
  type Address,
  BaseError,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  ContractFunctionRevertedError,
  getAbiItem,
  type Hex,
  keccak256,
  maxUint256,
  parseSignature,
  toHex,
} from "viem";
import {
  arenaTasksAbi,
  flAllianceAbi,
  flockTokenAbi,
  protocolConfigAbi,
  stakingVaultAbi,
} from "../../../generated/abis.js";
import {
  AggregationRule,
  AggregationRuleNames,
  AllianceRole,
  AllianceRoleNames,
  AllianceStatus,
  AllianceStatusNames,
  CancelReason,
  CancelReasonNames,
  ModelSource,
  ModelSourceNames,
  Phase,
  PhaseNames,
  Role,
  RoleNames,
  RoundOutcome,
  RoundOutcomeNames,
  RoundPhase,
  RoundPhaseNames,
  Stage,
  StageNames,
  ValidatorOutcome,
  ValidatorOutcomeNames,
} from "../../../generated/enums.js";
import type { Logger } from "../log.js";
import type { ChainClient } from "./client.js";
import { describeRevert, isTransient } from "./client.js";
import type { Deployments } from "./deployments.js";
import { withRetry } from "./retry.js";

type ArenaAbi = typeof arenaTasksAbi;
type VaultAbi = typeof stakingVaultAbi;
type ArenaView<fn extends ContractFunctionName<ArenaAbi, "view" | "pure">> = ContractFunctionReturnType<
  ArenaAbi,
  "view" | "pure",
  fn
>;
type AllianceAbi = typeof flAllianceAbi;
type AllianceViewOf<fn extends ContractFunctionName<AllianceAbi, "view" | "pure">> = ContractFunctionReturnType<
  AllianceAbi,
  "view" | "pure",
  fn
>;
type VaultView<fn extends ContractFunctionName<VaultAbi, "view" | "pure">> = ContractFunctionReturnType<
  VaultAbi,
  "view" | "pure",
  fn
>;

/** `ArenaTasks.getTask`, its enum fields decoded, and its id. */
export type TaskView = Omit<ArenaView<"getTask">, "phase" | "stage" | "cancelReason"> & {
  id: bigint;
  phase: Phase;
  stage: Stage;
  cancelReason: CancelReason;
};
export type TaskParams = ArenaView<"paramsOf">;
export type Settlement = ArenaView<"settlementOf">;
export type SubmissionView = ArenaView<"submissionAt">;
export type TrainerRecord = ArenaView<"trainerRecord">;
export type ValidatorRecord = Omit<ArenaView<"validatorRecord">, "outcome"> & { outcome: ValidatorOutcome };
export type PoolView = VaultView<"poolOf">;
export type UnbondingEntryView = VaultView<"unbondingEntry">;
export type PendingView = VaultView<"pendingOf">;

/** `FLAlliance.getAlliance`, its enum fields decoded, and its id. */
export type AllianceView = Omit<AllianceViewOf<"getAlliance">, "status" | "source" | "rule"> & {
  id: bigint;
  status: AllianceStatus;
  source: ModelSource;
  rule: AggregationRule;
};
/** `FLAlliance.getRound`, its enum fields decoded, and its number. */
export type RoundView = Omit<AllianceViewOf<"getRound">, "phase" | "outcome"> & {
  round: number;
  phase: RoundPhase;
  outcome: RoundOutcome;
};
export type AllianceParams = AllianceViewOf<"paramsOf">;
export type AllianceMember = AllianceViewOf<"memberOf">;
export type AllianceEntry = AllianceViewOf<"entryOf">;
export type Lineage = Omit<AllianceViewOf<"lineageOf">, "source"> & { source: ModelSource };

/** A revealed update of a round (`UpdateRevealed`). */
export interface RevealedUpdate {
  proposer: Address;
  updateCid: string;
  examples: number;
}

/** A voter's revealed scores of a round (`ScoresRevealed`): global first, then one per column. */
export interface RevealedScores {
  voter: Address;
  weight: bigint;
  scores: number[];
}

export interface PublishedSubmission {
  index: number;
  trainer: Address;
  modelCid: string;
}

export interface CreatedTask {
  taskId: bigint;
  creator: Address;
  evalCommitment: Hex;
  block: bigint;
}

/** A task entering (`TaskCreated`) or leaving (`TaskSettled`, `TaskCancelled`) the set of live tasks. */
export type LifecycleEvent = { kind: "created" | "closed"; taskId: bigint; block: bigint };

const LIFECYCLE_EVENTS = [
  getAbiItem({ abi: arenaTasksAbi, name: "TaskCreated" }),
  getAbiItem({ abi: arenaTasksAbi, name: "TaskSettled" }),
  getAbiItem({ abi: arenaTasksAbi, name: "TaskCancelled" }),
] as const;

/** Thrown when the chain returns an enum value this keeper does not know: the contract is newer than the keeper. */
export class UnknownEnumValueError extends Error {
  override name = "UnknownEnumValueError";
}

/** Decodes a Solidity enum value (a uint8 in the ABI) into the generated enum. */
export function decodeEnum<N extends string, E extends Record<N, number>>(
  names: readonly N[],
  values: E,
  value: number,
  what: string,
): E[N] {
  const name = names[value];
  if (name === undefined)
    throw new UnknownEnumValueError(
      `unknown ${what} ${value}: the contract is newer than this keeper (update it and run \`npm run build\`)`,
    );
  return values[name];
}

export interface ProtocolOptions {
  /** most blocks one `eth_getLogs` may span (default 2,000) */
  logRange?: number;
}

export const DEFAULT_LOG_RANGE = 2_000;

export class Protocol {
  readonly arena;
  readonly vault;
  readonly token;
  readonly config;
  readonly alliance;
  readonly logRange: number;

  constructor(
    readonly chain: ChainClient,
    readonly deployments: Deployments,
    readonly log: Logger,
    opts: ProtocolOptions = {},
  ) {
    const c = deployments.contracts;
    this.arena = { address: c.ArenaTasks, abi: arenaTasksAbi } as const;
    this.vault = { address: c.StakingVault, abi: stakingVaultAbi } as const;
    this.token = { address: c.FlockToken, abi: flockTokenAbi } as const;
    this.config = { address: c.ProtocolConfig, abi: protocolConfigAbi } as const;
    this.alliance = { address: c.FLAlliance, abi: flAllianceAbi } as const;
    this.logRange = opts.logRange ?? DEFAULT_LOG_RANGE;
    if (!Number.isSafeInteger(this.logRange) || this.logRange < 1)
      throw new RangeError(`logRange must be a whole number ≥ 1, got ${this.logRange}`);
  }

  /** A read with retries on RPC errors; a revert is an error that says why. */
  read<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { label, logger: this.log, retryIf: isTransient, attempts: 10 }).catch((e: unknown) => {
      // a view that reverts says why (e.g. "getTask(99) reverted: UnknownTask(99)"), not just "reverted"
      if (e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionRevertedError)) {
        throw new Error(`${label} reverted: ${describeRevert(e)}`, { cause: e });
      }
      throw e;
    });
  }

  // ─── blocks ────────────────────────────────────────────────────────────────────────────────────────────

  async head(): Promise<{ number: bigint; timestamp: number }> {
    const block = await this.read("getBlock", () => this.chain.public.getBlock({ blockTag: "latest" }));
    return { number: block.number, timestamp: Number(block.timestamp) };
  }

  /** The latest block's timestamp: phases follow block time, not the wall clock. */
  async now(): Promise<number> {
    return (await this.head()).timestamp;
  }

  async blockNumber(): Promise<bigint> {
    return this.read("blockNumber", () => this.chain.public.getBlockNumber({ cacheTime: 0 }));
  }

  private async timestampOf(blockNumber: bigint): Promise<number> {
    const block = await this.read(`getBlock(${blockNumber})`, () => this.chain.public.getBlock({ blockNumber }));
    return Number(block.timestamp);
  }

  /**
   * The first block in [lo, hi] stamped at or after `timestamp` (binary search: about log2(hi − lo) block reads),
   * or `hi + 1` when there is none yet.
   */
  async firstBlockAtOrAfter(timestamp: number, lo: bigint, hi: bigint): Promise<bigint> {
    let [a, b] = [lo, hi + 1n];
    while (a < b) {
      const mid = (a + b) / 2n;
      if ((await this.timestampOf(mid)) >= timestamp) b = mid;
      else a = mid + 1n;
    }
    return a;
  }

  /** The blocks stamped in [start, end) (a phase window), clipped to [startBlock, head]; undefined when empty. */
  async blocksOfWindow(start: number, end: number): Promise<{ from: bigint; to: bigint } | undefined> {
    const head = await this.head();
    const lo = BigInt(this.deployments.startBlock);
    const from = await this.firstBlockAtOrAfter(start, lo, head.number);
    const to = end > head.timestamp ? head.number : (await this.firstBlockAtOrAfter(end, from, head.number)) - 1n;
    return from <= to ? { from, to } : undefined;
  }

  /** Runs `read` over [from, to] in chunks of at most `logRange` blocks, in order, and concatenates the results. */
  async scanLogs<T>(from: bigint, to: bigint, read: (from: bigint, to: bigint) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let a = from; a <= to; a += BigInt(this.logRange)) {
      const b = a + BigInt(this.logRange) - 1n < to ? a + BigInt(this.logRange) - 1n : to;
      out.push(...(await read(a, b)));
    }
    return out;
  }

  // ─── events ────────────────────────────────────────────────────────────────────────────────────────────

  private checkRange(what: string, from: bigint, to: bigint): void {
    if (to - from + 1n > BigInt(this.logRange))
      throw new RangeError(`${what}: [${from}, ${to}] spans more than ${this.logRange} blocks`);
  }

  /**
   * Tasks created and closed (settled or cancelled) in [from, to], in chain order — one `eth_getLogs` for the three
   * events (the range must not exceed `logRange`).
   */
  async lifecycle(from: bigint, to: bigint): Promise<LifecycleEvent[]> {
    this.checkRange("lifecycle", from, to);
    const logs = await this.read(`task lifecycle [${from}, ${to}]`, () =>
      this.chain.public.getLogs({
        address: this.arena.address,
        events: LIFECYCLE_EVENTS,
        fromBlock: from,
        toBlock: to,
        strict: true,
      }),
    );
    return logs
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      )
      .map((l) => ({
        kind: l.eventName === "TaskCreated" ? "created" : "closed",
        taskId: l.args.taskId,
        block: l.blockNumber,
      }));
  }

  /** `TaskCreated` events in [from, to] (one call: the range must not exceed `logRange`). */
  async tasksCreated(from: bigint, to: bigint, creator?: Address): Promise<CreatedTask[]> {
    this.checkRange("tasksCreated", from, to);
    const logs = await this.read(`TaskCreated [${from}, ${to}]`, () =>
      this.chain.public.getContractEvents({
        ...this.arena,
        eventName: "TaskCreated",
        args: creator ? { creator } : undefined,
        fromBlock: from,
        toBlock: to,
        strict: true,
      }),
    );
    return logs.map((l) => ({
      taskId: l.args.taskId,
      creator: l.args.creator,
      evalCommitment: l.args.evalCommitment,
      block: l.blockNumber,
    }));
  }

  /** Published submissions of a task, in index order: `SubmissionRevealed` events of its publish window. */
  async publishedSubmissions(task: TaskView): Promise<PublishedSubmission[]> {
    if (task.published === 0) return [];
    const window = await this.blocksOfWindow(task.submissionEnd, task.publishEnd);
    if (!window) return [];
    const logs = await this.scanLogs(window.from, window.to, (fromBlock, toBlock) =>
      this.read(`SubmissionRevealed(${task.id}) [${fromBlock}, ${toBlock}]`, () =>
        this.chain.public.getContractEvents({
          ...this.arena,
          eventName: "SubmissionRevealed",
          args: { taskId: task.id },
          fromBlock,
          toBlock,
          strict: true,
        }),
      ),
    );
    // a model revealed first by a later committer is taken over by its earlier committer (`SubmissionDisplaced`, then
    // a second `SubmissionRevealed` at the same index): the last reveal of each index, in chain order, is the owner's
    const byIndex = new Map<number, PublishedSubmission>();
    for (const l of logs)
      byIndex.set(Number(l.args.index), {
        index: Number(l.args.index),
        trainer: l.args.trainer,
        modelCid: l.args.modelCid,
      });
    return [...byIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** Every training node that committed to a task (`SubmissionCommitted` events of its submission window). */
  async committers(task: TaskView): Promise<Address[]> {
    const window = await this.blocksOfWindow(task.submissionStart, task.submissionEnd);
    if (!window) return [];
    const logs = await this.scanLogs(window.from, window.to, (fromBlock, toBlock) =>
      this.read(`SubmissionCommitted(${task.id}) [${fromBlock}, ${toBlock}]`, () =>
        this.chain.public.getContractEvents({
          ...this.arena,
          eventName: "SubmissionCommitted",
          args: { taskId: task.id },
          fromBlock,
          toBlock,
          strict: true,
        }),
      ),
    );
    return [...new Set(logs.map((l) => l.args.trainer))];
  }

  // ─── ArenaTasks views ──────────────────────────────────────────────────────────────────────────────────

  async taskCount(): Promise<bigint> {
    return this.read("taskCount", () => this.chain.public.readContract({ ...this.arena, functionName: "taskCount" }));
  }

  async getTask(id: bigint): Promise<TaskView> {
    const t = await this.read(`getTask(${id})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "getTask", args: [id] }),
    );
    return {
      ...t,
      id,
      phase: decodeEnum(PhaseNames, Phase, t.phase, "Phase"),
      stage: decodeEnum(StageNames, Stage, t.stage, "Stage"),
      cancelReason: decodeEnum(CancelReasonNames, CancelReason, t.cancelReason, "CancelReason"),
    };
  }

  async paramsOf(taskId: bigint): Promise<TaskParams> {
    return this.read(`paramsOf(${taskId})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "paramsOf", args: [taskId] }),
    );
  }

  async settlementOf(taskId: bigint): Promise<Settlement> {
    return this.read(`settlementOf(${taskId})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "settlementOf", args: [taskId] }),
    );
  }

  async submissionAt(taskId: bigint, index: number): Promise<SubmissionView> {
    return this.read(`submissionAt(${taskId}, ${index})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "submissionAt", args: [taskId, BigInt(index)] }),
    );
  }

  async trainerRecord(taskId: bigint, trainer: Address): Promise<TrainerRecord> {
    return this.read(`trainerRecord(${taskId})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "trainerRecord", args: [taskId, trainer] }),
    );
  }

  async validatorRecord(taskId: bigint, validator: Address): Promise<ValidatorRecord> {
    const r = await this.read(`validatorRecord(${taskId})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "validatorRecord", args: [taskId, validator] }),
    );
    return { ...r, outcome: decodeEnum(ValidatorOutcomeNames, ValidatorOutcome, r.outcome, "ValidatorOutcome") };
  }

  async validatorsOf(taskId: bigint): Promise<readonly Address[]> {
    return this.read(`validatorsOf(${taskId})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "validatorsOf", args: [taskId] }),
    );
  }

  async claimable(taskId: bigint, account: Address): Promise<bigint> {
    return this.read(`claimable(${taskId})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "claimable", args: [taskId, account] }),
    );
  }

  /** What `createTask` with `rewardPool` pulls: the fee, the bond (max(CREATOR_BOND, CREATOR_BOND_BPS of the pool)), the sum. */
  async creationCost(rewardPool: bigint): Promise<{ fee: bigint; bond: bigint; total: bigint }> {
    const [fee, bond, total] = await this.read("creationCost", () =>
      this.chain.public.readContract({ ...this.arena, functionName: "creationCost", args: [rewardPool] }),
    );
    return { fee, bond, total };
  }

  // ─── FLAlliance ────────────────────────────────────────────────────────────────────────────────────────

  async allianceCount(): Promise<bigint> {
    return this.read("allianceCount", () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "allianceCount" }),
    );
  }

  async getAlliance(id: bigint): Promise<AllianceView> {
    const a = await this.read(`getAlliance(${id})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "getAlliance", args: [id] }),
    );
    return {
      ...a,
      id,
      status: decodeEnum(AllianceStatusNames, AllianceStatus, a.status, "AllianceStatus"),
      source: decodeEnum(ModelSourceNames, ModelSource, a.source, "ModelSource"),
      rule: decodeEnum(AggregationRuleNames, AggregationRule, a.rule, "AggregationRule"),
    };
  }

  async allianceParams(id: bigint): Promise<AllianceParams> {
    return this.read(`paramsOf(${id})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "paramsOf", args: [id] }),
    );
  }

  async getRound(id: bigint, round: number): Promise<RoundView> {
    const r = await this.read(`getRound(${id}, ${round})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "getRound", args: [id, round] }),
    );
    return {
      ...r,
      round,
      phase: decodeEnum(RoundPhaseNames, RoundPhase, r.phase, "RoundPhase"),
      outcome: decodeEnum(RoundOutcomeNames, RoundOutcome, r.outcome, "RoundOutcome"),
    };
  }

  async participantsOf(id: bigint): Promise<readonly Address[]> {
    return this.read(`participantsOf(${id})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "participantsOf", args: [id] }),
    );
  }

  async memberOf(id: bigint, account: Address): Promise<AllianceMember> {
    return this.read(`memberOf(${id})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "memberOf", args: [id, account] }),
    );
  }

  async entryOf(id: bigint, round: number, account: Address): Promise<AllianceEntry> {
    return this.read(`entryOf(${id}, ${round})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "entryOf", args: [id, round, account] }),
    );
  }

  async allianceRoleOf(id: bigint, round: number, account: Address): Promise<AllianceRole> {
    const role = await this.read(`roleOf(${id}, ${round})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "roleOf", args: [id, round, account] }),
    );
    return decodeEnum(AllianceRoleNames, AllianceRole, role, "AllianceRole");
  }

  async allianceClaimable(id: bigint, account: Address): Promise<bigint> {
    return this.read(`claimable(${id})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "claimable", args: [id, account] }),
    );
  }

  async lineageOf(id: bigint): Promise<Lineage> {
    const l = await this.read(`lineageOf(${id})`, () =>
      this.chain.public.readContract({ ...this.alliance, functionName: "lineageOf", args: [id] }),
    );
    return { ...l, source: decodeEnum(ModelSourceNames, ModelSource, l.source, "ModelSource") };
  }

  /** The round's revealed updates (`UpdateRevealed` from the round's start block on), by proposer ascending. */
  async revealedUpdates(id: bigint, round: RoundView): Promise<RevealedUpdate[]> {
    const head = await this.blockNumber();
    const logs = await this.scanLogs(round.startBlock, head, (fromBlock, toBlock) =>
      this.read(`UpdateRevealed(${id}, ${round.round}) [${fromBlock}, ${toBlock}]`, () =>
        this.chain.public.getContractEvents({
          ...this.alliance,
          eventName: "UpdateRevealed",
          args: { allianceId: id, round: round.round },
          fromBlock,
          toBlock,
          strict: true,
        }),
      ),
    );
    return logs
      .map((l) => ({ proposer: l.args.proposer, updateCid: l.args.updateCid, examples: Number(l.args.examples) }))
      .sort((a, b) => (BigInt(a.proposer) < BigInt(b.proposer) ? -1 : 1));
  }

  /** The round's revealed scores (`ScoresRevealed` from the round's start block on), with each voter's weight. */
  async revealedScores(id: bigint, round: RoundView): Promise<RevealedScores[]> {
    const head = await this.blockNumber();
    const logs = await this.scanLogs(round.startBlock, head, (fromBlock, toBlock) =>
      this.read(`ScoresRevealed(${id}, ${round.round}) [${fromBlock}, ${toBlock}]`, () =>
        this.chain.public.getContractEvents({
          ...this.alliance,
          eventName: "ScoresRevealed",
          args: { allianceId: id, round: round.round },
          fromBlock,
          toBlock,
          strict: true,
        }),
      ),
    );
    return logs.map((l) => ({ voter: l.args.voter, weight: l.args.weight, scores: [...l.args.scores] }));
  }

  /** The stake `account` has locked in alliance `id`. */
  async allianceLockOf(id: bigint, account: Address): Promise<bigint> {
    return this.read(`lockOf(alliance ${id})`, () =>
      this.chain.public.readContract({
        ...this.vault,
        functionName: "lockOf",
        args: [this.alliance.address, id, account],
      }),
    );
  }

  // ─── ProtocolConfig ────────────────────────────────────────────────────────────────────────────────────

  async configValue(name: string): Promise<bigint> {
    return this.read(`config ${name}`, () =>
      this.chain.public.readContract({ ...this.config, functionName: "get", args: [keccak256(toHex(name))] }),
    );
  }

  // ─── StakingVault ──────────────────────────────────────────────────────────────────────────────────────

  async roleOf(account: Address): Promise<Role> {
    const role = await this.read("roleOf", () =>
      this.chain.public.readContract({ ...this.vault, functionName: "roleOf", args: [account] }),
    );
    return decodeEnum(RoleNames, Role, role, "Role");
  }

  async poolOf(operator: Address): Promise<PoolView> {
    return this.read("poolOf", () =>
      this.chain.public.readContract({ ...this.vault, functionName: "poolOf", args: [operator] }),
    );
  }

  async sharesOf(operator: Address, account: Address): Promise<bigint> {
    return this.read("sharesOf", () =>
      this.chain.public.readContract({ ...this.vault, functionName: "sharesOf", args: [operator, account] }),
    );
  }

  async assetsOf(operator: Address, account: Address): Promise<bigint> {
    return this.read("assetsOf", () =>
      this.chain.public.readContract({ ...this.vault, functionName: "assetsOf", args: [operator, account] }),
    );
  }

  /** `account`'s deposit waiting in `operator`'s pool for the locks outstanding when it arrived, and whether it can be activated now. */
  async pendingOf(
    operator: Address,
    account: Address,
  ): Promise<{ assets: bigint; mark: number; activatable: boolean }> {
    const [deposit, activatable] = await this.read("pendingOf", () =>
      this.chain.public.readContract({ ...this.vault, functionName: "pendingOf", args: [operator, account] }),
    );
    return { assets: deposit.assets, mark: deposit.mark, activatable };
  }

  /** The commission a reward paid now would take (a scheduled increase once due, capped by the maximum). */
  async effectiveCommission(operator: Address): Promise<number> {
    return this.read("effectiveCommission", () =>
      this.chain.public.readContract({ ...this.vault, functionName: "effectiveCommission", args: [operator] }),
    );
  }

  async unbondingEntry(entryId: bigint): Promise<UnbondingEntryView> {
    return this.read(`unbondingEntry(${entryId})`, () =>
      this.chain.public.readContract({ ...this.vault, functionName: "unbondingEntry", args: [entryId] }),
    );
  }

  /** The stake `account` has locked in `taskId` (a claim releases it). */
  async lockOf(taskId: bigint, account: Address): Promise<bigint> {
    return this.read(`lockOf(${taskId})`, () =>
      this.chain.public.readContract({
        ...this.vault,
        functionName: "lockOf",
        args: [this.arena.address, taskId, account],
      }),
    );
  }

  // ─── FlockToken ────────────────────────────────────────────────────────────────────────────────────────

  async balanceOf(account: Address): Promise<bigint> {
    return this.read("balanceOf", () =>
      this.chain.public.readContract({ ...this.token, functionName: "balanceOf", args: [account] }),
    );
  }

  /** Approves `spender` for at least `amount` (an unlimited approval only when asked). */
  async ensureAllowance(spender: Address, amount: bigint, unlimited = false): Promise<void> {
    const owner = this.chain.address;
    const current = await this.read("allowance", () =>
      this.chain.public.readContract({ ...this.token, functionName: "allowance", args: [owner, spender] }),
    );
    if (current >= amount) return;
    await this.chain.write({
      ...this.token,
      functionName: "approve",
      args: [spender, unlimited ? maxUint256 : amount],
      label: "approve",
    });
  }

  /** An EIP-2612 permit signature of the caller for `spender`. */
  async signPermit(spender: Address, value: bigint, deadline: bigint): Promise<{ v: number; r: Hex; s: Hex }> {
    const account = this.chain.account;
    if (!account?.signTypedData) throw new Error("the account cannot sign typed data");
    const [nonce, name, chainId] = await Promise.all([
      this.read("nonces", () =>
        this.chain.public.readContract({ ...this.token, functionName: "nonces", args: [account.address] }),
      ),
      this.read("name", () => this.chain.public.readContract({ ...this.token, functionName: "name" })),
      this.chain.chainId(),
    ]);
    const signature = await account.signTypedData({
      domain: { name, version: "1", chainId, verifyingContract: this.token.address },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: account.address, spender, value, nonce, deadline },
    });
    const sig = parseSignature(signature);
    return { v: Number(sig.v ?? BigInt(sig.yParity + 27)), r: sig.r, s: sig.s };
  }
}
