/**
 * Governance: the proposals with their tallies (`/governance`, GraphQL), the parameters and their history, and one
 * proposal's page (`/proposals/:id`: actions, votes with weight and reason, lifecycle). A created proposal's state
 * (pending, active, succeeded, defeated) follows from chain time and its tallies; the rest from its events.
 */
import { unitOf } from "../../../keeper/src/logic/param-units.js";
import { gql } from "../lib/api.js";
import { h, link } from "../lib/dom.js";
import { bps, count, dateTime, duration, flock, shortHash } from "../lib/format.js";
import type { PageContext, Section } from "../lib/types.js";
import {
  addressLink,
  amountCell,
  badge,
  card,
  cards,
  countdown,
  notice,
  numCell,
  panel,
  row,
  table,
} from "../lib/ui.js";

interface ProposalRow {
  id: string;
  proposer: string;
  description: string;
  state: string;
  voteStart: string;
  voteEnd: string;
  forVotes: string;
  againstVotes: string;
  abstainVotes: string;
  voters: number;
  quorum: string | null;
  succeeded: boolean;
  eta: string | null;
  params: string[];
  createdAt: string;
}

interface Action {
  target: string;
  value: string;
  call: string;
  param?: { name: string; value: string };
}

interface ParamChangeRow {
  id: string;
  name: string;
  oldValue: string | null;
  newValue: string;
  timestamp: string;
  txHash: string;
}

const PROPOSAL_FIELDS =
  "id proposer description state voteStart voteEnd forVotes againstVotes abstainVotes voters quorum succeeded eta params createdAt";

const LIST_QUERY = `query Proposals($limit: Int!) {
  proposals(orderBy: "createdAt", orderDirection: "desc", limit: $limit) { totalCount items { ${PROPOSAL_FIELDS} } }
}`;

/** The state `FlockGovernor.state()` reports, from the indexed events, the tallies and chain time. */
export function stateOf(p: ProposalRow, now: number): string {
  if (p.state === "executed") return "Executed";
  if (p.state === "canceled") return "Canceled";
  if (p.state === "queued") return "Queued";
  if (now <= Number(p.voteStart)) return "Pending";
  if (now <= Number(p.voteEnd)) return "Active";
  return p.succeeded ? "Succeeded" : "Defeated";
}

/** A parameter's value in its unit. */
function paramValue(name: string, value: string | null): string {
  if (value === null) return "–";
  switch (unitOf(name)) {
    case "FLOCK":
      return `${flock(value)} FLOCK`;
    case "bps":
      return bps(Number(value));
    case "seconds":
      return duration(Number(value));
    case "score":
      return `${value} (score units)`;
    case "count":
      return value;
  }
}

function tally(p: ProposalRow): HTMLElement {
  const f = BigInt(p.forVotes);
  const a = BigInt(p.againstVotes);
  const ab = BigInt(p.abstainVotes);
  const total = f + a + ab;
  const pct = (v: bigint) => (total === 0n ? 0 : Number((v * 1000n) / total) / 10);
  // widths through the CSSOM: the page's CSP (style-src 'self') refuses inline style attributes
  const bar = (cls: string, v: bigint) => {
    const el = h("span", { class: cls });
    el.style.width = `${pct(v)}%`;
    return el;
  };
  return h(
    "div",
    { class: "tally", title: `for ${flock(f)} · against ${flock(a)} · abstain ${flock(ab)}` },
    bar("tally-for", f),
    bar("tally-against", a),
    bar("tally-abstain", ab),
  );
}

function stateBadge(state: string): HTMLElement {
  return badge(state, `gov-${state.toLowerCase()}`);
}

function proposalsTable(items: ProposalRow[], now: number): HTMLElement {
  return table(
    ["Proposal", "State", "Changes", "For#", "Against#", "Abstain#", "Votes", "Voters#"],
    items.map((p) => {
      const state = stateOf(p, now);
      return row(
        { "data-proposal": p.id, "data-state": state },
        link(`/proposals/${p.id}`, p.description.split("\n")[0].slice(0, 60) || `#${shortHash(p.id)}`),
        stateBadge(state),
        p.params.length ? p.params.join(", ") : "–",
        amountCell(p.forVotes, { "data-field": "for" }),
        amountCell(p.againstVotes, { "data-field": "against" }),
        amountCell(p.abstainVotes, { "data-field": "abstain" }),
        tally(p),
        numCell(count(p.voters)),
      );
    }),
    { "data-testid": "proposals" },
    "no proposal yet",
  );
}

