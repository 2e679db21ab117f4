/**
 * A small but complete protocol history on a real anvil, driven with viem: stakes and delegations, an unbond and a
 * withdrawal, commission changes and claims, four tasks (settled with a spammer and a deviating validator; cancelled
 * for too few submissions; cancelled before start; settled with a validator that never reveals), finalization in
 * batches by a keeper and every claim. Used by the indexer tests; reusable by anyone who needs history to index.
 */
import {
  type Abi,
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  parseEther,
  toHex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { arenaTasksAbi, flockTokenAbi, stakingVaultAbi } from "../../generated/abis.js";
import { type Deployments, readDeployments } from "../../keeper/src/chain/deployments.js";
import { ANVIL_MNEMONIC, warp } from "./chain.js";

export interface Actors {
  creator: Account;
  trainers: Account[];
  validators: Account[];
  delegator: Account;
  keeper: Account;
}

export interface ScenarioResult {
  actors: Actors;
  addresses: Deployments["contracts"];
  taskIds: bigint[];
  /** every address that took part */
  accounts: Address[];
  lastBlock: bigint;
}

export const WINDOW = 120;

export function actors(): Actors {
  const at = (i: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i });
  return {
    creator: at(0),
    trainers: [1, 2, 3, 4].map(at),
    validators: [5, 6, 7, 8].map(at),
    delegator: at(9),
    keeper: at(10),
  };
}

export function clients(rpcUrl: string) {
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 50 });
  const wallet = (account: Account) => createWalletClient({ chain: foundry, transport, account });
  return { publicClient, wallet };
}

export class Driver {
  readonly pub;
  private readonly wallet;
  /** the block of the last transaction sent through `send` (from its receipt) */
  lastBlock = 0n;
  constructor(
    readonly rpcUrl: string,
    readonly addresses: ScenarioResult["addresses"],
  ) {
    const c = clients(rpcUrl);
    this.pub = c.publicClient;
    this.wallet = c.wallet;
  }

