/**
 * The task creator: pins the spec and the public training data, commits to the evaluation-data CID, deposits the
 * reward, the fee and the bond with a permit (`creationCost`: the bond is max(CREATOR_BOND, CREATOR_BOND_BPS of the
 * pool)), and reveals the evaluation data at the start of the publish window — trainers can reveal their models only
 * after it, and it must be revealed before `evalRevealEnd` (the first half of the publish window), or the task is
 * cancellable `EvalDataNotRevealed` and the bond forfeited. The bond stays in the contract until the task settles;
 * the creator then claims it back (`claim(taskId, creator)`, a `CreatorRefund`: {@link claimCreatorRefunds}).
 *
 * The evaluation data stays private until then: its CID is computed locally (hash only) and its files are kept under
 * the data dir; they are added to the IPFS store only when revealed (a Kubo node announces what it adds, which would
 * leak the CID). The salt and the CID are durable before the create transaction is sent — first under the
 * commitment (`eval-pending:…` in the journal's kv table, the task id is not known yet), then under the task id —
 * so a creator killed at any point reveals after a restart (`flock task reveal-eval --watch`).
 */
import { type Hex, parseEventLogs } from "viem";
import { isTransient } from "../chain/client.js";
import { datasetToFiles, loadDataset } from "../data/dataset.js";
import { sleep } from "../logic/async.js";
import { canonicalCid } from "../logic/cid.js";
import { evalCommitment, newSalt } from "../logic/commitments.js";
import { SPEC_FETCH_LIMITS } from "../logic/limits.js";
import { creatorAction, Phase } from "../logic/phase.js";
import type { Node } from "../node.js";
import { parseSpec, type TaskSpec } from "../spec.js";
import { directoryCid } from "../storage/cid.js";
import type { CommitmentRow } from "../store/journal.js";
import { UnpublishedContent } from "../store/local.js";

export interface CreateTaskOptions {
  spec: TaskSpec;
  trainDataDir: string;
  evalDataDir: string;
  reward: bigint;
  windows: { submission: number; publish: number; commit: number; reveal: number };
  /** 0 = now */
  submissionStart?: number;
}

export interface CreatedTask {
  taskId: bigint;
  specCid: string;
  trainDataCid: string;
  evalCid: string;
  txHash: Hex;
}

export const SPEC_FILE = "spec.json";

export async function pinSpec(node: Pick<Node, "store">, spec: TaskSpec): Promise<string> {
  const cid = await node.store.addDirectory(
    new Map([[SPEC_FILE, new TextEncoder().encode(JSON.stringify(spec, null, 2))]]),
  );
  return canonicalCid(cid, "spec CID");
}

export async function fetchSpec(node: Pick<Node, "store">, specCid: string): Promise<TaskSpec> {
  const files = await node.store.getDirectory(specCid, SPEC_FETCH_LIMITS);
  const bytes = files.get(SPEC_FILE);
  if (!bytes) throw new Error(`spec ${specCid} has no ${SPEC_FILE}`);
  return parseSpec(JSON.parse(new TextDecoder().decode(bytes)));
}

interface PendingEval {
  salt: Hex;
  evalCid: string;
  /** the head before the create transaction was sent: its TaskCreated is at or after this block */
  fromBlock: string;
}

function pendingPrefix(node: Node): string {
  const { deployments, arena } = node.protocol;
  return `eval-pending:${deployments.chainId}:${arena.address.toLowerCase()}:${node.chain.address.toLowerCase()}:`;
}

function evalKey(node: Node, taskId: bigint) {
  const { deployments, arena } = node.protocol;
  return {
    kind: "eval" as const,
    chainId: deployments.chainId,
    contract: arena.address,
    taskId,
    account: node.chain.address,
  };
}

