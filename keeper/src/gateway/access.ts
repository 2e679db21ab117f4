/**
 * Who may use a listing now, as the chain says, fast: a cache of access expiries kept fresh by the chain itself.
 *
 * - A positive answer (expiry in the future) stays valid until that expiry: an expiry only grows on chain.
 * - A negative answer is never trusted: the caller's expiry is read again at the latest block (one `eth_call`,
 *   coalesced per account), so a purchase mined in the latest block is served at once — never "paid but denied".
 * - A watcher follows new blocks: it reads the `AccessPurchased` events of each new block and raises the cached
 *   expiries (so the positive path never needs the chain), and takes the block's timestamp as the chain's clock.
 * - The clock is max(wall clock, latest block's timestamp + time since it was seen): expiry is compared to the
 *   second, also on a devnet whose block time runs ahead of the wall clock.
 */
import { type Address, parseEventLogs } from "viem";
import { modelMarketplaceAbi } from "../../../generated/abis.js";
import { ACCESS_PURCHASED, type Market } from "../chain/market.js";
import { sleep } from "../logic/async.js";

const key = (listingId: bigint, account: Address) => `${listingId}:${account.toLowerCase()}`;

export class AccessCache {
  private readonly expiries = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<number>>();
  private head = { number: -1n, timestamp: 0, seenAt: 0 };
  /** chain reads made for negative answers (a test and the benchmark read it) */
  chainReads = 0;

  constructor(
    private readonly market: Market,
    private readonly opts: { pollMs: number },
  ) {}

  /** The latest block the watcher has seen. */
  get block(): bigint {
    return this.head.number;
  }

  /** Unix seconds now: the wall clock, or the chain's clock when block time runs ahead of it. */
  now(): number {
    const wall = Math.floor(Date.now() / 1000);
    if (this.head.number < 0n) return wall;
    return Math.max(wall, this.head.timestamp + Math.floor((Date.now() - this.head.seenAt) / 1000));
  }

  /** `account`'s expiry for `listingId`: from the cache when it is still in the future, else from the chain. */
  async expiry(listingId: bigint, account: Address): Promise<number> {
    const k = key(listingId, account);
    const cached = this.expiries.get(k);
    if (cached !== undefined && cached > this.now()) return cached;
    let p = this.inflight.get(k);
    if (!p) {
      this.chainReads++;
      p = this.market
        .expiryOf(listingId, account)
        .then((e) => this.raise(k, e))
        .finally(() => this.inflight.delete(k));
      this.inflight.set(k, p);
    }
    return p;
  }

  private raise(k: string, expiry: number): number {
    const e = Math.max(expiry, this.expiries.get(k) ?? 0);
    this.expiries.set(k, e);
    return e;
  }

  /** Reads one new head: its timestamp, and the purchases since the last one. */
  async poll(): Promise<void> {
    const pub = this.market.protocol.chain.public;
    const latest = await pub.getBlock({ blockTag: "latest" });
    if (latest.number === null || latest.number <= this.head.number) return;
    const from = this.head.number < 0n ? latest.number : this.head.number + 1n;
    const logs = await this.market.protocol.scanLogs(from, latest.number, (a, b) =>
      pub.getLogs({ address: this.market.contract.address, event: ACCESS_PURCHASED, fromBlock: a, toBlock: b }),
    );
    for (const e of parseEventLogs({ abi: modelMarketplaceAbi, logs, eventName: "AccessPurchased" }))
      this.raise(key(e.args.listingId, e.args.buyer), Number(e.args.expiry));
    this.head = { number: latest.number, timestamp: Number(latest.timestamp), seenAt: Date.now() };
  }

  /** Follows the chain until `signal` aborts; an RPC error is logged and retried at the next poll. */
  async run(signal: AbortSignal, onError: (e: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.poll();
      } catch (e) {
        onError(e);
      }
      await sleep(this.opts.pollMs, signal);
    }
  }
}
