/**
 * AI Marketplace: the listings (`/listings`) and a listing's page (`/listings/:id`: its terms, the money flow of its
 * revenue, the revenue per contributor, the purchases, and its lineage as a picture — the listed model, the models it
 * was refined from, and whose work in each is paid). Everything comes from GraphQL.
 *
 * Revenue accrued by an account = its shares × `accPerShare` / 1e18 (the contract's accumulator, exact in bigint).
 */

import { gql } from "../lib/api.js";
import { type FlowItem, flowChart } from "../lib/charts.js";
import { type Child, h, link, svg } from "../lib/dom.js";
import { count, dateTime, duration, flock, flockNumber, shortAddress } from "../lib/format.js";
import type { PageContext, Section } from "../lib/types.js";
import { addressLink, amountCell, badge, card, cards, cid, notice, numCell, panel, row, table } from "../lib/ui.js";

const SHARES = 1_000_000_000n;
const ACC_SCALE = 10n ** 18n;

interface ListingRow {
  id: string;
  lister: string;
  source: string;
  sourceId: string;
  modelCid: string;
  licenseCid: string;
  price: string;
  period: number;
  feeBps: number;
  contributors: number;
  depth: number;
  active: boolean;
  purchaseCount: number;
  revenue: string;
  toTreasury: string;
  accPerShare: string;
  claimed: string;
  listedAt: string;
}

interface PurchaseRow {
  id: string;
  listingId: string;
  buyer: string;
  periods: string;
  cost: string;
  toTreasury: string;
  expiry: string;
  timestamp: string;
}

interface ShareRow {
  account: string;
  shares: string;
  claimed: string;
}

interface AssignmentRow {
  account: string;
  role: string;
  depth: number;
  source: string;
  sourceId: string;
  shares: string;
}

interface EdgeRow {
  depth: number;
  source: string;
  sourceId: string;
  shares: string;
  parentListingId: string | null;
}

const LISTING_FIELDS =
  "id lister source sourceId modelCid licenseCid price period feeBps contributors depth active purchaseCount revenue toTreasury accPerShare claimed listedAt";

const LISTINGS_QUERY = `query Listings($limit: Int!) {
  listings(orderBy: "id", orderDirection: "desc", limit: $limit) { totalCount items { ${LISTING_FIELDS} } }
  purchases(orderBy: "timestamp", orderDirection: "desc", limit: 20) {
    totalCount items { id listingId buyer periods cost toTreasury expiry timestamp }
  }
}`;

const LISTING_QUERY = `query Listing($id: BigInt!) {
  listing(id: $id) { ${LISTING_FIELDS} }
  purchases(where: { listingId: $id }, orderBy: "timestamp", orderDirection: "desc", limit: 100) {
    totalCount items { id listingId buyer periods cost toTreasury expiry timestamp }
  }
  revenueShares(where: { listingId: $id }, orderBy: "shares", orderDirection: "desc", limit: 500) {
    totalCount items { account shares claimed }
  }
  shareAssignments(where: { listingId: $id }, limit: 500) { items { account role depth source sourceId shares } }
  lineageEdges(where: { listingId: $id }, orderBy: "depth", orderDirection: "asc", limit: 10) {
    items { depth source sourceId shares parentListingId }
  }
}`;

const SOURCES: Record<string, string> = { ArenaTask: "Arena task", Alliance: "FL Alliance", Cid: "model" };
const ROLES: Record<string, string> = {
  Trainer: "training node",
  Validator: "validator",
  Creator: "creator",
  Contributor: "FL contributor",
};
const ROLE_CLASS: Record<string, string> = {
  Trainer: "f-trainers",
  Validator: "f-validators",
  Creator: "f-refund",
  Contributor: "f-bounty",
};

/** A share of the listing (of 1e9) as a percentage. */
function pct(shares: string | bigint): string {
  return `${(Number(BigInt(shares)) / 1e7).toFixed(2)}%`;
}

function accrued(shares: string | bigint, accPerShare: string): bigint {
  return (BigInt(shares) * BigInt(accPerShare)) / ACC_SCALE;
}

function sourceLink(source: string, sourceId: string): Child {
  const name = `${SOURCES[source] ?? source} #${sourceId}`;
  return source === "ArenaTask" ? link(`/tasks/${sourceId}`, name) : name;
}

