/**
 * AI Arena: the tasks list (`/tasks`) and a task's page (`/tasks/:id`: leaderboard, validators, slashes, the money flow
 * of its pool). The list reads GraphQL; a task's page reads `GET /leaderboard/:id`.
 */
import type { LeaderboardBody } from "../../src/api/views.js";
import { phaseAt } from "../../src/lib/phase.js";
import { getJson, gql } from "../lib/api.js";
import { type FlowItem, flowChart, scoresChart, windowsTimeline } from "../lib/charts.js";
import { h, link } from "../lib/dom.js";
import { count, dateTime, flock, flockNumber, score } from "../lib/format.js";
import type { PageContext, Section } from "../lib/types.js";
import {
  addressLink,
  amountCell,
  badge,
  card,
  cards,
  cid,
  countdown,
  notice,
  numCell,
  panel,
  row,
  table,
} from "../lib/ui.js";

interface TaskRow {
  id: string;
  creator: string;
  status: string;
  rewardPool: string;
  trainers: number;
  published: number;
  validators: number;
  revealed: number;
  submissionStart: string;
  submissionEnd: string;
  publishEnd: string;
  commitEnd: string;
  revealEnd: string;
}

const TASKS_QUERY = `query Tasks($limit: Int!) {
  tasks(orderBy: "id", orderDirection: "desc", limit: $limit) {
    totalCount
    items { id creator status rewardPool trainers published validators revealed
            submissionStart submissionEnd publishEnd commitEnd revealEnd }
  }
}`;

/** The phase at `now` and the end of its window (undefined once no window runs). */
function phaseOf(t: TaskRow, now: number): { phase: string; ends?: number } {
  const w = {
    status: t.status,
    submissionStart: BigInt(t.submissionStart),
    submissionEnd: BigInt(t.submissionEnd),
    publishEnd: BigInt(t.publishEnd),
    commitEnd: BigInt(t.commitEnd),
    revealEnd: BigInt(t.revealEnd),
  };
  const phase = phaseAt(w, BigInt(Math.floor(now)));
  return { phase, ends: windowEnd(phase, t) };
}

/** The end of the window `phase` runs in (seconds), or undefined when no window runs. */
function windowEnd(
  phase: string,
  w: Record<"submissionStart" | "submissionEnd" | "publishEnd" | "commitEnd" | "revealEnd", string>,
) {
  const end = {
    Created: w.submissionStart,
    Submission: w.submissionEnd,
    Publish: w.publishEnd,
    Commit: w.commitEnd,
    Reveal: w.revealEnd,
  }[phase];
  return end === undefined ? undefined : Number(end);
}

function phaseBadge(phase: string): HTMLElement {
  return badge(phase, `phase-${phase.toLowerCase()}`);
}

function tasksTable(tasks: TaskRow[], now: number): HTMLElement {
  return table(
    ["Task", "Phase", "Pool#", "Submissions#", "Validators#", "Time left", "Creator"],
    tasks.map((t) => {
      const { phase, ends } = phaseOf(t, now);
      return row(
        { "data-task": t.id },
        link(`/tasks/${t.id}`, `#${t.id}`),
        phaseBadge(phase),
        amountCell(t.rewardPool),
        numCell(`${t.published} / ${t.trainers}`, { title: "published / committed" }),
        numCell(`${t.revealed} / ${t.validators}`, { title: "revealed / committed" }),
        ends === undefined ? "–" : countdown(ends),
        addressLink(t.creator),
      );
    }),
    { "data-testid": "tasks" },
    "no task yet",
  );
}

async function tasksPage(ctx: PageContext) {
  const d = await gql<{ tasks: { totalCount: number; items: TaskRow[] } }>(TASKS_QUERY, { limit: 200 }, ctx.signal);
  return {
    title: "Tasks",
    body: h(
      "div",
      null,
      h("h1", null, "AI Arena tasks"),
      h(
        "p",
        { class: "lead" },
        `${count(d.tasks.totalCount)} tasks. A task runs through submission, publish, commit and reveal windows, then `,
        "anyone finalizes it: consensus scores rank the models and decide rewards and slashes.",
      ),
      tasksTable(d.tasks.items, ctx.status.timestamp),
      d.tasks.totalCount > d.tasks.items.length
        ? notice(`showing the latest ${d.tasks.items.length}; open any task by its id in the search box`)
        : null,
    ),
  };
}

const SLASH_REASONS: Record<string, string> = {
  Spam: "its model scored below the task's spam score",
  Deviation: "its scores strayed too far from the consensus",
  NonReveal: "it committed scores and never revealed them",
  TrainerNonReveal: "it committed a model and never published it (or published a later copy), slashed at its claim",
};

const OUTCOMES: Record<string, string> = {
  Rewarded: "rewarded",
  Neutral: "neutral (no reward, no slash)",
  SlashedDeviation: "slashed: deviation",
  SlashedNonReveal: "slashed: never revealed",
};

type Lb = LeaderboardBody;

