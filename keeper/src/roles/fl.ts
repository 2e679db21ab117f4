/**
 * The `flock fl` bot: one participant of one FL alliance, proposer and voter. Each tick reads the alliance and its
 * current round and does what is due:
 *
 * - joining over (or full), or a round ended: `advance` (anyone may; a lost race is not an error);
 * - proposer, UpdateCommit: fetch the global model (CID-verified, size-capped), train on the private shard (TF.js),
 *   encode the update (`flock-fl-update/1`), compute its CID by hashing only, keep the files under
 *   `<data dir>/unpublished/`, journal salt + CID + examples, commit; UpdateReveal: add the files to IPFS (they become
 *   fetchable only now) and reveal;
 * - ScoreCommit (every participant): fetch every revealed update (size-capped, base and layout checked, an invalid one
 *   scores 0), score 0 copies and free-rides (../logic/fl.ts), evaluate the global model and global + each update
 *   alone on the private evaluation data in the sandboxed pool, journal, commit; ScoreReveal: reveal;
 * - VoteCommit: read every revealed score, apply the exclusion rule (../fl/consensus.ts, the contract's rule),
 *   recompute the deterministic candidate of the included updates, evaluate it, accept iff it scores at least the
 *   global model less `toleranceBps`, add the candidate's files to IPFS (the next global model must be fetchable),
 *   journal, commit; VoteReveal: reveal;
 * - alliance over: claim (rewards into the pool, the lock released).
 *
 * Crash safety as the validator's: every secret is journaled before its commit is sent; a journaled step whose
 * commitment is on chain is recognised from `entryOf`; nothing is sent twice.
 */
import type { Address, Hex } from "viem";
import { AggregationRule, AllianceStatus, ModelSource, RoundPhase } from "../../../generated/enums.js";
import type { AllianceView, RoundView } from "../chain/protocol.js";
import type { EvalPool } from "../eval/index.js";
import {
  buildCandidate,
  type Contribution,
  decideExclusions,
  directoryCid,
  type FixedModel,
  type AggregationRule as FlRule,
  MAX_SCORE,
  maxUpdateDirectoryBytes,
  modelFromFiles,
  modelLayout,
  modelToFiles,
  poolEvaluator,
  scoreRound,
  trainLocalUpdate,
  type Update,
  updateFromFiles,
  updateToFiles,
  voterAccepts,
} from "../fl/index.js";
import { newSalt } from "../logic/commitments.js";
import {
  allianceScoresCommitment,
  flAction,
  roundKey,
  type StepState,
  screenUpdates,
  updateCommitment,
  voteCommitment,
} from "../logic/fl.js";
import { modelFetchLimits } from "../logic/limits.js";
import type { Node } from "../node.js";
import type { TaskSpec } from "../spec.js";
import { UnpublishedContent } from "../store/local.js";
import type { Dataset, FileMap } from "../types.js";
import { Bot } from "./bot.js";
import { fetchSpec } from "./creator.js";

/** How a participant behaves: honest, or (demos and tests) a poisoner sending −10 × its honest update, or a
 *  free-rider sending a zero update. Voting is always honest. */
export type FlBehaviour = "honest" | "poison" | "free-ride";

export interface FlBotOptions {
  allianceId: bigint;
  pool: EvalPool;
  /** the private training shard */
  train: Dataset;
  /** the private data the voter scores on */
  evalData: Dataset;
  /** the task spec (metric, shapes); default: the parent Arena task's */
  spec?: TaskSpec;
  epochs?: number;
  learningRate?: number;
  seed?: number;
  /** a voter accepts when candidate + toleranceBps ≥ global (its own scores); default 100 */
  toleranceBps?: number;
  behaviour?: FlBehaviour;
}

type Kind = "fl-update" | "fl-scores" | "fl-vote";

export class FlBot extends Bot {
  private spec?: TaskSpec;
  private readonly unpublished: UnpublishedContent;
  /** the alliance is over and this account has nothing left to claim */
  done = false;

  constructor(
    private readonly node: Node,
    private readonly opts: FlBotOptions,
  ) {
    super(
      `fl-${opts.allianceId}`,
      node.log.child({ bot: "fl", alliance: opts.allianceId.toString() }),
      node.config.pollMs,
    );
    this.unpublished = new UnpublishedContent(node.config.dataDir);
    this.spec = opts.spec;
  }

