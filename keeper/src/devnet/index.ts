/**
 * `flock devnet` / `npm run demo`: the whole system on one machine — anvil, the deployed protocol, the indexer
 * (embedded PGlite), an embedded IPFS hub serving a verified loopback gateway, validator and keeper bots as separate
 * processes — and a scripted AI Arena task on the real MNIST digits (see ./scenario.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatUnits } from "viem";
import { type RunningIndexer, startIndexer } from "../../../indexer/launch.js";
import { createLogger, type Logger } from "../log.js";
import { EmbeddedStore } from "../storage/embedded.js";
import { actors } from "./actors.js";
import { type Anvil, mine, startAnvil } from "./anvil.js";
import { DEVNET_GOV, deployProtocol, REPO_ROOT } from "./deploy.js";
import { printMarketSummary } from "./market.js";
import { type Managed, stopAll } from "./procs.js";
import { type ArenaSummary, playArena, type ScenarioSize } from "./scenario.js";

export interface DevnetOptions {
  /** where everything is kept (default .flock/devnet-<time>) */
  dataDir?: string;
  quick?: boolean;
  size?: Partial<ScenarioSize>;
  log?: Logger;
  /** print the human-readable report to stdout (default true) */
  print?: boolean;
}

export interface Devnet {
  rpcUrl: string;
  graphqlUrl: string;
  indexerUrl: string;
  /** the Explorer's page, served by the indexer */
  explorerUrl: string;
  indexer: RunningIndexer;
  gatewayUrl: string;
  dataDir: string;
  deploymentsPath: string;
  summary: ArenaSummary;
  /**
   * Resolves with a sentence when a child the devnet cannot do without is down for good: anvil exited, or the indexer
   * died and could not be restarted. Never resolves after `stop()`.
   */
  failure: Promise<string>;
  stop(): Promise<void>;
}

export const FULL_SIZE: ScenarioSize = {
  evalSize: 2000,
  trainPerShard: 2400,
  epochs: { strong: 4, medium: 1, weak: 1 },
  weakSamples: 600,
  flPerShard: 1200,
  flEpochs: 2,
};
export const QUICK_SIZE: ScenarioSize = {
  evalSize: 600,
  trainPerShard: 1200,
  epochs: { strong: 2, medium: 1, weak: 1 },
  weakSamples: 150,
  flPerShard: 300,
  flEpochs: 1,
};

/** Stop functions of devnets being started or running in this process (for Ctrl-C at any moment). */
const running = new Set<() => Promise<void>>();