/** Where the pool went: sources (pool, slashed stake) → the task → sinks. Balanced to the wei, or the gap is shown. */
function moneyFlow(lb: Lb): HTMLElement {
  const t = lb.task;
  const s = t.settlement;
  const item = (label: string, wei: string | bigint | null | undefined, cls: string): FlowItem => ({
    label,
    value: flockNumber(wei),
    text: `${flock(wei)} FLOCK`,
    cls,
  });
  const big = (v: string | null | undefined) => (v ? BigInt(v) : 0n);
  const sources = [item("reward pool", t.rewardPool, "f-pool"), item("slashed stake", s.slashed, "f-slash")];
  const inTotal = big(t.rewardPool) + big(s.slashed) + (t.status === "settled" ? 0n : big(t.bond));
  let sinks: FlowItem[];
  let outTotal: bigint;
  if (t.status === "settled") {
    sinks = [
      item("training nodes", s.trainerPot, "f-trainers"),
      item("validators", s.validatorPot, "f-validators"),
      item("treasury: fee, dust, slash share", s.protocolFee, "f-treasury"),
      item("keeper bounty", s.keeperBounty, "f-bounty"),
    ];
    outTotal = big(s.trainerPot) + big(s.validatorPot) + big(s.protocolFee) + big(s.keeperBounty);
  } else {
    // a cancellation returns what the creator is owed (pool and/or bond, by reason); a forfeited pool or bond and the
    // non-revealers' slash go to the treasury
    sources.push(item("creator's bond", t.bond, "f-other"));
    sinks = [
      item("refund to the creator", s.creatorRefund, "f-refund"),
      item("treasury: forfeits, slashes", s.protocolFee, "f-treasury"),
      item("keeper bounty", s.keeperBounty, "f-bounty"),
    ];
    outTotal = big(s.creatorRefund) + big(s.protocolFee) + big(s.keeperBounty);
  }
  if (outTotal < inTotal) sinks.push(item("not itemised by the settlement", inTotal - outTotal, "f-other"));
  if (inTotal < outTotal) sources.push(item("other funds (bond)", outTotal - inTotal, "f-other"));
  return flowChart(
    sources,
    `task #${t.id}: ${flock(inTotal > outTotal ? inTotal : outTotal)} FLOCK`,
    sinks,
    `money flow of task ${t.id}`,
  );
}

function leaderboardTable(lb: Lb): HTMLElement {
  return table(
    ["Rank#", "Training node", "Consensus#", "Reward#", "Slashed#", "Model", "Claimed"],
    lb.submissions.map((s) =>
      row(
        { "data-trainer": s.trainer, class: s.spam ? "spam" : undefined },
        numCell(s.rank === null ? "–" : String(s.rank + 1), { "data-rank": s.rank ?? "" }),
        addressLink(s.trainer),
        numCell(score(s.consensus), {
          "data-score": s.consensus ?? "",
          title: s.contested
            ? "contested: an even stake split, no consensus (0); only validators outside the split were judged on it"
            : undefined,
          class: s.contested ? "num contested" : undefined,
        }),
        amountCell(s.reward),
        amountCell(s.slashed, { class: BigInt(s.slashed) > 0n ? "num neg" : "num" }),
        s.published
          ? cid(s.modelCid)
          : h(
              "span",
              { class: "muted" },
              s.displaced
                ? `displaced: revealed first, but ${s.displacedBy?.slice(0, 10) ?? "its earlier committer"}… committed it earlier`
                : "not published",
            ),
        s.claimed ? "yes" : "no",
      ),
    ),
    { "data-testid": "leaderboard" },
    "no submission",
  );
}

function validatorsTable(lb: Lb): HTMLElement {
  return table(
    ["Validator", "Stake#", "Revealed", "Distance#", "Outcome", "Reward#", "Slashed#"],
    lb.validators.map((v) =>
      row(
        { "data-validator": v.validator },
        addressLink(v.validator),
        amountCell(v.lockedStake),
        v.evicted
          ? h("span", { class: "muted", title: `evicted by ${v.evictedBy ?? "a larger lock"}` }, "evicted")
          : v.unavailable
            ? h(
                "span",
                { title: "revealed an empty score list: the eval data could not be fetched or used" },
                "eval data unavailable",
              )
            : v.revealed
              ? "yes"
              : "no",
        numCell(score(v.distance), {
          title: `mean |score − consensus|, in points of 100; largest single distance ${score(v.maxDistance)}`,
        }),
        v.outcome ? badge(OUTCOMES[v.outcome] ?? v.outcome, `outcome-${v.outcome.toLowerCase()}`) : "–",
        amountCell(v.reward),
        amountCell(v.slashed, { class: BigInt(v.slashed) > 0n ? "num neg" : "num" }),
      ),
    ),
    { "data-testid": "validators" },
    lb.task.status === "active" ? "no validator yet" : "no validator",
  );
}

function slashesTable(lb: Lb): HTMLElement {
  return table(
    ["Account", "Reason", "Amount#", "To treasury#", "Transaction"],
    lb.slashes.map((x) =>
      row(
        { "data-account": x.account },
        addressLink(x.account),
        h(
          "td",
          { class: "wrap" },
          x.reason ? h("span", null, h("b", null, x.reason), ": ", SLASH_REASONS[x.reason] ?? "") : "–",
        ),
        amountCell(x.amount),
        amountCell(x.toTreasury),
        h("code", { title: x.txHash }, `${x.txHash.slice(0, 10)}…`),
      ),
    ),
    { "data-testid": "slashes" },
    "nobody was slashed",
  );
}

