/**
 * The demo's stage 2, an FL alliance played for real on the devnet after the AI Arena act: the creator starts an
 * alliance from the Arena task's winning model; five operators join with private non-IID MNIST shards — four honest,
 * one poisoner sending −10 × its honest update — and play 3 rounds of 4 proposers with the `flock fl` bot (`FlBot`,
 * one per participant, in this process: they share the devnet's IPFS hub, so every update and candidate is fetchable
 * by the others and from the printed gateway). Every participant acts in every phase, so phases end early on chain; a
 * phase that stalls is ended by moving anvil's clock to its window's end (never by waiting). Each round's global model
 * is evaluated on the Arena's hidden eval split; rewards and slashes are read back through GraphQL.
 */
import { join } from "node:path";
import { formatUnits, parseUnits } from "viem";
import { AllianceStatus } from "../../../generated/enums.js";
import { loadDataset } from "../data/dataset.js";
import { buildMnistDatasets } from "../data/mnist.js";
import { EvalPool } from "../eval/index.js";
import { until } from "../logic/async.js";
import { modelFetchLimits } from "../logic/limits.js";
import type { Node } from "../node.js";
import { claimAlliance, createAlliance, joinAlliance } from "../roles/alliance.js";
import { fetchSpec } from "../roles/creator.js";
import { FlBot } from "../roles/fl.js";
import type { ActorName } from "./actors.js";
import { warpTo } from "./anvil.js";
import type { ScenarioContext } from "./scenario.js";

export interface AllianceRoundSummary {
  round: number;
  /** the round's proposers (actor names) */
  proposers: string[];
  outcome: string;
  accepted: boolean;
  /** proposers whose update was excluded */
  excluded: string[];
  /** the global model after the round */
  globalModelCid: string;
  /** its accuracy on the Arena's hidden eval split */
  accuracy: number;
  /** the voters' consensus score (bps) of the model the round started from, on their private data */
  globalConsensus: number;
  rewards: { name: string; kind: string; amount: string }[];
  slashes: { name: string; reason: string; amount: string }[];
}

export interface AllianceSummary {
  id: string;
  startModelCid: string;
  /** the Arena winner's accuracy on the hidden eval split */
  startAccuracy: number;
  participants: { name: string; behaviour: string; stake: string }[];
  rounds: AllianceRoundSummary[];
  finalModelCid: string;
  finalAccuracy: number;
  seconds: number;
}

const FLOCK = (n: number) => parseUnits(String(n), 18);
const WINDOW = 3600;
const ROUNDS = 3;
const HONEST = ["trainer-strong", "trainer-medium", "trainer-weak", "validator-2"] as const;
const POISONER: ActorName = "trainer-garbage";

export interface AllianceContext extends ScenarioContext {
  node(name: ActorName): Node;
  /** the Arena act's data directory (its eval split is the hidden one) and the seed that split it */
  dataRoot: string;
  dataSeed: number;
  /** the Arena task and its winner's model */
  taskId: bigint;
  winnerModelCid: string;
}

