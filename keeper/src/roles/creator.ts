/**
 * The task creator: pins the spec and the data, commits to the evaluation-data CID (the CID itself stays secret until
 * the publish window), deposits the reward with a permit, and later reveals the evaluation data.
 */
import { type Hex, parseEventLogs } from "viem";
import { datasetToFiles, loadDataset } from "../data/dataset.js";
import { evalCommitment, newSalt } from "../logic/commitments.js";
import { Phase } from "../logic/phase.js";
import type { Node } from "../node.js";
import { parseSpec, type TaskSpec } from "../spec.js";

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

export async function pinSpec(node: Node, spec: TaskSpec): Promise<string> {
  return node.store.addDirectory(new Map([[SPEC_FILE, new TextEncoder().encode(JSON.stringify(spec, null, 2))]]));
}

export async function fetchSpec(node: Node, specCid: string): Promise<TaskSpec> {
  const files = await node.store.getDirectory(specCid, { maxBytes: 1_000_000, timeoutMs: 30_000, maxFiles: 4 });
  const bytes = files.get(SPEC_FILE);
  if (!bytes) throw new Error(`spec ${specCid} has no ${SPEC_FILE}`);
  return parseSpec(JSON.parse(new TextDecoder().decode(bytes)));
}

export async function createTask(node: Node, o: CreateTaskOptions): Promise<CreatedTask> {
  const { protocol, journal, log } = node;
  const creator = node.chain.address;
  const [train, evalSet] = [await loadDataset(o.trainDataDir), await loadDataset(o.evalDataDir)];
  const trainDataCid = await node.store.addDirectory(datasetToFiles(train));
  const evalCid = await node.store.addDirectory(datasetToFiles(evalSet));
  const spec: TaskSpec = { ...o.spec, trainingDataCid: trainDataCid };
  const specCid = await pinSpec(node, spec);
  log.info({ specCid, trainDataCid }, "pinned spec and training data (eval data pinned, CID kept secret)");

  const chainId = await node.chain.chainId();
  const salt = newSalt();
  const commitment = evalCommitment(chainId, protocol.arena.address, creator, evalCid, salt);
  const [fee, bond] = await Promise.all([
    protocol.configValue("TASK_CREATION_FEE"),
    protocol.configValue("CREATOR_BOND"),
  ]);
  const total = o.reward + fee + bond;
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
  // the eval secret is durable before the transaction that commits to it is sent
  const pendingKey = {
    kind: "eval" as const,
    chainId,
    contract: protocol.arena.address,
    taskId: -1n,
    account: creator,
  };
  journal.prepare({ ...pendingKey, salt, commitment, payload: evalCid });
  const deadline = BigInt((await protocol.now()) + 3600);
  const { v, r, s } = await protocol.signPermit(protocol.arena.address, total, deadline);
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "createTaskWithPermit",
    args: [params, deadline, v, r, s],
    label: "createTaskWithPermit",
  });
  const [created] = parseEventLogs({ abi: protocol.arena.abi, logs: receipt.logs, eventName: "TaskCreated" });
  const taskId = created.args.taskId as bigint;
  journal.prepare({ ...pendingKey, taskId, salt, commitment, payload: evalCid });
  journal.mark({ ...pendingKey, taskId }, "committed", receipt.transactionHash);
  journal.mark(pendingKey, "abandoned");
  log.info({ taskId: taskId.toString(), tx: receipt.transactionHash }, "task created");
  return { taskId, specCid, trainDataCid, evalCid, txHash: receipt.transactionHash };
}

/** Reveals the eval-data CID of a task this creator made (from the journal). */
export async function revealEvalData(node: Node, taskId: bigint): Promise<Hex> {
  const { protocol } = node;
  const chainId = await node.chain.chainId();
  const key = { kind: "eval" as const, chainId, contract: protocol.arena.address, taskId, account: node.chain.address };
  const row = node.journal.get(key);
  if (!row) throw new Error(`no eval-data commitment for task ${taskId} in the journal ${node.journal.path}`);
  const task = await protocol.getTask(taskId);
  if (task.evalRevealed) {
    node.journal.mark(key, "revealed");
    throw new Error(`task ${taskId}: eval data already revealed`);
  }
  if (task.phase !== Phase.Publish)
    throw new Error(`task ${taskId} is not in its publish window (phase ${task.phase})`);
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "revealEvalData",
    args: [taskId, row.payload, row.salt],
    label: `revealEvalData(${taskId})`,
  });
  node.journal.mark(key, "revealed", receipt.transactionHash);
  return receipt.transactionHash;
}
