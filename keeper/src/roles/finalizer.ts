/**
 * The keeper: finalizes tasks whose reveal window has closed, in bounded batches (each call is paid its share of the
 * keeper bounty), and cancels tasks whose cancellation condition holds (the eval data not revealed by `evalRevealEnd`,
 * too few submissions; after the reveal window `finalize` itself cancels for too few reveals or a creator default).
 * Optionally claims for every participant of a settled or cancelled task — the creator's bond (`CreatorRefund`)
 * included; a trainer that committed and did not publish is slashed at its claim (claims are permissionless and pay
 * into the participants' own pools, refunds to the creator's wallet). It looks only at the live tasks
 * of its tracker (chain/tracker.ts) and drops each once it is settled or cancelled (and, with `claimAll`, claimed).
 */
import { type Address, parseEventLogs } from "viem";
import type { TaskParams, TaskView } from "../chain/protocol.js";
import { TaskTracker } from "../chain/tracker.js";
import { DEFAULT_FINALIZE_STEPS, dueCancellation, finalizerAction, Phase } from "../logic/phase.js";
import type { Node } from "../node.js";
import { Bot } from "./bot.js";

export interface FinalizerOptions {
  steps?: number;
  /** also claim for every participant once a task is settled or cancelled */
  claimAll?: boolean;
}

export class FinalizerBot extends Bot {
  readonly tracker: TaskTracker;
  /** a task's parameters never change: read once */
  private readonly params = new Map<bigint, TaskParams>();
  bountyEarned = 0n;

  constructor(
    private readonly node: Node,
    private readonly opts: FinalizerOptions = {},
  ) {
    super("finalizer", node.log.child({ bot: "finalizer" }), node.config.pollMs);
    // claiming for everyone needs the closed tasks too; otherwise a closed task has nothing left for the keeper
    this.tracker = new TaskTracker(node.protocol, node.journal, {
      name: opts.claimAll ? "finalizer-claims" : "finalizer",
      keepClosed: Boolean(opts.claimAll),
    });
  }

  protected async tick(): Promise<void> {
    await this.tracker.sync();
    await this.eachTask(this.tracker.live(), async (id) => {
      const task = await this.node.protocol.getTask(id);
      switch (finalizerAction(task.phase)) {
        case "closed":
          if (this.opts.claimAll) await claimAllFor(this.node, task);
          this.tracker.drop(id);
          this.params.delete(id);
          break;
        case "finalize":
          await this.finalize(task);
          break;
        case "check-cancel":
          if (await this.cancellable(task)) {
            await this.node.chain.write({
              ...this.node.protocol.arena,
              functionName: "cancel",
              args: [task.id],
              label: `cancel(${task.id})`,
            });
          }
          break;
        case "wait":
          break;
      }
    });
  }

  private async cancellable(task: TaskView): Promise<boolean> {
    const now = await this.node.protocol.now();
    if (now < task.evalRevealEnd) return false;
    let params = this.params.get(task.id);
    if (!params) {
      params = await this.node.protocol.paramsOf(task.id);
      this.params.set(task.id, params);
    }
    const reason = dueCancellation(task, params.minSubmissions, now);
    if (reason) this.log.info({ taskId: task.id.toString(), reason }, "cancelling");
    return reason !== null;
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
        this.bountyEarned += ev.args.bounty;
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

/**
 * Claims for everyone who has something claimable, or a stake still locked, in a settled or cancelled task: the
 * creator, every training node that committed, every validator. Returns the number of claims sent.
 */
export async function claimAllFor(node: Node, task: TaskView): Promise<number> {
  const { protocol } = node;
  const [committers, validators] = await Promise.all([protocol.committers(task), protocol.validatorsOf(task.id)]);
  const accounts = new Set<Address>([task.creator, ...committers, ...validators]);
  let n = 0;
  for (const account of accounts) {
    const [amount, lock] = await Promise.all([protocol.claimable(task.id, account), protocol.lockOf(task.id, account)]);
    // a claim with nothing to pay still releases a lock
    if (amount === 0n && lock === 0n) continue;
    await node.chain.write({
      ...protocol.arena,
      functionName: "claim",
      args: [task.id, account],
      label: `claim(${task.id}, ${account.slice(0, 8)})`,
    });
    n++;
  }
  return n;
}