function listingsTable(items: ListingRow[]): HTMLElement {
  return table(
    ["Listing", "Model", "From", "Price#", "Period#", "Contributors#", "Purchases#", "Revenue#", "Status"],
    items.map((l) =>
      row(
        { "data-listing": l.id },
        link(`/listings/${l.id}`, `#${l.id}`),
        cid(l.modelCid),
        sourceLink(l.source, l.sourceId),
        amountCell(l.price),
        numCell(duration(l.period)),
        numCell(count(l.contributors)),
        numCell(count(l.purchaseCount)),
        amountCell(l.revenue),
        l.active ? badge("on sale", "listing-on") : badge("paused"),
      ),
    ),
    { "data-testid": "listings" },
    "no listing yet",
  );
}

function purchasesTable(items: PurchaseRow[], withListing: boolean, now: number): HTMLElement {
  return table(
    [...(withListing ? ["Listing"] : []), "Buyer", "Periods#", "Paid#", "Fee#", "Access until", "When"],
    items.map((p) =>
      row(
        { "data-purchase": p.id },
        ...(withListing ? [link(`/listings/${p.listingId}`, `#${p.listingId}`)] : []),
        addressLink(p.buyer),
        numCell(p.periods),
        amountCell(p.cost),
        amountCell(p.toTreasury),
        h("span", { class: Number(p.expiry) > now ? "" : "muted" }, dateTime(p.expiry)),
        dateTime(p.timestamp),
      ),
    ),
    { "data-testid": "purchases" },
    "no purchase yet",
  );
}

async function listingsPage(ctx: PageContext) {
  const d = await gql<{
    listings: { totalCount: number; items: ListingRow[] };
    purchases: { totalCount: number; items: PurchaseRow[] };
  }>(LISTINGS_QUERY, { limit: 200 }, ctx.signal);
  const revenue = d.listings.items.reduce((a, l) => a + BigInt(l.revenue), 0n);
  return {
    title: "Marketplace",
    body: h(
      "div",
      null,
      h("h1", null, "AI Marketplace"),
      h(
        "p",
        { class: "lead" },
        "Finished models for sale, per access period. Every purchase is split, as fixed at listing, between everyone ",
        "whose work is in the model — its training nodes, validators, creator, FL contributors and the models it was ",
        "refined from — and the protocol fee. Contributors claim their revenue when they like.",
      ),
      cards(
        card("listings", count(d.listings.totalCount)),
        card("purchases", count(d.purchases.totalCount)),
        card("revenue", `${flock(revenue)} FLOCK`, { "data-testid": "market-revenue", "data-wei": revenue.toString() }),
      ),
      panel("Listings", null, listingsTable(d.listings.items)),
      panel("Latest purchases", null, purchasesTable(d.purchases.items, true, ctx.chainNow())),
    ),
  };
}

/** Revenue per contributor: shares, roles, accrued, claimed, unclaimed. */
function revenueTable(l: ListingRow, shares: ShareRow[], assignments: AssignmentRow[]): HTMLElement {
  const roles = new Map<string, Set<string>>();
  for (const a of assignments) {
    const label = a.depth > 0 ? `${ROLES[a.role] ?? a.role} (ancestor ${a.depth})` : (ROLES[a.role] ?? a.role);
    const set = roles.get(a.account) ?? new Set<string>();
    set.add(label);
    roles.set(a.account, set);
  }
  return table(
    ["Contributor", "Role", "Share#", "Accrued#", "Claimed#", "Unclaimed#"],
    shares.map((s) => {
      const earned = accrued(s.shares, l.accPerShare);
      return row(
        { "data-contributor": s.account },
        addressLink(s.account),
        [...(roles.get(s.account) ?? [])].join(" · ") || "–",
        numCell(pct(s.shares)),
        amountCell(earned),
        amountCell(s.claimed),
        amountCell(earned - BigInt(s.claimed)),
      );
    }),
    { "data-testid": "revenue" },
    "no contributor",
  );
}

