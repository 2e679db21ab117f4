/**
 * Voting-power history (`votingPowerChange`) and the FLOCK supply by time (`supplyCheckpoint`), written by the token
 * and vault handlers next to their own rows (one handler per event: they call these).
 */
import { supplyCheckpoint, votingPowerChange } from "ponder:schema";
import type { Db } from "./store.js";

interface EventMeta {
  id: string;
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
}

export async function recordPowerChange(
  db: Db,
  event: EventMeta,
  row: {
    account: `0x${string}` | null;
    source: "wallet" | "stake";
    reason: string;
    operator?: `0x${string}`;
    delta: bigint;
    newVotes?: bigint;
  },
): Promise<void> {
  await db.insert(votingPowerChange).values({
    id: event.id,
    account: row.account,
    source: row.source,
    reason: row.reason,
    operator: row.operator ?? null,
    delta: row.delta,
    newVotes: row.newVotes ?? null,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
}

/** The supply after a mint or burn at `event`'s time (the last one of a second wins). */
export async function recordSupply(db: Db, event: EventMeta, totalSupply: bigint): Promise<void> {
  await db
    .insert(supplyCheckpoint)
    .values({ timestamp: event.block.timestamp, totalSupply, block: event.block.number })
    .onConflictDoUpdate({ totalSupply, block: event.block.number });
}
