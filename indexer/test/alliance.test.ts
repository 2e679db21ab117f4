/**
 * The FL Alliance in the index: a real anvil, the real contracts, an alliance of 4 operators played for 2 rounds with
 * viem (one proposer's update is damned by every voter: excluded and slashed; one voter never reveals its vote), the
 * real indexer (PGlite; and PostgreSQL when FLOCK_TEST_DATABASE_URL is set). GraphQL's alliances, members, rounds, roles, updates, votes, global-model history, rewards
 * and slashes are compared with the contract's views and events.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, type Hex, parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flAllianceAbi } from "../../generated/abis.js";
import { AllianceSlashReasonNames, RoundOutcomeNames } from "../../generated/enums.js";
import { type RunningIndexer, startIndexer, waitForIndexedBlock } from "../launch.js";
import { playAlliance } from "./alliance-scenario.js";
import { type Anvil, deployProtocol, startAnvil } from "./chain.js";
import { gql } from "./graphql.js";
import { createTempDatabase } from "./pgdb.js";
import { actors, Driver } from "./scenario.js";

let anvil: Anvil | undefined;
let d: Driver;
let deploymentsPath: string;
const cleanups: (() => Promise<void> | void)[] = [];
const A = actors();
const PEOPLE = A.trainers; // 4 operators
let ID: bigint;
let LAZY: Address; // never reveals its vote in round 2
let damned: Address;

const allianceOf = () => ({ address: d.addresses.FLAlliance, abi: flAllianceAbi }) as const;

beforeAll(async () => {
  anvil = await startAnvil();
  deploymentsPath = await deployProtocol(anvil.rpcUrl, `indexer-alliance-${process.pid}`);
  cleanups.push(() => rmSync(deploymentsPath, { force: true }));
  const { readDeployments } = await import("../../keeper/src/chain/deployments.js");
  d = new Driver(anvil.rpcUrl, readDeployments(deploymentsPath).contracts);
  ({ id: ID, damned, lazy: LAZY } = await playAlliance(d, anvil.rpcUrl, A, { register: true }));
}, 400_000);

/** The real indexer on this chain: PGlite, or a PostgreSQL database private to this run (see pgdb.ts). */
async function launch(name: string, serverUrl?: string): Promise<RunningIndexer> {
  const dir = mkdtempSync(join(tmpdir(), "flock-indexer-alliance-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  if (serverUrl) {
    const db = await createTempDatabase(serverUrl, `flock_alliance_${process.pid}`);
    cleanups.push(() => db.drop());
    databaseUrl = db.url;
  }
  const ix = await startIndexer({
    rpcUrl: anvil!.rpcUrl,
    deploymentsPath,
    dataDir: dir,
    port: 0,
    schema: `t_alliance_${name}_${process.pid}`,
    databaseUrl,
    readyTimeoutMs: 240_000,
  });
  cleanups.push(() => ix.stop());
  await waitForIndexedBlock(ix.url, d.lastBlock, 120_000);
  return ix;
}

afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await anvil?.stop();
}, 60_000);

interface AllianceRow {
  status: string;
  source: string;
  rule: string;
  ruleParam: number;
  rewardPool: string;
  remaining: string;
  round: number;
  participants: number;
  members: string[];
  globalCid: string;
  finalModelCid: string | null;
  totalPaid: string;
  totalSlashed: string;
  creatorRefund: string;
  contributors: string[] | null;
  sharesBps: number[] | null;
  memberRows: {
    items: {
      account: string;
      stake: string;
      slashed: string;
      earned: string;
      proposerEarned: string;
      claimed: string;
      unlocked: boolean;
    }[];
  };
  roundRows: {
    items: {
      round: number;
      modelRound: number;
      proposers: string[];
      outcome: string;
      accepted: boolean;
      candidateCid: string | null;
      globalConsensus: number;
      budget: string;
      slashed: string;
      roles: { items: { account: string; role: string }[] };
      updates: {
        items: {
          proposer: string;
          updateCid: string;
          examples: number;
          excluded: boolean;
          reward: string;
          consensus: number;
        }[];
      };
      votes: {
        items: {
          voter: string;
          scores: number[];
          accept: boolean | null;
          voteRevealed: boolean;
          reward: string | null;
        }[];
      };
    }[];
  };
  globalModels: { items: { round: number; cid: string; previousCid: string | null; accuracy: number | null }[] };
  rewards: { items: { account: string; kind: string; amount: string }[] };
  slashes: { items: { account: string; reason: string; amount: string; round: number }[] };
}

