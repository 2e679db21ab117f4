/**
 * The demo's stage 3, the AI Marketplace (docs/gateway.md): the creator lists the settled task's winner; `flock serve`
 * starts as its own process (stopped with the devnet's other children); a buyer pays; the gateway answers the buyer's
 * signed prediction for a few hidden-eval digits; an unsigned request and a non-buyer's signed request are refused.
 * Then the creator lists the FL alliance's final model too — its revenue goes to the alliance's contributors and, as a
 * royalty, to the Arena task's (its parent's lineage) — and the buyer buys it. Every contributor claims its revenue
 * from both listings (every wei they distributed); the fees went to the treasury.
 */
import { join } from "node:path";
import type { Address } from "viem";
import { Market } from "../chain/market.js";
import { loadDataset } from "../data/dataset.js";
import { predict } from "../gateway/client.js";
import type { Logger } from "../log.js";
import type { Node } from "../node.js";
import type { ActorName } from "./actors.js";
import { REPO_ROOT } from "./deploy.js";
import { type Managed, startProcess } from "./procs.js";

export interface MarketSummary {
  marketplace: {
    address: string;
    listings: { listingId: string; source: "arena" | "alliance"; sourceId: string; modelCid: string }[];
  };
  /** the inference gateway (`flock serve`) */
  gateway: string;
  market: {
    buyer: string;
    /** what the buyer paid, of it the protocol fee (to the treasury, dust included) */
    paid: string;
    fee: string;
    expiry: number;
    /** the block of the purchase and the block the gateway served the buyer at (never "paid but denied") */
    boughtAt: string;
    servedAt: string;
    predictions: { label: number; predicted: number; confidence: number }[];
    refused: { request: string; status: number; error: string }[];
    /** the alliance's listing: what the buyer paid for it, the fee */
    alliance?: { listingId: string; paid: string; fee: string };
    /**
     * revenue per contributor: its shares (of 1e9) of the Arena listing and of the alliance's, and what it claimed
     * from each
     */
    revenue: {
      account: string;
      name: string;
      shares: string;
      claimed: string;
      allianceShares: string;
      allianceClaimed: string;
    }[];
    /** how long the stage took, listing to the last claim */
    seconds: number;
  };
}

/** Where `flock serve` runs: the same chain, deployments and IPFS hub as the rest of the devnet. */
export interface ServeEnv {
  rpcUrl: string;
  deploymentsPath: string;
  /** the embedded hub's trustless gateway the models are fetched (and CID-verified) from */
  ipfsGateway: string;
  dataDir: string;
  /** the process is pushed here: whoever owns the list stops it */
  procs: Managed[];
}

export const PRICE = 10n * 10n ** 18n;
export const PERIOD = 30 * 86400;

