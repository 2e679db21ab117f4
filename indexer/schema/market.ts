/**
 * The AI Marketplace's tables (ModelMarketplace → `src/ModelMarketplace.ts`), re-exported by `../ponder.schema.ts`
 * with one `export * from` line so a stage's tables live in their own file. Same conventions as there: addresses
 * lower-case hex, amounts FLOCK base units, timestamps seconds.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** A listed model. Revenue accrued by an account = its `revenueShare.shares` × `accPerShare` / 1e18. */
export const listing = onchainTable("listing", (t) => ({
  id: t.bigint().primaryKey(),
  lister: t.hex().notNull(),
  /** "ArenaTask" | "Alliance" */
  source: t.text().notNull(),
  sourceId: t.bigint().notNull(),
  modelCid: t.text().notNull(),
  licenseCid: t.text().notNull(),
  /** the terms last set (a scheduled increase applies from `termsEffectiveAt`) */
  price: t.bigint().notNull(),
  period: t.integer().notNull(),
  termsEffectiveAt: t.bigint().notNull(),
  feeBps: t.integer().notNull(),
  contributors: t.integer().notNull(),
  depth: t.integer().notNull(),
  active: t.boolean().notNull(),
  purchaseCount: t.integer().notNull(),
  /** FLOCK paid by buyers in total */
  revenue: t.bigint().notNull(),
  /** of it, fees and dust accrued to the treasury */
  toTreasury: t.bigint().notNull(),
  /** FLOCK base units distributed per share unit × 1e18 */
  accPerShare: t.bigint().notNull(),
  claimed: t.bigint().notNull(),
  listedAt: t.bigint().notNull(),
  listedBlock: t.bigint().notNull(),
}));

/** Every purchase. */
export const purchase = onchainTable(
  "purchase",
  (t) => ({
    id: t.text().primaryKey(),
    listingId: t.bigint().notNull(),
    buyer: t.hex().notNull(),
    periods: t.bigint().notNull(),
    cost: t.bigint().notNull(),
    toTreasury: t.bigint().notNull(),
    expiry: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    block: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ listingIdx: index().on(table.listingId), buyerIdx: index().on(table.buyer) }),
);

/** A buyer's access to a listing: valid while block time < `expiry`. */
export const accessGrant = onchainTable(
  "access_grant",
  (t) => ({
    listingId: t.bigint().notNull(),
    account: t.hex().notNull(),
    expiry: t.bigint().notNull(),
    purchases: t.integer().notNull(),
    paid: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.listingId, table.account] }), accountIdx: index().on(table.account) }),
);

/** An account's revenue shares of a listing (1e9 per listing), and what it claimed. */
export const revenueShare = onchainTable(
  "revenue_share",
  (t) => ({
    listingId: t.bigint().notNull(),
    account: t.hex().notNull(),
    shares: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.listingId, table.account] }), accountIdx: index().on(table.account) }),
);

/** Why an account holds shares: one row per account, role and lineage level. */
export const shareAssignment = onchainTable(
  "share_assignment",
  (t) => ({
    id: t.text().primaryKey(),
    listingId: t.bigint().notNull(),
    account: t.hex().notNull(),
    /** "Trainer" | "Validator" | "Creator" | "Contributor" */
    role: t.text().notNull(),
    depth: t.integer().notNull(),
    source: t.text().notNull(),
    sourceId: t.bigint().notNull(),
    shares: t.bigint().notNull(),
  }),
  (table) => ({ listingIdx: index().on(table.listingId), accountIdx: index().on(table.account) }),
);

/** The lineage of a listing: the model `depth` levels up, its share of the revenue, and its own listing (if any). */
export const lineageEdge = onchainTable(
  "lineage_edge",
  (t) => ({
    listingId: t.bigint().notNull(),
    depth: t.integer().notNull(),
    source: t.text().notNull(),
    sourceId: t.bigint().notNull(),
    shares: t.bigint().notNull(),
    parentListingId: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.listingId, table.depth] }) }),
);

/** Every revenue claim. */
export const revenueClaim = onchainTable(
  "revenue_claim",
  (t) => ({
    id: t.text().primaryKey(),
    listingId: t.bigint().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const listingRelations = relations(listing, ({ many }) => ({
  purchases: many(purchase),
  access: many(accessGrant),
  shares: many(revenueShare),
  assignments: many(shareAssignment),
  lineage: many(lineageEdge),
  claims: many(revenueClaim),
}));
export const purchaseRelations = relations(purchase, ({ one }) => ({
  listing: one(listing, { fields: [purchase.listingId], references: [listing.id] }),
}));
export const accessGrantRelations = relations(accessGrant, ({ one }) => ({
  listing: one(listing, { fields: [accessGrant.listingId], references: [listing.id] }),
}));
export const revenueShareRelations = relations(revenueShare, ({ one }) => ({
  listing: one(listing, { fields: [revenueShare.listingId], references: [listing.id] }),
}));
export const shareAssignmentRelations = relations(shareAssignment, ({ one }) => ({
  listing: one(listing, { fields: [shareAssignment.listingId], references: [listing.id] }),
}));
export const lineageEdgeRelations = relations(lineageEdge, ({ one }) => ({
  listing: one(listing, { fields: [lineageEdge.listingId], references: [listing.id] }),
}));
export const revenueClaimRelations = relations(revenueClaim, ({ one }) => ({
  listing: one(listing, { fields: [revenueClaim.listingId], references: [listing.id] }),
}));
