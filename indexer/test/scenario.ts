/**
 * A small but complete protocol history on a real anvil, driven with viem: stakes and delegations, an unbond and a
 * withdrawal, commission changes (a decrease, a scheduled increase) and claims, five tasks (settled with a spammer and
 * a deviating validator; cancelled for too few submissions; cancelled before start; settled with a validator that never
 * reveals and a copier displaced by the model's earlier committer; settled with a validator evicted from a full set, a
 * validator saying "eval data unavailable", an even stake split on every submission and a trainer that never
 * publishes), finalization in batches by a keeper and every claim (the creators' bonds included); deposits made while
 * a lock was outstanding (one activated, one cancelled) and an unbond requested under a lock. Used by the indexer
 * tests; reusable by anyone who needs history to index.
 */
import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import {
  type Abi,
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  parseEther,
  toHex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import {
  arenaTasksAbi,
  flockTokenAbi,
  modelMarketplaceAbi,
  protocolConfigAbi,
  stakingVaultAbi,
} from "../../generated/abis.js";
import { withGasMargin } from "../../keeper/src/chain/client.js";
import { type Deployments, readDeployments } from "../../keeper/src/chain/deployments.js";
import { sendAsTimelock } from "../../keeper/src/devnet/anvil.js";
import { ANVIL_MNEMONIC, warp } from "./chain.js";

export interface Actors {
  creator: Account;
  trainers: Account[];
  validators: Account[];
  delegator: Account;
  keeper: Account;
  /** validators that join only the last task (fresh, with equal stakes, and a small one that gets evicted) */
  lateValidators: Account[];
}

export interface ScenarioResult {
  actors: Actors;
  addresses: Deployments["contracts"];
  taskIds: bigint[];
  /** marketplace listings (task A's winner, bought twice, one contributor claimed) */
  listingIds: bigint[];
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
    lateValidators: [11, 12, 13].map(at),
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
   * simulate → send → receipt; a revert is an error. The gas limit is the estimate + 25% + 60k: a call whose path
   * depends on the block can cost more in the mined block than in the estimate — `prevrandao` (FLAlliance's `advance`
   * draws the next round's proposers), the timestamp clock of vote checkpoints (a mint estimated in the second of the
   * last checkpoint updates it in place, mined a second later it pushes a new one).
   */
  async send(
    from: Account,
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<Hex> {
    const { request } = await this.pub.simulateContract({ account: from, address, abi, functionName, args });
    // the same margin as the keeper: a vote checkpoint keyed by timestamp costs more when the transaction lands in a
    // later second than the estimate's block (a new checkpoint instead of an update), which an exact estimate misses
    const gas = withGasMargin(await this.pub.estimateContractGas({ account: from, address, abi, functionName, args }));
    const hash = await this.wallet(from).writeContract({ ...request, gas });
    const receipt = await this.pub.waitForTransactionReceipt({ hash, timeout: 30_000, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    this.lastBlock = receipt.blockNumber;
    return hash;
  }

  /** a protocol parameter change, as an executed governance proposal makes it (the timelock owns the config) */
  async setConfig(name: string, value: bigint): Promise<void> {
    await sendAsTimelock(
      this.rpcUrl,
      this.addresses.TimelockController,
      this.addresses.ProtocolConfig,
      encodeFunctionData({ abi: protocolConfigAbi, functionName: "set", args: [configKey(name), value] }),
    );
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
  market(from: Account, fn: string, args: readonly unknown[]) {
    return this.send(from, this.addresses.ModelMarketplace, modelMarketplaceAbi as Abi, fn, args);
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

/** A canonical model CID (CIDv1 dag-pb sha2-256, lowercase base32: the only form `revealSubmission` accepts). */
export function modelCid(label: string): string {
  const digest = createHash("sha256").update(label).digest();
  return CID.createV1(0x70, createDigest(0x12, new Uint8Array(digest))).toString();
}

const configKey = (name: string) => keccak256(toHex(name));

/** Plays the whole scenario. */
export async function runScenario(rpcUrl: string, deploymentsPath: string): Promise<ScenarioResult> {
  const addresses = readDeployments(deploymentsPath).contracts;
  const d = new Driver(rpcUrl, addresses);
  const a = actors();
  const { creator, trainers: T, validators: V, delegator: D, keeper: K, lateValidators: L } = a;
  const everyone = [creator, ...T, ...V, D, K, ...L];
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
  for (const [i, t] of T.entries()) await d.commitSubmission(A.id, t, modelCid(`model-a-${i}`));
  await d.commitSubmission(A.id, T[0], modelCid("model-a-0b")); // replaces its first commit
  // while T[0]'s and T[2]'s pools are locked: deposits wait (one is activated later, one cancelled), and an unbond
  // request is marked with the outstanding lock
  await d.vault(D, "delegate", [T[0].address, parseEther("300")]);
  await d.vault(D, "delegate", [T[2].address, parseEther("200")]);
  const dT0Shares = await d.readVault<bigint>("sharesOf", [T[0].address, D.address]);
  await d.vault(D, "requestUnbond", [T[0].address, dT0Shares / 10n]);
  await warp(rpcUrl, WINDOW);
  // the eval data first: models can be revealed only after it
  await d.arena(creator, "revealEvalData", [A.id, A.evalCid, A.salt]);
  await d.revealSubmission(A.id, T[0], modelCid("model-a-0b"));
  for (const [i, t] of T.entries()) if (i > 0) await d.revealSubmission(A.id, t, modelCid(`model-a-${i}`));
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
  for (const acct of [...T, ...V, creator]) await d.arena(K, "claim", [A.id, acct.address]);
  // the locks are released: the waiting deposit becomes shares (anyone may activate it); the other one is taken back
  await d.vault(K, "activate", [T[0].address, D.address]);
  await d.vault(D, "cancelPending", [T[2].address]);

  // ── task B: cancelled, too few submissions ──
  const B = await d.createTask(creator, { spec: "bafy-spec-b", evalCid: "bafy-eval-b" });
  taskIds.push(B.id);
  await d.commitSubmission(B.id, T[1], modelCid("model-b-1"));
  await warp(rpcUrl, WINDOW);
  await d.arena(creator, "revealEvalData", [B.id, B.evalCid, B.salt]);
  await d.revealSubmission(B.id, T[1], modelCid("model-b-1"));
  await warp(rpcUrl, WINDOW);
  await d.arena(K, "cancel", [B.id]);
  await d.arena(creator, "claim", [B.id, creator.address]);
  await d.arena(K, "claim", [B.id, T[1].address]);

  // ── task C: cancelled by its creator before it starts ──
  const C = await d.createTask(creator, { spec: "bafy-spec-c", evalCid: "bafy-eval-c", startIn: 3600 });
  taskIds.push(C.id);
  await d.arena(creator, "cancelBeforeStart", [C.id]);
  await d.arena(creator, "claim", [C.id, creator.address]);

  // ── task D: settled; V[3] never reveals; T[3] commits (after T[0]) to T[0]'s model and reveals it first: T[0]'s
  // reveal takes it over (SubmissionDisplaced) and T[3] is slashed at its claim for not publishing ──
  const Dt = await d.createTask(creator, { spec: "bafy-spec-d", evalCid: "bafy-eval-d", pool: parseEther("2500") });
  taskIds.push(Dt.id);
  for (const [i, t] of T.slice(0, 3).entries()) await d.commitSubmission(Dt.id, t, modelCid(`model-d-${i}`));
  await d.commitSubmission(Dt.id, T[3], modelCid("model-d-0"));
  await warp(rpcUrl, WINDOW);
  await d.arena(creator, "revealEvalData", [Dt.id, Dt.evalCid, Dt.salt]);
  await d.revealSubmission(Dt.id, T[3], modelCid("model-d-0"));
  for (const [i, t] of T.slice(0, 3).entries()) await d.revealSubmission(Dt.id, t, modelCid(`model-d-${i}`));
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
  for (const acct of [...T, ...V, creator]) await d.arena(K, "claim", [Dt.id, acct.address]);

  // ── task E: at most 3 validators and 2 reveals (config snapshotted at creation). L[2] (4,000) is evicted by V[3]'s
  // larger lock; V[3] says "eval data unavailable"; L[0] and L[1] (5,000 each) disagree on every submission: an even
  // split, so every consensus is contested; T[0] commits and never publishes ──
  for (const l of L) {
    await d.token(l, "approve", [addresses.StakingVault, max]);
    await d.vault(l, "register", [2, 500]);
  }
  await d.vault(L[0], "stake", [parseEther("5000")]);
  await d.vault(L[1], "stake", [parseEther("5000")]);
  await d.vault(L[2], "stake", [parseEther("4000")]);
  await d.setConfig("MIN_REVEALS", 2n);
  await d.setConfig("MAX_VALIDATORS", 3n);
  const E = await d.createTask(creator, { spec: "bafy-spec-e", evalCid: "bafy-eval-e" });
  taskIds.push(E.id);
  await d.setConfig("MAX_VALIDATORS", 64n);
  await d.setConfig("MIN_REVEALS", 3n);
  for (const [i, t] of T.slice(0, 3).entries()) await d.commitSubmission(E.id, t, modelCid(`model-e-${i}`));
  await warp(rpcUrl, WINDOW);
  await d.arena(creator, "revealEvalData", [E.id, E.evalCid, E.salt]);
  for (const [i, t] of T.slice(1, 3).entries()) await d.revealSubmission(E.id, t, modelCid(`model-e-${i + 1}`));
  await warp(rpcUrl, WINDOW);
  const scoresE = new Map<Account, number[]>([
    [L[2], [5000, 5000]],
    [L[0], [4000, 6000]],
    [L[1], [8000, 7000]],
    [V[3], []],
  ]);
  for (const [v, sc] of scoresE) await d.commitScores(E.id, v, sc); // V[3] evicts L[2]
  await warp(rpcUrl, WINDOW);
  for (const v of [L[0], L[1], V[3]]) await d.revealScores(E.id, v, scoresE.get(v)!);
  await warp(rpcUrl, WINDOW);
  await d.finalizeAll(E.id, K, 4);
  for (const acct of [...T.slice(0, 3), L[0], L[1], V[3], creator]) await d.arena(K, "claim", [E.id, acct.address]);

  // ── the marketplace: task A's winner (T[0]'s replacing model) listed, bought by D, then by K; V[0] claims ──
  await d.market(creator, "list", [
    {
      source: 1, // ListingSource.ArenaTask
      sourceId: A.id,
      modelCid: modelCid("model-a-0b"),
      licenseCid: modelCid("license-a"),
      price: parseEther("10"),
      period: 3600,
    },
  ]);
  const listingIds = [await d.read<bigint>(addresses.ModelMarketplace, modelMarketplaceAbi as Abi, "listingCount")];
  await d.token(D, "approve", [addresses.ModelMarketplace, max]);
  await d.market(D, "buy", [listingIds[0], 2n]);
  await d.token(K, "approve", [addresses.ModelMarketplace, max]);
  await d.market(K, "buy", [listingIds[0], 1n]);
  await d.market(K, "claim", [listingIds[0], V[0].address]);

  // ── after the tasks: commission, unbonding, withdrawal ──
  await d.vault(T[0], "claimCommission", [T[0].address]);
  await warp(rpcUrl, 22 * 24 * 3600); // past UNBONDING_PERIOD (21 days)
  await d.vault(V[2], "setCommission", [700]); // an increase: scheduled, effective UNBONDING_PERIOD later
  await d.vault(V[1], "setCommission", [300]); // a decrease: at once
  await d.vault(D, "withdraw", [1n]);
  await d.vault(D, "withdraw", [2n]); // requested under task A's lock, released since
  const vShares = await d.readVault<bigint>("sharesOf", [V[0].address, D.address]);
  await d.vault(D, "requestUnbond", [V[0].address, vShares / 4n]);

  // The block of the last event, from its receipt: an indexer whose `/status` names it shows every row of the scenario
  // (Ponder writes a block's rows and its checkpoint in one transaction; see indexer/README.md, "What /status and
  // /ready guarantee").
  const lastBlock = d.lastBlock;
  return { actors: a, addresses, taskIds, listingIds, accounts: everyone.map((x) => x.address), lastBlock };
}