const QUERY = `query($id: BigInt!) { alliance(id: $id) {
  status source rule ruleParam rewardPool remaining round participants members globalCid finalModelCid totalPaid
  totalSlashed creatorRefund contributors sharesBps
  memberRows { items { account stake slashed earned proposerEarned claimed unlocked } }
  roundRows(orderBy: "round") { items {
    round modelRound proposers outcome accepted candidateCid globalConsensus budget slashed
    roles { items { account role } }
    updates { items { proposer updateCid examples excluded reward consensus } }
    votes { items { voter scores accept voteRevealed reward } }
  } }
  globalModels(orderBy: "round") { items { round cid previousCid accuracy } }
  rewards(limit: 100) { items { account kind amount } }
  slashes { items { account reason amount round } }
} }`;

const backends: { name: string; serverUrl?: string }[] = [{ name: "PGlite" }];
if (process.env.FLOCK_TEST_DATABASE_URL)
  backends.push({ name: "PostgreSQL", serverUrl: process.env.FLOCK_TEST_DATABASE_URL });

describe.each(backends)("the FL Alliance in the index ($name)", ({ name, serverUrl }) => {
  let ix: RunningIndexer | undefined;
  beforeAll(async () => {
    ix = await launch(name.toLowerCase(), serverUrl);
  }, 400_000);

  it("holds the alliance, its members, rounds, roles, updates, votes, models, rewards and slashes as the chain does", async () => {
    const { alliance: a } = await gql<{ alliance: AllianceRow | null }>(ix!.graphqlUrl, QUERY, { id: ID.toString() });
    if (!a) throw new Error("alliance 1 is not indexed");
    const v = await d.pub.readContract({ ...allianceOf(), functionName: "getAlliance", args: [ID] });
    expect(a.status).toBe("Completed");
    expect(a.source).toBe("Cid");
    expect(a.rule).toBe("TrimmedMean");
    expect(a.ruleParam).toBe(2000);
    expect(BigInt(a.remaining)).toBe(v.remaining);
    expect(BigInt(a.creatorRefund)).toBe(v.creatorRefund);
    expect(a.globalCid).toBe(v.globalCid);
    expect(a.finalModelCid).toBe(v.globalCid);
    expect(a.members).toEqual(PEOPLE.map((p) => p.address.toLowerCase()));

    // members as memberOf reports them
    for (const m of a.memberRows.items) {
      const mv = await d.pub.readContract({ ...allianceOf(), functionName: "memberOf", args: [ID, m.account as Hex] });
      expect(BigInt(m.slashed)).toBe(mv.slashed);
      expect(BigInt(m.earned)).toBe(mv.earned);
      expect(BigInt(m.proposerEarned)).toBe(mv.proposerEarned);
      expect(BigInt(m.claimed)).toBe(mv.earned); // everything was claimed
      expect(m.unlocked).toBe(mv.unlocked);
    }

    // rounds, roles, updates, votes
    expect(a.roundRows.items).toHaveLength(2);
    for (const r of a.roundRows.items) {
      const rv = await d.pub.readContract({ ...allianceOf(), functionName: "getRound", args: [ID, r.round] });
      expect(r.proposers.sort()).toEqual(rv.proposers.map((p) => p.toLowerCase()).sort());
      expect(r.outcome).toBe(RoundOutcomeNames[rv.outcome]);
      expect(r.globalConsensus).toBe(rv.globalConsensus);
      expect(BigInt(r.budget)).toBe(rv.budget);
      expect(BigInt(r.slashed)).toBe(rv.slashed);
      expect(r.candidateCid ?? "").toBe(rv.candidateCid);
      expect(r.roles.items).toHaveLength(PEOPLE.length);
      expect(
        r.roles.items
          .filter((x) => x.role === "Proposer")
          .map((x) => x.account)
          .sort(),
      ).toEqual(r.proposers.sort());
      expect(r.updates.items).toHaveLength(2);
      for (const u of r.updates.items) {
        expect(u.updateCid).toBe(`bafy-update-${r.round}-${rv.proposers.find((p) => p.toLowerCase() === u.proposer)}`);
        expect(u.examples).toBe(100);
      }
      expect(r.votes.items).toHaveLength(PEOPLE.length);
      for (const vote of r.votes.items) expect(vote.scores).toHaveLength(3);
    }
    const [r1, r2] = a.roundRows.items;
    expect(r1.updates.items.filter((u) => u.excluded)).toHaveLength(1);
    expect(r1.updates.items.find((u) => u.excluded)!.proposer).toBe(damned.toLowerCase());
    expect(r2.votes.items.find((x) => x.voter === LAZY.toLowerCase())!.voteRevealed).toBe(false);

    // global-model history: the start, then one row per accepted round
    const accepted = a.roundRows.items.filter((r) => r.outcome === "Accepted");
    expect(a.globalModels.items.map((g) => g.round)).toEqual([0, ...accepted.map((r) => r.round)]);
    expect(a.globalModels.items[0].cid).toBe("bafy-start");
    expect(a.globalModels.items.at(-1)!.cid).toBe(v.globalCid);
    // each round started from the latest model before it; that model's accuracy is the first such round's consensus
    for (const r of a.roundRows.items) {
      const model = a.globalModels.items.filter((g) => g.round < r.round).at(-1)!;
      expect(r.modelRound).toBe(model.round);
    }
    expect(a.globalModels.items[0].accuracy).toBe(a.roundRows.items[0].globalConsensus);
    expect(a.globalModels.items[0].accuracy).toBe(8000);

    // rewards and slashes as the events say
    const logs = await d.pub.getLogs({ address: d.addresses.FLAlliance, fromBlock: 0n });
    const slashed = parseEventLogs({ abi: flAllianceAbi, logs, eventName: "ParticipantSlashed" });
    expect(a.slashes.items).toHaveLength(slashed.length);
    expect(slashed.length).toBe(2); // the damned proposer (round 1), the lazy voter (round 2)
    const reasons = a.slashes.items.map((s) => s.reason).sort();
    expect(reasons).toEqual([AllianceSlashReasonNames[1], AllianceSlashReasonNames[2]].sort());
    expect(a.slashes.items.find((s) => s.reason === "NonReveal")!.account).toBe(LAZY.toLowerCase());
    expect(BigInt(a.totalSlashed)).toBe(slashed.reduce((s, e) => s + e.args.amount, 0n));
    const total = a.rewards.items.reduce((s, x) => s + BigInt(x.amount), 0n);
    expect(total).toBe(BigInt(a.totalPaid));
    expect(BigInt(a.totalPaid) + BigInt(a.creatorRefund)).toBe(
      v.rewardPool + slashed.reduce((s, e) => s + e.args.amount - e.args.toTreasury, 0n),
    );
    expect(a.sharesBps?.reduce((s, x) => s + x, 0)).toBe(10_000);

    // the vault's slash rows of the alliance carry the reason too
    const { slashs } = await gql<{ slashs: { items: { reason: string | null; module: string }[] } }>(
      ix!.graphqlUrl,
      `{ slashs(where: { module: "${d.addresses.FLAlliance.toLowerCase()}" }) { items { reason module } } }`,
    );
    expect(slashs.items.map((s) => s.reason).sort()).toEqual(reasons);
  });
});