function historyTable(items: ParamChangeRow[]): HTMLElement {
  return table(
    ["Parameter", "From", "To", "When", "Transaction"],
    items.map((c) =>
      row(
        { "data-change": c.id, "data-param": c.name },
        h("code", null, c.name),
        paramValue(c.name, c.oldValue),
        h("strong", null, paramValue(c.name, c.newValue)),
        dateTime(c.timestamp),
        h("code", { title: c.txHash }, shortHash(c.txHash)),
      ),
    ),
    { "data-testid": "parameter-history" },
    "no parameter has changed since deployment",
  );
}

async function governancePage(ctx: PageContext) {
  const d = await gql<{
    proposals: { totalCount: number; items: ProposalRow[] };
    parameterChanges: { items: ParamChangeRow[] };
    parameters: { items: { name: string; value: string; min: string; max: string; changes: number }[] };
    governors: {
      items: { quorumNumerator: string | null; votingPeriod: string | null; proposalThreshold: string | null }[];
    };
  }>(
    `query Governance($limit: Int!) {
      proposals(orderBy: "createdAt", orderDirection: "desc", limit: $limit) { totalCount items { ${PROPOSAL_FIELDS} } }
      parameterChanges(where: { oldValue_not: null }, orderBy: "id", orderDirection: "desc", limit: 100) {
        items { id name oldValue newValue timestamp txHash } }
      parameters(orderBy: "name", limit: 100) { items { name value min max changes } }
      governors(limit: 1) { items { quorumNumerator votingPeriod proposalThreshold } }
    }`,
    { limit: 100 },
    ctx.signal,
  );
  const now = ctx.chainNow();
  const g = d.governors.items[0];
  return {
    title: "Governance",
    body: h(
      "div",
      null,
      h("h1", null, "Governance"),
      h(
        "p",
        { class: "lead" },
        "Staked and delegated FLOCK vote on changes to the protocol's parameters; a passed proposal waits in the ",
        "timelock, then anyone executes it. `flock gov` proposes, votes, queues and executes (docs/governance.md).",
      ),
      cards(
        card("proposals", count(d.proposals.totalCount)),
        card("quorum", g?.quorumNumerator ? `${g.quorumNumerator} % of supply` : "–"),
        card("voting period", g?.votingPeriod ? duration(Number(g.votingPeriod)) : "–"),
        card("to propose", g?.proposalThreshold ? `${flock(g.proposalThreshold)} FLOCK` : "–"),
      ),
      panel("Proposals", null, proposalsTable(d.proposals.items, now)),
      panel("Parameter history", null, historyTable(d.parameterChanges.items)),
      panel(
        "Parameters",
        null,
        table(
          ["Parameter", "Value", "Bounds", "Changes#"],
          d.parameters.items.map((p) =>
            row(
              { "data-param": p.name },
              h("code", null, p.name),
              paramValue(p.name, p.value),
              `${paramValue(p.name, p.min)} … ${paramValue(p.name, p.max)}`,
              numCell(count(p.changes)),
            ),
          ),
          { "data-testid": "parameters" },
        ),
      ),
    ),
  };
}

