import type { Context } from "ponder:registry";
import { account } from "ponder:schema";

export type Db = Context["db"];

/** Creates the account row of `address` if it does not exist yet. */
export async function ensureAccount(db: Db, address: `0x${string}`): Promise<void> {
  await db.insert(account).values({ address, balance: 0n, minted: 0n, votes: 0n }).onConflictDoNothing();
}

/** A lower-case address (viem gives checksummed ones; the tables store lower case). */
export function lc(address: `0x${string}`): `0x${string}` {
  return address.toLowerCase() as `0x${string}`;
}
