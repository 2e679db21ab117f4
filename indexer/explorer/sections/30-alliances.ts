/**
 * FL Alliances: the list (`/alliances`) and an alliance's page (`/alliances/:id`: its shape and money, the global
 * model's accuracy per round as a line, every round with its roles, accepted or rejected, its updates (excluded or
 * not), slashes and rewards). Flat GraphQL lists filtered by the alliance (cheap: no nested list limits multiply).
 */
import { gql } from "../lib/api.js";
import { lineChart } from "../lib/charts.js";
import { h, link } from "../lib/dom.js";
import { count, dateTime, score } from "../lib/format.js";
import type { PageContext, Section } from "../lib/types.js";
import { addressLink, amountCell, badge, card, cards, cid, notice, numCell, panel, row, table } from "../lib/ui.js";

interface AllianceRow {
  id: string;
  creator: string;
  status: string;
  source: string;
  parentId: string;
  rule: string;
  ruleParam: number;
  rewardPool: string;
  remaining: string;
  rounds: number;
  round: number;
  participants: number;
  proposersPerRound: number;
  globalCid: string;
  startCid: string;
  finalModelCid: string | null;
  totalPaid: string;
  totalSlashed: string;
  creatorRefund: string;
  createdAt: string;
}

interface RoundRow {
  round: number;
  seed: string;
  proposers: string[];
  globalCid: string;
  outcome: string | null;
  candidateCid: string | null;
  globalConsensus: number | null;
  revealedUpdates: number;
  voteReveals: number;
  budget: string | null;
  proposerPaid: string | null;
  voterPaid: string | null;
  slashed: string | null;
}

interface UpdateRow {
  round: number;
  proposer: string;
  updateCid: string | null;
  examples: number | null;
  consensus: number | null;
  excluded: boolean | null;
  reward: string | null;
}

interface MemberRow {
  account: string;
  stake: string;
  slashed: string;
  earned: string;
  timesProposer: number;
}

interface SlashRow {
  id: string;
  round: number;
  account: string;
  reason: string;
  amount: string;
}

const LIST_QUERY = `query Alliances($limit: Int!) {
  alliances(orderBy: "id", orderDirection: "desc", limit: $limit) {
    totalCount
    items { id creator status source parentId rule ruleParam rewardPool remaining rounds round participants
            proposersPerRound globalCid startCid finalModelCid totalPaid totalSlashed creatorRefund createdAt }
  }
}`;

const ALLIANCE_QUERY = `query Alliance($id: BigInt!) {
  alliance(id: $id) {
    id creator status source parentId rule ruleParam rewardPool remaining rounds round participants proposersPerRound
    globalCid startCid finalModelCid totalPaid totalSlashed creatorRefund createdAt
  }
  allianceRounds(where: { allianceId: $id }, orderBy: "round", limit: 100) {
    items { round seed proposers globalCid outcome candidateCid globalConsensus revealedUpdates voteReveals budget
            proposerPaid voterPaid slashed }
  }
  allianceUpdates(where: { allianceId: $id }, orderBy: "round", limit: 500) {
    items { round proposer updateCid examples consensus excluded reward }
  }
  allianceMembers(where: { allianceId: $id }, orderBy: "index", limit: 64) {
    items { account stake slashed earned timesProposer }
  }
  allianceSlashs(where: { allianceId: $id }, orderBy: "id", limit: 500) { items { id round account reason amount } }
}`;

function ruleText(a: Pick<AllianceRow, "rule" | "ruleParam">): string {
  if (a.rule === "TrimmedMean") return `trimmed mean (β ${score(a.ruleParam)}%)`;
  if (a.rule === "FedAvg") return `FedAvg (examples ≤ ${count(a.ruleParam)})`;
  return "coordinate-wise median";
}

function statusBadge(status: string): HTMLElement {
  const kind = status === "Completed" ? "fl-good" : status === "Cancelled" ? "fl-bad" : "fl-live";
  return badge(status, kind);
}