export async function createTask(node: Node, o: CreateTaskOptions): Promise<CreatedTask> {
  const { protocol, journal, log } = node;
  const creator = node.chain.address;
  const [train, evalSet] = [await loadDataset(o.trainDataDir), await loadDataset(o.evalDataDir)];
  const trainDataCid = canonicalCid(await node.store.addDirectory(datasetToFiles(train)), "training-data CID");
  const evalFiles = datasetToFiles(evalSet);
  const evalCid = canonicalCid(await directoryCid(evalFiles), "eval-data CID");
  await new UnpublishedContent(node.config.dataDir).keep(evalCid, evalFiles);
  const spec: TaskSpec = { ...o.spec, trainingDataCid: trainDataCid };
  const specCid = await pinSpec(node, spec);
  log.info({ specCid, trainDataCid }, "pinned spec and training data (eval data kept local, CID secret)");

  const chainId = await node.chain.chainId();
  const salt = newSalt();
  const commitment = evalCommitment(chainId, protocol.arena.address, creator, evalCid, salt);
  // the bond scales with the pool (max(CREATOR_BOND, CREATOR_BOND_BPS of the pool)): the contract says what it pulls
  const { fee, bond, total } = await protocol.creationCost(o.reward);
  log.info(
    { fee: fee.toString(), bond: bond.toString(), total: total.toString() },
    "creation cost (bond held until settlement)",
  );
  const params = {
    specCid,
    evalCommitment: commitment,
    rewardPool: o.reward,
    submissionStart: o.submissionStart ?? 0,
    submissionWindow: o.windows.submission,
    publishWindow: o.windows.publish,
    commitWindow: o.windows.commit,
    revealWindow: o.windows.reveal,
    minScore: spec.minScore,
    spamScore: spec.spamScore,
  } as const;
  // the eval secret is durable before the transaction that commits to it is sent; the task id is not known yet
  const pendingKey = `${pendingPrefix(node)}${commitment}`;
  const pending: PendingEval = { salt, evalCid, fromBlock: (await protocol.blockNumber()).toString() };
  journal.setValue(pendingKey, JSON.stringify(pending));
  const deadline = BigInt((await protocol.now()) + 3600);
  const { v, r, s } = await protocol.signPermit(protocol.arena.address, total, deadline);
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "createTaskWithPermit",
    args: [params, deadline, v, r, s],
    label: "createTaskWithPermit",
  });
  const [created] = parseEventLogs({ abi: protocol.arena.abi, logs: receipt.logs, eventName: "TaskCreated" });
  const taskId = created.args.taskId;
  settlePending(node, pendingKey, taskId, { salt, commitment, evalCid }, receipt.transactionHash);
  log.info({ taskId: taskId.toString(), tx: receipt.transactionHash }, "task created");
  return { taskId, specCid, trainDataCid, evalCid, txHash: receipt.transactionHash };
}

/**
 * Moves a pending eval secret under its task id, in one journal transaction: a creator killed at any moment leaves the
 * secret either pending or journaled under its task, never both.
 */
function settlePending(
  node: Node,
  pendingKey: string,
  taskId: bigint,
  e: { salt: Hex; commitment: Hex; evalCid: string },
  tx?: string,
): void {
  const key = evalKey(node, taskId);
  node.journal.atomically(() => {
    node.journal.prepare({ ...key, salt: e.salt, commitment: e.commitment, payload: e.evalCid });
    node.journal.mark(key, "committed", tx);
    node.journal.deleteValue(pendingKey);
  });
}

/**
 * Finds the tasks of the eval secrets journaled before their create transaction was sent (a creator killed before it
 * learnt the task id): each one's `TaskCreated` (by this creator, with this commitment) from the block recorded with
 * it. A secret whose task is not on chain (the transaction never landed) stays pending.
 */
export async function resolvePendingEvals(node: Node): Promise<bigint[]> {
  const prefix = pendingPrefix(node);
  const found: bigint[] = [];
  const head = await node.protocol.blockNumber();
  for (const [key, value] of node.journal.entries(prefix)) {
    const commitment = key.slice(prefix.length);
    const p = JSON.parse(value) as PendingEval;
    const created = await node.protocol.scanLogs(BigInt(p.fromBlock), head, (from, to) =>
      node.protocol.tasksCreated(from, to, node.chain.address),
    );
    const match = created.find((c) => c.evalCommitment.toLowerCase() === commitment.toLowerCase());
    if (!match) {
      node.log.warn({ commitment }, "an eval commitment journaled before sending has no task on chain (yet)");
      continue;
    }
    settlePending(node, key, match.taskId, { salt: p.salt, commitment: match.evalCommitment, evalCid: p.evalCid });
    node.log.info({ taskId: match.taskId.toString() }, "recovered the eval secret of a task created before a crash");
    found.push(match.taskId);
  }
  return found;
}

/** The open eval-data commitments of this creator (pending ones resolved first), oldest first. */
export async function openEvalCommitments(node: Node): Promise<CommitmentRow[]> {
  await resolvePendingEvals(node);
  return node.journal.list("eval", ["prepared", "committed"], node.chain.address);
}

/**
 * Reveals the eval data of `taskId` if it is due: adds the kept files to the IPFS store (checked against the
 * committed CID), then sends `revealEvalData`. Returns the transaction hash, or null when nothing is due (yet).
 */
