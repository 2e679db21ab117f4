/**
 * The training node: trains a TF.js model on its local data for a task, then
 *
 * 1. adds the manifest `flock.json` (protocol, chain, arena, task, this node) to the model directory and computes
 *    the directory's CID locally — hash only: nothing is added to IPFS, announced or served;
 * 2. keeps the files under the data dir (fsync'd), journals salt + CID (fsync'd), and only then commits;
 * 3. once the chain is in the publish window **and the creator has revealed the evaluation data** (`revealSubmission`
 *    reverts `EvalDataNotRevealed` before), adds the files to its IPFS store (they become fetchable: announced) and
 *    reveals the CID. If the creator does not reveal by `evalRevealEnd`, the model is never announced and the task is
 *    cancellable; a claim releases the stake unslashed.
 *
 * Until the publish window nobody can learn the model or its CID from this node, so nobody can commit to it first;
 * and a model is owned by its earliest commitment anyway: a later committer's reveal of the same CID reverts
 * `DuplicateModel`, or is displaced (`SubmissionDisplaced`) when it came first. A node that committed and did not
 * publish is slashed TRAINER_NON_REVEAL_SLASH_BPS of its lock at claim (`TrainerNonRevealSlashed`).
 * A node killed at any point resumes from the journal: `flock train … --watch` (or `flock reveal --watch`) again.
 */
import type { Hex } from "viem";
import { loadDataset } from "../data/dataset.js";
import { sleep } from "../logic/async.js";
import { canonicalCid } from "../logic/cid.js";
import { newSalt, submissionCommitment } from "../logic/commitments.js";
import { type Phase, trainerAction } from "../logic/phase.js";
import { withManifest } from "../logic/submission.js";
import type { Node } from "../node.js";
import { directoryCid } from "../storage/cid.js";
import type { CommitmentRow } from "../store/journal.js";
import { UnpublishedContent } from "../store/local.js";
import { type Arch, type EpochLog, trainModel } from "../train/index.js";
import type { FileMap } from "../types.js";
import { fetchSpec } from "./creator.js";

export interface TrainOptions {
  taskId: bigint;
  dataDir: string;
  arch: Arch;
  epochs: number;
  seed?: number;
  onEpoch?: (e: EpochLog) => void;
}

export async function trainForTask(node: Node, o: TrainOptions): Promise<{ files: FileMap }> {
  const task = await node.protocol.getTask(o.taskId);
  const spec = await fetchSpec(node, task.specCid);
  const dataset = await loadDataset(o.dataDir);
  const result = await trainModel({ dataset, spec, arch: o.arch, epochs: o.epochs, seed: o.seed, onEpoch: o.onEpoch });
  return { files: result.files };
}

function submissionKey(node: Node, taskId: bigint) {
  const { deployments, arena } = node.protocol;
  return {
    kind: "submission" as const,
    chainId: deployments.chainId,
    contract: arena.address,
    taskId,
    account: node.chain.address,
  };
}

/** The journaled submission of this node for `taskId`, if any. */
export function journaledSubmission(node: Node, taskId: bigint): CommitmentRow | undefined {
  return node.journal.get(submissionKey(node, taskId));
}

export interface Committed {
  modelCid: string;
  tx: Hex;
  /** the files committed to (the model with its manifest) */
  files: FileMap;
}

/** Adds this node's manifest to the model and commits to it (see {@link commitModelFiles}). */
export async function commitModel(node: Node, taskId: bigint, model: FileMap): Promise<Committed> {
  const files = withManifest(model, {
    chainId: node.protocol.deployments.chainId,
    arena: node.protocol.arena.address,
    taskId,
    node: node.chain.address,
  });
  return commitModelFiles(node, taskId, files);
}

/**
 * Commits to the directory `files` exactly as given: its CID computed locally (canonical CIDv1), the files kept
 * durably, salt and CID journaled, then `commitSubmission`. Nothing is added to IPFS.
 */
export async function commitModelFiles(node: Node, taskId: bigint, files: FileMap): Promise<Committed> {
  const modelCid = canonicalCid(await directoryCid(files), "model CID");
  await new UnpublishedContent(node.config.dataDir).keep(modelCid, files);
  const { protocol, journal } = node;
  const me = node.chain.address;
  const salt = newSalt();
  const commitment = submissionCommitment(
    protocol.deployments.chainId,
    protocol.arena.address,
    taskId,
    me,
    modelCid,
    salt,
  );
  const key = submissionKey(node, taskId);
  journal.prepare({ ...key, salt, commitment, payload: modelCid });
  const tx = await sendCommit(node, taskId, commitment);
  node.log.info({ taskId: taskId.toString(), modelCid }, "submission committed (model kept private until publish)");
  return { modelCid, tx, files };
}