function scoresPicture(lb: Lb): HTMLElement | null {
  const published = lb.submissions.filter((s) => s.published && s.index !== null);
  const revealed = lb.validators.filter((v) => v.revealed && v.scores);
  if (published.length === 0 || revealed.length === 0) return null;
  return scoresChart(
    published.map((s) => (s.rank === null ? `i${s.index}` : `#${s.rank + 1}`)),
    published.map((s) => s.consensus),
    revealed.map((v) => ({
      label: `${v.validator.slice(0, 8)}… (${OUTCOMES[v.outcome ?? ""] ?? "not judged"})`,
      values: published.map((s) => v.scores![s.index!] ?? null),
    })),
  );
}

async function taskPage(ctx: PageContext) {
  const id = ctx.params.id ?? "";
  if (!/^\d{1,77}$/.test(id)) return { title: "Task", body: notice(`"${id}" is not a task id`, "error") };
  const lb = await getJson<Lb>(`/leaderboard/${id}`, ctx.signal);
  if (!lb)
    return {
      title: `Task #${id}`,
      body: h("div", null, h("h1", null, `Task #${id}`), notice("This task is not indexed (yet).")),
    };
  const t = lb.task;
  const w = {
    submissionStart: Number(t.windows.submissionStart),
    submissionEnd: Number(t.windows.submissionEnd),
    publishEnd: Number(t.windows.publishEnd),
    commitEnd: Number(t.windows.commitEnd),
    revealEnd: Number(t.windows.revealEnd),
  };
  const ends = windowEnd(t.phase, t.windows);
  const closed = t.status !== "active";
  return {
    title: `Task #${t.id}`,
    body: h(
      "div",
      { "data-testid": "task", "data-task": t.id },
      h("h1", null, `Task #${t.id} `, phaseBadge(t.phase)),
      h(
        "p",
        { class: "lead" },
        "Spec ",
        cid(t.specCid),
        " by ",
        addressLink(t.creator),
        t.cancelReason && t.cancelReason !== "None" ? ` · cancelled: ${t.cancelReason}` : "",
      ),
      cards(
        card("reward pool", `${flock(t.rewardPool)} FLOCK`),
        card(
          "phase",
          h(
            "span",
            null,
            t.phase,
            ends !== undefined && !closed ? h("span", null, " · ", countdown(ends), " left") : "",
          ),
        ),
        card("submissions", `${t.counts.published} published / ${t.counts.trainers} committed`),
        card("validators", `${t.counts.revealed} revealed / ${t.counts.validators} committed`),
        card("min / spam score", `${score(t.minScore)} / ${score(t.spamScore)}`),
        card("creation fee · bond", `${flock(t.fee)} · ${flock(t.bond)} FLOCK`),
      ),
      panel(
        "Windows",
        null,
        windowsTimeline(w, Number(lb.asOf)),
        h(
          "p",
          { class: "muted small" },
          `submission from ${dateTime(w.submissionStart)} · reveal ends ${dateTime(w.revealEnd)} · as of block time ${dateTime(lb.asOf)}`,
        ),
      ),
      panel(
        "Money flow",
        null,
        closed
          ? moneyFlow(lb)
          : notice(
              `The pool of ${flock(t.rewardPool)} FLOCK is split at settlement: protocol fee and keeper bounty off the top, the rest between the ranked training nodes and the rewarded validators; slashed stake joins the pot of the honest side.`,
            ),
      ),
      panel(
        "Leaderboard",
        null,
        leaderboardTable(lb),
        h(
          "p",
          { class: "muted small" },
          "Consensus: the stake-weighted median of the validators' scores, in points of 100.",
        ),
      ),
      panel(
        "Scores",
        null,
        scoresPicture(lb) ?? notice(closed ? "No scores were revealed." : "No scores revealed yet."),
      ),
      panel("Validators", null, validatorsTable(lb)),
      panel("Slashes", null, slashesTable(lb)),
      t.settlement.paidTrainers !== null
        ? h(
            "p",
            { class: "muted small" },
            `${count(t.settlement.paidTrainers)} training nodes and ${count(t.settlement.rewardedValidators)} validators paid.`,
          )
        : null,
    ),
  };
}

const arena: Section = {
  id: "arena",
  title: "AI Arena",
  nav: [{ label: "Tasks", path: "/tasks" }],
  routes: [
    { path: "/tasks", render: tasksPage },
    { path: "/tasks/:id", render: taskPage },
  ],
  async overview(ctx) {
    const d = await gql<{ tasks: { totalCount: number; items: TaskRow[] } }>(TASKS_QUERY, { limit: 5 }, ctx.signal);
    return panel(
      "Latest AI Arena tasks",
      null,
      tasksTable(d.tasks.items, ctx.status.timestamp),
      link("/tasks", "All tasks →"),
    );
  },
};

export default arena;