export async function revealEvalData(node: Node, taskId: bigint): Promise<Hex | null> {
  const { protocol, journal } = node;
  const key = evalKey(node, taskId);
  let row = journal.get(key);
  if (!row) {
    await resolvePendingEvals(node);
    row = journal.get(key);
  }
  if (!row) throw new Error(`no eval-data commitment for task ${taskId} in the journal ${journal.path}`);
  const task = await protocol.getTask(taskId);
  if (task.creator !== node.chain.address) throw new Error(`task ${taskId} was created by ${task.creator}`);
  if (task.evalCommitment.toLowerCase() !== row.commitment.toLowerCase())
    throw new Error(`task ${taskId} commits to ${task.evalCommitment}, the journal to ${row.commitment}`);
  const action = creatorAction(task, await protocol.now());
  switch (action) {
    case "wait":
      return null;
    case "done":
      journal.mark(key, "revealed");
      return null;
    case "too-late":
      journal.mark(key, "abandoned");
      throw new Error(
        `task ${taskId}: the eval data was not revealed before evalRevealEnd (${task.evalRevealEnd}): the task is ` +
          "cancellable EvalDataNotRevealed and the bond is forfeited",
      );
    case "reveal":
      break;
  }
  const kept = new UnpublishedContent(node.config.dataDir);
  const files = await kept.load(row.payload);
  const added = await node.store.addDirectory(files);
  if (added !== row.payload) throw new Error(`the eval data of task ${taskId} added as ${added}, not ${row.payload}`);
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "revealEvalData",
    args: [taskId, canonicalCid(row.payload, "eval-data CID"), row.salt],
    label: `revealEvalData(${taskId})`,
  });
  journal.mark(key, "revealed", receipt.transactionHash);
  await kept.remove(row.payload);
  node.log.info({ taskId: taskId.toString(), tx: receipt.transactionHash }, "eval data revealed");
  return receipt.transactionHash;
}

/**
 * Reveals the eval data of `taskIds` (default: every open eval commitment of this creator) as each task reaches its
 * publish window; returns when none is left open. RPC failures are retried at the next poll; a missed window (or any
 * other lasting error) is thrown at the end, once every other task is done.
 */
export async function watchEvalReveals(
  node: Node,
  taskIds?: bigint[],
  signal?: AbortSignal,
): Promise<{ taskId: bigint; tx: Hex | null }[]> {
  const ids = taskIds ?? (await openEvalCommitments(node)).map((r) => r.taskId);
  const out: { taskId: bigint; tx: Hex | null }[] = [];
  const missed: string[] = [];
  let open = [...ids];
  while (open.length > 0) {
    signal?.throwIfAborted();
    const still: bigint[] = [];
    for (const id of open) {
      try {
        const tx = await revealEvalData(node, id);
        const state = node.journal.get(evalKey(node, id))?.state;
        if (tx !== null || state === "revealed") out.push({ taskId: id, tx });
        else still.push(id);
      } catch (e) {
        if (!isTransient(e)) missed.push(`task ${id}: ${(e as Error).message}`);
        else {
          node.log.warn({ taskId: id.toString(), err: (e as Error).message.split("\n")[0] }, "will retry the reveal");
          still.push(id);
        }
      }
    }
    open = still;
    if (open.length > 0) await sleep(node.config.pollMs, signal);
  }
  if (missed.length > 0) throw new Error(missed.join("; "));
  return out;
}

/**
 * Waits until each of `taskIds` is settled or cancelled, then claims what the contract owes its creator: the bond
 * after a settlement (and whatever a cancellation refunds). Returns each claim (amount 0n when nothing was owed, e.g.
 * someone else already claimed it for us: claims are permissionless). RPC failures are retried at the next poll.
 */
export async function claimCreatorRefunds(
  node: Node,
  taskIds: bigint[],
  signal?: AbortSignal,
): Promise<{ taskId: bigint; amount: bigint; tx: Hex | null }[]> {
  const out: { taskId: bigint; amount: bigint; tx: Hex | null }[] = [];
  let open = [...taskIds];
  while (open.length > 0) {
    signal?.throwIfAborted();
    const still: bigint[] = [];
    for (const id of open) {
      try {
        const r = await claimCreatorRefund(node, id);
        if (r === "open") still.push(id);
        else out.push({ taskId: id, ...r });
      } catch (e) {
        if (!isTransient(e)) throw e;
        node.log.warn({ taskId: id.toString(), err: (e as Error).message.split("\n")[0] }, "will retry the claim");
        still.push(id);
      }
    }
    open = still;
    if (open.length > 0) await sleep(node.config.pollMs, signal);
  }
  return out;
}

/** Claims the creator's refund of a closed task ("open" while the task is still running). */
export async function claimCreatorRefund(
  node: Node,
  taskId: bigint,
): Promise<"open" | { amount: bigint; tx: Hex | null }> {
  const { protocol } = node;
  const task = await protocol.getTask(taskId);
  if (task.phase !== Phase.Settled && task.phase !== Phase.Cancelled) return "open";
  const amount = await protocol.claimable(taskId, task.creator);
  if (amount === 0n) return { amount, tx: null };
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "claim",
    args: [taskId, task.creator],
    label: `claim(${taskId}, creator)`,
  });
  node.log.info({ taskId: taskId.toString(), amount: amount.toString() }, "creator's bond/refund claimed");
  return { amount, tx: receipt.transactionHash };
}
