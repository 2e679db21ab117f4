/**
 * One nonce manager per account: transactions of one account run one at a time, each with the next nonce.
 * The next nonce is max(what we used + 1, the chain's pending count), so a restart of the bot or of the node (with its
 * state) resynchronises by itself. A transaction that fails before it is broadcast gives its nonce back; `reset()`
 * forgets what we used, so that the next nonce comes from the chain alone (after another sender took one of ours).
 */
import type { Address, PublicClient } from "viem";
import { withRetry } from "./retry.js";

export class NonceManager {
  private next?: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: PublicClient,
    private readonly address: Address,
  ) {}

  /** The next job takes its nonce from the chain's pending count alone. */
  reset(): void {
    this.next = undefined;
  }

  /** Runs `job` with a nonce, after every earlier job of this account has finished. */
  run<T>(job: (nonce: number) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      const chain = await withRetry(
        () => this.client.getTransactionCount({ address: this.address, blockTag: "pending" }),
        { label: "nonce", attempts: 12 },
      );
      const nonce = Math.max(chain, this.next ?? 0);
      try {
        const out = await job(nonce);
        this.next = nonce + 1;
        return out;
      } catch (e) {
        // broadcast may or may not have happened: resync from the chain next time
        this.next = undefined;
        throw e;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}
