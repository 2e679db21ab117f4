/**
 * The demo's AI Arena task, played for real on the devnet (SPEC §6):
 * a creator posts an MNIST task (eval split committed, revealed at the start of the publish window, before any model);
 * three honest training nodes of clearly different quality train TF.js models on their own shards; one submits
 * garbage; one commits (later) to another node's model CID, and its reveal is rejected `DuplicateModel` — the model is
 * owned by the earliest commitment — and it is slashed for not publishing at its claim; four honest validators, one
 * that scores at random and one that never reveals run as separate `flock validate` processes; a delegator backs
 * validator-1; a `flock finalize` keeper settles; everyone claims, the creator its bond. Block time is moved forward with anvil once everyone has acted in a window (no waiting on the wall clock).
 * Then the stakers pass a parameter change through governance (./governance.ts), stage 2 (./alliance.ts): an FL
 * alliance refines the winning model, and stage 3 (./market.ts): the marketplace sells access to the winner and to
 * the alliance's model.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Address } from "viem";
import { formatUnits, parseUnits } from "viem";
import { ChainClient, TxError } from "../chain/client.js";
import type { Deployments } from "../chain/deployments.js";
import { Protocol } from "../chain/protocol.js";
import { readConfig } from "../config.js";
import { loadDataset } from "../data/dataset.js";
import { buildMnistDatasets } from "../data/mnist.js";
import { WEIGHTS_BIN } from "../eval/index.js";
import type { Logger } from "../log.js";
import { until } from "../logic/async.js";
import { Phase } from "../logic/phase.js";
import type { Node } from "../node.js";
import { createTask, fetchSpec, revealEvalData } from "../roles/creator.js";
import { claimTask, delegate, stake } from "../roles/staking.js";
import { commitModel, commitModelFiles, revealModel } from "../roles/trainer.js";
import { parseSpec, type TaskSpec } from "../spec.js";
import type { EmbeddedStore } from "../storage/index.js";
import { Journal } from "../store/journal.js";
import { type Arch, garbageModel, trainModel } from "../train/index.js";
import type { Dataset, FileMap } from "../types.js";
import type { Actor, ActorName } from "./actors.js";
import { type AllianceSummary, playAlliance } from "./alliance.js";
import { warpTo } from "./anvil.js";
import { REPO_ROOT } from "./deploy.js";
import { type GovernanceSummary, playGovernance } from "./governance.js";
import { type TaskReport, taskReport } from "./graphql.js";
import { type MarketSummary, playMarket } from "./market.js";
import { type Managed, startProcess } from "./procs.js";

export interface ScenarioSize {
  evalSize: number;
  trainPerShard: number;
  epochs: { strong: number; medium: number; weak: number };
  /** the weak node trains on only this many of its digits */
  weakSamples: number;
  /** stage 2: digits per FL participant's private shard, and local epochs per round */
  flPerShard: number;
  flEpochs: number;
}

export interface ScenarioContext {
  rpcUrl: string;
  deploymentsPath: string;
  deployments: Deployments;
  dataDir: string;
  hub: EmbeddedStore;
  gatewayUrl: string;
  graphqlUrl: string;
  cast: Record<ActorName, Actor>;
  size: ScenarioSize;
  log: Logger;
  say: (m: string) => void;
  /** bot processes started here are pushed so the caller can stop them */
  bots: Managed[];
}

/** The demo's summary: the Arena task (stage 2) and the marketplace (stage 3, see ./market.ts). */
export interface ArenaSummary extends MarketSummary {
  taskId: string;
  names: Record<string, string>;
  addresses: Record<string, string>;
  report: TaskReport;
  /** transactions the protocol rejected on purpose (the copier) */
  rejected: { account: string; what: string; error: string }[];
  /** the creator's deposit: fee and bond (`creationCost`), and the bond claimed back after settlement */
  creator: { fee: string; bond: string; bondClaimed: string };
  delegator: { operator: string; before: string; after: string };
  trained: { name: string; arch: string; epochs: number; samples: number; modelCid: string }[];
  /** the governance act: a parameter change passed with staked FLOCK */
  governance: GovernanceSummary;
  /** the model ranked first */
  winnerModelCid: string;
  /** stage 2: the FL alliance started from the winner */
  alliance: AllianceSummary;
  seconds: number;
}

const FLOCK = (n: number) => parseUnits(String(n), 18);
const WINDOW = 3600;
/** the seed of the MNIST split (the FL act rebuilds the same hidden eval split with it) */
const DATA_SEED = 2024;