export async function startDevnet(o: DevnetOptions = {}): Promise<Devnet> {
  const t0 = performance.now();
  const dataDir = o.dataDir ?? join(REPO_ROOT, ".flock", `devnet-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(dataDir, { recursive: true });
  const log = o.log ?? createLogger(process.env.FLOCK_LOG_LEVEL ?? "warn", "devnet");
  const say = o.print === false ? () => undefined : (m: string) => process.stdout.write(`${m}\n`);
  const cast = actors();
  let anvil: Anvil | undefined;
  let indexer: RunningIndexer | undefined;
  let hub: EmbeddedStore | undefined;
  const bots: Managed[] = [];
  let stopping = false;
  let fail!: (why: string) => void;
  const failure = new Promise<string>((res) => (fail = res));
  const stop = async () => {
    stopping = true;
    await Promise.all(bots.map((b) => b.stop()));
    await indexer?.stop();
    await hub?.close();
    await anvil?.stop();
    await stopAll();
  };
  running.add(stop);
  try {
    say(`▸ data dir ${dataDir}`);
    anvil = await startAnvil({ logFile: join(dataDir, "logs", "anvil.log") });
    say(`▸ anvil listening at ${anvil.url}`);
    const anvilUrl = anvil.url;
    void anvil.process.exited.then((code) => {
      if (!stopping)
        fail(`anvil (${anvilUrl}) exited (${code}): the chain is gone (log: ${join(dataDir, "logs", "anvil.log")})`);
    });
    const deploymentsPath = join(dataDir, "deployments.json");
    const deployments = await deployProtocol({
      rpcUrl: anvil.url,
      privateKey: cast.deployer.privateKey,
      gov: DEVNET_GOV,
      out: deploymentsPath,
      devnetMinter: true,
      logFile: join(dataDir, "logs", "deploy.log"),
    });
    say(`▸ protocol deployed (ArenaTasks ${deployments.contracts.ArenaTasks})`);
    hub = await EmbeddedStore.open({ dataDir: join(dataDir, "hub") });
    const gatewayUrl = await hub.serveGateway();
    say(`▸ embedded IPFS hub, trustless gateway at ${gatewayUrl}`);
    // Ponder treats the newest 30 blocks as unfinalized and is ready once it has backfilled to the finalized block:
    // mine past that window once, instead of mining while waiting (every empty block costs realtime indexing time)
    await mine(anvil.url, 40);
    // a dead indexer (a crash, out of memory) is restarted on the same port, so the URLs printed stay true; when it
    // cannot be, the devnet says so and stops (exit code 1) rather than advertise a dead URL
    indexer = await startIndexer({
      rpcUrl: anvil.url,
      deploymentsPath,
      dataDir: join(dataDir, "indexer"),
      port: 0,
      restart: true,
      onExit: (e) => {
        process.stderr.write(`${e.message}\n`);
        log.warn({ pid: e.pid, code: e.code, signal: e.signal, restarting: e.restarting }, "indexer exited");
      },
    });
    const running = indexer;
    void running.done.then((exit) => {
      if (exit !== "stopped" && !stopping)
        fail(`the indexer (${running.url}) is down and could not be restarted (log: ${running.logFile})`);
    });
    say(`▸ indexer ready at ${indexer.url} (Explorer: ${indexer.explorerUrl})`);
    const size = { ...(o.quick ? QUICK_SIZE : FULL_SIZE), ...o.size };
    const summary = await race(
      playArena({
        rpcUrl: anvil.url,
        deploymentsPath,
        deployments,
        dataDir,
        hub,
        gatewayUrl,
        graphqlUrl: indexer.graphqlUrl,
        cast,
        size,
        log,
        say,
        bots,
      }),
      failure,
    );
    summary.seconds = Math.round((performance.now() - t0) / 100) / 10;
    // the gateway URL is printed: a gateway that dies stops the devnet rather than leave a dead URL advertised
    for (const b of bots.filter((p) => p.name === "flock-serve"))
      void b.exited.then((code) => {
        if (!stopping)
          fail(`flock serve (${summary.gateway}) exited (${code}) (log: ${join(dataDir, "logs", "gateway.log")})`);
      });
    return {
      rpcUrl: anvil.url,
      graphqlUrl: indexer.graphqlUrl,
      indexerUrl: indexer.url,
      explorerUrl: indexer.explorerUrl,
      indexer,
      gatewayUrl,
      dataDir,
      deploymentsPath,
      summary,
      failure,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface RunDevnetOptions {
  exit: boolean;
  jsonPath?: string;
  quick: boolean;
  /** keep the data directory on exit (it is removed otherwise: ~100 MB per run) */
  keep?: boolean;
}

/**
 * The CLI entry: run the demo, print the summary, then serve until Ctrl-C (or exit with --exit). The data directory
 * (.flock/devnet-<time>) goes away on exit unless --keep is given; a demo that failed keeps it for its logs.
 */
export async function runDevnet(o: RunDevnetOptions): Promise<void> {
  const dataDir = join(REPO_ROOT, ".flock", `devnet-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  const cleanUp = (failed: boolean) => {
    if (o.keep) process.stdout.write(`data directory kept: ${dataDir}\n`);
    else if (failed)
      process.stdout.write(`the demo failed: its data directory (logs under logs/) is kept: ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  };
  // Ctrl-C (or a SIGTERM) at any moment stops every process the devnet started
  const abort = () => {
    process.stdout.write("\nstopping every process the devnet started…\n");
    void Promise.all([...running].map((s) => s()))
      .then(stopAll)
      .then(() => cleanUp(false))
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  let devnet: Devnet;
  try {
    devnet = await startDevnet({ quick: o.quick, dataDir });
  } catch (e) {
    cleanUp(true);
    throw e;
  }
  process.removeListener("SIGINT", abort);
  process.removeListener("SIGTERM", abort);
  printSummary(devnet.summary);
  if (o.jsonPath) writeFileSync(o.jsonPath, JSON.stringify(jsonSummary(devnet.summary), null, 2));
  // never advertise a URL whose process is gone
  if (!devnet.indexer.alive()) await Promise.race([devnet.failure, waitAlive(devnet.indexer, 130_000)]);
  const down = await Promise.race([devnet.failure, Promise.resolve(undefined)]);
  if (down !== undefined) {
    await failDevnet(devnet, down);
    cleanUp(true);
    return;
  }
  process.stdout.write(
    `\nGraphQL: ${devnet.graphqlUrl}\nRPC: ${devnet.rpcUrl}\nExplorer: ${devnet.explorerUrl}\nGateway: ${devnet.summary.gateway}\nIPFS gateway: ${devnet.gatewayUrl}\n`,
  );
  if (!o.exit) {
    process.stdout.write(
      `Deployments: ${devnet.deploymentsPath}\n` +
        `Try: FLOCK_RPC_URL=${devnet.rpcUrl} FLOCK_DEPLOYMENTS=${devnet.deploymentsPath} npx flock task show ${devnet.summary.taskId}\n` +
        `     FLOCK_RPC_URL=${devnet.rpcUrl} FLOCK_DEPLOYMENTS=${devnet.deploymentsPath} npx flock market show ${devnet.summary.marketplace.listings[0]?.listingId ?? 1}\n` +
        "Ctrl-C stops everything" +
        (o.keep ? ".\n" : " and removes the data directory (--keep keeps it).\n"),
    );
    const outcome = await new Promise<string | undefined>((resolve) => {
      process.once("SIGINT", () => resolve(undefined));
      process.once("SIGTERM", () => resolve(undefined));
      void devnet.failure.then(resolve);
    });
    if (outcome !== undefined) {
      await failDevnet(devnet, outcome);
      cleanUp(true);
      return;
    }
    process.stdout.write("stopping…\n");
  }
  await devnet.stop();
  cleanUp(false);
}

/** A child the devnet needs is down for good: say so, stop everything, exit code 1. */
async function failDevnet(devnet: Devnet, why: string): Promise<void> {
  process.stderr.write(`\n✗ ${why}\n✗ the devnet cannot serve any more: stopping every process it started\n`);
  await devnet.stop();
  process.exitCode = 1;
}

/** Resolves once the indexer runs again (after a restart), or after `timeoutMs`. */
async function waitAlive(indexer: RunningIndexer, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!indexer.alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
}

/** `work`, unless `failure` comes first (then it throws with its sentence). */
function race<T>(work: Promise<T>, failure: Promise<string>): Promise<T> {
  return Promise.race([work, failure.then((why) => Promise.reject(new Error(why)))]);
}

/**
 * `--json`: the whole summary with `arena: {taskId, winnerModelCid}` up front; `alliance` is {id, rounds: [{round,
 * accepted, globalModelCid, accuracy, …}], finalModelCid, …}.
 */
export function jsonSummary(s: ArenaSummary) {
  return { arena: { taskId: s.taskId, winnerModelCid: s.winnerModelCid }, ...s };
}

const fmt = (wei: string | null | undefined) => (wei == null ? "-" : Number(formatUnits(BigInt(wei), 18)).toFixed(4));

export function printSummary(s: ArenaSummary): void {
  const out: string[] = [];
  const name = (a: string) => s.names[a.toLowerCase()] ?? a;
  out.push("", `══ AI Arena task ${s.taskId} — leaderboard (read through GraphQL) ══`);
  out.push(pad(["rank", "training node", "consensus", "reward FLOCK", "note"], [5, 18, 10, 14, 40]));
  for (const r of s.report.leaderboard) {
    const note = r.spam
      ? `spam: slashed ${fmt(r.slashed)}`
      : r.rank === null
        ? BigInt(r.slashed) > 0n
          ? `not published: slashed ${fmt(r.slashed)} at claim`
          : "not published"
        : r.contested
          ? "contested (50/50 split)"
          : "";
    // the contract ranks from 0; people count from 1
    const place = r.rank === null ? "-" : r.rank + 1;
    out.push(pad([place, name(r.trainer), r.consensus ?? "-", fmt(r.reward), note], [5, 18, 10, 14, 40]));
  }
  for (const c of s.rejected) out.push(`  ✗ ${name(c.account)}: ${c.what} → rejected: ${c.error}`);
  out.push("", "══ validators ══");
  out.push(
    pad(
      ["validator", "stake", "revealed", "dist mean/max", "outcome", "reward FLOCK", "slashed"],
      [18, 10, 9, 14, 18, 14, 10],
    ),
  );
  for (const v of s.report.validators) {
    out.push(
      pad(
        [
          name(v.validator),
          fmt(v.lockedStake),
          v.evicted ? "evicted" : v.unavailable ? "no data" : v.revealed ? "yes" : "no",
          v.distance === null || !v.revealed || v.unavailable ? "-" : `${v.distance}/${v.maxDistance ?? "-"}`,
          v.outcome ?? "-",
          fmt(v.reward),
          fmt(v.slashed),
        ],
        [18, 10, 9, 14, 18, 14, 10],
      ),
    );
  }
  out.push("", "══ slashes ══");
  if (s.report.slashes.length === 0) out.push("  none");
  for (const sl of s.report.slashes)
    out.push(
      `  ${name(sl.operator)}: ${sl.reason ?? "?"} — ${fmt(sl.amount)} FLOCK (${fmt(sl.toTreasury)} to the treasury)`,
    );
  out.push("", "══ money ══");
  const t = s.report.task;
  out.push(
    `  pool ${fmt(t.rewardPool)} · trainer pot ${fmt(t.trainerPot)} · validator pot ${fmt(t.validatorPot)} · protocol fee ${fmt(t.protocolFee)} · keeper bounty ${fmt(t.keeperBounty)} · slashed ${fmt(t.slashed)}`,
  );
  out.push(
    `  creator: fee ${fmt(s.creator.fee)} · bond ${fmt(s.creator.bond)} held until settlement, claimed back ${fmt(s.creator.bondClaimed)}`,
  );
  out.push(
    `  delegator's position in validator-1's pool: ${fmt(s.delegator.before)} → ${fmt(s.delegator.after)} FLOCK`,
  );
  const g = s.governance;
  out.push("", "══ governance (read through GraphQL) ══");
  out.push(`  proposal ${g.proposalId.slice(0, 10)}…: ${g.description}`);
  for (const v of g.votes) out.push(`  ${name(v.voter).padEnd(18)} ${v.support.padEnd(8)} ${fmt(v.weight)} FLOCK`);
  out.push(
    `  tally: for ${fmt(g.tally.for)} · against ${fmt(g.tally.against)} · abstain ${fmt(g.tally.abstain)} · quorum ${fmt(g.tally.quorum)} FLOCK`,
  );
  out.push(
    `  ${g.key}: ${g.before} → ${g.after} (executed by the timelock ${g.timelock}; the act took ${g.seconds} s)`,
  );
  const al = s.alliance;
  out.push(
    "",
    `══ FL alliance ${al.id} — from Arena task ${s.taskId}'s winner (accuracy ${pct(al.startAccuracy)} on the hidden eval split) ══`,
  );
  out.push(
    pad(
      ["round", "proposers", "outcome", "excluded", "accuracy", "rewards FLOCK", "slashes"],
      [6, 58, 9, 16, 9, 14, 30],
    ),
  );
  for (const r of al.rounds) {
    const paid = r.rewards.reduce((t, x) => t + BigInt(x.amount), 0n);
    const slashes = r.slashes.map((x) => `${x.name} ${x.reason} ${fmt(x.amount)}`).join(", ") || "-";
    out.push(
      pad(
        [
          r.round,
          r.proposers.join(","),
          r.accepted ? "accepted" : r.outcome.toLowerCase(),
          r.excluded.join(",") || "-",
          pct(r.accuracy),
          fmt(paid.toString()),
          slashes,
        ],
        [6, 58, 9, 16, 9, 14, 30],
      ),
    );
  }
  out.push(
    `  final model ${al.finalModelCid}: accuracy ${pct(al.startAccuracy)} → ${pct(al.finalAccuracy)} (${al.finalAccuracy > al.startAccuracy ? "better than" : "not better than"} the Arena winner); the alliance took ${al.seconds} s`,
  );
  printMarketSummary(s, (line) => out.push(line));
  out.push("", `  demo took ${s.seconds} s`);
  process.stdout.write(`${out.join("\n")}\n`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function pad(cells: unknown[], widths: number[]): string {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join(" ");
}