/** Where the listing's revenue went: buyers → the listing → the roles (and ancestors) and the treasury. */
function revenueFlow(l: ListingRow, purchases: PurchaseRow[], assignments: AssignmentRow[]): HTMLElement {
  const byBuyer = new Map<string, bigint>();
  for (const p of purchases) byBuyer.set(p.buyer, (byBuyer.get(p.buyer) ?? 0n) + BigInt(p.cost));
  const listed = [...byBuyer.values()].reduce((a, v) => a + v, 0n);
  const buyers = [...byBuyer.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0));
  const sources: FlowItem[] = buyers
    .slice(0, 6)
    .map(([b, v]) => ({ label: shortAddress(b), value: flockNumber(v), text: flock(v), cls: "f-pool" }));
  const rest = BigInt(l.revenue) - buyers.slice(0, 6).reduce((a, [, v]) => a + v, 0n);
  if (rest > 0n)
    sources.push({
      label: listed < BigInt(l.revenue) ? "earlier buyers" : "other buyers",
      value: flockNumber(rest),
      text: flock(rest),
      cls: "f-other",
    });
  const byRole = new Map<string, bigint>();
  for (const a of assignments) {
    const key = a.depth > 0 ? "Royalty" : a.role;
    byRole.set(key, (byRole.get(key) ?? 0n) + accrued(a.shares, l.accPerShare));
  }
  const sinks: FlowItem[] = [...byRole.entries()].map(([role, v]) => ({
    label: role === "Royalty" ? "ancestor models (royalty)" : `${ROLES[role] ?? role}s`,
    value: flockNumber(v),
    text: flock(v),
    cls: role === "Royalty" ? "f-slash" : (ROLE_CLASS[role] ?? "f-other"),
  }));
  sinks.push({
    label: "treasury (fee)",
    value: flockNumber(l.toTreasury),
    text: flock(l.toTreasury),
    cls: "f-treasury",
  });
  return flowChart(sources, `listing #${l.id}: ${flock(l.revenue)} FLOCK`, sinks, `revenue flow of listing ${l.id}`);
}

/**
 * The lineage as a picture: one box per model level, the listed model on the right and the models it was refined
 * from to its left (a royalty flows to each), and under each box the accounts paid for their work in it.
 */
function lineageGraph(l: ListingRow, edges: EdgeRow[], assignments: AssignmentRow[]): HTMLElement {
  const levels = [...edges].sort((a, b) => b.depth - a.depth); // oldest ancestor first
  const W = 640;
  const boxW = 150;
  const boxH = 54;
  const perLevel = 8;
  const rowH = 22;
  const n = Math.max(1, levels.length);
  const step = n > 1 ? (W - boxW) / (n - 1) : 0;
  const xOf = (i: number) => (n > 1 ? i * step : (W - boxW) / 2);
  const people = levels.map((e) => {
    const byAccount = new Map<string, { role: string; shares: bigint }>();
    for (const a of assignments.filter((x) => x.depth === e.depth)) {
      const cur = byAccount.get(a.account);
      byAccount.set(a.account, { role: cur?.role ?? a.role, shares: (cur?.shares ?? 0n) + BigInt(a.shares) });
    }
    return [...byAccount.entries()].sort((a, b) => (b[1].shares > a[1].shares ? 1 : -1));
  });
  const tallest = Math.max(1, ...people.map((p) => Math.min(p.length, perLevel + 1)));
  const H = boxH + 24 + tallest * rowH + 8;
  const parts: Child[] = [
    svg(
      "defs",
      null,
      svg(
        "marker",
        {
          id: "lineage-arrow",
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: "auto",
        },
        svg("path", { d: "M0,0 L10,5 L0,10 Z", class: "lineage-arrowhead" }),
      ),
    ),
  ];
  levels.forEach((e, i) => {
    const x = xOf(i);
    if (i > 0)
      parts.push(
        svg("line", {
          x1: xOf(i - 1) + boxW,
          y1: boxH / 2,
          x2: x - 2,
          y2: boxH / 2,
          class: "lineage-edge",
          "marker-end": "url(#lineage-arrow)",
        }),
      );
    const label = `${SOURCES[e.source] ?? e.source} #${e.sourceId}`;
    parts.push(
      svg(
        "g",
        { class: e.depth === 0 ? "lineage-node self" : "lineage-node", "data-depth": e.depth },
        svg("rect", { x, y: 0, width: boxW, height: boxH, rx: 6 }),
        svg("text", { x: x + 8, y: 18, class: "lineage-title" }, e.depth === 0 ? `listing #${l.id}` : label),
        svg("text", { x: x + 8, y: 34 }, e.depth === 0 ? label : `ancestor, depth ${e.depth}`),
        svg("text", { x: x + 8, y: 48 }, `${pct(e.shares)} of revenue`),
        svg("title", null, `${label}: ${pct(e.shares)} of the listing's revenue goes to the accounts below`),
      ),
    );
    const shown = people[i].slice(0, perLevel);
    shown.forEach(([account, p], j) => {
      const cy = boxH + 24 + j * rowH + rowH / 2;
      parts.push(
        svg("path", {
          d: `M${x + 12},${boxH} V${cy} H${x + 22}`,
          class: "lineage-edge thin",
        }),
        svg("circle", { cx: x + 28, cy, r: 5, class: `lineage-dot ${ROLE_CLASS[p.role] ?? "f-other"}` }),
        svg(
          "text",
          { x: x + 38, y: cy + 4, class: "lineage-who" },
          `${shortAddress(account)} ${pct(p.shares)}`,
          svg("title", null, `${account}: ${ROLES[p.role] ?? p.role}, ${pct(p.shares)} of the revenue`),
        ),
      );
    });
    if (people[i].length > perLevel)
      parts.push(
        svg(
          "text",
          { x: x + 38, y: boxH + 24 + perLevel * rowH + rowH / 2 + 4, class: "lineage-who muted" },
          `+ ${people[i].length - perLevel} more`,
        ),
      );
  });
  const legend = h(
    "ul",
    { class: "legend lineage-legend" },
    Object.entries(ROLES).map(([role, name]) =>
      h("li", null, h("span", { class: `swatch ${ROLE_CLASS[role]}` }), h("span", null, name)),
    ),
  );
  return h(
    "figure",
    { class: "lineage", "data-testid": "lineage" },
    svg(
      "svg",
      { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `lineage of listing ${l.id}`, "data-levels": n },
      parts,
    ),
    legend,
  );
}

