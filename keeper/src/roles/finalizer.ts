/**
 * The keeper: finalizes tasks whose reveal window has closed, in bounded batches (each call is paid its share of the
 * keeper bounty), and cancels tasks whose cancellation condition holds. Optionally claims for every participant of a
 * settled task (claims are permissionless and pay into the participants' own pools).
 */
import { parseEventLogs } from "viem";
import type { TaskView } from "../chain/protocol.js";
import { DEFAULT_FINALIZE_STEPS, Phase } from "../logic/phase.js";
import type { Node } from "../node.js";
import { Bot } from "./bot.js";
import { taskIds } from "./validator.js";

export interface FinalizerOptions {
  steps?: number;
  /** also claim for every participant once a task is settled or cancelled */
  claimAll?: boolean;
}

export class FinalizerBot extends Bot {
  private readonly done = new Set<bigint>();
  bountyEarned = 0n;

  constructor(
    private readonly node: Node,
    private readonly opts: FinalizerOptions = {},
  ) {
    super("finalizer", node.log.child({ bot: "finalizer" }), node.config.pollMs);
  }

  protected async tick(): Promise<void> {
    const count = await this.node.protocol.taskCount();
    for (const id of taskIds(count)) {
      if (this.done.has(id)) continue;
      const task = await this.node.protocol.getTask(id);
      if (task.phase === Phase.Settled || task.phase === Phase.Cancelled) {
        if (this.opts.claimAll) await claimAllFor(this.node, task.id);
        this.done.add(id);
      } else if (task.phase === Phase.Finalizing) {
        await this.finalize(task);
      } else if ((task.phase === Phase.Commit || task.phase === Phase.Reveal) && (await this.cancellable(task))) {
        await this.node.chain.write({
          ...this.node.protocol.arena,
          functionName: "cancel",
          args: [task.id],
          label: `cancel(${task.id})`,
        });
      }
    }
  }

  private async cancellable(task: TaskView): Promise<boolean> {
    if (!task.evalRevealed) return true;
    const params = await this.node.protocol.chain.public.readContract({
      ...this.node.protocol.arena,
      functionName: "paramsOf",
      args: [task.id],
    });
    return task.published < Number(params.minSubmissions);
  }

  /** Calls finalize until the task is settled or cancelled. */
  async finalize(task: TaskView): Promise<void> {
    const steps = BigInt(this.opts.steps ?? DEFAULT_FINALIZE_STEPS);
    for (let call = 0; call < 1_000; call++) {
      const receipt = await this.node.chain.write({
        ...this.node.protocol.arena,
        functionName: "finalize",
        args: [task.id, steps],
        label: `finalize(${task.id})`,
      });
      for (const ev of parseEventLogs({
        abi: this.node.protocol.arena.abi,
        logs: receipt.logs,
        eventName: "FinalizeProgressed",
      })) {
        this.bountyEarned += ev.args.bounty as bigint;
      }
      const after = await this.node.protocol.getTask(task.id);
      if (after.phase === Phase.Settled || after.phase === Phase.Cancelled) {
        this.log.info({ taskId: task.id.toString(), phase: after.phase, calls: call + 1 }, "task finalized");
        return;
      }
    }
    throw new Error(`task ${task.id}: finalize did not complete after 1000 calls`);
  }
}

/** Claims for everyone who has something claimable in a task (trainers, validators, creator). */
export async function claimAllFor(node: Node, taskId: bigint): Promise<number> {
  const { protocol } = node;
  const task = await protocol.getTask(taskId);
  const subs = await protocol.publishedSubmissions(taskId);
  const validators = await protocol.chain.public.readContract({
    ...protocol.arena,
    functionName: "validatorsOf",
    args: [taskId],
  });
  const committers = await protocol.chain.public.getContractEvents({
    ...protocol.arena,
    eventName: "SubmissionCommitted",
    args: { taskId },
    fromBlock: BigInt(protocol.deployments.startBlock),
  });
  const accounts = new Set<string>([
    task.creator,
    ...subs.map((s) => s.trainer),
    ...validators,
    ...committers.map((c) => c.args.trainer as string),
  ]);
  let n = 0;
  for (const account of accounts) {
    const amount = await protocol.chain.public.readContract({
      ...protocol.arena,
      functionName: "claimable",
      args: [taskId, account as `0x${string}`],
    });
    const rec = await claimState(node, taskId, account as `0x${string}`);
    if (amount === 0n && !rec) continue;
    await node.chain.write({
      ...protocol.arena,
      functionName: "claim",
      args: [taskId, account as `0x${string}`],
      label: `claim(${taskId}, ${account.slice(0, 8)})`,
    });
    n++;
  }
  return n;
}

/** Whether `account` still has a lock to release in the task (a claim with nothing to pay still unlocks). */
async function claimState(node: Node, taskId: bigint, account: `0x${string}`): Promise<boolean> {
  const { protocol } = node;
  const lock = await protocol.chain.public.readContract({
    ...protocol.vault,
    functionName: "lockOf",
    args: [protocol.arena.address, taskId, account],
  });
  return lock > 0n;
}
