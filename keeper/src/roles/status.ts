/** `flock status`: the indexer's view of a task or an account, or the chain's when no indexer is configured. */
import type { Address } from "viem";
import { PHASE_NAMES } from "../logic/phase.js";
import type { Node } from "../node.js";

export async function statusReport(node: Node, q: { taskId?: bigint; address?: Address }): Promise<unknown> {
  const base = node.config.indexerUrl;
  if (base) {
    const path = q.taskId !== undefined ? `/leaderboard/${q.taskId}` : `/accounts/${q.address}`;
    const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`indexer ${base} answered ${res.status} for ${path}: ${await res.text()}`);
    return { source: "indexer", ...((await res.json()) as Record<string, unknown>) };
  }
  const { protocol } = node;
  const read = protocol.chain.public;
  if (q.taskId !== undefined) {
    const t = await protocol.getTask(q.taskId);
    const settlement = await read.readContract({ ...protocol.arena, functionName: "settlementOf", args: [q.taskId] });
    const subs = await protocol.publishedSubmissions(q.taskId);
    const withResults = await Promise.all(
      subs.map(async (s) => ({
        ...s,
        ...(await read.readContract({
          ...protocol.arena,
          functionName: "submissionAt",
          args: [q.taskId!, BigInt(s.index)],
        })),
      })),
    );
    return { source: "chain", task: { ...t, phaseName: PHASE_NAMES[t.phase] }, settlement, submissions: withResults };
  }
  const a = q.address!;
  const [role, pool, balance] = await Promise.all([
    protocol.roleOf(a),
    read.readContract({ ...protocol.vault, functionName: "poolOf", args: [a] }),
    protocol.balanceOf(a),
  ]);
  return { source: "chain", address: a, role: ["none", "trainer", "validator"][role], balance, pool };
}
