/**
 * Typed access to the `ModelMarketplace`: its views (through the Protocol's retrying reads) and its transactions
 * (through the ChainClient: simulate → send → receipt). Types are viem's inference from the generated ABI.
 */
import { type Address, type ContractFunctionReturnType, getAbiItem, parseEventLogs } from "viem";
import { modelMarketplaceAbi } from "../../../generated/abis.js";
import { ListingSource, ListingSourceNames } from "../../../generated/enums.js";
import { decodeEnum, type Protocol } from "./protocol.js";

type MarketAbi = typeof modelMarketplaceAbi;
export type ListingView = Omit<ContractFunctionReturnType<MarketAbi, "view", "getListing">, "source"> & {
  id: bigint;
  source: ListingSource;
};

export const ACCESS_PURCHASED = getAbiItem({ abi: modelMarketplaceAbi, name: "AccessPurchased" });

export class Market {
  readonly contract;

  constructor(readonly protocol: Protocol) {
    this.contract = { address: protocol.deployments.contracts.ModelMarketplace, abi: modelMarketplaceAbi } as const;
  }

  private get pub() {
    return this.protocol.chain.public;
  }

  async listingCount(): Promise<bigint> {
    return this.protocol.read("listingCount", () =>
      this.pub.readContract({ ...this.contract, functionName: "listingCount" }),
    );
  }

  async listing(id: bigint): Promise<ListingView> {
    const l = await this.protocol.read(`getListing(${id})`, () =>
      this.pub.readContract({ ...this.contract, functionName: "getListing", args: [id] }),
    );
    return {
      ...l,
      id,
      source: decodeEnum(ListingSourceNames, ListingSource, l.source, "listing source"),
    };
  }

  async listings(): Promise<ListingView[]> {
    const n = await this.listingCount();
    const out: ListingView[] = [];
    for (let id = 1n; id <= n; id++) out.push(await this.listing(id));
    return out;
  }

  async expiryOf(id: bigint, account: Address, blockNumber?: bigint): Promise<number> {
    const e = await this.protocol.read(`expiryOf(${id})`, () =>
      this.pub.readContract({ ...this.contract, functionName: "expiryOf", args: [id, account], blockNumber }),
    );
    return Number(e);
  }

  async priceOf(id: bigint, periods: bigint): Promise<bigint> {
    return this.protocol.read(`priceOf(${id})`, () =>
      this.pub.readContract({ ...this.contract, functionName: "priceOf", args: [id, periods] }),
    );
  }

  async claimable(id: bigint, account: Address): Promise<bigint> {
    return this.protocol.read(`claimable(${id})`, () =>
      this.pub.readContract({ ...this.contract, functionName: "claimable", args: [id, account] }),
    );
  }

  async sharesOf(id: bigint, account: Address): Promise<bigint> {
    return this.protocol.read(`sharesOf(${id})`, () =>
      this.pub.readContract({ ...this.contract, functionName: "sharesOf", args: [id, account] }),
    );
  }

  /** Lists a settled task's winning model (the caller must be its creator, or governance). */
  listTask(o: {
    taskId: bigint;
    modelCid: string;
    licenseCid: string;
    price: bigint;
    period: number;
  }): Promise<{ listingId: bigint; tx: `0x${string}` }> {
    return this.list(ListingSource.ArenaTask, o.taskId, o);
  }

  /**
   * Lists a completed FL alliance's final model (the caller must be the alliance's creator, or governance); the
   * listing pays a royalty to the lineage of the alliance's parent (a task or another alliance).
   */
  listAlliance(o: {
    allianceId: bigint;
    modelCid: string;
    licenseCid: string;
    price: bigint;
    period: number;
  }): Promise<{ listingId: bigint; tx: `0x${string}` }> {
    return this.list(ListingSource.Alliance, o.allianceId, o);
  }

  private async list(
    source: ListingSource,
    sourceId: bigint,
    o: { modelCid: string; licenseCid: string; price: bigint; period: number },
  ): Promise<{ listingId: bigint; tx: `0x${string}` }> {
    const what = source === ListingSource.ArenaTask ? "task" : "alliance";
    const receipt = await this.protocol.chain.write({
      ...this.contract,
      functionName: "list",
      args: [
        {
          source,
          sourceId,
          modelCid: o.modelCid,
          licenseCid: o.licenseCid,
          price: o.price,
          period: o.period,
        },
      ],
      label: `list ${what} ${sourceId}`,
    });
    const [listed] = parseEventLogs({ abi: modelMarketplaceAbi, logs: receipt.logs, eventName: "Listed" });
    if (!listed) throw new Error("the list transaction emitted no Listed event");
    return { listingId: listed.args.listingId, tx: receipt.transactionHash };
  }

  /** Buys `periods` periods of access (approving exactly the price first); returns the new expiry and the block. */
  async buy(id: bigint, periods: bigint): Promise<{ expiry: number; cost: bigint; block: bigint; tx: `0x${string}` }> {
    const cost = await this.priceOf(id, periods);
    await this.protocol.ensureAllowance(this.contract.address, cost);
    const receipt = await this.protocol.chain.write({
      ...this.contract,
      functionName: "buy",
      args: [id, periods],
      label: `buy listing ${id}`,
    });
    const [bought] = parseEventLogs({ abi: modelMarketplaceAbi, logs: receipt.logs, eventName: "AccessPurchased" });
    if (!bought) throw new Error("the buy transaction emitted no AccessPurchased event");
    return {
      expiry: Number(bought.args.expiry),
      cost: bought.args.cost,
      block: receipt.blockNumber,
      tx: receipt.transactionHash,
    };
  }

  /** Claims `account`'s revenue from the listings that owe it something; returns what was paid. */
  async claim(ids: bigint[], account: Address): Promise<{ amount: bigint; tx?: `0x${string}` }> {
    const owed: bigint[] = [];
    for (const id of ids) if ((await this.claimable(id, account)) > 0n) owed.push(id);
    if (owed.length === 0) return { amount: 0n };
    const receipt = await this.protocol.chain.write({
      ...this.contract,
      functionName: "claimMany",
      args: [owed, account],
      label: `claim revenue of ${account}`,
    });
    const paid = parseEventLogs({ abi: modelMarketplaceAbi, logs: receipt.logs, eventName: "RevenueClaimed" });
    return { amount: paid.reduce((s, e) => s + e.args.amount, 0n), tx: receipt.transactionHash };
  }
}