  private get me(): Address {
    return this.node.chain.address;
  }

  protected async tick(): Promise<void> {
    const { protocol } = this.node;
    const id = this.opts.allianceId;
    const a = await protocol.getAlliance(id);
    if (a.status === AllianceStatus.Joining) {
      const now = await protocol.now();
      if (now >= a.joinEnd || a.participants >= a.maxParticipants) await this.advance(a);
      return;
    }
    if (a.status === AllianceStatus.Completed || a.status === AllianceStatus.Cancelled) {
      await this.claimAtEnd(a);
      return;
    }
    const round = await protocol.getRound(id, a.round);
    await this.handleRound(a, round);
  }

  // ─── one round ─────────────────────────────────────────────────────────────────────────────────────────

  private key(kind: Kind, round: number) {
    return {
      kind,
      chainId: this.node.protocol.deployments.chainId,
      contract: this.node.protocol.alliance.address,
      taskId: roundKey(this.opts.allianceId, round),
      account: this.me,
    };
  }

  /** The journal state of each step, reconciled with the chain (a commit or reveal that landed unseen). */
  private async steps(round: number): Promise<Record<Kind, StepState>> {
    const { journal, protocol } = this.node;
    const rows = {
      "fl-update": journal.get(this.key("fl-update", round)),
      "fl-scores": journal.get(this.key("fl-scores", round)),
      "fl-vote": journal.get(this.key("fl-vote", round)),
    };
    if (Object.values(rows).some((r) => r?.state === "prepared" || r?.state === "committed")) {
      const e = await protocol.entryOf(this.opts.allianceId, round, this.me);
      const onChain: Record<Kind, [Hex, boolean]> = {
        "fl-update": [e.updateCommitment, e.updateRevealed],
        "fl-scores": [e.scoresCommitment, e.scoresRevealed],
        "fl-vote": [e.voteCommitment, e.voteRevealed],
      };
      for (const kind of Object.keys(rows) as Kind[]) {
        const row = rows[kind];
        if (!row || (row.state !== "prepared" && row.state !== "committed")) continue;
        const [commitment, revealed] = onChain[kind];
        if (commitment === row.commitment) {
          journal.mark(this.key(kind, round), revealed ? "revealed" : "committed");
          rows[kind] = journal.get(this.key(kind, round));
        }
      }
    }
    return {
      "fl-update": rows["fl-update"]?.state,
      "fl-scores": rows["fl-scores"]?.state,
      "fl-vote": rows["fl-vote"]?.state,
    };
  }

  private async handleRound(a: AllianceView, r: RoundView): Promise<void> {
    const member = await this.node.protocol.memberOf(a.id, this.me);
    const proposer = r.proposers.some((p) => p.toLowerCase() === this.me.toLowerCase());
    const s = member.joined
      ? await this.steps(r.round)
      : { "fl-update": undefined, "fl-scores": "revealed" as const, "fl-vote": "revealed" as const };
    const action = flAction(r.phase, { proposer, update: s["fl-update"], scores: s["fl-scores"], vote: s["fl-vote"] });
    switch (action) {
      case "train-and-commit":
        return this.trainAndCommit(a, r, s["fl-update"] === "prepared");
      case "reveal-update":
        return this.revealUpdate(a, r);
      case "score-and-commit":
        return this.scoreAndCommit(a, r, s["fl-scores"] === "prepared");
      case "reveal-scores":
        return this.revealScores(a, r);
      case "vote-and-commit":
        return this.voteAndCommit(a, r, s["fl-vote"] === "prepared");
      case "reveal-vote":
        return this.revealVote(a, r);
      case "advance":
        return this.advance(a);
      case "wait":
        return;
    }
  }

