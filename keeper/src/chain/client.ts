/**
 * The one place that builds the viem clients and sends transactions.
 *
 * Every transaction goes: simulate (a revert here is a clear error and nothing is sent) → fill and sign once with a
 * nonce from the account's nonce manager → broadcast the same signed bytes, retrying with backoff on RPC errors (a
 * re-broadcast of the same bytes can never become a second transaction) → wait for the receipt with a timeout →
 * a reverted receipt is an error.
 *
 * Another transaction of the same account (another process with the same key, a wallet) may take our nonce. That is
 * detected — the node says "nonce too low" or the receipt never comes, while our hash is unknown to the node and the
 * account's mined nonce has passed ours, or viem sees our transaction replaced — and repaired: the nonce manager
 * re-syncs from the chain, and the call is simulated again (the other transaction may have changed the state) and, if
 * it still succeeds, signed with a fresh nonce and sent.
 */
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  type ContractFunctionArgs,
  type ContractFunctionName,
  ContractFunctionRevertedError,
  createPublicClient,
  encodeFunctionData,
  type Hash,
  http,
  keccak256,
  type LocalAccount,
  type PublicClient,
  TransactionNotFoundError,
  type TransactionReceipt,
  type Transport,
  type Chain as ViemChain,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvil, base, baseSepolia } from "viem/chains";
import type { Logger } from "../log.js";
import { NonceManager } from "./nonce.js";
import { withRetry } from "./retry.js";

export class TxError extends Error {
  constructor(
    message: string,
    readonly label: string,
    readonly hash?: Hash,
  ) {
    super(message);
    this.name = "TxError";
  }
}

export interface WriteRequest<abi extends Abi, fn extends ContractFunctionName<abi, "nonpayable" | "payable">> {
  address: Address;
  abi: abi;
  functionName: fn;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", fn>;
  /** a short name for logs and errors, e.g. "commitScores(task 3)" */
  label?: string;
  /** extra gas over the estimate, in basis points, before {@link withGasMargin}: for calls whose gas depends on the
   * block (e.g. `prevrandao`) */
  gasMarginBps?: number;
}

export interface ChainClientOptions {
  rpcUrl: string;
  privateKey?: `0x${string}`;
  account?: Account;
  txTimeoutMs?: number;
  pollMs?: number;
  logger: Logger;
  /** the JSON-RPC transport (default: HTTP to `rpcUrl` with retries); tests wrap it to count calls */
  transport?: Transport;
}

/** How many times in a row another transaction may take our nonce before `write` gives up. */
const MAX_NONCE_RACES = 3;

/** How often a transaction still without a receipt is looked up: dropped by the node, it is sent again. */
const DROP_CHECK_MS = 5_000;

const KNOWN_CHAINS: ViemChain[] = [anvil, base, baseSepolia];

/** The outcome of one signed attempt: mined, or its nonce taken by another transaction of the account. */
type Attempt = { kind: "mined"; receipt: TransactionReceipt } | { kind: "nonce-taken"; nonce: number; hash: Hash };

export class ChainClient {
  readonly public: PublicClient;
  readonly account?: Account;
  private readonly nonces?: NonceManager;
  private readonly txTimeoutMs: number;
  private chain?: ViemChain;

  constructor(private readonly opts: ChainClientOptions) {
    this.public = createPublicClient({
      transport: opts.transport ?? http(opts.rpcUrl, { retryCount: 3, retryDelay: 250, timeout: 20_000 }),
      pollingInterval: opts.pollMs ?? 1000,
    });
    this.account = opts.account ?? (opts.privateKey ? privateKeyToAccount(opts.privateKey) : undefined);
    if (this.account) this.nonces = new NonceManager(this.public, this.account.address);
    this.txTimeoutMs = opts.txTimeoutMs ?? 60_000;
  }

  get address(): Address {
    if (!this.account)
      throw new Error("this command needs an account: set FLOCK_PRIVATE_KEY (or --private-key) or a keystore");
    return this.account.address;
  }

  async chainId(): Promise<number> {
    return (await this.resolveChain()).id;
  }

  private async resolveChain(): Promise<ViemChain> {
    if (this.chain) return this.chain;
    const id = await withRetry(() => this.public.getChainId(), { label: "eth_chainId", logger: this.opts.logger });
    this.chain = KNOWN_CHAINS.find((c) => c.id === id) ?? { ...anvil, id, name: `chain-${id}` };
    return this.chain;
  }

