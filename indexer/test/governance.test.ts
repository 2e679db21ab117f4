/**
 * Governance in the index: a real anvil with the protocol deployed on the devnet's governance clock, a proposal passed
 * with staked FLOCK (queued, executed), another one cancelled, and the real indexer (PGlite; and PostgreSQL when
 * FLOCK_TEST_DATABASE_URL is set). GraphQL must say what the governor's views and events say: proposals with tallies,
 * quorum, eta and decoded actions; every vote with weight and reason; the lifecycle events; the parameter history; the
 * voting-power changes (wallet delegation and stake).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { encodeFunctionData, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flockGovernorAbi, flockVotesAbi, protocolConfigAbi } from "../../generated/abis.js";
import { warpTo } from "../../keeper/src/devnet/anvil.js";
import type { Node } from "../../keeper/src/node.js";
import {
  castVote,
  delegateVotes,
  executeProposal,
  propose,
  queueProposal,
  showProposal,
} from "../../keeper/src/roles/governance.js";
import { delegate, stake } from "../../keeper/src/roles/staking.js";
import { actorNode, type DevChain, FLOCK, fund, startDevChain } from "../../keeper/test/helpers/devchain.js";
import { indexedBlock, startIndexer, waitForIndexedBlock } from "../launch.js";
import { gql } from "./graphql.js";
import { createTempDatabase } from "./pgdb.js";

const backends: { name: string; databaseUrl?: string }[] = [{ name: "PGlite" }];
if (process.env.FLOCK_TEST_DATABASE_URL)
  backends.push({ name: "PostgreSQL", databaseUrl: process.env.FLOCK_TEST_DATABASE_URL });

let dir: string;
let chain: DevChain;
const nodes: Node[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
let passed: bigint;
let cancelled: bigint;
let head: bigint;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-indexer-gov-"));
  chain = await startDevChain(join(dir, "chain"));
  const node = (name: Parameters<typeof actorNode>[1]) => {
    const n = actorNode(chain, name);
    nodes.push(n);
    return n;
  };
  const [deployer, v1, v2, delegator, creator] = (
    ["deployer", "validator-1", "validator-2", "delegator", "creator"] as const
  ).map(node);
  await fund(deployer, chain, [
    ["validator-1", FLOCK(20_000)],
    ["validator-2", FLOCK(20_000)],
    ["delegator", FLOCK(10_000)],
    ["creator", FLOCK(2_000)],
  ]);
  await stake(v1, { role: "validator", amount: FLOCK(10_000), commissionBps: 1000 });
  await stake(v2, { role: "validator", amount: FLOCK(9_000), commissionBps: 1000 });
  await delegate(delegator, chain.cast["validator-1"].address, FLOCK(5_000));
  await delegateVotes(creator);
  const now = () => deployer.protocol.now();
  await warpTo(chain.url, (await now()) + 1);

  // one proposal passes: two parameters in one go
  const p = await propose(
    v1,
    ["NON_REVEAL_SLASH_BPS=1500", "TASK_CREATION_FEE=25"],
    "Raise the non-reveal slash and the task fee",
  );
  passed = p.proposalId;
  // another is cancelled by its proposer before its vote opens
  const c = await propose(v2, ["MIN_WINDOW=120"], "Longer windows");
  cancelled = c.proposalId;
  await v2.chain.write({
    address: chain.deployments.contracts.FlockGovernor,
    abi: flockGovernorAbi,
    functionName: "cancel",
    args: [
      [chain.deployments.contracts.ProtocolConfig],
      [0n],
      [encodeFunctionData({ abi: protocolConfigAbi, functionName: "set", args: [c.changes[0].key, c.changes[0].to] })],
      keccak256(toHex("Longer windows")),
    ],
    label: "cancel",
  });

  await warpTo(chain.url, Number(p.voteStart) + 1);
  await castVote(v1, passed, "for", "slash lazy validators harder");
  await castVote(delegator, passed, "for");
  await castVote(v2, passed, "against", "fees are high enough");
  await castVote(creator, passed, "abstain");
  await warpTo(chain.url, Number(p.voteEnd) + 1);
  const q = await queueProposal(deployer, passed);
  await warpTo(chain.url, Number(q.eta));
  const receipt = await executeProposal(deployer, passed);
  expect(receipt.changed.map((c) => c.name)).toEqual(["NON_REVEAL_SLASH_BPS", "TASK_CREATION_FEE"]);
  head = await deployer.protocol.blockNumber();
}, 240_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  for (const n of nodes) await n.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const QUERY = `query($passed: BigInt!, $cancelled: BigInt!) {
  passed: proposal(id: $passed) {
    id proposer description state voteStart voteEnd forVotes againstVotes abstainVotes voters quorum succeeded eta
    actions params executedTx
    votes(orderBy: "id", limit: 10) { items { voter support weight reason } }
    events(orderBy: "id", limit: 10) { items { kind time } }
  }
  cancelled: proposal(id: $cancelled) { state canceledAt voters events { items { kind } } }
  governors { items { votingDelay votingPeriod proposalThreshold quorumNumerator lateQuorumExtension timelock proposals } }
  parameterChanges(where: { oldValue_not: null }, orderBy: "id", limit: 10) { items { name oldValue newValue } }
  parameters(where: { name_in: ["NON_REVEAL_SLASH_BPS", "TASK_CREATION_FEE"] }, orderBy: "name") {
    items { name value changes }
  }
  votingPowerChanges(orderBy: "id", limit: 100) { items { account source reason operator delta newVotes } }
}`;

interface Result {
  passed: {
    proposer: string;
    description: string;
    state: string;
    voteStart: string;
    voteEnd: string;
    forVotes: string;
    againstVotes: string;
    abstainVotes: string;
    voters: number;
    quorum: string;
    succeeded: boolean;
    eta: string;
    actions: { target: string; call: string; param?: { name: string; value: string } }[];
    params: string[];
    executedTx: string;
    votes: { items: { voter: string; support: string; weight: string; reason: string }[] };
    events: { items: { kind: string; time: string | null }[] };
  };
  cancelled: { state: string; canceledAt: string; voters: number; events: { items: { kind: string }[] } };
  governors: { items: Record<string, string | number>[] };
  parameterChanges: { items: { name: string; oldValue: string; newValue: string }[] };
  parameters: { items: { name: string; value: string; changes: number }[] };
  votingPowerChanges: {
    items: {
      account: string | null;
      source: string;
      reason: string;
      operator: string | null;
      delta: string;
      newVotes: string | null;
    }[];
  };
}

const CHROMIUM = process.env.FLOCK_CHROMIUM ?? "/usr/bin/chromium";

describe.each(backends)("governance in the index on $name", ({ name, databaseUrl: serverUrl }) => {
  let graphqlUrl: string;
  let indexerUrl: string;
  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (serverUrl) {
      const db = await createTempDatabase(serverUrl, `flock_gov_test_${process.pid}`);
      cleanups.push(() => db.drop());
      databaseUrl = db.url;
    }
    const ix = await startIndexer({
      rpcUrl: chain.url,
      deploymentsPath: chain.deploymentsPath,
      dataDir: mkdtempSync(join(dir, `ix-${name}-`)),
      port: 0,
      databaseUrl,
      schema: `gov_${name.toLowerCase()}_${process.pid}`,
      readyTimeoutMs: 240_000,
      mineForReady: true,
    });
    cleanups.push(() => ix.stop());
    await waitForIndexedBlock(ix.url, head, 120_000);
    graphqlUrl = ix.graphqlUrl;
    indexerUrl = ix.url;
  }, 300_000);

  it("has the proposals, votes, lifecycle, parameter history and voting-power changes the chain has", async () => {
    const d = await gql<Result>(graphqlUrl, QUERY, { passed: passed.toString(), cancelled: cancelled.toString() });
    const chainView = await showProposal(nodes[0], passed);
    const { cast } = chain;
    const lc = (a: string) => a.toLowerCase();

    expect(d.passed).toMatchObject({
      proposer: lc(cast["validator-1"].address),
      description: "Raise the non-reveal slash and the task fee",
      state: "executed",
      voteStart: chainView.voteStart.toString(),
      voteEnd: chainView.voteEnd.toString(),
      forVotes: chainView.tally.for.toString(),
      againstVotes: chainView.tally.against.toString(),
      abstainVotes: chainView.tally.abstain.toString(),
      voters: 4,
      quorum: chainView.quorum?.toString(),
      succeeded: true,
      eta: chainView.eta?.toString(),
      params: ["NON_REVEAL_SLASH_BPS", "TASK_CREATION_FEE"],
    });
    expect(d.passed.forVotes).toBe(FLOCK(15_000).toString());
    expect(d.passed.againstVotes).toBe(FLOCK(9_000).toString());
    expect(d.passed.actions.map((a) => a.call)).toEqual([
      "ProtocolConfig.set(NON_REVEAL_SLASH_BPS, 1500)",
      `ProtocolConfig.set(TASK_CREATION_FEE, ${FLOCK(25)})`,
    ]);
    expect(d.passed.votes.items).toEqual([
      {
        voter: lc(cast["validator-1"].address),
        support: "for",
        weight: FLOCK(10_000).toString(),
        reason: "slash lazy validators harder",
      },
      { voter: lc(cast.delegator.address), support: "for", weight: FLOCK(5_000).toString(), reason: "" },
      {
        voter: lc(cast["validator-2"].address),
        support: "against",
        weight: FLOCK(9_000).toString(),
        reason: "fees are high enough",
      },
      { voter: lc(cast.creator.address), support: "abstain", weight: FLOCK(2_000).toString(), reason: "" },
    ]);
    expect(d.passed.events.items).toEqual([
      { kind: "queued", time: chainView.eta?.toString() },
      { kind: "executed", time: null },
    ]);
    expect(d.cancelled).toMatchObject({ state: "canceled", voters: 0, events: { items: [{ kind: "canceled" }] } });

    expect(d.governors.items).toEqual([
      {
        votingDelay: "60",
        votingPeriod: "600",
        proposalThreshold: FLOCK(1_000).toString(),
        quorumNumerator: "4",
        lateQuorumExtension: "120",
        timelock: lc(chain.deployments.contracts.TimelockController),
        proposals: 2,
      },
    ]);
    // the parameter history: the two changes the timelock made
    expect(d.parameterChanges.items).toEqual([
      { name: "NON_REVEAL_SLASH_BPS", oldValue: "1000", newValue: "1500" },
      { name: "TASK_CREATION_FEE", oldValue: FLOCK(10).toString(), newValue: FLOCK(25).toString() },
    ]);
    expect(d.parameters.items).toEqual([
      { name: "NON_REVEAL_SLASH_BPS", value: "1500", changes: 1 },
      { name: "TASK_CREATION_FEE", value: FLOCK(25).toString(), changes: 1 },
    ]);

    // voting power: the stakes (counted for the staker, the delegator's included) and the creator's wallet delegation
    const changes = d.votingPowerChanges.items;
    const stakes = changes.filter((c) => c.source === "stake");
    expect(stakes).toEqual([
      {
        account: lc(cast["validator-1"].address),
        source: "stake",
        reason: "stake",
        operator: lc(cast["validator-1"].address),
        delta: FLOCK(10_000).toString(),
        newVotes: null,
      },
      {
        account: lc(cast["validator-2"].address),
        source: "stake",
        reason: "stake",
        operator: lc(cast["validator-2"].address),
        delta: FLOCK(9_000).toString(),
        newVotes: null,
      },
      {
        account: lc(cast.delegator.address),
        source: "stake",
        reason: "stake",
        operator: lc(cast["validator-1"].address),
        delta: FLOCK(5_000).toString(),
        newVotes: null,
      },
    ]);
    expect(changes.filter((c) => c.source === "wallet")).toEqual([
      {
        account: lc(cast.creator.address),
        source: "wallet",
        reason: "delegated votes",
        operator: null,
        delta: FLOCK(2_000).toString(),
        newVotes: FLOCK(2_000).toString(),
      },
    ]);
    // what GraphQL's voting-power history adds up to is what the votes adapter says
    for (const who of ["validator-1", "validator-2", "delegator", "creator"] as const) {
      const sum = changes.filter((c) => c.account === lc(cast[who].address)).reduce((s, c) => s + BigInt(c.delta), 0n);
      const onChain = await nodes[0].chain.public.readContract({
        address: chain.deployments.contracts.FlockVotes,
        abi: flockVotesAbi,
        functionName: "getVotes",
        args: [cast[who].address],
      });
      expect(sum, who).toBe(onChain);
    }
  });

  it("shows the proposals, the tallies and the parameter history in the Explorer, with no console error", async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (tools/chromium.sh; .ci/run does it)`);
    const d = await gql<Result>(graphqlUrl, QUERY, { passed: passed.toString(), cancelled: cancelled.toString() });
    const context = await chromium.launchPersistentContext(mkdtempSync(join(dir, "chromium-")), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    cleanups.push(() => context.close());
    const problems: string[] = [];
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    const open = async (path: string) => {
      // the page is built for the latest indexed block it sees (main[data-block]): this one or a later one
      const block = (await indexedBlock(indexerUrl)) ?? 0;
      await page.goto(`${indexerUrl}${path}`);
      const main = await page.waitForSelector(`main[data-path="${path}"][data-block]`, { timeout: 60_000 });
      expect(Number(await main.getAttribute("data-block"))).toBeGreaterThanOrEqual(block);
      expect(await page.title(), path).toMatch(/· FLock Explorer$/);
    };

    await open("/governance");
    const rowOf = (id: bigint) => page.locator(`[data-testid="proposals"] tr[data-proposal="${id}"]`);
    expect(await rowOf(passed).getAttribute("data-state")).toBe("Executed");
    expect(await rowOf(cancelled).getAttribute("data-state")).toBe("Canceled");
    expect(await rowOf(passed).locator('[data-field="for"]').getAttribute("data-wei")).toBe(d.passed.forVotes);
    expect(await rowOf(passed).locator('[data-field="against"]').getAttribute("data-wei")).toBe(d.passed.againstVotes);
    const history = page.locator('[data-testid="parameter-history"] tr[data-param]');
    expect(await history.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-param")))).toEqual([
      "TASK_CREATION_FEE",
      "NON_REVEAL_SLASH_BPS",
    ]);
    expect(
      await page.locator('[data-testid="parameters"] tr[data-param="NON_REVEAL_SLASH_BPS"]').textContent(),
    ).toMatch(/15 %/);

    await open(`/proposals/${passed}`);
    expect(await page.locator('[data-testid="proposal"]').getAttribute("data-state")).toBe("Executed");
    expect(await page.locator('[data-testid="for"]').getAttribute("data-wei")).toBe(d.passed.forVotes);
    expect(await page.locator('[data-testid="votes"] tr[data-voter]').count()).toBe(4);
    expect(await page.locator('[data-testid="actions"]').textContent()).toContain(
      "ProtocolConfig.set(NON_REVEAL_SLASH_BPS, 1500)",
    );

    await open("/");
    expect(await page.locator(`[data-testid="proposals"] tr[data-proposal="${passed}"]`).count()).toBe(1);
    expect(problems).toEqual([]);
  }, 120_000);
});