  /**
   * simulate → send → receipt; a revert is an error. The gas limit is the estimate + 25%: a call whose path depends on
   * `prevrandao` (FLAlliance's `advance` draws the next round's proposers) can cost more in the mined block than in
   * the estimate.
   */
  async send(
    from: Account,
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<Hex> {
    const { request } = await this.pub.simulateContract({ account: from, address, abi, functionName, args });
    const gas = await this.pub.estimateContractGas({ account: from, address, abi, functionName, args });
    const hash = await this.wallet(from).writeContract({ ...request, gas: (gas * 125n) / 100n });
    const receipt = await this.pub.waitForTransactionReceipt({ hash, timeout: 30_000, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    this.lastBlock = receipt.blockNumber;
    return hash;
  }

  token(from: Account, fn: string, args: readonly unknown[]) {
    return this.send(from, this.addresses.FlockToken, flockTokenAbi as Abi, fn, args);
  }
  vault(from: Account, fn: string, args: readonly unknown[]) {
    return this.send(from, this.addresses.StakingVault, stakingVaultAbi as Abi, fn, args);
  }
  arena(from: Account, fn: string, args: readonly unknown[]) {
    return this.send(from, this.addresses.ArenaTasks, arenaTasksAbi as Abi, fn, args);
  }
  read<T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.pub.readContract({ address, abi, functionName, args }) as Promise<T>;
  }
  readArena<T>(fn: string, args: readonly unknown[] = []) {
    return this.read<T>(this.addresses.ArenaTasks, arenaTasksAbi as Abi, fn, args);
  }
  readVault<T>(fn: string, args: readonly unknown[] = []) {
    return this.read<T>(this.addresses.StakingVault, stakingVaultAbi as Abi, fn, args);
  }

  /**
   * The chain's head, asked of the node. Not `pub.getBlockNumber()`: viem caches it (here for 50 ms) and the receipt
   * polling fills that cache before the transaction is mined, so right after a receipt it names an earlier block (seen
   * in 144 of 200 tries).
   */
  async head(): Promise<bigint> {
    return this.pub.getBlockNumber({ cacheTime: 0 });
  }

  async now(): Promise<bigint> {
    return (await this.pub.getBlock()).timestamp;
  }

  /** Creates a task and returns its id. */
  async createTask(
    creator: Account,
    opts: { spec: string; evalCid: string; pool?: bigint; startIn?: number; minScore?: number; spamScore?: number },
  ) {
    const salt = saltOf(`eval:${opts.spec}`);
    const evalCommitment = await this.readArena<Hex>("evalCommitmentOf", [creator.address, opts.evalCid, salt]);
    const start = opts.startIn ? (await this.now()) + BigInt(opts.startIn) : 0n;
    await this.arena(creator, "createTask", [
      {
        specCid: opts.spec,
        evalCommitment,
        rewardPool: opts.pool ?? parseEther("1000"),
        submissionStart: Number(start),
        submissionWindow: WINDOW,
        publishWindow: WINDOW,
        commitWindow: WINDOW,
        revealWindow: WINDOW,
        minScore: opts.minScore ?? 1000,
        spamScore: opts.spamScore ?? 500,
      },
    ]);
    const id = await this.readArena<bigint>("taskCount");
    return { id, evalCid: opts.evalCid, salt };
  }

  async commitSubmission(taskId: bigint, trainer: Account, cid: string) {
    const salt = saltOf(`${taskId}:${trainer.address}:${cid}`);
    const c = await this.readArena<Hex>("submissionCommitmentOf", [taskId, trainer.address, cid, salt]);
    await this.arena(trainer, "commitSubmission", [taskId, c]);
    return salt;
  }
  async revealSubmission(taskId: bigint, trainer: Account, cid: string) {
    await this.arena(trainer, "revealSubmission", [taskId, cid, saltOf(`${taskId}:${trainer.address}:${cid}`)]);
  }
  async commitScores(taskId: bigint, validator: Account, scores: number[]) {
    const salt = saltOf(`${taskId}:${validator.address}:scores`);
    const c = await this.readArena<Hex>("scoresCommitmentOf", [taskId, validator.address, scores, salt]);
    await this.arena(validator, "commitScores", [taskId, c]);
  }
  async revealScores(taskId: bigint, validator: Account, scores: number[]) {
    await this.arena(validator, "revealScores", [taskId, scores, saltOf(`${taskId}:${validator.address}:scores`)]);
  }
  /** Calls finalize in batches of `steps` until the task is settled or cancelled. */
  async finalizeAll(taskId: bigint, keeper: Account, steps: number) {
    for (let i = 0; i < 1000; i++) {
      await this.arena(keeper, "finalize", [taskId, BigInt(steps)]);
      const phase = await this.readArena<number>("phaseOf", [taskId]);
      if (phase === 6 || phase === 7) return;
    }
    throw new Error(`task ${taskId} did not finalize`);
  }
}

export function saltOf(label: string): Hex {
  return keccak256(toHex(label));
}

/** Plays the whole scenario. */
export async function runScenario(rpcUrl: string, deploymentsPath: string): Promise<ScenarioResult> {
  const addresses = readDeployments(deploymentsPath).contracts;
  const d = new Driver(rpcUrl, addresses);
  const a = actors();
  const { creator, trainers: T, validators: V, delegator: D, keeper: K } = a;
  const everyone = [creator, ...T, ...V, D, K];
  const max = 2n ** 256n - 1n;

  // ── tokens, pools, delegations ──
  for (const acct of everyone) await d.token(creator, "mint", [acct.address, parseEther("100000")]);
  await d.token(creator, "approve", [addresses.ArenaTasks, max]);
  for (const t of T) {
    await d.token(t, "approve", [addresses.StakingVault, max]);
    await d.vault(t, "register", [1, 1000]);
    await d.vault(t, "stake", [parseEther("5000")]);
  }
  for (const v of V) {
    await d.token(v, "approve", [addresses.StakingVault, max]);
    await d.vault(v, "register", [2, 500]);
    await d.vault(v, "stake", [parseEther("10000")]);
  }
  await d.token(D, "approve", [addresses.StakingVault, max]);
  await d.vault(D, "delegate", [T[0].address, parseEther("2000")]);
  await d.vault(D, "delegate", [V[0].address, parseEther("4000")]);
  await d.vault(D, "delegate", [T[3].address, parseEther("1500")]);
  await d.vault(D, "delegate", [T[3].address, parseEther("500")]);
  // an unbond from the future spammer's pool: its bucket is slashed with the pool
  const dShares = await d.readVault<bigint>("sharesOf", [T[3].address, D.address]);
  await d.vault(D, "requestUnbond", [T[3].address, dShares / 2n]);
  // the token's own transfers and votes
  await d.token(K, "transfer", [D.address, parseEther("10")]);
  await d.token(D, "delegate", [D.address]);

  const taskIds: bigint[] = [];

  // ── task A: settled; T[3] is spam, V[3] deviates ──
  const A = await d.createTask(creator, { spec: "bafy-spec-a", evalCid: "bafy-eval-a" });
  taskIds.push(A.id);
  for (const [i, t] of T.entries()) await d.commitSubmission(A.id, t, `bafy-model-a-${i}`);
  await d.commitSubmission(A.id, T[0], "bafy-model-a-0b"); // replaces its first commit
  await warp(rpcUrl, WINDOW);
  await d.revealSubmission(A.id, T[0], "bafy-model-a-0b");
  for (const [i, t] of T.entries()) if (i > 0) await d.revealSubmission(A.id, t, `bafy-model-a-${i}`);
  await d.arena(creator, "revealEvalData", [A.id, A.evalCid, A.salt]);
  await warp(rpcUrl, WINDOW);
  const honestA = [
    [9000, 7000, 5000, 100],
    [9100, 6900, 5100, 120],
    [8900, 7100, 4900, 90],
  ];
  const deviantA = [100, 200, 9900, 9900];
  const scoresA = [...honestA, deviantA];
  for (const [i, v] of V.entries()) await d.commitScores(A.id, v, scoresA[i]);
  await d.commitScores(A.id, V[1], scoresA[1]); // replaced commitment
  await warp(rpcUrl, WINDOW);
  for (const [i, v] of V.entries()) await d.revealScores(A.id, v, scoresA[i]);
  await warp(rpcUrl, WINDOW);
  await d.finalizeAll(A.id, K, 3);
  for (const acct of [...T, ...V]) await d.arena(K, "claim", [A.id, acct.address]);

  // ── task B: cancelled, too few submissions ──
  const B = await d.createTask(creator, { spec: "bafy-spec-b", evalCid: "bafy-eval-b" });
  taskIds.push(B.id);
  await d.commitSubmission(B.id, T[1], "bafy-model-b-1");
  await warp(rpcUrl, WINDOW);
  await d.revealSubmission(B.id, T[1], "bafy-model-b-1");
  await d.arena(creator, "revealEvalData", [B.id, B.evalCid, B.salt]);
  await warp(rpcUrl, WINDOW);
  await d.arena(K, "cancel", [B.id]);
  await d.arena(creator, "claim", [B.id, creator.address]);
  await d.arena(K, "claim", [B.id, T[1].address]);

  // ── task C: cancelled by its creator before it starts ──
  const C = await d.createTask(creator, { spec: "bafy-spec-c", evalCid: "bafy-eval-c", startIn: 3600 });
  taskIds.push(C.id);
  await d.arena(creator, "cancelBeforeStart", [C.id]);
  await d.arena(creator, "claim", [C.id, creator.address]);

  // ── task D: settled; V[3] never reveals ──
  const Dt = await d.createTask(creator, { spec: "bafy-spec-d", evalCid: "bafy-eval-d", pool: parseEther("2500") });
  taskIds.push(Dt.id);
  for (const [i, t] of T.slice(0, 3).entries()) await d.commitSubmission(Dt.id, t, `bafy-model-d-${i}`);
  await warp(rpcUrl, WINDOW);
  for (const [i, t] of T.slice(0, 3).entries()) await d.revealSubmission(Dt.id, t, `bafy-model-d-${i}`);
  await d.arena(creator, "revealEvalData", [Dt.id, Dt.evalCid, Dt.salt]);
  await warp(rpcUrl, WINDOW);
  const scoresD = [
    [3000, 8000, 6000],
    [3100, 8100, 5900],
    [2900, 7900, 6100],
    [5000, 5000, 5000],
  ];
  for (const [i, v] of V.entries()) await d.commitScores(Dt.id, v, scoresD[i]);
  await warp(rpcUrl, WINDOW);
  for (const [i, v] of V.slice(0, 3).entries()) await d.revealScores(Dt.id, v, scoresD[i]);
  await warp(rpcUrl, WINDOW);
  await d.finalizeAll(Dt.id, K, 2);
  for (const acct of [...T.slice(0, 3), ...V]) await d.arena(K, "claim", [Dt.id, acct.address]);

  // ── after the tasks: commission, unbonding, withdrawal ──
  await d.vault(T[0], "claimCommission", [T[0].address]);
  await warp(rpcUrl, 8 * 24 * 3600);
  await d.vault(V[2], "setCommission", [700]);
  await d.vault(D, "withdraw", [1n]);
  const vShares = await d.readVault<bigint>("sharesOf", [V[0].address, D.address]);
  await d.vault(D, "requestUnbond", [V[0].address, vShares / 4n]);

  // The block of the last event, from its receipt: an indexer whose `/status` names it shows every row of the scenario
  // (Ponder writes a block's rows and its checkpoint in one transaction; see indexer/README.md, "What /status and
  // /ready guarantee").
  const lastBlock = d.lastBlock;
  return { actors: a, addresses, taskIds, accounts: everyone.map((x) => x.address), lastBlock };
}