  private async trainAndCommit(a: AllianceView, r: RoundView, resend: boolean): Promise<void> {
    const { journal, protocol } = this.node;
    const key = this.key("fl-update", r.round);
    if (!resend) {
      const global = await this.globalModel(a);
      const trained = await trainLocalUpdate({
        global,
        globalCid: a.globalCid,
        dataset: this.opts.train,
        spec: await this.taskSpec(a),
        epochs: this.opts.epochs ?? 1,
        learningRate: this.opts.learningRate,
        seed: (this.opts.seed ?? 1) + r.round,
      });
      const update = this.misbehave(trained.update);
      const files = updateToFiles(update);
      const cid = await directoryCid(files);
      await this.unpublished.keep(cid, files);
      const salt = newSalt();
      const commitment = updateCommitment(
        key.chainId,
        protocol.alliance.address,
        a.id,
        r.round,
        this.me,
        cid,
        update.examples,
        salt,
      );
      journal.prepare({ ...key, salt, commitment, payload: JSON.stringify({ cid, examples: update.examples }) });
      this.log.info(
        { round: r.round, cid, examples: update.examples, behaviour: this.opts.behaviour },
        "update trained",
      );
    }
    const row = journal.get(key)!;
    const receipt = await this.node.chain.write({
      ...protocol.alliance,
      functionName: "commitUpdate",
      args: [a.id, row.commitment],
      label: `commitUpdate(${a.id}, ${r.round})`,
    });
    journal.mark(key, "committed", receipt.transactionHash);
  }

  /** A poisoner's update: −10 × the honest one (clamped to the Q16 range); a free-rider's: zeros. */
  private misbehave(update: Update): Update {
    const b = this.opts.behaviour ?? "honest";
    if (b === "honest") return update;
    const LIMIT = 2 ** 31 - 1;
    const tensors = update.tensors.map((t) => ({
      ...t,
      values: Int32Array.from(t.values, (v) => (b === "free-ride" ? 0 : Math.max(-LIMIT, Math.min(LIMIT, -10 * v)))),
    }));
    return { ...update, tensors };
  }

  private async revealUpdate(a: AllianceView, r: RoundView): Promise<void> {
    const { journal, protocol, store } = this.node;
    const key = this.key("fl-update", r.round);
    const row = journal.get(key)!;
    const { cid, examples } = JSON.parse(row.payload) as { cid: string; examples: number };
    // announce the blocks only now, after the commit
    const added = await store.addDirectory(await this.unpublished.load(cid));
    if (added !== cid) throw new Error(`the store added the update as ${added}, not ${cid}`);
    const receipt = await this.node.chain.write({
      ...protocol.alliance,
      functionName: "revealUpdate",
      args: [a.id, cid, examples, row.salt],
      label: `revealUpdate(${a.id}, ${r.round})`,
    });
    journal.mark(key, "revealed", receipt.transactionHash);
    await this.unpublished.remove(cid);
    this.log.info({ round: r.round, cid }, "update revealed");
  }

  private async scoreAndCommit(a: AllianceView, r: RoundView, resend: boolean): Promise<void> {
    const { journal, protocol } = this.node;
    const key = this.key("fl-scores", r.round);
    if (!resend) {
      const { global, columns } = await this.roundInputs(a, r);
      const screened = screenUpdates(columns.map((c) => c.update));
      const kept: Contribution[] = [];
      columns.forEach((c, j) => {
        if (c.update && screened[j] === null) kept.push({ proposer: c.proposer, update: c.update });
        const reason = c.reason ?? screened[j];
        if (reason) this.log.warn({ round: r.round, proposer: c.proposer, reason }, "update scored 0");
      });
      const spec = await this.taskSpec(a);
      const result = await scoreRound({
        global,
        contributions: kept,
        evaluate: poolEvaluator(this.opts.pool, this.opts.evalData, spec),
      });
      const byProposer = new Map(result.proposers.map((p, i) => [p.toLowerCase(), result.updates[i].score]));
      const scores = [result.global.score, ...columns.map((c) => byProposer.get(c.proposer.toLowerCase()) ?? 0)];
      const salt = newSalt();
      const commitment = allianceScoresCommitment(
        key.chainId,
        protocol.alliance.address,
        a.id,
        r.round,
        this.me,
        scores,
        salt,
      );
      journal.prepare({ ...key, salt, commitment, payload: JSON.stringify(scores) });
      this.log.info({ round: r.round, scores }, "round scored");
    }
    const row = journal.get(key)!;
    const receipt = await this.node.chain.write({
      ...protocol.alliance,
      functionName: "commitScores",
      args: [a.id, row.commitment],
      label: `commitScores(${a.id}, ${r.round})`,
    });
    journal.mark(key, "committed", receipt.transactionHash);
  }

