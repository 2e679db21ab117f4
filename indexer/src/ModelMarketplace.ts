/**
 * ModelMarketplace → listings, their lineage and revenue shares, purchases, access expiries and revenue claims.
 * `RevenueShareAssigned` and `LineageLinked` come before `Listed` in the listing transaction: they only touch their
 * own tables.
 */
import { ponder } from "ponder:registry";
import {
  accessGrant,
  lineageEdge,
  listing,
  purchase,
  revenueClaim,
  revenueShare,
  shareAssignment,
} from "ponder:schema";
import { ListingSourceNames, ShareRoleNames } from "../../generated/enums.js";
import { ensureAccount, lc } from "./lib/store.js";

const SHARES = 1_000_000_000n;
const ACC_SCALE = 10n ** 18n;
const sourceName = (s: number) => ListingSourceNames[s] ?? `Unknown(${s})`;

ponder.on("ModelMarketplace:Listed", async ({ event, context }) => {
  const a = event.args;
  await ensureAccount(context.db, lc(a.lister));
  await context.db.insert(listing).values({
    id: a.listingId,
    lister: lc(a.lister),
    source: sourceName(a.source),
    sourceId: a.sourceId,
    modelCid: a.modelCid,
    licenseCid: a.licenseCid,
    price: a.price,
    period: a.period,
    termsEffectiveAt: event.block.timestamp,
    feeBps: a.feeBps,
    contributors: a.contributors,
    depth: a.depth,
    active: true,
    purchaseCount: 0,
    revenue: 0n,
    toTreasury: 0n,
    accPerShare: 0n,
    claimed: 0n,
    listedAt: event.block.timestamp,
    listedBlock: event.block.number,
  });
});

ponder.on("ModelMarketplace:RevenueShareAssigned", async ({ event, context }) => {
  const a = event.args;
  const account = lc(a.account);
  await ensureAccount(context.db, account);
  await context.db.insert(shareAssignment).values({
    id: event.id,
    listingId: a.listingId,
    account,
    role: ShareRoleNames[a.role] ?? `Unknown(${a.role})`,
    depth: a.depth,
    source: sourceName(a.source),
    sourceId: a.sourceId,
    shares: a.shares,
  });
  await context.db
    .insert(revenueShare)
    .values({ listingId: a.listingId, account, shares: a.shares, claimed: 0n })
    .onConflictDoUpdate((row) => ({ shares: row.shares + a.shares }));
});

ponder.on("ModelMarketplace:LineageLinked", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(lineageEdge).values({
    listingId: a.listingId,
    depth: a.depth,
    source: sourceName(a.source),
    sourceId: a.sourceId,
    shares: a.shares,
    parentListingId: a.parentListingId === 0n ? null : a.parentListingId,
  });
});

ponder.on("ModelMarketplace:TermsSet", async ({ event, context }) => {
  const a = event.args;
  await context.db
    .update(listing, { id: a.listingId })
    .set({ price: a.price, period: a.period, termsEffectiveAt: BigInt(a.effectiveAt) });
});

ponder.on("ModelMarketplace:ListingActiveSet", async ({ event, context }) => {
  await context.db.update(listing, { id: event.args.listingId }).set({ active: event.args.active });
});

ponder.on("ModelMarketplace:AccessPurchased", async ({ event, context }) => {
  const a = event.args;
  const buyer = lc(a.buyer);
  await ensureAccount(context.db, buyer);
  await context.db.insert(purchase).values({
    id: event.id,
    listingId: a.listingId,
    buyer,
    periods: a.periods,
    cost: a.cost,
    toTreasury: a.toTreasury,
    expiry: BigInt(a.expiry),
    timestamp: event.block.timestamp,
    block: event.block.number,
    txHash: event.transaction.hash,
  });
  await context.db
    .insert(accessGrant)
    .values({ listingId: a.listingId, account: buyer, expiry: BigInt(a.expiry), purchases: 1, paid: a.cost })
    .onConflictDoUpdate((row) => ({ expiry: BigInt(a.expiry), purchases: row.purchases + 1, paid: row.paid + a.cost }));
  // the contract distributes whole base units per share unit: the same arithmetic gives the same accumulator
  const perShare = (a.cost - a.toTreasury) / SHARES;
  await context.db.update(listing, { id: a.listingId }).set((row) => ({
    purchaseCount: row.purchaseCount + 1,
    revenue: row.revenue + a.cost,
    toTreasury: row.toTreasury + a.toTreasury,
    accPerShare: row.accPerShare + perShare * ACC_SCALE,
  }));
});

ponder.on("ModelMarketplace:RevenueClaimed", async ({ event, context }) => {
  const a = event.args;
  const account = lc(a.account);
  await context.db.insert(revenueClaim).values({
    id: event.id,
    listingId: a.listingId,
    account,
    amount: a.amount,
    timestamp: event.block.timestamp,
  });
  await context.db
    .update(revenueShare, { listingId: a.listingId, account })
    .set((row) => ({ claimed: row.claimed + a.amount }));
  await context.db.update(listing, { id: a.listingId }).set((row) => ({ claimed: row.claimed + a.amount }));
});