async function sendCommit(node: Node, taskId: bigint, commitment: Hex): Promise<Hex> {
  const receipt = await node.chain.write({
    ...node.protocol.arena,
    functionName: "commitSubmission",
    args: [taskId, commitment],
    label: `commitSubmission(${taskId})`,
  });
  node.journal.mark(submissionKey(node, taskId), "committed", receipt.transactionHash);
  return receipt.transactionHash;
}

export interface Advance {
  action: ReturnType<typeof trainerAction>;
  phase: Phase;
  /** the transaction sent (a resumed commit, or the reveal) */
  tx?: Hex;
}

/**
 * Does what is due for the journaled submission of `taskId`, from what the chain says: sends a journaled commit that
 * never landed (still in the submission window), or — in the publish window, once the eval data is revealed — adds
 * the model to IPFS and reveals it.
 */
export async function advanceSubmission(node: Node, taskId: bigint): Promise<Advance> {
  const { protocol, journal } = node;
  const key = submissionKey(node, taskId);
  const row = journal.get(key);
  if (!row) throw new Error(`no submission for task ${taskId} in the journal ${journal.path}`);
  const [task, onChain, now] = await Promise.all([
    protocol.getTask(taskId),
    protocol.trainerRecord(taskId, node.chain.address),
    protocol.now(),
  ]);
  const committed = onChain.commitment.toLowerCase() === row.commitment.toLowerCase();
  const revealed = committed && onChain.published;
  const action = trainerAction(task.phase, {
    committed,
    revealed,
    evalRevealed: task.evalRevealed,
    evalRevealClosed: now >= task.evalRevealEnd,
  });
  switch (action) {
    case "wait":
      if (committed && row.state === "prepared") journal.mark(key, "committed");
      return { action, phase: task.phase };
    case "done":
      if (revealed) journal.mark(key, "revealed");
      return { action, phase: task.phase };
    case "too-late":
    case "no-eval-data":
      journal.mark(key, "abandoned");
      return { action, phase: task.phase };
    case "commit":
      node.log.info({ taskId: taskId.toString() }, "sending the journaled commitment (it never reached the chain)");
      return { action, phase: task.phase, tx: await sendCommit(node, taskId, row.commitment) };
    case "reveal": {
      if (row.state === "prepared") journal.mark(key, "committed");
      const kept = new UnpublishedContent(node.config.dataDir);
      const files = await kept.load(row.payload);
      const added = await node.store.addDirectory(files);
      if (added !== row.payload) throw new Error(`model of task ${taskId} added as ${added}, not ${row.payload}`);
      const receipt = await node.chain.write({
        ...protocol.arena,
        functionName: "revealSubmission",
        args: [taskId, canonicalCid(row.payload, "model CID"), row.salt],
        label: `revealSubmission(${taskId})`,
      });
      journal.mark(key, "revealed", receipt.transactionHash);
      await kept.remove(row.payload);
      node.log.info({ taskId: taskId.toString(), modelCid: row.payload }, "model published and revealed");
      return { action, phase: task.phase, tx: receipt.transactionHash };
    }
  }
}

/** Reveals the journaled submission of `taskId` if it is due. Returns the tx hash, or null when nothing is due. */
export async function revealModel(node: Node, taskId: bigint): Promise<Hex | null> {
  const r = await advanceSubmission(node, taskId);
  return r.action === "reveal" ? (r.tx ?? null) : null;
}

/**
 * Follows the journaled submission of `taskId` until it is revealed (returns the reveal transaction) or can no longer
 * be (throws): polls the chain every `pollMs`; RPC errors are retried by the protocol reads and writes.
 */
export async function watchSubmission(node: Node, taskId: bigint, signal?: AbortSignal): Promise<Hex | null> {
  for (;;) {
    signal?.throwIfAborted();
    const r = await advanceSubmission(node, taskId);
    if (r.action === "reveal") return r.tx ?? null;
    if (r.action === "done") return null;
    if (r.action === "too-late")
      throw new Error(`task ${taskId}: the publish window closed before the submission was revealed`);
    if (r.action === "no-eval-data")
      throw new Error(
        `task ${taskId}: the creator did not reveal the evaluation data by evalRevealEnd, so no model can be revealed ` +
          "(the model was never announced; the task is cancellable EvalDataNotRevealed; claim to release the stake)",
      );
    await sleep(node.config.pollMs, signal);
  }
}