function outcomeBadge(outcome: string | null): HTMLElement {
  if (outcome === null) return badge("running", "fl-live");
  return badge(
    outcome === "Accepted" ? "accepted" : outcome === "Rejected" ? "rejected" : "no updates",
    outcome === "Accepted" ? "fl-good" : "fl-bad",
  );
}

function sourceText(a: Pick<AllianceRow, "source" | "parentId">): Node | string {
  if (a.source === "ArenaTask") return link(`/tasks/${a.parentId}`, `Arena task #${a.parentId}`);
  if (a.source === "Alliance") return link(`/alliances/${a.parentId}`, `alliance #${a.parentId}`);
  return "a given model";
}

function alliancesTable(items: AllianceRow[]): HTMLElement {
  return table(
    ["Alliance", "Status", "Starts from", "Rule", "Round#", "Participants#", "Pool#", "Paid#", "Slashed#"],
    items.map((a) =>
      row(
        { "data-alliance": a.id },
        link(`/alliances/${a.id}`, `#${a.id}`),
        statusBadge(a.status),
        sourceText(a),
        ruleText(a),
        numCell(`${a.round}/${a.rounds}`),
        numCell(String(a.participants)),
        amountCell(a.rewardPool),
        amountCell(a.totalPaid),
        amountCell(a.totalSlashed),
      ),
    ),
    { "data-testid": "alliances" },
    "no alliance yet",
  );
}

async function alliancesPage(ctx: PageContext) {
  const d = await gql<{ alliances: { totalCount: number; items: AllianceRow[] } }>(
    LIST_QUERY,
    { limit: 100 },
    ctx.signal,
  );
  return {
    title: "FL Alliances",
    body: panel(`FL Alliances (${count(d.alliances.totalCount)})`, null, alliancesTable(d.alliances.items)),
  };
}

/** The global model's accuracy per round: the voters' consensus score of the model the round started from. */
function accuracyPicture(a: AllianceRow, rounds: RoundRow[]): HTMLElement {
  return lineChart(
    rounds.map((r) => `r${r.round}`),
    rounds.map((r) => (r.globalConsensus ? r.globalConsensus : null)),
    `Alliance #${a.id}: the global model's accuracy (%) in each round, as its voters scored it on their private data; hollow: the round's candidate was not accepted`,
    rounds.map((r) => r.outcome !== null && r.outcome !== "Accepted"),
  );
}

function roundsTable(rounds: RoundRow[], updates: UpdateRow[], members: MemberRow[]): HTMLElement {
  return table(
    ["Round", "Outcome", "Proposers (excluded struck)", "Voters#", "Global acc.#", "Candidate", "Paid#", "Slashed#"],
    rounds.map((r) => {
      const ups = updates.filter((u) => u.round === r.round);
      const proposers = r.proposers.map((p) => {
        const u = ups.find((x) => x.proposer === p);
        const el = addressLink(p);
        if (u?.excluded) return h("s", { class: "excluded", title: "excluded" }, el);
        if (!u?.updateCid) return h("span", { class: "muted", title: "did not reveal" }, el);
        return el;
      });
      const voters = members.length;
      const paid = r.proposerPaid === null ? null : (BigInt(r.proposerPaid) + BigInt(r.voterPaid ?? "0")).toString();
      return row(
        { "data-round": String(r.round) },
        String(r.round),
        outcomeBadge(r.outcome),
        h(
          "span",
          { class: "addr-list" },
          proposers.flatMap((p, i) => (i ? [" ", p] : [p])),
        ),
        numCell(`${r.voteReveals}/${voters}`),
        numCell(r.globalConsensus ? score(r.globalConsensus) : "–"),
        cid(r.candidateCid),
        amountCell(paid),
        amountCell(r.slashed),
      );
    }),
    { "data-testid": "alliance-rounds" },
    "no round yet",
  );
}

function updatesTable(updates: UpdateRow[]): HTMLElement {
  return table(
    ["Round", "Proposer", "Update", "Examples#", "Score#", "Verdict", "Reward#"],
    updates.map((u) =>
      row(
        { "data-update": `${u.round}:${u.proposer}` },
        String(u.round),
        addressLink(u.proposer),
        cid(u.updateCid),
        numCell(u.examples === null ? "–" : count(u.examples)),
        numCell(u.consensus === null ? "–" : score(u.consensus)),
        u.excluded === null ? "–" : u.excluded ? badge("excluded", "fl-bad") : badge("included", "fl-good"),
        amountCell(u.reward),
      ),
    ),
    { "data-testid": "alliance-updates" },
    "no update yet",
  );
}

