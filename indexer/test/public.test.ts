/**
 * The indexer's public face, end to end on a real anvil with the played scenario of `scenario.ts` and the real indexer
 * (PGlite):
 * - the Explorer in a real Chromium (Debian's `chromium`, driven by playwright-core; nothing downloaded): every page
 *   loads with no console error and no request off the origin, the tables equal GraphQL's rows and figures, a newly
 *   indexed block shows without a reload, phone width does not overflow; screenshots go to the folder printed at the
 *   start (`FLOCK_SCREENSHOTS_DIR`, default `.flock/screenshots/explorer`);
 * - how the bundle is served (content types, cache headers, ETags, gzip) and the JSON routes beside it;
 * - GraphQL under a hostile corpus (relation cycles, alias bombs, megabyte bodies, deep fragments, …): each refused with
 *   its GraphQL error while a small query keeps its latency, and the process stays up;
 * - the checkpoint-keyed response cache never serves a block's data stale once `/status` shows that block;
 * - `startIndexer` notices a dead indexer, restarts it on the same URL, and reports when it stays down.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { type Abi, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flockTokenAbi } from "../../generated/abis.js";
import { readDeployments } from "../../keeper/src/chain/deployments.js";
import { bps, flock, score } from "../explorer/lib/format.js";
import {
  type IndexerExitEvent,
  indexedBlock,
  type RunningIndexer,
  startIndexer,
  waitForIndexedBlock,
} from "../launch.js";
import { GRAPHQL_LIMITS } from "../src/api/limits.js";
import { type PlayedAlliance, playAlliance } from "./alliance-scenario.js";
import { type Anvil, deployProtocol, repoRoot, startAnvil } from "./chain.js";
import { gql } from "./graphql.js";
import { actors, Driver, runScenario, type ScenarioResult } from "./scenario.js";

const CHROMIUM = process.env.FLOCK_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.FLOCK_SCREENSHOTS_DIR ?? join(repoRoot, ".flock/screenshots/explorer");

let anvil: Anvil | undefined;
let scenario: ScenarioResult;
let driver: Driver;
let deploymentsPath: string;
let ix: RunningIndexer;
let alliance: PlayedAlliance;
const cleanups: (() => Promise<void> | void)[] = [];

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `flock-public-${label}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

beforeAll(async () => {
  if (!existsSync(join(repoRoot, "generated/explorer/manifest.json")))
    throw new Error("the Explorer is not built: run `npm run build` (it writes generated/explorer/)");
  anvil = await startAnvil();
  deploymentsPath = await deployProtocol(anvil.rpcUrl, `public-test-${process.pid}`);
  cleanups.push(() => rmSync(deploymentsPath, { force: true }));
  scenario = await runScenario(anvil.rpcUrl, deploymentsPath);
  driver = new Driver(anvil.rpcUrl, scenario.addresses);
  // an FL alliance too (the Arena's training nodes), for the FL Alliances section
  alliance = await playAlliance(driver, anvil.rpcUrl, scenario.actors, { register: false });
  scenario.lastBlock = driver.lastBlock;
  ix = await startIndexer({
    rpcUrl: anvil.rpcUrl,
    deploymentsPath,
    dataDir: tempDir("main"),
    port: 0,
    schema: `pub_${process.pid}`,
    readyTimeoutMs: 240_000,
  });
  cleanups.push(() => ix.stop());
  await waitForIndexedBlock(ix.url, scenario.lastBlock, 120_000);
}, 400_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await anvil?.stop();
}, 60_000);

/** One GraphQL POST, raw: status, body, headers. */
async function post(body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const res = await fetch(ix.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    ...(typeof body === "string" ? {} : { duplex: "half" }),
    signal: AbortSignal.timeout(60_000),
  } as RequestInit);
  const text = await res.text();
  let json: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, headers: res.headers };
}

const query = (q: string, variables: Record<string, unknown> = {}) => post(JSON.stringify({ query: q, variables }));