  /** Simulates, signs once, broadcasts with retries, waits for the receipt; throws `TxError` on any revert. */
  async write<const abi extends Abi, fn extends ContractFunctionName<abi, "nonpayable" | "payable">>(
    req: WriteRequest<abi, fn>,
  ): Promise<TransactionReceipt> {
    const account = this.account;
    const nonces = this.nonces;
    if (!account || !nonces) throw new Error("cannot send a transaction without an account");
    if (account.type !== "local") throw new Error("the account cannot sign transactions locally");
    const label = req.label ?? String(req.functionName);
    const log = this.opts.logger.child({ tx: label });
    for (let race = 1; ; race++) {
      const attempt = await nonces.run((nonce) => this.attempt(req, account, nonce, label, log));
      if (attempt.kind === "mined") return attempt.receipt;
      nonces.reset();
      if (race >= MAX_NONCE_RACES)
        throw new TxError(
          `${label}: another transaction of this account took its nonce ${race} times in a row (last: nonce ${attempt.nonce})`,
          label,
          attempt.hash,
        );
      log.warn(
        { nonce: attempt.nonce, hash: attempt.hash },
        "another transaction of this account took our nonce: simulating again and sending with a fresh nonce",
      );
    }
  }

  /** One signed attempt at `nonce`: simulate, sign, broadcast, wait. */
  private async attempt<const abi extends Abi, fn extends ContractFunctionName<abi, "nonpayable" | "payable">>(
    req: WriteRequest<abi, fn>,
    account: LocalAccount,
    nonce: number,
    label: string,
    log: Logger,
  ): Promise<Attempt> {
    const chain = await this.resolveChain();
    const call = {
      address: req.address,
      abi: req.abi as Abi,
      functionName: req.functionName as string,
      args: req.args as readonly unknown[],
    };
    const { request } = await withRetry(() => this.public.simulateContract({ ...call, account }), {
      label: `simulate ${label}`,
      logger: log,
      retryIf: isTransient,
    }).catch((e: unknown) => {
      throw new TxError(`${label} would revert: ${describeRevert(e)}`, label);
    });
    const data = encodeFunctionData(call);
    const value = request.value;
    const [gas, fees] = await withRetry(
      () =>
        Promise.all([
          this.public.estimateGas({ account, to: req.address, data, value }),
          this.public.estimateFeesPerGas({ chain }),
        ]),
      { label: `prepare ${label}`, logger: log, retryIf: isTransient },
    );
    const raw = await account.signTransaction({
      // the estimate is exact for the state it ran on; by inclusion the state may differ in ways that cost more (a
      // vote checkpoint keyed by timestamp is pushed instead of updated in a later block: +20k; a full validator set
      // evicts; a lazy storage slot turns fresh), so the limit carries a margin — unused gas is not paid
      gas: withGasMargin(req.gasMarginBps ? (gas * BigInt(10_000 + req.gasMarginBps)) / 10_000n : gas),
      chainId: chain.id,
      type: "eip1559",
      to: req.address,
      data,
      value,
      nonce,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = keccak256(raw);
    const sent = await withRetry(() => this.broadcast(raw, hash, nonce), {
      label: `send ${label}`,
      logger: log,
      retryIf: isTransient,
      attempts: 12,
    });
    if (!sent) return { kind: "nonce-taken", nonce, hash };
    log.debug({ hash, nonce }, "sent");
    const receipt = await this.awaitReceipt(raw, hash, nonce, label, log);
    if (receipt === "nonce-taken") return { kind: "nonce-taken", nonce, hash };
    if (receipt.status !== "success") throw new TxError(`${label} reverted on chain (tx ${hash})`, label, hash);
    log.info({ hash, gasUsed: receipt.gasUsed.toString(), block: Number(receipt.blockNumber) }, "mined");
    return { kind: "mined", receipt };
  }

  /**
   * Waits up to `txTimeoutMs` for the receipt of `hash`, looking again every {@link DROP_CHECK_MS}: a transaction the
   * node no longer knows while our nonce is still free was dropped from its pool (a node restart loses the pool) and
   * is sent again — the same signed bytes, so it can never land twice. Returns "nonce-taken" when another transaction
   * of the account was mined at our nonce.
   */
  private async awaitReceipt(
    raw: `0x${string}`,
    hash: Hash,
    nonce: number,
    label: string,
    log: Logger,
  ): Promise<TransactionReceipt | "nonce-taken"> {
    const deadline = Date.now() + this.txTimeoutMs;
    for (;;) {
      let replaced = false;
      const slice = Math.max(1, Math.min(DROP_CHECK_MS, deadline - Date.now()));
      const receipt = await withRetry(
        () =>
          this.public.waitForTransactionReceipt({
            hash,
            timeout: slice,
            pollingInterval: 200,
            onReplaced: () => {
              replaced = true;
            },
          }),
        // an RPC error is retried; the receipt timeout is not (the loop below decides what a timeout means)
        {
          label: `receipt ${label}`,
          logger: log,
          retryIf: (e) => !(e instanceof WaitForTransactionReceiptTimeoutError) && isTransient(e),
          attempts: 12,
        },
      ).catch((e: unknown) => {
        if (e instanceof WaitForTransactionReceiptTimeoutError) return undefined;
        throw new TxError(`${label}: no receipt for ${hash}: ${(e as Error).message}`, label, hash);
      });
      // viem resolves with the receipt of the transaction that replaced ours (same account, same nonce)
      if (receipt !== undefined) return replaced || receipt.transactionHash !== hash ? "nonce-taken" : receipt;
      const state = await this.whereIs(hash, nonce);
      if (state === "nonce-taken") return "nonce-taken";
      if (Date.now() >= deadline)
        throw new TxError(
          `${label}: no receipt for ${hash} within ${this.txTimeoutMs} ms (${state === "known" ? "still pending" : "dropped by the node"})`,
          label,
          hash,
        );
      if (state === "dropped") {
        log.warn({ hash, nonce }, "the node dropped our transaction (a restart loses its pool): sending it again");
        await withRetry(() => this.broadcast(raw, hash, nonce), {
          label: `send ${label} again`,
          logger: log,
          retryIf: isTransient,
          attempts: 12,
        });
      }
    }
  }

  /** Whether the node knows `hash`; if not, whether another transaction was mined at our nonce. */
  private async whereIs(hash: Hash, nonce: number): Promise<"known" | "dropped" | "nonce-taken"> {
    if (await this.knows(hash)) return "known";
    return (await this.minedNonce()) > nonce ? "nonce-taken" : "dropped";
  }

  /**
   * Sends raw signed bytes. Returns true when the node has them — sent now, or by an earlier attempt ("already
   * known": same bytes, same hash) — and false when another transaction of the account took the nonce.
   */
  private async broadcast(raw: `0x${string}`, hash: Hash, nonce: number): Promise<boolean> {
    try {
      await this.public.sendRawTransaction({ serializedTransaction: raw });
      return true;
    } catch (e) {
      const msg = errorText(e);
      if (/already known|known transaction|already imported/i.test(msg)) return true;
      if (/nonce too low|nonce has already been used|replacement transaction underpriced/i.test(msg))
        return !(await this.nonceTaken(hash, nonce));
      throw e;
    }
  }

  /** True when our transaction is unknown to the node and the account's mined nonce has passed ours. */
  private async nonceTaken(hash: Hash, nonce: number): Promise<boolean> {
    return (await this.whereIs(hash, nonce)) === "nonce-taken";
  }

  private knows(hash: Hash): Promise<boolean> {
    return withRetry(
      () =>
        this.public.getTransaction({ hash }).then(
          () => true,
          (e: unknown) => {
            if (e instanceof TransactionNotFoundError) return false;
            throw e;
          },
        ),
      { label: "getTransaction", logger: this.opts.logger, retryIf: isTransient },
    );
  }

  private minedNonce(): Promise<number> {
    return withRetry(() => this.public.getTransactionCount({ address: this.address, blockTag: "latest" }), {
      label: "nonce",
      logger: this.opts.logger,
      retryIf: isTransient,
    });
  }
}

/** Network-level failures (connection refused, timeouts, 5xx) are worth retrying; reverts are not. */
export function isTransient(e: unknown): boolean {
  const msg = errorText(e);
  if (e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionRevertedError)) return false;
  return /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|timed? ?out|HTTP request failed|503|502|504|other side closed|network/i.test(
    msg,
  );
}

export function errorText(e: unknown): string {
  if (e instanceof BaseError) return `${e.shortMessage} ${e.details ?? ""} ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** The revert reason: a custom error's name and arguments when the ABI knows it. */
export function describeRevert(e: unknown): string {
  if (e instanceof BaseError) {
    const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      if (revert.data) {
        const args = (revert.data.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : JSON.stringify(a)));
        return `${revert.data.errorName}(${args.join(", ")})`;
      }
      if (revert.reason) return revert.reason;
    }
    return e.shortMessage;
  }
  return e instanceof Error ? e.message : String(e);
}

/** EIP-7825: the most gas one transaction may use. */
export const TX_GAS_CAP = 16_777_216n;

/**
 * The gas limit to send for an estimate. An estimate is exact for the state and block it was made on, but the
 * transaction lands in a later block: FLOCK's votes checkpoints are keyed by the block's timestamp (ERC-6372 timestamp
 * clock), so a transfer, mint or stake estimated within one second and mined in the next writes a new checkpoint (a
 * fresh storage slot, ≈ 20k gas) instead of updating one — up to three of them (total supply, both delegates).
 * Unused gas is not charged.
 */
export function withGasMargin(estimate: bigint): bigint {
  const padded = estimate + estimate / 4n + 70_000n;
  return padded < TX_GAS_CAP ? padded : estimate > TX_GAS_CAP ? estimate : TX_GAS_CAP;
}