function membersTable(members: MemberRow[]): HTMLElement {
  return table(
    ["Participant", "Stake#", "Proposer rounds#", "Earned#", "Slashed#"],
    members.map((m) =>
      row(
        { "data-member": m.account },
        addressLink(m.account),
        amountCell(m.stake),
        numCell(String(m.timesProposer)),
        amountCell(m.earned),
        amountCell(m.slashed),
      ),
    ),
    { "data-testid": "alliance-members" },
  );
}

function slashesTable(slashes: SlashRow[]): HTMLElement {
  return table(
    ["Round", "Participant", "Reason", "Amount#"],
    slashes.map((s) =>
      row({ "data-slash": s.id }, String(s.round), addressLink(s.account), s.reason, amountCell(s.amount)),
    ),
    { "data-testid": "alliance-slashes" },
  );
}

async function alliancePage(ctx: PageContext) {
  const id = ctx.params.id;
  if (!/^\d{1,20}$/.test(id)) return { title: "Alliance", body: notice(`"${id}" is not an alliance id.`, "error") };
  const d = await gql<{
    alliance: AllianceRow | null;
    allianceRounds: { items: RoundRow[] };
    allianceUpdates: { items: UpdateRow[] };
    allianceMembers: { items: MemberRow[] };
    allianceSlashs: { items: SlashRow[] };
  }>(ALLIANCE_QUERY, { id }, ctx.signal);
  const a = d.alliance;
  if (!a) return { title: `Alliance #${id}`, body: notice(`No alliance #${id} is indexed.`, "error") };
  const rounds = d.allianceRounds.items;
  const updates = d.allianceUpdates.items;
  const members = d.allianceMembers.items;
  return {
    title: `Alliance #${a.id}`,
    body: h(
      "div",
      null,
      panel(
        `FL Alliance #${a.id}`,
        { "data-testid": "alliance" },
        cards(
          card("Status", statusBadge(a.status)),
          card("Round", `${a.round} / ${a.rounds}`),
          card("Starts from", sourceText(a)),
          card("Aggregation", ruleText(a)),
          card("Participants", `${a.participants} (${a.proposersPerRound} proposers a round)`),
          card("Reward pool", amountCell(a.rewardPool).textContent ?? ""),
          card("Paid", amountCell(a.totalPaid).textContent ?? ""),
          card("Slashed", amountCell(a.totalSlashed).textContent ?? ""),
        ),
        h(
          "p",
          { class: "muted small" },
          "Created by ",
          addressLink(a.creator),
          ` on ${dateTime(a.createdAt)}. Global model: `,
          cid(a.globalCid),
          a.finalModelCid ? " (final)." : ".",
        ),
      ),
      panel(
        "Global model accuracy",
        null,
        rounds.some((r) => r.globalConsensus) ? accuracyPicture(a, rounds) : notice("No round has been scored yet."),
      ),
      panel("Rounds", null, roundsTable(rounds, updates, members)),
      panel("Updates", null, updatesTable(updates)),
      panel("Participants", null, membersTable(members)),
      panel("Slashes", null, slashesTable(d.allianceSlashs.items)),
    ),
  };
}

const alliances: Section = {
  id: "alliances",
  title: "FL Alliances",
  nav: [{ label: "Alliances", path: "/alliances" }],
  routes: [
    { path: "/alliances", render: alliancesPage },
    { path: "/alliances/:id", render: alliancePage },
  ],
  async overview(ctx) {
    const d = await gql<{ alliances: { totalCount: number; items: AllianceRow[] } }>(
      LIST_QUERY,
      { limit: 5 },
      ctx.signal,
    );
    return panel("Latest FL Alliances", null, alliancesTable(d.alliances.items), link("/alliances", "All alliances →"));
  },
};

export default alliances;
