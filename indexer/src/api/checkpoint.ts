/** The indexed checkpoint: what every response cache of the API is keyed by. */
import { db } from "ponder:api";
import { sql } from "ponder";
import { freshReads } from "./cache.js";

/** Rows of a raw `db.execute`: node-postgres returns `{ rows }`, PGlite too; be lenient with arrays. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The latest indexed checkpoint (the highest over the chains), or "" before the first one. It is the value `/status`
 * reports, written by Ponder in the same transaction as the rows of the blocks it covers: an answer computed after
 * reading checkpoint C shows at least everything up to C.
 */
export const latestCheckpoint: () => Promise<string> = freshReads(
  async () => {
    const rows = rowsOf<{ cp: string | null }>(
      await db.execute(sql`select max("latest_checkpoint") as cp from "_ponder_checkpoint"`),
    );
    return rows[0]?.cp ?? "";
  },
  () => new Promise((resolve) => setImmediate(resolve)),
);
