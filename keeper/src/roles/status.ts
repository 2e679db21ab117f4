/**
 * `flock status` and `flock task show`: the indexer's view of a task or an account, or the chain's when no indexer is
 * configured. Submissions carry the contract's 0-based `rank` and, once ranked, `place` — the same rank counted from 1,
 * as people count.
 */
import type { Address } from "viem";
import { RoleNames } from "../../../generated/enums.js";
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

export async function statusReport(node: Node, q: { taskId?: bigint; address?: Address }): Promise<unknown> {
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
  return { source: "chain", address: a, role: RoleNames[role], balance, pool };
}
