/**
 * End to end: a real anvil, the real contracts (script/Deploy.s.sol), the scenario of `scenario.ts`, the real indexer
 * (ponder start, PGlite; and PostgreSQL when FLOCK_TEST_DATABASE_URL is set). Everything GraphQL and the JSON routes
 * return is compared with the contracts' views and events; a second indexer killed in the middle of its backfill and
 * restarted must end with the very same index.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Abi, Account, Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arenaTasksAbi, flockTokenAbi, protocolConfigAbi, stakingVaultAbi } from "../../generated/abis.js";
import { PhaseNames, RoleNames, SlashReasonNames, ValidatorOutcomeNames } from "../../generated/enums.js";
import { IndexerStartError, type RunningIndexer, startIndexer, waitForIndexedBlock } from "../launch.js";
import { type Anvil, deployProtocol, startAnvil } from "./chain.js";
import { gql, snapshot } from "./graphql.js";
import { createTempDatabase } from "./pgdb.js";
import { Driver, runScenario, type ScenarioResult } from "./scenario.js";

/** The fields of `TASK_QUERY` (BigInt columns as decimal strings). */
interface TaskRow {
  creator: string;
  specCid: string;
  evalCid: string | null;
  evalRevealed: boolean;
  status: string;
  rewardPool: string;
  submissionEnd: string;
  publishEnd: string;
  commitEnd: string;
  revealEnd: string;
  trainerPot: string;
  validatorPot: string;
  protocolFee: string;
  keeperBounty: string;
  slashed: string;
  paidTrainers: number;
  rewardedValidators: number;
  creatorRefund: string;
  bondShare: string;
  published: number;
  validators: number;
  revealed: number;
  evalRevealEnd: string;
  unavailable: number;
  evictions: number;
  displacements: number;
  contested: number;
  maxScoreDeviation: number;
  trainerNonRevealSlashed: string;
  submissions: {
    items: {
      trainer: Address;
      commitment: string;
      commitSeq: string;
      published: boolean;
      index: number;
      consensus: number;
      rank: number;
      spam: boolean;
      claimed: boolean;
      contested: boolean;
      displaced: boolean;
      displacedBy: string | null;
      scores: { items: { validator: Address; score: number; validatorRecord: { validator: string } }[] };
    }[];
  };
  validatorRecords: {
    items: {
      validator: Address;
      validatorIndex: number;
      commitment: string;
      lockedStake: string;
      revealed: boolean;
      scores: number[] | null;
      distance: number;
      maxDistance: number | null;
      unavailable: boolean;
      evicted: boolean;
      evictedBy: string | null;
      outcome: string;
      claimed: boolean;
    }[];
  };
}

/** The `/leaderboard/:taskId` fields read here. */
interface Leaderboard {
  task: { phase: string };
  submissions: { published: boolean; rank: number; index: number }[];
  slashes: { reason: string }[];
  validators: unknown[];
}

const backends: { name: string; databaseUrl?: string }[] = [{ name: "PGlite" }];
if (process.env.FLOCK_TEST_DATABASE_URL)
  backends.push({ name: "PostgreSQL", databaseUrl: process.env.FLOCK_TEST_DATABASE_URL });

let anvil: Anvil | undefined;
let scenario: ScenarioResult;
let driver: Driver;
let deploymentsPath: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  anvil = await startAnvil();
  deploymentsPath = await deployProtocol(anvil.rpcUrl, `indexer-test-${process.pid}`);
  cleanups.push(() => rmSync(deploymentsPath, { force: true }));
  scenario = await runScenario(anvil.rpcUrl, deploymentsPath);
  driver = new Driver(anvil.rpcUrl, scenario.addresses);
}, 400_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await anvil?.stop();
}, 60_000);

