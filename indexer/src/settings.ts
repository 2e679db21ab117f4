/**
 * The indexer's one configuration reader: environment → typed settings. `ponder.config.ts` calls it; nothing else in
 * the indexer reads `process.env`.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `FLOCK_RPC_URL` | `http://127.0.0.1:8545` | JSON-RPC endpoint |
 * | `FLOCK_DEPLOYMENTS` | `deployments/31337.json` (repo root) | deployments file: chain id, start block, addresses |
 * | `FLOCK_CHAIN_ID` | the deployments file's `chainId` | chain id (must match the deployments file) |
 * | `FLOCK_INDEXER_PGLITE_DIR` | `indexer/.ponder/pglite` | PGlite data directory (embedded database) |
 * | `DATABASE_URL` | — | PostgreSQL connection string; when set, PostgreSQL is used instead of PGlite |
 * | `FLOCK_POLLING_INTERVAL_MS` | 250 on chain 31337, else 1000 | how often new blocks are polled |
 * | `FLOCK_RPC_CACHE` | off on chain 31337, else on | `1`/`0`: keep (and reuse) fetched RPC data in `ponder_sync` |
 * | `FLOCK_GRAPHQL_TIME_LIMIT_MS` | 10000 | time limit of one GraphQL request (`src/api/limits.ts` holds the others) |
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Deployments, readDeployments } from "../../keeper/src/chain/deployments.js";

export type { Deployments };

/** The repository root (two levels above this file). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export class IndexerConfigError extends Error {
  override name = "IndexerConfigError";
}

export interface IndexerSettings {
  rpcUrl: string;
  chainId: number;
  deploymentsPath: string;
  /** the deployments file, parsed by the schema the keeper uses too (`keeper/src/chain/deployments.ts`) */
  deployments: Deployments;
  database: { kind: "pglite"; directory: string } | { kind: "postgres"; connectionString: string };
  pollingIntervalMs: number;
  /** true on a local dev chain (31337) */
  localChain: boolean;
  /**
   * Ponder's RPC cache (the `ponder_sync` schema). Off by default on 31337, where every anvil restart is a new chain
   * under the same id; turn it on only with a database (PGlite directory or PostgreSQL database) private to one chain.
   */
  rpcCache: boolean;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new IndexerConfigError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

/** Builds the settings from an environment (default: `process.env`). */
export function readSettings(env: Record<string, string | undefined> = process.env): IndexerSettings {
  const rpcUrl = env.FLOCK_RPC_URL || "http://127.0.0.1:8545";
  if (!/^(https?|wss?):\/\//.test(rpcUrl)) throw new IndexerConfigError(`FLOCK_RPC_URL is not a URL: "${rpcUrl}"`);
  const deploymentsPath = resolvePath(env.FLOCK_DEPLOYMENTS || "deployments/31337.json");
  const deployments = readDeployments(deploymentsPath);
  const chainId = positiveInt("FLOCK_CHAIN_ID", env.FLOCK_CHAIN_ID) ?? deployments.chainId;
  if (chainId !== deployments.chainId) {
    throw new IndexerConfigError(
      `FLOCK_CHAIN_ID is ${chainId} but ${deploymentsPath} is for chain ${deployments.chainId}`,
    );
  }
  const localChain = chainId === 31337;
  const pollingIntervalMs =
    positiveInt("FLOCK_POLLING_INTERVAL_MS", env.FLOCK_POLLING_INTERVAL_MS) ?? (localChain ? 250 : 1000);
  const rpcCache = flag("FLOCK_RPC_CACHE", env.FLOCK_RPC_CACHE) ?? !localChain;
  const database: IndexerSettings["database"] = env.DATABASE_URL
    ? { kind: "postgres", connectionString: env.DATABASE_URL }
    : { kind: "pglite", directory: resolvePath(env.FLOCK_INDEXER_PGLITE_DIR || "indexer/.ponder/pglite") };
  return { rpcUrl, chainId, deploymentsPath, deployments, database, pollingIntervalMs, localChain, rpcCache };
}

/** What the HTTP API reads (`src/api/index.ts`); only the variables it needs, so it starts without the chain's. */
export interface ApiSettings {
  /** overrides `GRAPHQL_LIMITS.timeLimitMs` */
  graphqlTimeLimitMs?: number;
}

export function readApiSettings(env: Record<string, string | undefined> = process.env): ApiSettings {
  return { graphqlTimeLimitMs: positiveInt("FLOCK_GRAPHQL_TIME_LIMIT_MS", env.FLOCK_GRAPHQL_TIME_LIMIT_MS) };
}

function flag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  throw new IndexerConfigError(`${name} must be 1 or 0, got "${value}"`);
}

function resolvePath(p: string): string {
  return isAbsolute(p) ? p : resolve(repoRoot, p);
}
