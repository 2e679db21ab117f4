/**
 * `flock status` and `flock task show`: the indexer's view of a task or an account, or the chain's when no indexer is
 * configured. Submissions carry the contract's 0-based `rank` and, once ranked, `place` — the same rank counted from 1,
 * as people count.
 */
import type { Address } from "viem";
import { Role, RoleNames } from "../../../generated/enums.js";
import { Phase, phaseName } from "../logic/phase.js";
import type { Node } from "../node.js";

/** `place` (1-based) beside each ranked submission's `rank` (0-based). */
export function withPlaces<T extends { rank?: number | null }>(
  submissions: readonly T[],
  ranked: boolean,
): (T & { place: number | null })[] {
  return submissions.map((s) => ({
    ...s,
    place: ranked && typeof s.rank === "number" ? s.rank + 1 : null,
  }));
}

/** A task as the chain sees it: its view, phase name and published submissions (with their results once settled). */
export async function taskOnChain(node: Node, taskId: bigint) {
  const { protocol } = node;
  const task = await protocol.getTask(taskId);
  const [settlement, subs] = await Promise.all([protocol.settlementOf(taskId), protocol.publishedSubmissions(task)]);
  const results = await Promise.all(
    subs.map(async (s) => ({ ...s, ...(await protocol.submissionAt(taskId, s.index)) })),
  );
  return {
    task: { ...task, phaseName: phaseName(task.phase) },
    settlement,
    submissions: withPlaces(results, task.phase === Phase.Settled),
  };
}

/**
 * The vault's view of `account` in `operator`'s pool: its position, its pending deposit (and when it activates), and
 * the pool's lock sequence and scheduled commission — what `flock status --address A [--operator O]` shows from the
 * chain.
 */
export async function poolPosition(node: Node, operator: Address, account: Address) {
  const { protocol } = node;
  const [pool, assets, pending, effectiveCommission, now] = await Promise.all([
    protocol.poolOf(operator),
    protocol.assetsOf(operator, account),
    protocol.pendingOf(operator, account),
    protocol.effectiveCommission(operator),
    protocol.now(),
  ]);
  const outstandingLocks = pool.lockSeq > pool.releasedThrough;
  return {
    operator,
    assets,
    pendingDeposit:
      pending.assets === 0n
        ? null
        : {
            assets: pending.assets,
            mark: pending.mark,
            activatable: pending.activatable,
            activates: pending.activatable
              ? "now: `flock pending --operator … --activate` (or the next deposit/unbond does it)"
              : `once the pool's locks up to #${pending.mark} are released (released through #${pool.releasedThrough})`,
          },
    locks: {
      lockSeq: pool.lockSeq,
      releasedThrough: pool.releasedThrough,
      outstanding: outstandingLocks,
      note: outstandingLocks
        ? "deposits now are pending; unbond requests now wait for these locks before they can be withdrawn"
        : "no lock outstanding: deposits mint shares at once",
    },
    commission: {
      bps: pool.commissionBps,
      effectiveBps: effectiveCommission,
      scheduled:
        pool.commissionEffectiveAt === 0
          ? null
          : {
              bps: pool.pendingCommissionBps,
              effectiveAt: pool.commissionEffectiveAt,
              due: now >= pool.commissionEffectiveAt,
            },
    },
  };
}

export async function statusReport(
  node: Node,
  q: { taskId?: bigint; address?: Address; operator?: Address },
): Promise<unknown> {
  const base = node.config.indexerUrl;
  if (base) {
    const path = q.taskId !== undefined ? `/leaderboard/${q.taskId}` : `/accounts/${q.address}`;
    const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`indexer ${base} answered ${res.status} for ${path}: ${await res.text()}`);
    const body = (await res.json()) as Record<string, unknown> & { submissions?: { rank?: number | null }[] };
    if (Array.isArray(body.submissions)) body.submissions = withPlaces(body.submissions, true);
    return { source: "indexer", ...body };
  }
  if (q.taskId !== undefined) return { source: "chain", ...(await taskOnChain(node, q.taskId)) };
  const a = q.address!;
  const { protocol } = node;
  const [role, pool, balance] = await Promise.all([protocol.roleOf(a), protocol.poolOf(a), protocol.balanceOf(a)]);
  const positions = [];
  if (role !== Role.None) positions.push(await poolPosition(node, a, a));
  if (q.operator && q.operator.toLowerCase() !== a.toLowerCase())
    positions.push(await poolPosition(node, q.operator, a));
  return { source: "chain", address: a, role: RoleNames[role], balance, pool, positions };
}