export async function playAlliance(ctx: AllianceContext): Promise<AllianceSummary> {
  const t0 = performance.now();
  const { say, node } = ctx;
  const people: ActorName[] = [...HONEST, POISONER];
  const spec = await fetchSpec(node("creator"), (await node("creator").protocol.getTask(ctx.taskId)).specCid);

  // ── private data: a non-IID shard per participant; the Arena's seed and eval size give the same hidden eval split,
  // which no shard contains ──────────────────────────────────────────────────────────────────────────────────────
  const built = await buildMnistDatasets({
    outDir: join(ctx.dataRoot, "alliance"),
    shards: people.length,
    evalSize: ctx.size.evalSize,
    trainPerShard: ctx.size.flPerShard,
    seed: ctx.dataSeed,
    nonIid: 2,
  });
  const hidden = await loadDataset(join(ctx.dataRoot, "eval"));

  // ── the alliance: from the Arena winner, 3 rounds of 4 proposers among 5, trimmed mean ────────────────────────
  const { allianceId } = await createAlliance(node("creator"), {
    from: { task: ctx.taskId, cid: ctx.winnerModelCid },
    reward: FLOCK(3_000),
    minStake: FLOCK(1_000),
    rounds: ROUNDS,
    minParticipants: people.length,
    maxParticipants: people.length,
    proposersPerRound: people.length - 1,
    rule: "trimmed-mean",
    ruleParam: 2_000,
    windows: {
      join: WINDOW,
      updateCommit: WINDOW,
      updateReveal: WINDOW,
      scoreCommit: WINDOW,
      scoreReveal: WINDOW,
      voteCommit: WINDOW,
      voteReveal: WINDOW,
    },
  });
  say(
    `▸ FL alliance ${allianceId} created from Arena task ${ctx.taskId}'s winner: 3000 FLOCK pool, ${ROUNDS} rounds, 4 proposers of 5, trimmed mean β 20%`,
  );
  const stakes = new Map<ActorName, bigint>(people.map((p) => [p, p === POISONER ? FLOCK(1_500) : FLOCK(1_000)]));
  for (const p of people) await joinAlliance(node(p), allianceId, stakes.get(p)!);
  say(
    `▸ ${people.length} participants joined with private non-IID MNIST shards of ${ctx.size.flPerShard} digits (${POISONER} will poison its updates)`,
  );

  // ── the rounds, played by one FlBot per participant ──────────────────────────────────────────────────────────
  const pool = new EvalPool({ size: 1 });
  const evaluate = async (cid: string): Promise<number> => {
    const files = await ctx.hub.getDirectory(cid, modelFetchLimits(spec));
    const r = await pool.evaluate({ files, dataset: hidden, spec });
    return r.value ?? 0;
  };
  try {
    const bots = await Promise.all(
      people.map(async (p, i) => {
        const shard = await loadDataset(built.shards[i].path);
        const cut = Math.floor(shard.y.length * 0.8);
        const per = shard.x.length / shard.y.length;
        const train = {
          ...shard,
          x: shard.x.slice(0, cut * per),
          xShape: [cut, ...shard.xShape.slice(1)],
          y: shard.y.slice(0, cut),
        };
        const rest = shard.y.length - cut;
        const evalData = {
          ...shard,
          x: shard.x.slice(cut * per),
          xShape: [rest, ...shard.xShape.slice(1)],
          y: shard.y.slice(cut),
        };
        return new FlBot(node(p), {
          allianceId,
          pool,
          train: train as typeof shard,
          evalData: evalData as typeof shard,
          spec,
          epochs: ctx.size.flEpochs,
          learningRate: 0.05,
          seed: 11 + i,
          behaviour: p === POISONER ? "poison" : "honest",
        });
      }),
    );
    const protocol = node("creator").protocol;
    let stalled = 0;
    let last = "";
    for (;;) {
      const a = await protocol.getAlliance(allianceId);
      if ((a.status === AllianceStatus.Completed || a.status === AllianceStatus.Cancelled) && bots.every((b) => b.done))
        break;
      for (const b of bots) await b.tickOnce();
      const round = a.round > 0 ? await protocol.getRound(allianceId, a.round) : undefined;
      const state = `${a.status}:${a.round}:${round?.phase}:${round?.updateCommits}:${round?.updateReveals}:${round?.scoreCommits}:${round?.scoreReveals}:${round?.voteCommits}:${round?.voteReveals}`;
      stalled = state === last ? stalled + 1 : 0;
      last = state;
      // nobody can act any more in this phase (a bot failed, or the poisoner's update was unusable): end its window
      if (stalled >= 20 && round && round.phaseEnd > 0) {
        await warpTo(ctx.rpcUrl, Number(round.phaseEnd));
        stalled = 0;
      }
      if (bots.some((b) => b.errors > 3)) throw new Error(`an FL bot keeps failing (logs under ${ctx.dataDir})`);
    }
    const owed = await protocol.allianceClaimable(allianceId, ctx.cast.creator.address);
    const refund = owed > 0n ? (await claimAlliance(node("creator"), allianceId)).refund : 0n;
    say(
      `▸ the alliance completed; every participant claimed (rewards into its pool, its lock released), the creator its refund of ${Number(formatUnits(refund, 18)).toFixed(4)} FLOCK`,
    );
    const claims = people.length + (owed > 0n ? 1 : 0);

    // ── read it back through GraphQL, evaluate every global model on the hidden split ───────────────────────────
    const report = await until(
      async () => {
        const r = await allianceReport(ctx.graphqlUrl, allianceId);
        return r && r.status === "Completed" && r.claims >= claims ? r : undefined;
      },
      60_000,
      "the indexer to index the alliance",
    );
    const names: Record<string, string> = {};
    for (const a of Object.values(ctx.cast)) names[a.address.toLowerCase()] = a.name;
    const name = (a: string) => names[a] ?? a;
    const startAccuracy = await evaluate(ctx.winnerModelCid);
    let model = ctx.winnerModelCid;
    let accuracy = startAccuracy;
    const rounds: AllianceRoundSummary[] = [];
    for (const r of report.rounds) {
      const accepted = r.outcome === "Accepted";
      if (accepted && r.candidateCid) {
        model = r.candidateCid;
        accuracy = await evaluate(model);
      }
      rounds.push({
        round: r.round,
        proposers: r.proposers.map(name),
        outcome: r.outcome,
        accepted,
        excluded: report.updates.filter((u) => u.round === r.round && u.excluded).map((u) => name(u.proposer)),
        globalModelCid: model,
        accuracy,
        globalConsensus: r.globalConsensus,
        rewards: report.rewards
          .filter((x) => x.round === r.round)
          .map((x) => ({ name: name(x.account), kind: x.kind, amount: x.amount })),
        slashes: report.slashes
          .filter((x) => x.round === r.round)
          .map((x) => ({ name: name(x.account), reason: x.reason, amount: x.amount })),
      });
    }
    return {
      id: allianceId.toString(),
      startModelCid: ctx.winnerModelCid,
      startAccuracy,
      participants: people.map((p) => ({
        name: p,
        behaviour: p === POISONER ? "poison" : "honest",
        stake: stakes.get(p)!.toString(),
      })),
      rounds,
      finalModelCid: report.finalModelCid ?? model,
      finalAccuracy: accuracy,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    await pool.close();
  }
}

interface AllianceReport {
  status: string;
  finalModelCid: string | null;
  claims: number;
  rounds: {
    round: number;
    proposers: string[];
    outcome: string;
    candidateCid: string | null;
    globalConsensus: number;
  }[];
  updates: { round: number; proposer: string; excluded: boolean | null }[];
  rewards: { round: number; account: string; kind: string; amount: string }[];
  slashes: { round: number; account: string; reason: string; amount: string }[];
}

const REPORT_QUERY = `query($id: BigInt!) {
  alliance(id: $id) { status finalModelCid }
  allianceClaims(where: { allianceId: $id }, limit: 100) { totalCount }
  allianceRounds(where: { allianceId: $id }, orderBy: "round", limit: 100) {
    items { round proposers outcome candidateCid globalConsensus }
  }
  allianceUpdates(where: { allianceId: $id }, limit: 500) { items { round proposer excluded } }
  allianceRewards(where: { allianceId: $id }, orderBy: "id", limit: 500) { items { round account kind amount } }
  allianceSlashs(where: { allianceId: $id }, orderBy: "id", limit: 500) { items { round account reason amount } }
}`;

/** The alliance as the indexer has it (undefined until it is indexed). */
export async function allianceReport(graphqlUrl: string, id: bigint): Promise<AllianceReport | undefined> {
  const res = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: REPORT_QUERY, variables: { id: id.toString() } }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as {
    data?: {
      alliance: { status: string; finalModelCid: string | null } | null;
      allianceClaims: { totalCount: number };
      allianceRounds: { items: AllianceReport["rounds"] };
      allianceUpdates: { items: AllianceReport["updates"] };
      allianceRewards: { items: AllianceReport["rewards"] };
      allianceSlashs: { items: AllianceReport["slashes"] };
    };
    errors?: { message: string }[];
  };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors[0].message}`);
  const d = body.data;
  if (!d?.alliance) return undefined;
  return {
    status: d.alliance.status,
    finalModelCid: d.alliance.finalModelCid,
    claims: d.allianceClaims.totalCount,
    rounds: d.allianceRounds.items.filter((r) => r.outcome !== null),
    updates: d.allianceUpdates.items,
    rewards: d.allianceRewards.items,
    slashes: d.allianceSlashs.items,
  };
}