export async function playArena(ctx: ScenarioContext): Promise<ArenaSummary> {
  const { cast, say, size } = ctx;
  const nodes = new Map<ActorName, Node>();
  const node = (name: ActorName): Node => {
    let n = nodes.get(name);
    if (!n) {
      n = actorNode(ctx, cast[name]);
      nodes.set(name, n);
    }
    return n;
  };
  try {
    // ── money and stakes ──────────────────────────────────────────────────────────────────────────────
    const deployer = node("deployer");
    const grants: [ActorName, number][] = [
      ["creator", 20_000],
      ...(["trainer-strong", "trainer-medium", "trainer-weak", "trainer-garbage", "trainer-copier"] as const).map(
        (n) => [n, 5_000] as [ActorName, number],
      ),
      ...(
        ["validator-1", "validator-2", "validator-3", "validator-4", "validator-random", "validator-lazy"] as const
      ).map((n) => [n, 20_000] as [ActorName, number]),
      ["delegator", 10_000],
    ];
    for (const [name, amount] of grants) {
      await deployer.chain.write({
        ...deployer.protocol.token,
        functionName: "mint",
        args: [cast[name].address, FLOCK(amount)],
        label: `mint ${name}`,
      });
    }
    const validatorStakes: [ActorName, number][] = [
      ["validator-1", 10_000],
      ["validator-2", 9_000],
      ["validator-3", 8_000],
      ["validator-4", 7_000],
      ["validator-random", 6_000],
      ["validator-lazy", 5_000],
    ];
    const trainers = ["trainer-strong", "trainer-medium", "trainer-weak", "trainer-garbage", "trainer-copier"] as const;
    await Promise.all([
      ...trainers.map((n) => stake(node(n), { role: "trainer", amount: FLOCK(2_000), commissionBps: 0 })),
      ...validatorStakes.map(([n, amount]) =>
        stake(node(n), { role: "validator", amount: FLOCK(amount), commissionBps: 1_000 }),
      ),
    ]);
    say("▸ 5 training nodes and 6 validators registered and staked");

    const delegatorOperator = cast["validator-1"].address;
    await delegate(node("delegator"), delegatorOperator, FLOCK(5_000));
    const before = await positionOf(node("delegator"), delegatorOperator);
    say(`▸ delegator delegated 5000 FLOCK to validator-1`);

    // ── bots: six validators and a keeper, each its own process ──────────────────────────────────────
    const validatorFlags: Record<string, string[]> = {
      "validator-random": ["--strategy", "random"],
      "validator-lazy": ["--skip-reveal"],
    };
    for (const [name] of validatorStakes)
      ctx.bots.push(startBot(ctx, name, ["validate", "--watch", "--workers", "1", ...(validatorFlags[name] ?? [])]));
    ctx.bots.push(startBot(ctx, "keeper", ["finalize", "--watch", "--steps", "64"]));
    say("▸ validator bots ×6 and the keeper bot started");

    // ── data and the task ────────────────────────────────────────────────────────────────────────────
    const dataRoot = join(ctx.dataDir, "data");
    const built = await buildMnistDatasets({
      outDir: dataRoot,
      shards: 3,
      evalSize: size.evalSize,
      trainPerShard: size.trainPerShard,
      seed: DATA_SEED,
    });
    say(
      `▸ MNIST: ${built.shards.length} training shards of ${size.trainPerShard} digits, hidden eval split of ${size.evalSize}`,
    );
    const spec = parseSpec(JSON.parse(readFileSync(join(REPO_ROOT, "examples", "mnist", "spec.json"), "utf8")));
    const cost = await node("creator").protocol.creationCost(FLOCK(10_000));
    const created = await createTask(node("creator"), {
      spec,
      trainDataDir: join(dataRoot, "train-0"),
      evalDataDir: built.eval.path,
      reward: FLOCK(10_000),
      windows: { submission: WINDOW, publish: WINDOW, commit: WINDOW, reveal: WINDOW },
    });
    const taskId = created.taskId;
    say(
      `▸ task ${taskId} created: 10000 FLOCK pool, ${fmtFlock(cost.fee)} fee, ${fmtFlock(cost.bond)} bond (held until settlement), spec ${created.specCid}`,
    );

    // ── submission window: train, pin, commit ────────────────────────────────────────────────────────
    const taskSpec = await fetchSpec(node("trainer-strong"), created.specCid);
    const plan: { name: ActorName; arch: Arch; epochs: number; shard: number; samples?: number }[] = [
      { name: "trainer-strong", arch: "mlp", epochs: size.epochs.strong, shard: 0 },
      { name: "trainer-medium", arch: "mlp-small", epochs: size.epochs.medium, shard: 1 },
      { name: "trainer-weak", arch: "linear", epochs: size.epochs.weak, shard: 2, samples: size.weakSamples },
    ];
    const trained: ArenaSummary["trained"] = [];
    let strongFiles: FileMap | undefined;
    for (const p of plan) {
      const full = await loadDataset(join(dataRoot, `train-${p.shard}`));
      const ds = p.samples ? head(full, p.samples) : full;
      const t = performance.now();
      const { files } = await trainModel({ dataset: ds, spec: taskSpec, arch: p.arch, epochs: p.epochs, seed: 7 });
      const { modelCid, files: committed } = await commitModel(node(p.name), taskId, files);
      strongFiles ??= committed;
      trained.push({ name: p.name, arch: p.arch, epochs: p.epochs, samples: ds.y.length, modelCid });
      say(
        `▸ ${p.name}: trained ${p.arch} × ${p.epochs} epoch(s) on ${ds.y.length} digits in ${Math.round(performance.now() - t)} ms, committed ${modelCid.slice(0, 16)}…`,
      );
    }
    const garbage = await commitModel(node("trainer-garbage"), taskId, await zeroModel(taskSpec));
    say(
      `▸ trainer-garbage committed a model that was never trained (all weights zero) ${garbage.modelCid.slice(0, 16)}…`,
    );
    // the copier got hold of the strong node's model directory off-chain (manifest included): same bytes, same CID
    await commitModelFiles(node("trainer-copier"), taskId, strongFiles!);
    say("▸ trainer-copier committed to a copy of trainer-strong's model");

    // ── publish window: the eval data first (models can be revealed only after it), then the models ──────
    let task = await deployer.protocol.getTask(taskId);
    await warpTo(ctx.rpcUrl, task.submissionEnd);
    await revealEvalData(node("creator"), taskId);
    say("▸ the creator revealed the evaluation data at the start of the publish window");
    for (const n of ["trainer-strong", "trainer-medium", "trainer-weak", "trainer-garbage"] as const)
      await revealModel(node(n), taskId);
    const rejected: ArenaSummary["rejected"] = [];
    try {
      await revealModel(node("trainer-copier"), taskId);
      throw new Error("the copier's reveal was accepted: the protocol should have rejected it");
    } catch (e) {
      if (!(e instanceof TxError)) throw e;
      rejected.push({
        account: cast["trainer-copier"].address,
        what: "reveal of trainer-strong's model CID (committed later)",
        error: e.message.replace(/^.*would revert: /, ""),
      });
      say(`▸ trainer-copier's reveal rejected: ${rejected[0].error}`);
    }
    say("▸ 4 models published");

    // ── commit and reveal windows: the validator bots act on their own ──────────────────────────────
    task = await deployer.protocol.getTask(taskId);
    await warpTo(ctx.rpcUrl, task.publishEnd);
    await until(
      async () => (await deployer.protocol.getTask(taskId)).validators === 6,
      180_000,
      "6 validators to commit",
    );
    say("▸ all 6 validators evaluated the models and committed their scores");
    await warpTo(ctx.rpcUrl, task.commitEnd);
    await until(
      async () => (await deployer.protocol.getTask(taskId)).revealed === 5,
      120_000,
      "5 validators to reveal",
    );
    say("▸ 5 validators revealed (validator-lazy never will)");

    // ── finalization by the keeper bot, then claims ─────────────────────────────────────────────────
    await warpTo(ctx.rpcUrl, task.revealEnd);
    await until(
      async () => (await deployer.protocol.getTask(taskId)).phase === Phase.Settled,
      120_000,
      "the keeper to settle the task",
    );
    say("▸ the keeper finalized the task (consensus, slashes, ranks, rewards)");
    const claimants: ActorName[] = [...trainers, ...validatorStakes.map(([n]) => n), "creator"];
    let bondClaimed = 0n;
    for (const n of claimants) {
      const { amount } = await claimTask(node(n), taskId);
      if (n === "creator") bondClaimed = amount;
    }
    const after = await positionOf(node("delegator"), delegatorOperator);
    say(
      `▸ everyone claimed; rewards went into the operators' pools, the creator's bond (${fmtFlock(bondClaimed)} FLOCK) back to it`,
    );

    // ── governance: the stakers raise the non-reveal slash ───────────────────────────────────────────
    const governance = await playGovernance({ rpcUrl: ctx.rpcUrl, graphqlUrl: ctx.graphqlUrl, node, say });

    // ── read it all back through GraphQL ────────────────────────────────────────────────────────────
    const head_ = await deployer.chain.public.getBlockNumber();
    const report = await until(
      async () => {
        const r = await taskReport(ctx.graphqlUrl, taskId);
        // every claim indexed, the copier's non-publication slash (at its claim) included
        const indexed = r.task.status === "settled" && r.claims.length >= claimants.length;
        return indexed ? r : undefined;
      },
      60_000,
      `the indexer to reach block ${head_}`,
    );
    const winner = report.leaderboard.find((r) => r.rank === 0);
    if (!winner?.modelCid) throw new Error(`task ${taskId} has no winning model`);

    // ── stage 2: an FL alliance refines the winner ───────────────────────────────────────────────────────
    const alliance = await playAlliance({
      ...ctx,
      node,
      dataRoot,
      dataSeed: DATA_SEED,
      taskId,
      winnerModelCid: winner.modelCid,
    });

    const names: Record<string, string> = {};
    const addresses: Record<string, string> = {};
    for (const a of Object.values(cast)) {
      names[a.address.toLowerCase()] = a.name;
      addresses[a.name] = a.address;
    }

    // ── stage 3: the AI Marketplace sells the winner, flock serve answers the buyer ─────────────────
    const license = new TextEncoder().encode(
      "The winning model of the FLock demo's MNIST task. Access is sold per period by the ModelMarketplace.\n",
    );
    const market = await playMarket({
      node,
      taskId,
      modelCid: winner.modelCid,
      licenseCid: await ctx.hub.addDirectory(new Map([["LICENSE.txt", license]])),
      evalDir: built.eval.path,
      alliance: {
        id: BigInt(alliance.id),
        modelCid: alliance.finalModelCid,
        licenseCid: await ctx.hub.addDirectory(
          new Map([
            [
              "LICENSE.txt",
              new TextEncoder().encode(
                "The FLock demo's FL alliance model, refined from the MNIST task's winner on private shards.\n",
              ),
            ],
          ]),
        ),
      },
      accounts: Object.values(cast).map((a) => ({ name: a.name, address: a.address })),
      serve: {
        rpcUrl: ctx.rpcUrl,
        deploymentsPath: ctx.deploymentsPath,
        ipfsGateway: ctx.gatewayUrl,
        dataDir: ctx.dataDir,
        procs: ctx.bots,
      },
      log: ctx.log,
      say,
    });
    return {
      taskId: taskId.toString(),
      names,
      addresses,
      report,
      rejected,
      creator: { fee: cost.fee.toString(), bond: cost.bond.toString(), bondClaimed: bondClaimed.toString() },
      delegator: { operator: delegatorOperator, before: before.toString(), after: after.toString() },
      trained,
      governance,
      winnerModelCid: winner.modelCid,
      alliance,
      seconds: 0,
      ...market,
    };
  } finally {
    for (const n of nodes.values()) n.journal.close();
  }
}

