/**
 * The training node: trains a TF.js model on its local data for a task, pins the model directory, commits to its CID
 * (salt journaled first), and reveals it in the publish window.
 */
import type { Hex } from "viem";
import { loadDataset } from "../data/dataset.js";
import { newSalt, submissionCommitment } from "../logic/commitments.js";
import { Phase, trainerAction } from "../logic/phase.js";
import type { Node } from "../node.js";
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

export async function trainForTask(node: Node, o: TrainOptions): Promise<{ files: FileMap; accuracy?: number }> {
  const task = await node.protocol.getTask(o.taskId);
  const spec = await fetchSpec(node, task.specCid);
  const dataset = await loadDataset(o.dataDir);
  const result = await trainModel({ dataset, spec, arch: o.arch, epochs: o.epochs, seed: o.seed, onEpoch: o.onEpoch });
  return { files: result.files };
}

/** Pins the model and commits to its CID. Returns the CID. */
export async function commitModel(node: Node, taskId: bigint, files: FileMap): Promise<{ modelCid: string; tx: Hex }> {
  const modelCid = await node.store.addDirectory(files);
  const tx = await commitModelCid(node, taskId, modelCid);
  return { modelCid, tx };
}

/** Commits to an already pinned model CID (salt and CID journaled before the transaction). */
export async function commitModelCid(node: Node, taskId: bigint, modelCid: string): Promise<Hex> {
  const { protocol, journal } = node;
  const me = node.chain.address;
  const chainId = await node.chain.chainId();
  const salt = newSalt();
  const commitment = submissionCommitment(chainId, protocol.arena.address, taskId, me, modelCid, salt);
  const key = { kind: "submission" as const, chainId, contract: protocol.arena.address, taskId, account: me };
  journal.prepare({ ...key, salt, commitment, payload: modelCid });
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "commitSubmission",
    args: [taskId, commitment],
    label: `commitSubmission(${taskId})`,
  });
  journal.mark(key, "committed", receipt.transactionHash);
  node.log.info({ taskId: taskId.toString(), modelCid }, "submission committed");
  return receipt.transactionHash;
}

/** Reveals the journaled submission of `taskId` if it is due. Returns the tx hash, or null when nothing is due. */
export async function revealModel(node: Node, taskId: bigint): Promise<Hex | null> {
  const { protocol, journal } = node;
  const me = node.chain.address;
  const chainId = await node.chain.chainId();
  const key = { kind: "submission" as const, chainId, contract: protocol.arena.address, taskId, account: me };
  const row = journal.get(key);
  if (!row) throw new Error(`no submission for task ${taskId} in the journal ${journal.path}`);
  const task = await protocol.getTask(taskId);
  const onChain = await protocol.chain.public.readContract({
    ...protocol.arena,
    functionName: "trainerRecord",
    args: [taskId, me],
  });
  const committed = onChain.commitment === row.commitment;
  const action = trainerAction(task.phase as never, { committed, revealed: onChain.published });
  if (onChain.published) journal.mark(key, "revealed");
  if (action !== "reveal") {
    if (action === "too-late") journal.mark(key, "abandoned");
    return null;
  }
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "revealSubmission",
    args: [taskId, row.payload, row.salt],
    label: `revealSubmission(${taskId})`,
  });
  journal.mark(key, "revealed", receipt.transactionHash);
  node.log.info({ taskId: taskId.toString(), modelCid: row.payload }, "submission revealed");
  return receipt.transactionHash;
}

/** Waits (polling block time) until the task reaches `phase` or later. */
export async function waitForPhase(node: Node, taskId: bigint, phase: number, signal?: AbortSignal): Promise<number> {
  for (;;) {
    signal?.throwIfAborted();
    const t = await node.protocol.getTask(taskId);
    if (t.phase >= phase) return t.phase;
    await new Promise((r) => setTimeout(r, node.config.pollMs));
  }
}

export { Phase };