describe("the Explorer in Chromium", () => {
  let context: BrowserContext;
  const problems: string[] = [];
  const watch = (page: Page, label: string) => {
    const origin = new URL(ix.url).origin;
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${label}: console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`${label}: page error: ${e.message}`));
    page.on("requestfailed", (r) => {
      // a same-origin request cancelled by the page itself (a `/status` poll in flight when `goto` leaves the page, a
      // render superseded by a newer block) is not a failure
      if (r.failure()?.errorText === "net::ERR_ABORTED" && r.url().startsWith(origin)) return;
      problems.push(`${label}: request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on("request", (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith("data:")) problems.push(`${label}: request off the origin: ${u}`);
    });
  };
  /** Opens `path` fresh and waits until the page is built for the latest indexed block. */
  const open = async (page: Page, path: string) => {
    await page.goto(`${ix.url}${path}`);
    const block = await indexedBlock(ix.url);
    await page.waitForSelector(`main[data-path="${path}"][data-block="${block}"]`, { timeout: 20_000 });
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (tools/chromium.sh; .ci/run does it)`);
    mkdirSync(SHOTS, { recursive: true });
    console.log(`[explorer] screenshots in ${SHOTS}`);
    context = await chromium.launchPersistentContext(tempDir("chromium"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    cleanups.push(() => context.close());
  }, 60_000);

  it("loads every page, desktop and phone width, with no console error and nothing off the origin", async () => {
    const D = scenario.actors.delegator.address.toLowerCase();
    const V0 = scenario.actors.validators[0].address.toLowerCase();
    const pages = [
      "/",
      "/tasks",
      ...scenario.taskIds.map((id) => `/tasks/${id}`),
      "/operators",
      "/listings",
      ...scenario.listingIds.map((id) => `/listings/${id}`),
      "/alliances",
      `/alliances/${alliance.id}`,
      `/accounts/${V0}`,
      `/accounts/${D}`,
      "/governance",
      "/nowhere",
    ];
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      watch(page, label);
      for (const path of pages) {
        await open(page, path);
        expect(await page.title(), path).toMatch(/· FLock Explorer$/);
        // nothing wider than the screen: wide tables scroll inside their own box
        const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
        expect(overflow, `${label} ${path} is wider than the screen`).toBeLessThanOrEqual(0);
        await shot(page, `${label}${path === "/" ? "_home" : path.replace(/\//g, "_")}`);
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it("shows the FL alliance's rounds, updates, accuracy line and slashes as GraphQL has them", async () => {
    const page = await context.newPage();
    watch(page, "alliance");
    await open(page, `/alliances/${alliance.id}`);
    const g = await gql<{
      allianceRounds: { items: { round: number; outcome: string; globalConsensus: number }[] };
      allianceUpdates: { items: { round: number; proposer: string; excluded: boolean }[] };
      allianceSlashs: { items: { account: string; amount: string }[] };
    }>(
      ix.graphqlUrl,
      `query($id: BigInt!) {
        allianceRounds(where: { allianceId: $id }, orderBy: "round") { items { round outcome globalConsensus } }
        allianceUpdates(where: { allianceId: $id }) { items { round proposer excluded } }
        allianceSlashs(where: { allianceId: $id }) { items { account amount } }
      }`,
      { id: alliance.id.toString() },
    );
    const rounds = await page.$$eval('[data-testid="alliance-rounds"] tr[data-round]', (rs) =>
      rs.map((r) => ({ round: Number(r.getAttribute("data-round")), text: r.textContent ?? "" })),
    );
    expect(rounds.map((r) => r.round)).toEqual(g.allianceRounds.items.map((r) => r.round));
    for (const [i, r] of g.allianceRounds.items.entries())
      expect(rounds[i].text).toContain(r.outcome === "Accepted" ? "accepted" : "rejected");
    const excluded = await page.$$eval('[data-testid="alliance-updates"] tr[data-update]', (rs) =>
      rs.filter((r) => r.textContent?.includes("excluded")).map((r) => r.getAttribute("data-update")),
    );
    expect(excluded).toEqual(g.allianceUpdates.items.filter((u) => u.excluded).map((u) => `${u.round}:${u.proposer}`));
    expect(excluded).toEqual([`1:${alliance.damned.toLowerCase()}`]);
    // one point per scored round on the accuracy line
    const points = await page.$$eval(".line-chart circle.point", (cs) => cs.length);
    expect(points).toBe(g.allianceRounds.items.filter((r) => r.globalConsensus > 0).length);
    const slashed = await page.$$eval('[data-testid="alliance-slashes"] td[data-wei]', (cs) =>
      cs.map((c) => c.getAttribute("data-wei")),
    );
    expect(slashed.sort()).toEqual(g.allianceSlashs.items.map((x) => x.amount).sort());
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows every task's leaderboard, validators and slashes exactly as GraphQL has them", async () => {
    const page = await context.newPage();
    watch(page, "leaderboards");
    for (const id of scenario.taskIds) {
      await open(page, `/tasks/${id}`);
      const g = await gql<{
        submissions: {
          items: {
            trainer: string;
            rank: number | null;
            consensus: number | null;
            reward: string | null;
            slashed: string;
          }[];
        };
        taskValidators: {
          items: {
            validator: string;
            lockedStake: string;
            distance: number | null;
            reward: string | null;
            slashed: string;
          }[];
        };
        slashs: { items: { operator: string; reason: string; amount: string; toTreasury: string }[] };
      }>(
        ix.graphqlUrl,
        `query($id: BigInt!) {
          submissions(where: { taskId: $id }, limit: 100) { items { trainer rank consensus reward slashed commitSeq published } }
          taskValidators(where: { taskId: $id }, orderBy: "validatorIndex", limit: 100) { items { validator lockedStake distance reward slashed } }
          slashs(where: { taskId: $id }, limit: 100) { items { operator reason amount toTreasury } }
        }`,
        { id: String(id) },
      );
      const rows = await page.$$eval('[data-testid="leaderboard"] tbody tr[data-trainer]', (trs) =>
        trs.map((tr) => {
          const td = tr.querySelectorAll("td");
          return {
            trainer: tr.getAttribute("data-trainer"),
            rank: td[0]!.textContent,
            consensus: td[2]!.textContent,
            reward: td[3]!.textContent,
            rewardWei: td[3]!.getAttribute("data-wei"),
            slashed: td[4]!.textContent,
            slashedWei: td[4]!.getAttribute("data-wei"),
          };
        }),
      );
      // ranked first in rank order, then the rest: the same set of rows as GraphQL
      const ranked = g.submissions.items.filter((s) => s.rank !== null).sort((a, b) => a.rank! - b.rank!);
      expect(rows.slice(0, ranked.length).map((r) => r.trainer)).toEqual(ranked.map((s) => s.trainer));
      expect(rows.map((r) => r.trainer).sort()).toEqual(g.submissions.items.map((s) => s.trainer).sort());
      for (const s of g.submissions.items) {
        const r = rows.find((x) => x.trainer === s.trainer)!;
        expect(r.rank, `rank of ${s.trainer} in task ${id}`).toBe(s.rank === null ? "–" : String(s.rank + 1));
        expect(r.consensus).toBe(score(s.consensus));
        expect(r.reward).toBe(flock(s.reward));
        expect(r.rewardWei).toBe(s.reward ?? "");
        expect(r.slashed).toBe(flock(s.slashed));
        expect(r.slashedWei).toBe(s.slashed);
      }
      if (ranked.length) expect(rows[0]!.rank).toBe("1");

      const vals = await page.$$eval('[data-testid="validators"] tbody tr[data-validator]', (trs) =>
        trs.map((tr) => {
          const td = tr.querySelectorAll("td");
          return {
            validator: tr.getAttribute("data-validator"),
            stakeWei: td[1]!.getAttribute("data-wei"),
            distance: td[3]!.textContent,
            rewardWei: td[5]!.getAttribute("data-wei"),
            slashedWei: td[6]!.getAttribute("data-wei"),
          };
        }),
      );
      expect(vals).toEqual(
        g.taskValidators.items.map((v) => ({
          validator: v.validator,
          stakeWei: v.lockedStake,
          distance: score(v.distance),
          rewardWei: v.reward ?? "",
          slashedWei: v.slashed,
        })),
      );
      const slashes = await page.$$eval('[data-testid="slashes"] tbody tr[data-account]', (trs) =>
        trs.map((tr) => ({
          account: tr.getAttribute("data-account"),
          reason: tr.querySelectorAll("td")[1]!.querySelector("b")?.textContent ?? null,
          amountWei: tr.querySelectorAll("td")[2]!.getAttribute("data-wei"),
        })),
      );
      const byKey = (a: { account: string | null; amountWei: string | null }, b: typeof a) =>
        `${a.account}${a.amountWei}`.localeCompare(`${b.account}${b.amountWei}`);
      expect(slashes.sort(byKey)).toEqual(
        g.slashs.items.map((x) => ({ account: x.operator, reason: x.reason, amountWei: x.amount })).sort(byKey),
      );
      if (id === scenario.taskIds[0]) {
        expect(slashes.map((s) => s.reason).sort()).toEqual(["Deviation", "Spam"]);
        // the money flow of a settled task is drawn, and balances to the wei (no "not itemised" rest)
        const flow = await page.textContent('[data-testid="money-flow"]');
        expect(flow).toContain("training nodes");
        expect(flow).not.toContain("not itemised");
      }
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the operators and an account's pool as GraphQL and the JSON route have them", async () => {
    const page = await context.newPage();
    watch(page, "accounts");
    await open(page, "/operators");
    const ops = await gql<{ operators: { items: { address: string; bondedAssets: string; commissionBps: number }[] } }>(
      ix.graphqlUrl,
      `{ operators(orderBy: "bondedAssets", orderDirection: "desc", limit: 100) { items { address bondedAssets commissionBps } } }`,
    );
    const shown = await page.$$eval('[data-testid="operators"] tbody tr[data-operator]', (trs) =>
      trs.map((tr) => ({
        address: tr.getAttribute("data-operator"),
        bondedAssets: tr.querySelectorAll("td")[2]!.getAttribute("data-wei"),
        commission: tr.querySelectorAll("td")[5]!.textContent,
      })),
    );
    expect(shown).toEqual(
      ops.operators.items.map((o) => ({
        address: o.address,
        bondedAssets: o.bondedAssets,
        commission: bps(o.commissionBps),
      })),
    );

    const D = scenario.actors.delegator.address.toLowerCase();
    await open(page, `/accounts/${D}`);
    const summary = (await (await fetch(`${ix.url}/accounts/${D}`)).json()) as {
      balance: string;
      delegations: { operator: string; assets: string }[];
      unbondings: { entryId: string }[];
    };
    expect(await page.getAttribute('[data-testid="balance"]', "data-wei")).toBe(summary.balance);
    const positions = await page.$$eval('[data-testid="positions"] tbody tr[data-pool]', (trs) =>
      trs.map((tr) => ({
        operator: tr.getAttribute("data-pool"),
        assets: tr.querySelectorAll("td")[1]!.getAttribute("data-wei"),
      })),
    );
    expect(positions.sort((a, b) => a.operator!.localeCompare(b.operator!))).toEqual(
      summary.delegations
        .map((d) => ({ operator: d.operator, assets: d.assets }))
        .sort((a, b) => a.operator.localeCompare(b.operator)),
    );
    expect(await page.$$eval('[data-testid="unbondings"] tbody tr[data-entry]', (t) => t.length)).toBe(
      summary.unbondings.length,
    );
    // an operator's delegators: the delegator is one of validator-1's
    const V0 = scenario.actors.validators[0].address.toLowerCase();
    await open(page, `/accounts/${V0}`);
    expect(
      await page.$$eval('[data-testid="delegators"] tbody tr[data-delegator]', (t) =>
        t.map((x) => x.getAttribute("data-delegator")),
      ),
    ).toContain(D);
    // links work inside the page (no reload): from the account to a task
    const marker = await page.evaluate("window.__m = Math.random()");
    await page.click('a[href="/tasks/1"]');
    await page.waitForSelector('main[data-path="/tasks/1"]');
    expect(await page.evaluate("window.__m")).toBe(marker);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the marketplace: listings, purchases, revenue per contributor and the lineage as GraphQL has them", async () => {
    const page = await context.newPage();
    watch(page, "market");
    const id = scenario.listingIds[0];
    await open(page, "/listings");
    expect(await page.$$eval('[data-testid="listings"] tbody tr[data-listing]', (t) => t.length)).toBe(
      scenario.listingIds.length,
    );
    await open(page, `/listings/${id}`);
    const g = await gql<{
      listing: { revenue: string; accPerShare: string; contributors: number };
      purchases: { items: { id: string; cost: string }[] };
      revenueShares: { items: { account: string; shares: string; claimed: string }[] };
      lineageEdges: { items: { depth: number }[] };
    }>(
      ix.graphqlUrl,
      `query($id: BigInt!) { listing(id: $id) { revenue accPerShare contributors }
         purchases(where: { listingId: $id }, limit: 100) { items { id cost } }
         revenueShares(where: { listingId: $id }, limit: 500) { items { account shares claimed } }
         lineageEdges(where: { listingId: $id }) { items { depth } } }`,
      { id: String(id) },
    );
    expect(await page.getAttribute('[data-testid="listing-revenue"]', "data-wei")).toBe(g.listing.revenue);
    expect(BigInt(g.listing.revenue)).toBe(parseEther("30"));
    const purchases = await page.$$eval('[data-testid="purchases"] tbody tr[data-purchase]', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute("data-purchase"),
        cost: tr.querySelectorAll("td")[2]!.getAttribute("data-wei"),
      })),
    );
    expect(purchases.sort((a, b) => a.id!.localeCompare(b.id!))).toEqual(
      g.purchases.items.map((p) => ({ id: p.id, cost: p.cost })).sort((a, b) => a.id.localeCompare(b.id)),
    );
    // revenue per contributor: accrued = shares × accPerShare / 1e18, and what was claimed
    const rows = await page.$$eval('[data-testid="revenue"] tbody tr[data-contributor]', (trs) =>
      trs.map((tr) => ({
        account: tr.getAttribute("data-contributor")!,
        accrued: tr.querySelectorAll("td")[3]!.getAttribute("data-wei"),
        claimed: tr.querySelectorAll("td")[4]!.getAttribute("data-wei"),
      })),
    );
    expect(rows).toHaveLength(g.listing.contributors);
    const acc = BigInt(g.listing.accPerShare);
    expect(rows.sort((a, b) => a.account.localeCompare(b.account))).toEqual(
      g.revenueShares.items
        .map((s) => ({
          account: s.account,
          accrued: String((BigInt(s.shares) * acc) / 10n ** 18n),
          claimed: s.claimed,
        }))
        .sort((a, b) => a.account.localeCompare(b.account)),
    );
    const V0 = scenario.actors.validators[0].address.toLowerCase();
    expect(BigInt(rows.find((r) => r.account === V0)?.claimed ?? 0)).toBeGreaterThan(0n);
    // the lineage picture: one box per level, one dot per contributor shown
    expect(await page.$$eval('[data-testid="lineage"] svg g.lineage-node', (t) => t.length)).toBe(
      g.lineageEdges.items.length,
    );
    expect(await page.$$eval('[data-testid="lineage"] svg circle.lineage-dot', (t) => t.length)).toBe(
      Math.min(8, g.listing.contributors),
    );
    expect(await page.$$eval('[data-testid="money-flow"] svg path.band', (t) => t.length)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows a newly indexed block's data without a reload, within about two seconds", async () => {
    const page = await context.newPage();
    watch(page, "live");
    await open(page, "/tasks");
    const marker = await page.evaluate("window.__m = Math.random()");
    const before = await page.$$eval('[data-testid="tasks"] tbody tr[data-task]', (t) => t.length);
    const { creator } = actors();
    const task = await driver.createTask(creator, { spec: "bafy-spec-live", evalCid: "bafy-eval-live", startIn: 3600 });
    const block = Number(driver.lastBlock);
    // when the index has the block (polled here every 20 ms) and when the page shows it
    const poll = (async () => {
      while (((await indexedBlock(ix.url)) ?? 0) < block) await new Promise((r) => setTimeout(r, 20));
      return Date.now();
    })();
    await page.waitForSelector(`[data-testid="tasks"] tr[data-task="${task.id}"]`, { timeout: 15_000 });
    const shownAt = Date.now();
    const indexedAt = await poll;
    const lag = shownAt - indexedAt;
    console.log(`[explorer] task ${task.id} shown ${lag} ms after its block was indexed`);
    expect(lag).toBeLessThan(2_500);
    expect(await page.evaluate("window.__m")).toBe(marker); // no reload
    expect(await page.$$eval('[data-testid="tasks"] tbody tr[data-task]', (t) => t.length)).toBe(before + 1);
    expect(await page.textContent(`tr[data-task="${task.id}"]`)).toContain("Created");
    await shot(page, "live_new_task");
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

describe("serving the Explorer beside the JSON routes", () => {
  it("serves the page, its hashed assets and the JSON routes with the right types and cache headers", async () => {
    const page = await fetch(`${ix.url}/tasks/1`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await page.text();
    const js = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const css = /href="(\/assets\/style-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    expect(js && css).toBeTruthy();
    for (const [path, type] of [
      [js!, "text/javascript; charset=utf-8"],
      [css!, "text/css; charset=utf-8"],
    ]) {
      const res = await fetch(`${ix.url}${path}`, { headers: { "accept-encoding": "gzip" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("content-encoding")).toBe("gzip");
      const etag = res.headers.get("etag")!;
      expect((await fetch(`${ix.url}${path}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    }
    expect((await fetch(`${ix.url}/assets/app-NOTHERE.js`)).status).toBe(404);
    // the same path asked for data is the JSON route; the Explorer's deep link is the page
    const D = scenario.actors.delegator.address.toLowerCase();
    for (const accept of ["application/json", "*/*"]) {
      const res = await fetch(`${ix.url}/accounts/${D}`, { headers: { accept } });
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.headers.get("vary")).toMatch(/accept/i);
    }
    expect(
      (await fetch(`${ix.url}/accounts/${D}`, { headers: { accept: "text/html" } })).headers.get("content-type"),
    ).toMatch(/^text\/html/);
    // GraphQL lives at /graphql only; / is the page, and POST / is no GraphQL
    expect((await fetch(`${ix.url}/`, { method: "POST", body: "{}" })).status).toBe(404);
    expect(
      (await fetch(`${ix.url}/leaderboard/1`, { headers: { accept: "text/html" } })).headers.get("content-type"),
    ).toMatch(/^application\/json/);
  });
});

describe("GraphQL under hostile queries", () => {
  it("refuses a hostile corpus with clear GraphQL errors, keeps a small query fast, and never dies", async () => {
    const nest = (levels: number, limit: number) => {
      let q = "score";
      for (let i = 0; i < levels - 1; i++) q = `task { scores(limit: ${limit}) { items { ${q} } } }`;
      return `{ scores(limit: ${limit}) { items { ${q} } } }`;
    };
    const aliasBomb = (n: number, inner: string) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${inner}`).join(" ")} }`;
    const fragmentChain = (n: number) =>
      `{ tasks(limit: 1) { items { ...f0 } } } ${Array.from({ length: n }, (_, i) => `fragment f${i} on task { id ...f${i + 1} ...f${i + 1} }`).join(" ")} fragment f${n} on task { id submissions(limit: 10) { items { trainer } } }`;
    const corpus: { name: string; send: () => ReturnType<typeof post>; status: number; code: string }[] = [
      { name: "relation cycle 12 deep, limit 100", send: () => query(nest(12, 100)), status: 200, code: "DEPTH_LIMIT" },
      { name: "relation cycle 7 deep, limit 100", send: () => query(nest(7, 100)), status: 200, code: "COST_LIMIT" },
      { name: "relation cycle 3 deep, limit 1000", send: () => query(nest(3, 1000)), status: 200, code: "COST_LIMIT" },
      {
        name: "alias bomb: 30 × tasks(1000) › submissions(1000)",
        send: () =>
          query(aliasBomb(30, "tasks(limit: 1000) { items { submissions(limit: 1000) { items { trainer } } } }")),
        status: 200,
        code: "COST_LIMIT",
      },
      {
        name: "alias bomb: 60 aliases",
        send: () => query(aliasBomb(60, 'task(id: "1") { id }')),
        status: 200,
        code: "ALIAS_LIMIT",
      },
      {
        name: "alias bomb: 500 aliases (too many tokens)",
        send: () => query(aliasBomb(500, 'task(id: "1") { id }')),
        status: 200,
        code: "TOKEN_LIMIT",
      },
      {
        name: "token bomb: 5,000 fields",
        send: () => query(`{ tasks { items { ${"id ".repeat(5000)} } } }`),
        status: 200,
        code: "TOKEN_LIMIT",
      },
      {
        name: "deep fragments: 2^30 expansions",
        send: () => query(fragmentChain(30)),
        status: 200,
        code: "COST_LIMIT",
      },
      {
        name: "fragment cycle",
        send: () => query("{ tasks { items { ...a } } } fragment a on task { ...b } fragment b on task { ...a }"),
        status: 200,
        code: "GRAPHQL_VALIDATION_FAILED",
      },
      {
        name: "introspection bomb",
        send: () =>
          query("{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }"),
        status: 200,
        code: "COST_LIMIT",
      },
      {
        name: "a megabyte document",
        send: () => post(JSON.stringify({ query: `{ tasks { items { id } } } # ${"x".repeat(1 << 20)}` })),
        status: 413,
        code: "BODY_TOO_LARGE",
      },
      {
        name: "a megabyte streamed without content-length",
        send: () =>
          post(
            new ReadableStream({
              start(c) {
                for (let i = 0; i < 16; i++) c.enqueue(new Uint8Array(64 * 1024).fill(32));
                c.close();
              },
            }),
          ),
        status: 413,
        code: "BODY_TOO_LARGE",
      },
      {
        name: "a batch",
        send: () => post(JSON.stringify([{ query: "{ tasks { items { id } } }" }])),
        status: 400,
        code: "BAD_REQUEST",
      },
    ];
    const small = async () => {
      const t = performance.now();
      // a variable the query does not use makes every request miss the response cache: the real work is measured
      const r = await query('{ task(id: "1") { id status rewardPool } }', { nonce: Math.random() });
      expect(r.json.data, JSON.stringify(r.json.errors)).toBeTruthy();
      return performance.now() - t;
    };
    const sample = async (ms: number) => {
      const out: number[] = [];
      const end = Date.now() + ms;
      while (Date.now() < end) out.push(await small());
      return out.sort((a, b) => a - b);
    };
    const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

    await sample(500); // warm up
    const base = await sample(3_000);

    // the attack: every hostile request of the corpus, 4 rounds, 3 at a time, plus the heaviest queries that are
    // allowed (just under the row limit, each an 11,000-row snapshot-sized answer) in parallel
    let stop = false;
    const refusals: string[] = [];
    const attacker = async () => {
      for (let round = 0; round < 4 && !stop; round++) {
        for (const h of corpus) {
          const t = performance.now();
          const r = await h.send();
          const code = r.json.errors?.[0]?.extensions?.code;
          expect(`${h.name}: ${r.status} ${code}`).toBe(`${h.name}: ${h.status} ${h.code}`);
          expect(performance.now() - t, `${h.name} took too long to refuse`).toBeLessThan(2_000);
          refusals.push(`${h.name} → ${code}: ${r.json.errors?.[0]?.message.slice(0, 120)}`);
        }
      }
    };
    const heavy = async () => {
      const codes: string[] = [];
      while (!stop) {
        const r = await query(
          `{ submissions(limit: 1000) { items { trainer taskId } } scores(limit: 1000) { items { score } } n${Math.floor(Math.random() * 1e9)}: tokenTransfers(limit: 1000) { items { id } } }`,
        );
        codes.push(r.json.errors?.[0]?.extensions?.code ?? String(r.status));
      }
      return codes;
    };
    const during = (async () => {
      const xs = await sample(6_000);
      stop = true;
      return xs;
    })();
    const [attack, , heavyCodes] = await Promise.all([
      during,
      Promise.all([attacker(), attacker(), attacker()]),
      Promise.all([heavy(), heavy(), heavy()]),
    ]);
    const [b50, b95, a50, a95] = [pct(base, 0.5), pct(base, 0.95), pct(attack, 0.5), pct(attack, 0.95)];
    console.log(
      `[graphql] small query before: p50 ${b50.toFixed(1)} ms, p95 ${b95.toFixed(1)} ms (${base.length}); under attack: p50 ${a50.toFixed(1)} ms, p95 ${a95.toFixed(1)} ms (${attack.length}); ${refusals.length} hostile requests refused; heavy lane answers: ${tally(heavyCodes.flat())}`,
    );
    for (const h of corpus) console.log(`  ${refusals.find((r) => r.startsWith(`${h.name} →`))}`);
    expect(refusals.length).toBe(corpus.length * 4 * 3);
    // the small query answers within its usual latency while the attack runs: p95 at most 3× its own plus 50 ms (and
    // never held to less than 150 ms on this shared machine); unprotected, it stopped answering at all
    expect(a95).toBeLessThan(Math.max(3 * b95 + 50, 150));
    // still alive, never restarted, and still answering correctly
    expect(ix.alive()).toBe(true);
    expect(ix.restarts).toBe(0);
    expect((await fetch(`${ix.url}/health`)).status).toBe(200);
    expect(GRAPHQL_LIMITS.maxRows).toBeGreaterThan(11_000);
  }, 120_000);
});

describe("the response cache", () => {
  it("never serves a block's data stale once /status shows that block", async () => {
    const { creator, keeper } = actors();
    const Q = "{ tokens { items { totalSupply } } account(address: $a) { balance } }".replace(
      "$a",
      `"${keeper.address.toLowerCase()}"`,
    );
    const supply = () => driver.read<bigint>(scenario.addresses.FlockToken, flockTokenAbi as Abi, "totalSupply");
    let hits = 0;
    let hammering = true;
    // keep the cache hot: the same query, over and over, from two clients
    const hammer = async () => {
      while (hammering) {
        const r = await query(Q);
        if (r.headers.get("x-flock-cache") === "hit") hits++;
      }
    };
    const hammers = [hammer(), hammer()];
    try {
      for (let step = 0; step < 8; step++) {
        await driver.token(creator, "mint", [keeper.address, parseEther("1")]);
        const block = Number(driver.lastBlock);
        const expected = await supply();
        await waitForIndexedBlock(ix.url, block, 30_000);
        const r = await query(Q);
        const d = r.json.data as { tokens: { items: { totalSupply: string }[] } };
        expect(BigInt(d.tokens.items[0]!.totalSupply), `step ${step}: block ${block}`).toBe(expected);
      }
    } finally {
      // stopped whatever happens: a hammer left running would hit the indexer after the suite stops it
      hammering = false;
      await Promise.allSettled(hammers);
    }
    expect(hits).toBeGreaterThan(20);
  }, 120_000);
});

describe("a dead indexer", () => {
  it("is noticed, restarted on the same URL, and reported when it stays down", async () => {
    // its own small chain (the protocol and one task): what is tested is the supervision, not a long backfill
    const small = await startAnvil();
    cleanups.push(() => small.stop());
    const smallDeployments = await deployProtocol(small.rpcUrl, `public-restart-${process.pid}`);
    cleanups.push(() => rmSync(smallDeployments, { force: true }));
    const d = new Driver(small.rpcUrl, readDeployments(smallDeployments).contracts);
    const { creator } = actors();
    await d.token(creator, "mint", [creator.address, parseEther("10000")]);
    await d.token(creator, "approve", [d.addresses.ArenaTasks, 2n ** 256n - 1n]);
    await d.createTask(creator, { spec: "bafy-spec-restart", evalCid: "bafy-eval-restart" });
    const events: IndexerExitEvent[] = [];
    const second = await startIndexer({
      rpcUrl: small.rpcUrl,
      deploymentsPath: smallDeployments,
      dataDir: tempDir("restart"),
      port: 0,
      schema: `pub_r_${process.pid}`,
      readyTimeoutMs: 240_000,
      restart: { maxRestarts: 1, windowMs: 600_000 },
      onExit: (e) => events.push(e),
      env: { FLOCK_GRAPHQL_TIME_LIMIT_MS: "1" },
    });
    cleanups.push(() => second.stop());
    const head = Number(await d.head());
    await waitForIndexedBlock(second.url, head, 120_000);
    // (its GraphQL time limit is 1 ms: reading the checkpoint alone takes longer, so a request that misses the cache is
    // answered with the limit's error and not run)
    const timed = await fetch(second.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ tasks { items { id } } }" }),
    });
    expect(timed.status).toBe(503);
    expect(((await timed.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      "TIMEOUT",
    );
    const first = second.pid;
    process.kill(-first, "SIGKILL"); // as the kernel's OOM killer would
    await until(() => events.length === 1, 10_000);
    expect(events[0]).toMatchObject({ pid: first, signal: "SIGKILL", restarting: true, restarts: 1 });
    expect(events[0]!.message).toMatch(/was killed by SIGKILL/);
    await until(async () => (await fetch(`${second.url}/ready`).catch(() => undefined))?.status === 200, 120_000);
    expect(second.pid).not.toBe(first);
    expect(second.alive()).toBe(true);
    await waitForIndexedBlock(second.url, head, 120_000);
    const count = await d.readArena<bigint>("taskCount");
    expect(count).toBe(1n);
    const last = (await (await fetch(`${second.url}/leaderboard/${count}`)).json()) as { task: { id: string } };
    expect(last.task.id).toBe(String(count)); // resumed: the newest task is there
    // the second death is one too many: reported, and `done` says how it died
    process.kill(-second.pid, "SIGKILL");
    const done = await second.done;
    expect(done).toMatchObject({ signal: "SIGKILL" });
    expect(events[1]).toMatchObject({ restarting: false, restarts: 1 });
    expect(events[1]!.message).toMatch(/not restarting .*it is down/);
    expect(second.alive()).toBe(false);
    await expect(fetch(`${second.url}/health`)).rejects.toThrow();
  }, 400_000);
});

/** "BUSY×3, 200×12" */
function tally(codes: string[]): string {
  const m = new Map<string, number>();
  for (const c of codes) m.set(c, (m.get(c) ?? 0) + 1);
  return [...m].map(([k, v]) => `${k}×${v}`).join(", ");
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