  private async revealScores(a: AllianceView, r: RoundView): Promise<void> {
    const key = this.key("fl-scores", r.round);
    const row = this.node.journal.get(key)!;
    const receipt = await this.node.chain.write({
      ...this.node.protocol.alliance,
      functionName: "revealScores",
      args: [a.id, JSON.parse(row.payload) as number[], row.salt],
      label: `revealScores(${a.id}, ${r.round})`,
    });
    this.node.journal.mark(key, "revealed", receipt.transactionHash);
  }

  private async voteAndCommit(a: AllianceView, r: RoundView, resend: boolean): Promise<void> {
    const { journal, protocol } = this.node;
    const key = this.key("fl-vote", r.round);
    if (!resend) {
      const { accept, cid } = await this.decideVote(a, r);
      const salt = newSalt();
      const commitment = voteCommitment(
        key.chainId,
        protocol.alliance.address,
        a.id,
        r.round,
        this.me,
        accept,
        cid,
        salt,
      );
      journal.prepare({ ...key, salt, commitment, payload: JSON.stringify({ accept, cid }) });
    }
    const row = journal.get(key)!;
    const receipt = await this.node.chain.write({
      ...protocol.alliance,
      functionName: "commitVote",
      args: [a.id, row.commitment],
      label: `commitVote(${a.id}, ${r.round})`,
    });
    journal.mark(key, "committed", receipt.transactionHash);
  }

  /** The exclusion rule over the revealed scores, the candidate of the included updates, and this voter's verdict. */
  async decideVote(a: AllianceView, r: RoundView): Promise<{ accept: boolean; cid: string; candidateScore?: number }> {
    const { protocol } = this.node;
    const [{ global, columns }, reveals, params] = await Promise.all([
      this.roundInputs(a, r),
      protocol.revealedScores(a.id, r),
      protocol.allianceParams(a.id),
    ]);
    const verdict = decideExclusions(
      reveals.map((v) => ({ weight: v.weight, global: v.scores[0], updates: v.scores.slice(1) })),
      columns.length,
      { minRatioBps: params.exclusionRatioBps },
    );
    const included = columns.filter((_, j) => !verdict.updates[j].excluded);
    const excluded = columns.filter((_, j) => verdict.updates[j].excluded).map((c) => c.proposer);
    const missing = included.filter((c) => c.update === null);
    if (included.length === 0 || missing.length > 0) {
      // nothing to aggregate, or an included update this voter cannot read: it cannot vouch for any candidate
      this.log.warn({ round: r.round, excluded, unreadable: missing.map((c) => c.proposer) }, "voting reject");
      return { accept: false, cid: a.globalCid };
    }
    const candidate = await buildCandidate({
      global,
      globalCid: a.globalCid,
      contributions: included.map((c) => ({ proposer: c.proposer, update: c.update! })),
      rule: flRule(a),
    });
    const spec = await this.taskSpec(a);
    const evaluate = poolEvaluator(this.opts.pool, this.opts.evalData, spec);
    const [mine, cand] = await Promise.all([evaluate(modelToFiles(global)), evaluate(candidate.files)]);
    const accept = voterAccepts(cand.score, mine.score, Math.min(this.opts.toleranceBps ?? 100, MAX_SCORE));
    // the candidate may become the global model: make it fetchable (anyone could rebuild it from the updates)
    const added = await this.node.store.addDirectory(candidate.files);
    if (added !== candidate.cid) throw new Error(`the store added the candidate as ${added}, not ${candidate.cid}`);
    this.log.info(
      { round: r.round, candidate: candidate.cid, excluded, global: mine.score, candidateScore: cand.score, accept },
      "vote decided",
    );
    return { accept, cid: candidate.cid, candidateScore: cand.score };
  }

  private async revealVote(a: AllianceView, r: RoundView): Promise<void> {
    const key = this.key("fl-vote", r.round);
    const row = this.node.journal.get(key)!;
    const { accept, cid } = JSON.parse(row.payload) as { accept: boolean; cid: string };
    const receipt = await this.node.chain.write({
      ...this.node.protocol.alliance,
      functionName: "revealVote",
      args: [a.id, accept, cid, row.salt],
      label: `revealVote(${a.id}, ${r.round})`,
    });
    this.node.journal.mark(key, "revealed", receipt.transactionHash);
  }

