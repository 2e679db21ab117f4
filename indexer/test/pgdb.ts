/**
 * A private PostgreSQL database per test or benchmark run, created next to a given server URL with `psql` (installed
 * with the server by `tools/pg.sh`).
 *
 * Why: Ponder's RPC data (`ponder_sync`) is shared by every schema of a database and keyed by chain id, and every anvil
 * run is a new chain under id 31337 (same addresses, other blocks). Even with `disableCache` the synced logs land in
 * `ponder_sync` and events are read back from it, so two anvil runs indexed in one database mix their logs. One
 * database per chain avoids that.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export class TempDatabaseError extends Error {
  override name = "TempDatabaseError";
}

export interface TempDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function psql(serverUrl: string, command: string): Promise<void> {
  try {
    await promisify(execFile)("psql", [serverUrl, "-v", "ON_ERROR_STOP=1", "-qc", command], { timeout: 60_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT")
      throw new TempDatabaseError("psql is not installed (tools/pg.sh start installs PostgreSQL with it)");
    throw new TempDatabaseError(`psql ${command}: ${err.stderr?.trim() || err.message}`);
  }
}

/** Creates database `name` (lower-case letters, digits, `_`) on `serverUrl`'s server and returns its URL. */
export async function createTempDatabase(serverUrl: string, name: string): Promise<TempDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new TempDatabaseError(`not a plain database name: "${name}"`);
  await psql(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await psql(serverUrl, `CREATE DATABASE "${name}"`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name, drop: () => psql(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