export async function playMarket(o: {
  node: (name: ActorName) => Node;
  taskId: bigint;
  modelCid: string;
  licenseCid: string;
  evalDir: string;
  /** the completed FL alliance whose final model is listed second (its creator is the task's creator) */
  alliance?: { id: bigint; modelCid: string; licenseCid: string };
  /** everyone who might hold revenue shares (those holding none claim nothing) */
  accounts: { name: ActorName; address: Address }[];
  serve: ServeEnv;
  log: Logger;
  say: (m: string) => void;
  digits?: number;
}): Promise<MarketSummary> {
  const { node, say } = o;
  const t0 = performance.now();
  const { listingId } = await new Market(node("creator").protocol).listTask({
    taskId: o.taskId,
    modelCid: o.modelCid,
    licenseCid: o.licenseCid,
    price: PRICE,
    period: PERIOD,
  });
  say(
    `▸ marketplace: the creator listed the winner ${o.modelCid.slice(0, 16)}… as listing ${listingId} (10 FLOCK / 30 days)`,
  );
  // the gateway starts (TF.js, the model fetched and CID-verified) while the buyer pays
  const serving = startServe(o.serve, listingId);
  try {
    const deployer = node("deployer");
    /** the devnet faucet pays the buyer the price, and it buys one period */
    const fundAndBuy = async (id: bigint) => {
      await deployer.chain.write({
        ...deployer.protocol.token,
        functionName: "mint",
        args: [node("delegator").chain.address, PRICE],
        label: "mint buyer",
      });
      return new Market(node("delegator").protocol).buy(id, 1n);
    };
    const bought = await fundAndBuy(listingId);
    say(`▸ marketplace: delegator bought access until ${new Date(bought.expiry * 1000).toISOString()}`);
    const gateway = await serving.url;
    say(`▸ flock serve: the gateway listens at ${gateway}`);

    const market = new Market(deployer.protocol);
    const domain = { chainId: await deployer.chain.chainId(), marketplace: market.contract.address };
    const ds = await loadDataset(o.evalDir);
    const width = ds.x.length / ds.y.length;
    const n = o.digits ?? 5;
    const inputs = Array.from({ length: n }, (_, i) => Array.from(ds.x.slice(i * width, (i + 1) * width)));
    const now = await deployer.protocol.now();
    const ask = (name: ActorName) =>
      predict({ gateway, account: node(name).chain.account!, domain, listingId, inputs, now });
    const paid = await ask("delegator");
    const servedAt = await deployer.chain.public.getBlockNumber({ cacheTime: 0 });
    if (paid.status !== 200) throw new Error(`the gateway refused the buyer: ${paid.status} ${paid.body.error}`);
    const predictions = (paid.body.outputs ?? []).map((row, i) => {
      const best = row.indexOf(Math.max(...row));
      return { label: Number(ds.y[i]), predicted: best, confidence: Math.round(row[best] * 1000) / 1000 };
    });
    say(
      `▸ flock serve answered the buyer's signed request: ${predictions.filter((p) => p.label === p.predicted).length}/${n} hidden-eval digits right`,
    );
    const refused: MarketSummary["market"]["refused"] = [];
    const unsigned = await fetch(`${gateway}/v1/listings/${listingId}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs }),
    });
    refused.push({
      request: "unsigned",
      status: unsigned.status,
      error: ((await unsigned.json()) as { error: string }).error,
    });
    const stranger = await ask("trainer-garbage");
    refused.push({ request: "signed by a non-buyer", status: stranger.status, error: String(stranger.body.error) });

    // the alliance's final model: listed by its creator, bought by the same buyer
    let fl: { listingId: bigint; paid: bigint } | undefined;
    if (o.alliance) {
      const { listingId: flId } = await new Market(node("creator").protocol).listAlliance({
        allianceId: o.alliance.id,
        modelCid: o.alliance.modelCid,
        licenseCid: o.alliance.licenseCid,
        price: PRICE,
        period: PERIOD,
      });
      const b = await fundAndBuy(flId);
      fl = { listingId: flId, paid: b.cost };
      say(
        `▸ marketplace: the alliance's final model ${o.alliance.modelCid.slice(0, 16)}… listed as listing ${flId} (a royalty to the Arena task's contributors) and bought`,
      );
    }

    // each contributor claims its own revenue, from both listings at once
    const ids = fl ? [listingId, fl.listingId] : [listingId];
    const revenue: MarketSummary["market"]["revenue"] = [];
    for (const c of o.accounts) {
      const shares = await market.sharesOf(listingId, c.address);
      const flShares = fl ? await market.sharesOf(fl.listingId, c.address) : 0n;
      if (shares === 0n && flShares === 0n) continue;
      const owed = await market.claimable(listingId, c.address);
      const flOwed = fl ? await market.claimable(fl.listingId, c.address) : 0n;
      const r = await new Market(node(c.name).protocol).claim(ids, c.address);
      if (r.amount !== owed + flOwed)
        throw new Error(`${c.name} claimed ${r.amount} wei, not the ${owed} + ${flOwed} wei it was owed`);
      revenue.push({
        account: c.address,
        name: c.name,
        shares: shares.toString(),
        claimed: owed.toString(),
        allianceShares: flShares.toString(),
        allianceClaimed: flOwed.toString(),
      });
    }
    const listing = await market.listing(listingId);
    const flListing = fl ? await market.listing(fl.listingId) : undefined;
    say(`▸ marketplace: ${revenue.length} contributors claimed their revenue`);
    return {
      marketplace: {
        address: market.contract.address,
        listings: [
          { listingId: listingId.toString(), source: "arena", sourceId: o.taskId.toString(), modelCid: o.modelCid },
          ...(fl && o.alliance
            ? [
                {
                  listingId: fl.listingId.toString(),
                  source: "alliance" as const,
                  sourceId: o.alliance.id.toString(),
                  modelCid: o.alliance.modelCid,
                },
              ]
            : []),
        ],
      },
      gateway,
      market: {
        buyer: node("delegator").chain.address,
        paid: bought.cost.toString(),
        fee: listing.fees.toString(),
        expiry: bought.expiry,
        boughtAt: bought.block.toString(),
        servedAt: servedAt.toString(),
        predictions,
        refused,
        ...(fl && flListing
          ? {
              alliance: {
                listingId: fl.listingId.toString(),
                paid: fl.paid.toString(),
                fee: flListing.fees.toString(),
              },
            }
          : {}),
        revenue,
        seconds: Math.round((performance.now() - t0) / 100) / 10,
      },
    };
  } catch (e) {
    // a failed stage stops its gateway here (the devnet stops it otherwise)
    await serving.proc.stop();
    throw e;
  }
}

/** Starts `flock serve --listing <id>` on a free port; `url` resolves once it prints its `Gateway:` line. */
function startServe(env: ServeEnv, listingId: bigint): { proc: Managed; url: Promise<string> } {
  let found: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (found = resolve));
  const proc = startProcess(
    "flock-serve",
    process.execPath,
    [join(REPO_ROOT, "keeper", "bin", "flock.js"), "serve", "--port", "0", "--listing", listingId.toString()],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        FLOCK_RPC_URL: env.rpcUrl,
        FLOCK_DEPLOYMENTS: env.deploymentsPath,
        FLOCK_DATA_DIR: join(env.dataDir, "bots", "gateway"),
        FLOCK_IPFS: "embedded",
        FLOCK_IPFS_GATEWAYS: env.ipfsGateway,
        FLOCK_POLL_MS: "250",
        FLOCK_LOG_LEVEL: "info",
      },
      logFile: join(env.dataDir, "logs", "gateway.log"),
      onLine: (line, stream) => {
        const m = stream === "stdout" ? /^Gateway: (http:\/\/\S+)/.exec(line) : null;
        if (m) found(m[1]);
      },
    },
  );
  env.procs.push(proc);
  const died = proc.exited.then((code) => {
    throw new Error(`flock serve exited (${code}) before listening (log: ${join(env.dataDir, "logs", "gateway.log")})`);
  });
  return { proc, url: Promise.race([url, died]) };
}

const flockOf = (wei: string) => (Number(BigInt(wei) / 10n ** 14n) / 10_000).toFixed(4);

/** The stage's lines of the demo's summary. */
export function printMarketSummary(s: MarketSummary, write: (line: string) => void): void {
  const m = s.market;
  write("");
  write(`══ AI Marketplace (${s.marketplace.address}; stage 3 took ${m.seconds} s) ══`);
  for (const l of s.marketplace.listings)
    write(
      `  listing ${l.listingId}: ${l.source === "arena" ? `the Arena winner of task ${l.sourceId}` : `the final model of FL alliance ${l.sourceId}`} ${l.modelCid}`,
    );
  write(
    `  the buyer paid ${flockOf(m.paid)} FLOCK (block ${m.boughtAt}); served at block ${m.servedAt}; protocol fee ${flockOf(m.fee)} FLOCK to the treasury`,
  );
  if (m.alliance)
    write(
      `  listing ${m.alliance.listingId}: the buyer paid ${flockOf(m.alliance.paid)} FLOCK; protocol fee ${flockOf(m.alliance.fee)} FLOCK; the Arena task's contributors earn a royalty`,
    );
  write(`  the buyer's prediction for ${m.predictions.length} hidden-eval digits (through the gateway):`);
  for (const p of m.predictions)
    write(
      `    true ${p.label} → predicted ${p.predicted} (p = ${p.confidence})${p.label === p.predicted ? "" : "  ✗"}`,
    );
  for (const r of m.refused) write(`  ${r.request}: HTTP ${r.status} (${r.error})`);
  const pctOf = (shares: string) => `${(Number(BigInt(shares)) / 1e7).toFixed(2)}%`;
  write(`  ${"contributor".padEnd(18)} ${"Arena".padEnd(8)} ${m.alliance ? `${"FL".padEnd(8)} ` : ""}revenue FLOCK`);
  for (const c of m.revenue)
    write(
      `  ${c.name.padEnd(18)} ${pctOf(c.shares).padEnd(8)} ${m.alliance ? `${pctOf(c.allianceShares).padEnd(8)} ` : ""}${flockOf((BigInt(c.claimed) + BigInt(c.allianceClaimed)).toString())}`,
    );
}