  // ─── transitions and claims ────────────────────────────────────────────────────────────────────────────

  /** `advance`; another participant's bot may have advanced first: then there is nothing to do. */
  private async advance(a: AllianceView): Promise<void> {
    try {
      await this.node.chain.write({
        ...this.node.protocol.alliance,
        functionName: "advance",
        args: [a.id],
        label: `advance(${a.id})`,
        // the roles of the next round are drawn from the block's prevrandao: the gas of the draw varies by block
        gasMarginBps: 5_000,
      });
    } catch (e) {
      const after = await this.node.protocol.getAlliance(a.id);
      if (after.status !== a.status || after.round !== a.round) return;
      if (after.status === AllianceStatus.Running) {
        const r = await this.node.protocol.getRound(a.id, after.round);
        if (r.phase !== RoundPhase.Ended) return;
      }
      throw e;
    }
  }

  private async claimAtEnd(a: AllianceView): Promise<void> {
    const { protocol } = this.node;
    const m = await protocol.memberOf(a.id, this.me);
    const due = await protocol.allianceClaimable(a.id, this.me);
    if (due === 0n && (!m.joined || m.unlocked)) {
      this.done = true;
      return;
    }
    await this.node.chain.write({
      ...protocol.alliance,
      functionName: "claim",
      args: [a.id, this.me],
      label: `claim(alliance ${a.id})`,
    });
    this.done = true;
  }

  // ─── inputs ────────────────────────────────────────────────────────────────────────────────────────────

  private async taskSpec(a: AllianceView): Promise<TaskSpec> {
    if (this.spec) return this.spec;
    let cur = a;
    // follow alliances back to the Arena task the lineage started from
    while (cur.source === ModelSource.Alliance) cur = await this.node.protocol.getAlliance(cur.parentId);
    if (cur.source !== ModelSource.ArenaTask)
      throw new Error(`alliance ${a.id} starts from a bare CID: give the task spec with --spec`);
    const task = await this.node.protocol.getTask(cur.parentId);
    this.spec = await fetchSpec(this.node, task.specCid);
    return this.spec;
  }

  private async globalModel(a: AllianceView): Promise<FixedModel> {
    const spec = await this.taskSpec(a);
    const files = await this.node.store.getDirectory(a.globalCid, modelFetchLimits(spec));
    return modelFromFiles(files);
  }

  /** The global model and every column (revealed update, by proposer ascending), decoded or with the reason not. */
  private async roundInputs(a: AllianceView, r: RoundView) {
    const global = await this.globalModel(a);
    const layout = modelLayout(global);
    const revealed = await this.node.protocol.revealedUpdates(a.id, r);
    if (revealed.length !== r.updateReveals)
      throw new Error(`round ${r.round}: ${revealed.length} UpdateRevealed events for ${r.updateReveals} reveals`);
    const limits = { maxBytes: maxUpdateDirectoryBytes(layout), timeoutMs: 60_000, maxFiles: 4 };
    const columns = await Promise.all(
      revealed.map(async (u) => {
        let files: FileMap;
        try {
          files = await this.node.store.getDirectory(u.updateCid, limits);
        } catch (e) {
          return { ...u, update: null as Update | null, reason: `fetch failed: ${(e as Error).message}` };
        }
        try {
          const update = updateFromFiles(files, { layout, base: a.globalCid });
          if (update.examples !== u.examples)
            return {
              ...u,
              update: null,
              reason: `the file says ${update.examples} examples, the reveal ${u.examples}`,
            };
          return { ...u, update, reason: null as string | null };
        } catch (e) {
          return { ...u, update: null, reason: `invalid update: ${(e as Error).message}` };
        }
      }),
    );
    return { global, columns };
  }
}

/** The fl-core rule of an alliance's on-chain rule. */
export function flRule(a: Pick<AllianceView, "rule" | "ruleParam">): FlRule {
  switch (a.rule) {
    case AggregationRule.FedAvg:
      return { kind: "fedavg", maxExamples: a.ruleParam };
    case AggregationRule.TrimmedMean:
      return { kind: "trimmed-mean", betaBps: a.ruleParam };
    default:
      return { kind: "median" };
  }
}