async function proposalPage(ctx: PageContext) {
  const id = ctx.params.id ?? "";
  if (!/^\d+$/.test(id)) return { title: "Proposal", body: notice(`"${id}" is not a proposal id`, "error") };
  const d = await gql<{
    proposal:
      | (ProposalRow & {
          actions: Action[];
          executedTx: string | null;
          votes: { items: { voter: string; support: string; weight: string; reason: string; txHash: string }[] };
          events: { items: { kind: string; time: string | null; timestamp: string; txHash: string }[] };
        })
      | null;
  }>(
    `query Proposal($id: BigInt!) { proposal(id: $id) { ${PROPOSAL_FIELDS} actions executedTx
       votes(orderBy: "weight", orderDirection: "desc", limit: 500) { items { voter support weight reason txHash } }
       events(orderBy: "id", limit: 20) { items { kind time timestamp txHash } } } }`,
    { id },
    ctx.signal,
  );
  const p = d.proposal;
  if (!p) return { title: "Proposal", body: notice("This proposal is not indexed (yet).") };
  const now = ctx.chainNow();
  const state = stateOf(p, now);
  const clock =
    state === "Pending"
      ? h("span", null, "vote opens in ", countdown(Number(p.voteStart)))
      : state === "Active"
        ? h("span", null, "vote closes in ", countdown(Number(p.voteEnd)))
        : state === "Queued" && p.eta && Number(p.eta) > now
          ? h("span", null, "executable in ", countdown(Number(p.eta)))
          : state;
  return {
    title: `Proposal ${shortHash(p.id)}`,
    body: h(
      "div",
      { "data-testid": "proposal", "data-proposal": p.id, "data-state": state },
      h("h1", null, p.description.split("\n")[0] || "Proposal", " ", stateBadge(state)),
      h(
        "p",
        { class: "lead" },
        "proposed by ",
        addressLink(p.proposer),
        ` on ${dateTime(p.createdAt)} · id `,
        h("code", null, p.id),
      ),
      cards(
        card("for", `${flock(p.forVotes)} FLOCK`, { "data-testid": "for", "data-wei": p.forVotes }),
        card("against", `${flock(p.againstVotes)} FLOCK`, { "data-testid": "against", "data-wei": p.againstVotes }),
        card("abstain", `${flock(p.abstainVotes)} FLOCK`, { "data-testid": "abstain", "data-wei": p.abstainVotes }),
        card("quorum (for + abstain)", p.quorum === null ? "after the first vote" : `${flock(p.quorum)} FLOCK`),
        card("status", clock),
      ),
      tally(p),
      panel(
        "Actions",
        null,
        table(
          ["Call", "New value"],
          p.actions.map((a) =>
            row(
              null,
              h("code", null, a.call),
              a.param ? h("strong", null, paramValue(a.param.name, a.param.value)) : "–",
            ),
          ),
          { "data-testid": "actions" },
        ),
      ),
      panel(
        "Votes",
        null,
        table(
          ["Voter", "Support", "Weight#", "Reason"],
          p.votes.items.map((v) =>
            row(
              { "data-voter": v.voter },
              addressLink(v.voter),
              badge(v.support, `vote-${v.support}`),
              amountCell(v.weight),
              v.reason || "–",
            ),
          ),
          { "data-testid": "votes" },
          "no vote yet",
        ),
      ),
      panel(
        "Timeline",
        null,
        table(
          ["Event", "When", "Detail", "Transaction"],
          [
            row(null, "proposed", dateTime(p.createdAt), `vote ${dateTime(p.voteStart)} → ${dateTime(p.voteEnd)}`, "–"),
            ...p.events.items.map((e) =>
              row(
                null,
                e.kind,
                dateTime(e.timestamp),
                e.kind === "queued" && e.time
                  ? `executable from ${dateTime(e.time)}`
                  : e.kind === "extended" && e.time
                    ? `vote now ends ${dateTime(e.time)}`
                    : "–",
                h("code", { title: e.txHash }, shortHash(e.txHash)),
              ),
            ),
          ],
          { "data-testid": "timeline" },
        ),
      ),
      link("/governance", "← All proposals"),
    ),
  };
}

const governance: Section = {
  id: "governance",
  title: "Governance",
  nav: [{ label: "Governance", path: "/governance" }],
  routes: [
    { path: "/governance", render: governancePage },
    { path: "/proposals/:id", render: proposalPage },
  ],
  async overview(ctx) {
    const d = await gql<{ proposals: { totalCount: number; items: ProposalRow[] } }>(
      LIST_QUERY,
      { limit: 3 },
      ctx.signal,
    );
    return panel(
      "Latest proposals",
      null,
      proposalsTable(d.proposals.items, ctx.chainNow()),
      link("/governance", "Governance →"),
    );
  },
};

export default governance;
