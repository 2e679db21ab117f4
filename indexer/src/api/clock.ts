/** The indexer's notion of "now": the timestamp of the latest indexed block (chain time, not wall time). */
import { db } from "ponder:api";
import { sql } from "ponder";
import { checkpointTimestamp } from "./views.js";

export async function indexedNow(): Promise<bigint> {
  try {
    const result = await db.execute(sql`select "latest_checkpoint" as cp from "_ponder_checkpoint"`);
    const rows = (Array.isArray(result) ? result : (result as { rows: { cp: string }[] }).rows) as { cp: string }[];
    let best: bigint | undefined;
    for (const r of rows) {
      const t = checkpointTimestamp(r.cp);
      if (t !== undefined && (best === undefined || t > best)) best = t;
    }
    if (best !== undefined) return best;
  } catch {
    // fall through to wall time
  }
  return BigInt(Math.floor(Date.now() / 1000));
}