/** An in-process actor sharing the hub's content store (the store is closed by the devnet, not here). */
function actorNode(ctx: ScenarioContext, actor: Actor): Node {
  const dataDir = join(ctx.dataDir, "actors", actor.name);
  const config = readConfig(
    { rpcUrl: ctx.rpcUrl, deployments: ctx.deploymentsPath, dataDir, pollMs: "250", logLevel: ctx.log.level },
    {},
  );
  const log = ctx.log.child({ actor: actor.name });
  const chain = new ChainClient({ rpcUrl: ctx.rpcUrl, account: actor.account, pollMs: 250, logger: log });
  const protocol = new Protocol(chain, ctx.deployments, log, { logRange: config.logRange });
  const journal = new Journal(join(dataDir, "journal.sqlite"));
  return { config, log, chain, protocol, store: ctx.hub, journal, close: async () => journal.close() };
}

function startBot(ctx: ScenarioContext, name: ActorName, args: string[]): Managed {
  const bin = join(REPO_ROOT, "keeper", "bin", "flock.js");
  return startProcess(name, process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      FLOCK_RPC_URL: ctx.rpcUrl,
      FLOCK_PRIVATE_KEY: ctx.cast[name].privateKey,
      FLOCK_DEPLOYMENTS: ctx.deploymentsPath,
      FLOCK_DATA_DIR: join(ctx.dataDir, "bots", name),
      FLOCK_IPFS: "embedded",
      FLOCK_IPFS_GATEWAYS: ctx.gatewayUrl,
      FLOCK_POLL_MS: "500",
      FLOCK_LOG_LEVEL: "info",
    },
    logFile: join(ctx.dataDir, "logs", `${name}.log`),
  });
}

const fmtFlock = (wei: bigint) => formatUnits(wei, 18);

function positionOf(n: Node, operator: Address): Promise<bigint> {
  return n.protocol.assetsOf(operator, n.chain.address);
}

/** A well-formed model with every weight zero: it predicts class 0 for every input (≈ 10% accuracy on MNIST). */
async function zeroModel(spec: TaskSpec): Promise<FileMap> {
  const files = await garbageModel(spec, 99);
  const weights = files.get(WEIGHTS_BIN);
  if (!weights) throw new Error(`the model has no ${WEIGHTS_BIN}`);
  files.set(WEIGHTS_BIN, new Uint8Array(weights.length));
  return files;
}

function head(ds: Dataset, n: number): Dataset {
  const per = ds.x.length / ds.y.length;
  return { ...ds, x: ds.x.slice(0, n * per), xShape: [n, ...ds.xShape.slice(1)], y: ds.y.slice(0, n) as Dataset["y"] };
}
