/**
 * The FLock Explorer: a single page served by the indexer (`indexer/src/api/explorer.ts`), reading only the indexer's
 * public endpoints. The frame — header, navigation, router, live updates, overview — is here; the content comes from
 * the sections in `sections/` (one file each, gathered by the build).
 *
 * Live: `/status` is asked every second (every 5 s while the tab is hidden); when a new block has been indexed, the page
 * shown is rebuilt for it and swapped in place, so new data appears within about a second of being indexed, without a
 * reload. `main[data-block]` names the block the page was built for.
 */
import { sections } from "flock:sections";
import { ApiError, gql, type IndexStatus, indexStatus } from "./lib/api.js";
import { h, link } from "./lib/dom.js";
import { count, dateTime, duration } from "./lib/format.js";
import { compile } from "./lib/router.js";
import type { PageContext, Rendered, Route } from "./lib/types.js";
import { card, cards, notice } from "./lib/ui.js";

const overview: Route = {
  path: "/",
  async render(ctx) {
    const d = await gql<{
      tasks: { totalCount: number };
      active: { totalCount: number };
      operators: { totalCount: number };
      accounts: { totalCount: number };
    }>(
      `{ tasks(limit: 1) { totalCount } active: tasks(limit: 1, where: { status: "active" }) { totalCount }
         operators(limit: 1) { totalCount } accounts(limit: 1) { totalCount } }`,
      {},
      ctx.signal,
    );
    const panels = await Promise.all(sections.filter((s) => s.overview).map((s) => s.overview!(ctx)));
    return {
      title: "Overview",
      body: h(
        "div",
        null,
        h("h1", null, "FLock protocol"),
        cards(
          card("indexed block", `#${ctx.status.block}`),
          card("chain time", dateTime(ctx.status.timestamp)),
          card("tasks", `${count(d.tasks.totalCount)} (${count(d.active.totalCount)} active)`),
          card("operators", count(d.operators.totalCount)),
          card("accounts", count(d.accounts.totalCount)),
        ),
        panels,
      ),
    };
  },
};

const notFound: Route = {
  path: "*",
  async render() {
    return {
      title: "Not found",
      body: h(
        "div",
        null,
        h("h1", null, "Page not found"),
        notice(h("span", null, "Nothing here. ", link("/", "Back to the overview"))),
      ),
    };
  },
};

const match = compile([overview, ...sections.flatMap((s) => s.routes)]);

// ── the frame ──
const main = h("main", { id: "page", "aria-live": "polite" });
const statusPill = h("span", { class: "status-pill", "data-testid": "index-status" }, "connecting…");
const search = h("input", {
  type: "search",
  name: "q",
  placeholder: "task id or 0x address",
  "aria-label": "go to a task or an account",
  autocomplete: "off",
});
const searchForm = h("form", { class: "search", role: "search" }, search);
searchForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const q = search.value.trim();
  if (/^\d+$/.test(q)) navigate(`/tasks/${q}`);
  else if (/^0x[0-9a-fA-F]{40}$/.test(q)) navigate(`/accounts/${q.toLowerCase()}`);
  else {
    search.setCustomValidity("a task id (digits) or an address (0x + 40 hex)");
    search.reportValidity();
  }
});
search.addEventListener("input", () => search.setCustomValidity(""));

const nav = h(
  "nav",
  { "aria-label": "sections" },
  link("/", "Overview"),
  sections.flatMap((s) => s.nav.map((n) => link(n.path, n.label))),
);
document.body.replaceChildren(
  h(
    "header",
    null,
    h("div", { class: "bar" }, link("/", h("span", { class: "logo" }, "FLock"), " Explorer"), statusPill),
    h("div", { class: "bar" }, nav, searchForm),
  ),
  main,
  h(
    "footer",
    null,
    "Built only from the indexer's public endpoints: ",
    h("a", { href: "/graphql" }, "/graphql"),
    ", /leaderboard/:id, /accounts/:address, /status.",
  ),
);

// ── state ──
let status: IndexStatus | null = null;
let statusSeenAt = 0;
/** the block the page shown was built for, and for which path */
let rendered: { block: number; path: string } | undefined;
let inFlight: AbortController | undefined;
let renderSeq = 0;

const chainNow = () => (status ? status.timestamp + (Date.now() - statusSeenAt) / 1000 : Date.now() / 1000);

async function refresh(): Promise<void> {
  const path = location.pathname;
  if (!status) {
    main.replaceChildren(notice("Waiting for the indexer's first block…"));
    return;
  }
  const st = status;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const seq = ++renderSeq;
  const m = match(path) ?? { route: notFound, params: {} };
  const ctx: PageContext = { params: m.params, status: st, chainNow, signal: controller.signal };
  let page: Rendered;
  try {
    page = await m.route.render(ctx);
  } catch (e) {
    if (controller.signal.aborted || seq !== renderSeq) return;
    const message = e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e);
    page = { title: "Error", body: notice(`Could not load this page: ${message}`, "error") };
  }
  if (controller.signal.aborted || seq !== renderSeq) return;
  const samePage = rendered?.path === path;
  main.replaceChildren(page.body);
  main.dataset.block = String(st.block);
  main.dataset.path = path;
  document.title = `${page.title} · FLock Explorer`;
  rendered = { block: st.block, path };
  tick();
  if (!samePage)
    for (const a of nav.querySelectorAll("a")) a.toggleAttribute("aria-current", a.getAttribute("href") === path);
}

function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, "", path);
  window.scrollTo(0, 0);
  main.setAttribute("aria-busy", "true");
  void refresh().finally(() => main.removeAttribute("aria-busy"));
}

document.addEventListener("click", (e) => {
  const a = (e.target as Element | null)?.closest?.("a[data-link]") as HTMLAnchorElement | null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin) return;
  e.preventDefault();
  navigate(url.pathname);
});
window.addEventListener("popstate", () => void refresh());

async function poll(): Promise<void> {
  try {
    const st = await indexStatus();
    if (st) {
      if (!status || st.block !== status.block) statusSeenAt = Date.now();
      status = st;
      statusPill.className = "status-pill live";
    }
    if (status && (!rendered || rendered.block !== status.block || rendered.path !== location.pathname))
      await refresh();
    else if (!status) await refresh();
  } catch {
    statusPill.className = "status-pill offline";
    statusPill.textContent = "indexer unreachable — retrying";
  } finally {
    setTimeout(poll, document.hidden ? 5000 : 1000);
  }
}
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) void poll();
});

/** Every second: the countdowns and the status pill. */
function tick(): void {
  const now = chainNow();
  for (const el of document.querySelectorAll<HTMLElement>("[data-deadline]")) {
    const left = Number(el.dataset.deadline) - now;
    el.textContent = left > 0 ? duration(left) : "ended";
  }
  if (status && statusPill.classList.contains("live")) {
    statusPill.textContent = `block #${status.block} · ${duration((Date.now() - statusSeenAt) / 1000)} ago`;
  }
}
setInterval(tick, 1000);

void poll();