async function listingPage(ctx: PageContext) {
  const id = ctx.params.id ?? "";
  if (!/^\d+$/.test(id)) return { title: "Listing", body: notice(`"${id}" is not a listing id`, "error") };
  const d = await gql<{
    listing: ListingRow | null;
    purchases: { totalCount: number; items: PurchaseRow[] };
    revenueShares: { totalCount: number; items: ShareRow[] };
    shareAssignments: { items: AssignmentRow[] };
    lineageEdges: { items: EdgeRow[] };
  }>(LISTING_QUERY, { id }, ctx.signal);
  const l = d.listing;
  if (!l)
    return {
      title: `Listing ${id}`,
      body: h("div", null, h("h1", null, `Listing #${id}`), notice("No such listing is indexed (yet).")),
    };
  const distributed = (BigInt(l.accPerShare) * SHARES) / ACC_SCALE;
  return {
    title: `Listing ${id}`,
    body: h(
      "div",
      { "data-testid": "listing", "data-listing": l.id },
      h(
        "h1",
        null,
        `Listing #${l.id} `,
        l.active ? badge("on sale", "listing-on") : badge("paused"),
        " ",
        h("small", null, "from ", sourceLink(l.source, l.sourceId)),
      ),
      cards(
        card("price", `${flock(l.price)} FLOCK / ${duration(l.period)}`),
        card("revenue", `${flock(l.revenue)} FLOCK`, { "data-testid": "listing-revenue", "data-wei": l.revenue }),
        card("to contributors", `${flock(distributed)} FLOCK`),
        card("protocol fee", `${flock(l.toTreasury)} FLOCK (${(l.feeBps / 100).toFixed(2)}%)`),
        card("claimed", `${flock(l.claimed)} FLOCK`),
        card("contributors", count(l.contributors)),
        card("purchases", count(l.purchaseCount)),
      ),
      h(
        "p",
        { class: "meta" },
        "model ",
        cid(l.modelCid),
        " · license ",
        cid(l.licenseCid),
        " · listed by ",
        addressLink(l.lister),
        ` on ${dateTime(l.listedAt)}`,
      ),
      panel("Lineage", null, lineageGraph(l, d.lineageEdges.items, d.shareAssignments.items)),
      panel("Revenue flow", null, revenueFlow(l, d.purchases.items, d.shareAssignments.items)),
      panel(
        `Revenue per contributor (${count(d.revenueShares.totalCount)})`,
        null,
        revenueTable(l, d.revenueShares.items, d.shareAssignments.items),
      ),
      panel(
        `Purchases (${count(d.purchases.totalCount)})`,
        null,
        purchasesTable(d.purchases.items, false, ctx.chainNow()),
      ),
    ),
  };
}

const market: Section = {
  id: "market",
  title: "Marketplace",
  nav: [{ label: "Marketplace", path: "/listings" }],
  routes: [
    { path: "/listings", render: listingsPage },
    { path: "/listings/:id", render: listingPage },
  ],
  async overview(ctx) {
    const d = await gql<{ listings: { totalCount: number; items: ListingRow[] } }>(
      `query Latest($limit: Int!) { listings(orderBy: "id", orderDirection: "desc", limit: $limit) { totalCount items { ${LISTING_FIELDS} } } }`,
      { limit: 5 },
      ctx.signal,
    );
    return panel("Latest listings", null, listingsTable(d.listings.items), link("/listings", "All listings →"));
  },
};

export default market;
