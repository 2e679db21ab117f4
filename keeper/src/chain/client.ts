/**
 * The one place that builds the viem clients and sends transactions.
 *
 * Every transaction goes: simulate (a revert here is a clear error and nothing is sent) → fill and sign once with a
 * nonce from the account's nonce manager → broadcast the same signed bytes, retrying with backoff on RPC errors (a
 * re-broadcast of the same bytes can never become a second transaction) → wait for the receipt with a timeout →
 * a reverted receipt is an error.
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
  type PublicClient,
  type TransactionReceipt,
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
}

export interface ChainClientOptions {
  rpcUrl: string;
  privateKey?: `0x${string}`;
  account?: Account;
  txTimeoutMs?: number;
  pollMs?: number;
  logger: Logger;
}

const KNOWN_CHAINS: ViemChain[] = [anvil, base, baseSepolia];

export class ChainClient {
  readonly public: PublicClient;
  readonly account?: Account;
  private readonly nonces?: NonceManager;
  private readonly txTimeoutMs: number;
  private chain?: ViemChain;

  constructor(private readonly opts: ChainClientOptions) {
    this.public = createPublicClient({
      transport: http(opts.rpcUrl, { retryCount: 3, retryDelay: 250, timeout: 20_000 }),
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
    if (!account || !this.nonces) throw new Error("cannot send a transaction without an account");
    const label = req.label ?? String(req.functionName);
    const log = this.opts.logger.child({ tx: label });
    const chain = await this.resolveChain();
    return this.nonces.run(async (nonce) => {
      const { request } = await withRetry(
        () =>
          this.public.simulateContract({
            address: req.address,
            abi: req.abi as Abi,
            functionName: req.functionName as string,
            args: req.args as readonly unknown[],
            account,
          }),
        { label: `simulate ${label}`, logger: log, retryIf: isTransient },
      ).catch((e: unknown) => {
        throw new TxError(`${label} would revert: ${describeRevert(e)}`, label);
      });
      const data = encodeFunctionData({
        abi: req.abi as Abi,
        functionName: req.functionName as string,
        args: req.args as readonly unknown[],
      });
      const prepared = await withRetry(
        () =>
          this.public.prepareTransactionRequest({
            to: req.address,
            data,
            value: (request as { value?: bigint }).value,
            chain,
            account,
            nonce,
            type: "eip1559",
          } as never),
        { label: `prepare ${label}`, logger: log, retryIf: isTransient },
      );
      if (!account.signTransaction) throw new Error("the account cannot sign transactions locally");
      const raw = await account.signTransaction(prepared as never);
      const hash = await withRetry(() => this.broadcast(raw), {
        label: `send ${label}`,
        logger: log,
        retryIf: isTransient,
        attempts: 12,
      });
      log.debug({ hash, nonce }, "sent");
      const receipt = await withRetry(
        () => this.public.waitForTransactionReceipt({ hash, timeout: this.txTimeoutMs, pollingInterval: 200 }),
        // an RPC error is retried; the receipt timeout is not (it already waited txTimeoutMs: retrying it would wait 12×)
        {
          label: `receipt ${label}`,
          logger: log,
          retryIf: (e) => !(e instanceof WaitForTransactionReceiptTimeoutError) && isTransient(e),
          attempts: 12,
        },
      ).catch((e: unknown) => {
        throw new TxError(`${label}: no receipt for ${hash}: ${(e as Error).message}`, label, hash);
      });
      if (receipt.status !== "success") throw new TxError(`${label} reverted on chain (tx ${hash})`, label, hash);
      log.info({ hash, gasUsed: receipt.gasUsed.toString(), block: Number(receipt.blockNumber) }, "mined");
      return receipt;
    });
  }

  /** Sends raw signed bytes; "already known" means an earlier attempt reached the node: same bytes, same hash. */
  private async broadcast(raw: `0x${string}`): Promise<Hash> {
    const { keccak256 } = await import("viem");
    try {
      return await this.public.sendRawTransaction({ serializedTransaction: raw });
    } catch (e) {
      const msg = errorText(e);
      if (/already known|known transaction|already imported|nonce too low/i.test(msg)) return keccak256(raw);
      throw e;
    }
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
    const revert = e.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (revert?.data) {
      const args = (revert.data.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : JSON.stringify(a)));
      return `${revert.data.errorName}(${args.join(", ")})`;
    }
    if (revert?.reason) return revert.reason;
    return e.shortMessage;
  }
  return e instanceof Error ? e.message : String(e);
}