const arena = () => ({ address: scenario.addresses.ArenaTasks, abi: arenaTasksAbi }) as const;
const vault = () => ({ address: scenario.addresses.StakingVault, abi: stakingVaultAbi }) as const;

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `flock-indexer-${label}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function launch(
  label: string,
  databaseUrl: string | undefined,
  extra: Partial<Parameters<typeof startIndexer>[0]> = {},
) {
  const ix = await startIndexer({
    rpcUrl: anvil!.rpcUrl,
    deploymentsPath,
    dataDir: tempDir(label),
    port: 0,
    databaseUrl,
    schema: `t_${label}_${process.pid}`.replace(/[^a-z0-9_]/gi, "_").slice(0, 45),
    readyTimeoutMs: 240_000,
    ...extra,
  });
  cleanups.push(() => ix.stop());
  await waitForIndexedBlock(ix.url, scenario.lastBlock, 120_000);
  return ix;
}

const TASK_QUERY = `query($id: BigInt!) {
  task(id: $id) {
    id creator specCid evalCid evalRevealed status stage cancelReason rewardPool bond
    submissionStart submissionEnd publishEnd commitEnd revealEnd minScore spamScore
    trainerPot validatorPot protocolFee keeperBounty slashed paidTrainers rewardedValidators creatorRefund bondShare
    published validators revealed evalRevealEnd unavailable evictions displacements contested maxScoreDeviation
    trainerNonRevealSlashed
    submissions(limit: 50) { items {
      trainer commitment commitSeq published index modelCid consensus rank reward spam contested displaced displacedBy
      slashed claimed
      scores(limit: 50) { items { validator submissionIndex score validatorRecord { validator outcome } } }
    } }
    validatorRecords(limit: 100) { items {
      validator validatorIndex commitment lockedStake revealed unavailable evicted evictedBy scores distance maxDistance
      outcome weight reward slashed claimed
    } }
    slashes(limit: 100) { items { operator reason amount toTreasury fromBonded fromUnbonding } }
  }
}`;

describe.each(backends)("indexer on $name", ({ name, databaseUrl: serverUrl }) => {
  let ix: RunningIndexer;
  // PostgreSQL: a database private to this run's chain (see pgdb.ts); both indexers below share it.
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    if (serverUrl) {
      const db = await createTempDatabase(serverUrl, `flock_test_${process.pid}`);
      cleanups.push(() => db.drop());
      databaseUrl = db.url;
    }
    ix = await launch(name.toLowerCase(), databaseUrl);
  }, 400_000);

  it("indexes every task as the contract's views report it", async () => {
    const count = await driver.readArena<bigint>("taskCount");
    expect(count).toBe(BigInt(scenario.taskIds.length));
    for (const id of scenario.taskIds) {
      const { task } = await gql<{ task: TaskRow | null }>(ix.graphqlUrl, TASK_QUERY, { id: id.toString() });
      const v = await driver.pub.readContract({ ...arena(), functionName: "getTask", args: [id] });
      const s = await driver.pub.readContract({ ...arena(), functionName: "settlementOf", args: [id] });
      if (!task) throw new Error(`task ${id} is not indexed`);
      expect(task.creator).toBe(v.creator.toLowerCase());
      expect(task.specCid).toBe(v.specCid);
      expect(task.evalCid ?? "").toBe(v.evalCid);
      expect(task.evalRevealed).toBe(v.evalRevealed);
      expect(BigInt(task.rewardPool)).toBe(v.rewardPool);
      expect([task.submissionEnd, task.publishEnd, task.commitEnd, task.revealEnd].map(BigInt)).toEqual(
        [v.submissionEnd, v.publishEnd, v.commitEnd, v.revealEnd].map(BigInt),
      );
      expect(task.published).toBe(v.published);
      expect(task.revealed).toBe(v.revealed);
      expect(task.validators).toBe(v.validators);
      expect(BigInt(task.evalRevealEnd)).toBe(BigInt(v.evalRevealEnd));
      const params = await driver.pub.readContract({ ...arena(), functionName: "paramsOf", args: [id] });
      expect(task.maxScoreDeviation).toBe(params.maxScoreDeviation);
      const phase = PhaseNames[v.phase];
      expect(task.status).toBe(phase === "Settled" ? "settled" : phase === "Cancelled" ? "cancelled" : "active");
      if (phase === "Settled") {
        expect(BigInt(task.trainerPot)).toBe(s.trainerPot);
        expect(BigInt(task.validatorPot)).toBe(s.validatorPot);
        expect(BigInt(task.protocolFee)).toBe(s.protocolFee);
        expect(task.paidTrainers).toBe(s.paidTrainers);
        expect(task.rewardedValidators).toBe(s.rewardedValidators);
      }
      expect(BigInt(task.keeperBounty)).toBe(s.keeperBounty);
      expect(BigInt(task.slashed)).toBe(s.slashed);
      if (phase === "Cancelled") {
        expect(BigInt(task.creatorRefund)).toBe(s.creatorRefund);
        expect(BigInt(task.bondShare)).toBe(s.bondShare);
      }

      // submissions: trainer records and published submissions
      for (const sub of task.submissions.items) {
        const tr = await driver.pub.readContract({
          ...arena(),
          functionName: "trainerRecord",
          args: [id, sub.trainer],
        });
        expect(sub.commitment).toBe(tr.commitment);
        expect(BigInt(sub.commitSeq)).toBe(BigInt(tr.commitSeq));
        expect(sub.published).toBe(tr.published);
        expect(sub.claimed).toBe(tr.claimed);
        if (!sub.published) continue;
        expect(sub.displaced).toBe(false);
        expect(sub.index).toBe(tr.index);
        const onchain = await driver.pub.readContract({
          ...arena(),
          functionName: "submissionAt",
          args: [id, BigInt(sub.index)],
        });
        expect(sub.trainer).toBe(onchain.trainer.toLowerCase());
        if (phase === "Settled") {
          expect(sub.consensus).toBe(onchain.consensus);
          expect(sub.rank).toBe(onchain.rank);
          expect(sub.spam).toBe(onchain.spam);
          expect(sub.contested).toBe(onchain.contested);
        }
        // every per-validator score of this submission, walked through the relations
        for (const sc of sub.scores.items) {
          const scores = await driver.readArena<readonly number[]>("scoresOf", [id, sc.validator]);
          expect(sc.score).toBe(scores[sub.index]);
          expect(sc.validatorRecord.validator).toBe(sc.validator);
        }
        const revealedValidators = task.validatorRecords.items.filter((r) => r.revealed && !r.unavailable).length;
        expect(sub.scores.items.length).toBe(revealedValidators);
      }
      expect(task.submissions.items.filter((x) => x.published).length).toBe(v.published);

      // validators (an evicted one keeps its row, marked; on chain its record is gone)
      const onchainValidators = await driver.readArena<readonly Address[]>("validatorsOf", [id]);
      const current = task.validatorRecords.items.filter((r) => !r.evicted);
      expect(current.map((r) => r.validator).sort()).toEqual(onchainValidators.map((a) => a.toLowerCase()).sort());
      for (const r of current) {
        const vr = await driver.pub.readContract({
          ...arena(),
          functionName: "validatorRecord",
          args: [id, r.validator],
        });
        expect(r.commitment).toBe(vr.commitment);
        expect(BigInt(r.lockedStake)).toBe(vr.lock);
        expect(r.validatorIndex).toBe(vr.index);
        expect(r.revealed).toBe(vr.revealed);
        expect(r.unavailable).toBe(vr.unavailable);
        expect(r.claimed).toBe(vr.claimed);
        const scores = await driver.readArena<readonly number[]>("scoresOf", [id, r.validator]);
        // "eval data unavailable": no scores stored (the view reads zeros)
        if (r.unavailable) expect([r.scores, scores.every((x) => x === 0)]).toEqual([[], true]);
        else expect(r.scores ?? []).toEqual([...scores]);
        if (phase === "Settled") {
          expect(r.distance).toBe(vr.distance);
          expect(r.maxDistance).toBe(vr.maxDistance);
          expect(r.outcome).toBe(ValidatorOutcomeNames[vr.outcome]);
        }
      }
    }
  }, 120_000);

  it("indexes the defences: displacement, eviction, contested consensus, unavailable eval data, non-publication", async () => {
    const [, , , taskD, taskE] = scenario.taskIds;
    const { trainers: T, validators: V, lateValidators: L } = scenario.actors;
    const lc = (a: Account) => a.address.toLowerCase();
    const get = async (id: bigint) =>
      (await gql<{ task: TaskRow }>(ix.graphqlUrl, TASK_QUERY, { id: id.toString() })).task;
    const d = await get(taskD);
    expect(d.displacements).toBe(1);
    const copier = d.submissions.items.find((x) => x.trainer === lc(T[3]))!;
    expect(copier).toMatchObject({ published: false, displaced: true, displacedBy: lc(T[0]) });
    const displaced = await driver.pub.getContractEvents({
      ...arena(),
      eventName: "SubmissionDisplaced",
      fromBlock: 0n,
      strict: true,
    });
    expect(displaced.map((e) => [e.args.taskId, e.args.copier.toLowerCase(), e.args.owner.toLowerCase()])).toEqual([
      [taskD, lc(T[3]), lc(T[0])],
    ]);

    const e = await get(taskE);
    expect(e).toMatchObject({ evictions: 1, unavailable: 1, contested: 2, validators: 3 });
    const evicted = e.validatorRecords.items.find((r) => r.validator === lc(L[2]))!;
    expect(evicted).toMatchObject({ evicted: true, evictedBy: lc(V[3]), revealed: false });
    expect(e.validatorRecords.items.find((r) => r.validator === lc(V[3]))).toMatchObject({
      unavailable: true,
      outcome: "SlashedDeviation",
    });
    for (const s of e.submissions.items.filter((x) => x.published)) expect(s.contested).toBe(true);
    const contested = await driver.pub.getContractEvents({
      ...arena(),
      eventName: "ConsensusContested",
      fromBlock: 0n,
      strict: true,
    });
    expect(contested.length).toBe(2);

    // the non-publishing trainers' slash at claim, with its reason, joined with the vault's Slashed
    const snap = await snapshot(ix.graphqlUrl);
    const nonReveal = await driver.pub.getContractEvents({
      ...arena(),
      eventName: "TrainerNonRevealSlashed",
      fromBlock: 0n,
      strict: true,
    });
    expect(nonReveal.map((x) => `${x.args.taskId}:${x.args.trainer.toLowerCase()}`).sort()).toEqual(
      [`${taskD}:${lc(T[3])}`, `${taskE}:${lc(T[0])}`].sort(),
    );
    const rows = snap.slashs.items.filter((x) => x.reason === "TrainerNonReveal");
    expect(rows.map((x) => `${x.taskId}:${x.operator}:${x.amount}`).sort()).toEqual(
      nonReveal.map((x) => `${x.args.taskId}:${x.args.trainer.toLowerCase()}:${x.args.amount}`).sort(),
    );
    for (const x of rows) expect(BigInt(x.fromBonded) + BigInt(x.fromUnbonding)).toBe(BigInt(x.amount));
    expect(BigInt(e.trainerNonRevealSlashed)).toBe(nonReveal.find((x) => x.args.taskId === taskE)!.args.amount);

    // the creators' bonds, claimed after settlement
    const claims = snap.claims.items.filter((c) => c.kind === "CreatorRefund");
    for (const id of [scenario.taskIds[0], taskD, taskE]) {
      const t = await driver.pub.readContract({ ...arena(), functionName: "getTask", args: [id] });
      expect(claims.find((c) => c.taskId === id.toString())?.amount).toBe(t.bond.toString());
    }
  }, 60_000);

  it("matches every ParticipantSlashed, Claimed and FinalizeProgressed event", async () => {
    const events = { ...arena(), fromBlock: 0n, strict: true } as const;
    const snap = await snapshot(ix.graphqlUrl);
    const slashEvents = await driver.pub.getContractEvents({ ...events, eventName: "ParticipantSlashed" });
    expect(slashEvents.length).toBeGreaterThanOrEqual(3); // spam, deviation, non-reveal
    const withReason = snap.slashs.items.filter((x) => x.reason !== null && x.reason !== "TrainerNonReveal");
    expect(withReason.map((x) => `${x.taskId}:${x.operator}:${x.reason}:${x.amount}:${x.toTreasury}`).sort()).toEqual(
      slashEvents
        .map(
          (e) =>
            `${e.args.taskId}:${e.args.account.toLowerCase()}:${SlashReasonNames[e.args.reason]}:${e.args.amount}:${e.args.toTreasury}`,
        )
        .sort(),
    );
    expect(new Set(withReason.map((x) => x.reason))).toEqual(new Set(["Spam", "Deviation", "NonReveal"]));
    // the vault's half of every slash joined onto the same row
    for (const x of withReason) expect(BigInt(x.fromBonded) + BigInt(x.fromUnbonding)).toBe(BigInt(x.amount));
    expect(withReason.some((x) => BigInt(x.fromUnbonding) > 0n)).toBe(true);

    const claimEvents = await driver.pub.getContractEvents({ ...events, eventName: "Claimed" });
    expect(snap.claims.items.length).toBe(claimEvents.length);
    expect(snap.claims.items.map((c) => `${c.taskId}:${c.account}:${c.amount}:${c.unlocked}`).sort()).toEqual(
      claimEvents
        .map((e) => `${e.args.taskId}:${e.args.account.toLowerCase()}:${e.args.amount}:${e.args.unlocked}`)
        .sort(),
    );
    const finalizeEvents = await driver.pub.getContractEvents({ ...events, eventName: "FinalizeProgressed" });
    expect(snap.finalizeCalls.items.length).toBe(finalizeEvents.length);
  }, 60_000);

  it("matches every account's balance and every pool and position", async () => {
    const snap = await snapshot(ix.graphqlUrl);
    const token = { address: scenario.addresses.FlockToken, abi: flockTokenAbi as Abi };
    for (const acct of snap.accounts.items) {
      const balance = await driver.read<bigint>(token.address, token.abi, "balanceOf", [acct.address]);
      expect(BigInt(acct.balance), `balance of ${acct.address}`).toBe(balance);
      const votes = await driver.read<bigint>(token.address, token.abi, "getVotes", [acct.address]);
      expect(BigInt(acct.votes), `votes of ${acct.address}`).toBe(votes);
    }
    const supply = await driver.read<bigint>(token.address, token.abi, "totalSupply");
    expect(BigInt(snap.tokens.items[0].totalSupply)).toBe(supply);
    // every participant, the arena and the vault hold tokens: they are all indexed
    const indexed = new Set<string>(snap.accounts.items.map((a) => a.address));
    for (const a of scenario.accounts) expect(indexed.has(a.toLowerCase())).toBe(true);

    expect(snap.operators.items.length).toBe(11);
    for (const op of snap.operators.items) {
      const pool = await driver.pub.readContract({ ...vault(), functionName: "poolOf", args: [op.address] });
      expect(op.role).toBe(RoleNames[pool.role]);
      expect(op.commissionBps).toBe(pool.commissionBps);
      expect(op.pendingCommissionBps).toBe(pool.pendingCommissionBps);
      expect(BigInt(op.commissionEffectiveAt)).toBe(BigInt(pool.commissionEffectiveAt));
      expect([op.lockSeq, op.releasedThrough], `lock sequence of ${op.address}`).toEqual([
        pool.lockSeq,
        pool.releasedThrough,
      ]);
      expect(BigInt(op.pendingAssets), `pending ${op.address}: ${JSON.stringify(snap.pendingDeposits.items)}`).toBe(
        pool.pendingAssets,
      );
      expect(BigInt(op.bondedAssets), `bonded ${op.address}`).toBe(pool.bondedAssets);
      expect(BigInt(op.totalShares)).toBe(pool.totalShares);
      expect(BigInt(op.lockedAssets), `locked ${op.address}`).toBe(pool.lockedAssets);
      expect(BigInt(op.unbondingAssets), `unbonding ${op.address}`).toBe(pool.unbondingAssets);
      expect(BigInt(op.unclaimedCommission)).toBe(pool.unclaimedCommission);
      expect(BigInt(op.selfShares)).toBe(await driver.readVault<bigint>("sharesOf", [op.address, op.address]));
      // the JSON route's figures
      const res = await fetch(`${ix.url}/accounts/${op.address}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { operator: { selfStake: string }; balance: string };
      expect(BigInt(body.operator.selfStake)).toBe(await driver.readVault<bigint>("selfStake", [op.address]));
      expect(BigInt(body.balance)).toBe(BigInt(snap.accounts.items.find((a) => a.address === op.address)!.balance));
    }
    for (const pos of snap.delegations.items) {
      expect(BigInt(pos.shares)).toBe(await driver.readVault<bigint>("sharesOf", [pos.operator, pos.account]));
    }
    for (const u of snap.unbondings.items) {
      const e = await driver.pub.readContract({
        ...vault(),
        functionName: "unbondingEntry",
        args: [BigInt(u.entryId)],
      });
      expect(u.account).toBe(e.account.toLowerCase());
      expect(BigInt(u.unbondingShares)).toBe(e.shares);
      expect(BigInt(u.readyAt)).toBe(BigInt(e.readyAt));
      expect(u.lockMark).toBe(e.lockMark);
      expect(u.withdrawn).toBe(e.withdrawn);
    }
    for (const l of snap.stakeLocks.items) {
      expect(BigInt(l.amount)).toBe(await driver.readVault<bigint>("lockOf", [l.module, BigInt(l.lockId), l.operator]));
    }
    // the delegator's summary: every position valued like the vault's assetsOf
    const d = scenario.actors.delegator.address;
    const summary = (await (await fetch(`${ix.url}/accounts/${d}`)).json()) as {
      delegations: { operator: Address; assets: string }[];
      unbondings: { lockMark: number }[];
      pendingDeposits: unknown[];
    };
    expect(summary.delegations.length).toBe(3);
    for (const p of summary.delegations) {
      expect(BigInt(p.assets)).toBe(await driver.readVault<bigint>("assetsOf", [p.operator, d]));
    }
    expect(summary.unbondings.length).toBe(3);
    expect(summary.unbondings.filter((u) => u.lockMark > 0)).toHaveLength(1); // requested under task A's lock
    // the deposits made under a lock: one activated, one cancelled, none waiting
    expect(summary.pendingDeposits).toEqual([]);
    expect(snap.pendingDeposits.items.map((p) => `${p.operator}:${p.status}:${p.assets}`).sort()).toEqual(
      [
        `${scenario.actors.trainers[0].address.toLowerCase()}:activated:0`,
        `${scenario.actors.trainers[2].address.toLowerCase()}:cancelled:0`,
      ].sort(),
    );
    const pendingEvents = await driver.pub.getContractEvents({
      ...vault(),
      eventName: "DepositPending",
      fromBlock: 0n,
      strict: true,
    });
    expect(pendingEvents).toHaveLength(2);
    // the scheduled commission increase
    expect(snap.commissionIncreases.items.map((c) => `${c.operator}:${c.newBps}`)).toEqual([
      `${scenario.actors.validators[2].address.toLowerCase()}:700`,
    ]);
  }, 120_000);

  it("stores every parameter with its name, and the treasury", async () => {
    const snap = await snapshot(ix.graphqlUrl);
    const config = { address: scenario.addresses.ProtocolConfig, abi: protocolConfigAbi as Abi };
    const keys = await driver.read<readonly `0x${string}`[]>(config.address, config.abi, "keys");
    expect(snap.parameters.items.length).toBe(keys.length);
    for (const p of snap.parameters.items) {
      expect(p.name).toBe(await driver.read<string>(config.address, config.abi, "nameOf", [p.key]));
      expect(BigInt(p.value)).toBe(await driver.read<bigint>(config.address, config.abi, "get", [p.key]));
    }
    const treasury = await driver.read<string>(config.address, config.abi, "treasury");
    expect(snap.protocols.items[0].treasury).toBe(treasury.toLowerCase());
  }, 60_000);

  it("serves the leaderboard of a settled task in rank order", async () => {
    const id = scenario.taskIds[0];
    const res = await fetch(`${ix.url}/leaderboard/${id}`);
    expect(res.status).toBe(200);
    const lb = (await res.json()) as Leaderboard;
    expect(lb.task.phase).toBe("Settled");
    const published = lb.submissions.filter((s) => s.published);
    expect(published.map((s) => s.rank)).toEqual(published.map((_, i) => i));
    for (const s of published) {
      const onchain = await driver.pub.readContract({
        ...arena(),
        functionName: "submissionAt",
        args: [id, BigInt(s.index)],
      });
      expect(s.rank).toBe(onchain.rank);
    }
    expect(lb.slashes.map((s) => s.reason).sort()).toEqual(["Deviation", "Spam"]);
    expect(lb.validators.length).toBe(4);
    expect((await fetch(`${ix.url}/leaderboard/999`)).status).toBe(404);
    expect((await fetch(`${ix.url}/leaderboard/abc`)).status).toBe(400);
    expect((await fetch(`${ix.url}/accounts/0x1234`)).status).toBe(400);
  }, 60_000);

  it("ends with the same index after a crash in the middle of its backfill", async () => {
    const label = `${name.toLowerCase()}r`;
    const dataDir = tempDir(label);
    const schema = `t_${label}_${process.pid}`;
    let pid = 0;
    let killed = false;
    // First run: killed (SIGKILL, like a crash) as soon as the backfill has started.
    const firstRun = await startIndexer({
      rpcUrl: anvil!.rpcUrl,
      deploymentsPath,
      dataDir,
      port: 0,
      databaseUrl,
      schema,
      readyTimeoutMs: 240_000,
      onSpawn: (p) => (pid = p),
      onLog: (line) => {
        if (!killed && line.includes("Indexed block range")) {
          killed = true;
          process.kill(-pid, "SIGKILL");
        }
      },
    }).then(
      async (ix) => {
        await ix.stop();
        return "started";
      },
      (e: unknown) => e,
    );
    expect(firstRun, String(firstRun)).toBeInstanceOf(IndexerStartError);
    expect(killed, String(firstRun)).toBe(true);
    // Second run: same data and schema; it resumes and must end where an uninterrupted indexer ends.
    const again = await startIndexer({
      rpcUrl: anvil!.rpcUrl,
      deploymentsPath,
      dataDir,
      port: 0,
      databaseUrl,
      schema,
      readyTimeoutMs: 240_000,
    });
    cleanups.push(() => again.stop());
    await waitForIndexedBlock(again.url, scenario.lastBlock, 120_000);
    // `/status` at the last block: every row of the scenario is visible. (After a crash recovery Ponder keeps the killed
    // run's `latest_checkpoint` until the next block is indexed; that run was killed in its backfill, below the last block.)
    const [a, b] = await Promise.all([snapshot(ix.graphqlUrl), snapshot(again.graphqlUrl)]);
    expect(normalise(b)).toEqual(normalise(a));
    expect(a.tasks.items.length).toBe(scenario.taskIds.length);
    await again.stop();
  }, 400_000);
});

/** Row order within equal sort keys is not specified: compare tables as sorted lists of rows. */
function normalise(snapshot: Record<string, { items: unknown[] }>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(snapshot).map(([k, v]) => [k, v.items.map((r) => JSON.stringify(r)).sort()]),
  );
}
