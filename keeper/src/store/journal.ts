/**
 * The durable journal of commitments (node:sqlite, WAL, synchronous=FULL: every write is fsync'd before it returns).
 *
 * Rule: a commitment's secret (salt) and payload (model CID or scores) are written here BEFORE the commit transaction
 * is sent. After any crash the bot finds its open commitments here and reveals them in the reveal window.
 *
 * The `kv` table holds small durable values under namespaced keys: the bots' log-scan cursors and live task sets
 * (`tracker:…`, see chain/tracker.ts) and the eval-data secrets of tasks being created, before their id is known
 * (`eval-pending:…`, see roles/creator.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

export type CommitmentKind = "submission" | "scores" | "eval" | "fl-update" | "fl-scores" | "fl-vote";
export type CommitmentState = "prepared" | "committed" | "revealed" | "abandoned";

export interface CommitmentRow {
  kind: CommitmentKind;
  chainId: number;
  contract: string;
  taskId: bigint;
  account: string;
  salt: `0x${string}`;
  commitment: `0x${string}`;
  /** model CID, eval CID, or JSON of the scores array */
  payload: string;
  state: CommitmentState;
  commitTx?: string | null;
  revealTx?: string | null;
  updatedAt: number;
}

export class Journal {
  private readonly db: DatabaseSync;

  /**
   * @param busyTimeoutMs how long a statement waits for another process's lock on the same file (a bot and a `flock`
   *   command of the same account share it) before failing with "database is locked"
   */
  constructor(
    readonly path: string,
    { busyTimeoutMs = 30_000 }: { busyTimeoutMs?: number } = {},
  ) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    // the timeout is set when the connection opens, so it covers the first statement too: switching to WAL takes a
    // lock, and two processes opening the same new journal at once would otherwise fail at once
    this.db = new DatabaseSync(path, { timeout: busyTimeoutMs });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    this.db.exec(`CREATE TABLE IF NOT EXISTS commitments (
      kind TEXT NOT NULL, chain_id INTEGER NOT NULL, contract TEXT NOT NULL, task_id TEXT NOT NULL, account TEXT NOT NULL,
      salt TEXT NOT NULL, commitment TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,
      commit_tx TEXT, reveal_tx TEXT, updated_at INTEGER NOT NULL,
      PRIMARY KEY (kind, chain_id, contract, task_id, account))`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  /** Records (or replaces, while not yet revealed) a commitment about to be sent. Durable when it returns. */
  prepare(row: Omit<CommitmentRow, "state" | "updatedAt" | "commitTx" | "revealTx">): void {
    this.db
      .prepare(
        `INSERT INTO commitments (kind, chain_id, contract, task_id, account, salt, commitment, payload, state, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'prepared', ?)
         ON CONFLICT (kind, chain_id, contract, task_id, account) DO UPDATE SET
           salt = excluded.salt, commitment = excluded.commitment, payload = excluded.payload, state = 'prepared',
           commit_tx = NULL, updated_at = excluded.updated_at
         WHERE commitments.state IN ('prepared', 'committed', 'abandoned')`,
      )
      .run(
        row.kind,
        row.chainId,
        row.contract.toLowerCase(),
        row.taskId.toString(),
        row.account.toLowerCase(),
        row.salt,
        row.commitment,
        row.payload,
        Date.now(),
      );
  }

  mark(key: Key, state: CommitmentState, tx?: string): void {
    const col = state === "revealed" ? "reveal_tx" : "commit_tx";
    this.db
      .prepare(
        `UPDATE commitments SET state = ?, ${col} = COALESCE(?, ${col}), updated_at = ? WHERE kind = ? AND chain_id = ? AND contract = ? AND task_id = ? AND account = ?`,
      )
      .run(state, tx ?? null, Date.now(), ...keyArgs(key));
  }

  get(key: Key): CommitmentRow | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM commitments WHERE kind = ? AND chain_id = ? AND contract = ? AND task_id = ? AND account = ?`,
      )
      .get(...keyArgs(key)) as Record<string, unknown> | undefined;
    return r ? toRow(r) : undefined;
  }

  /** Commitments of `kind` in one of `states`, oldest first. */
  list(kind: CommitmentKind, states: CommitmentState[], account?: string): CommitmentRow[] {
    const marks = states.map(() => "?").join(",");
    const rows = this.db
      .prepare(
        `SELECT * FROM commitments WHERE kind = ? AND state IN (${marks}) ${account ? "AND account = ?" : ""} ORDER BY updated_at`,
      )
      .all(kind, ...states, ...(account ? [account.toLowerCase()] : [])) as Record<string, unknown>[];
    return rows.map(toRow);
  }

  getValue(key: string): string | undefined {
    const r = this.db.prepare(`SELECT value FROM kv WHERE key = ?`).get(key) as { value: string } | undefined;
    return r?.value;
  }

  /** Sets a value; durable when it returns. */
  setValue(key: string, value: string): void {
    this.db
      .prepare(`INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
      .run(key, value);
  }

  deleteValue(key: string): void {
    this.db.prepare(`DELETE FROM kv WHERE key = ?`).run(key);
  }

  /**
   * Runs `fn`'s writes as one SQLite transaction: all of them are durable when it returns, or none (a throw rolls them
   * back; a process killed in the middle leaves none).
   */
  atomically<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      this.db.exec("COMMIT");
      return out;
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  /** Every (key, value) whose key starts with `prefix`, by key. */
  entries(prefix: string): [string, string][] {
    const rows = this.db
      .prepare(`SELECT key, value FROM kv WHERE substr(key, 1, ?) = ? ORDER BY key`)
      .all(prefix.length, prefix) as { key: string; value: string }[];
    return rows.map((r) => [r.key, r.value]);
  }

  close(): void {
    this.db.close();
  }
}

export interface Key {
  kind: CommitmentKind;
  chainId: number;
  contract: string;
  taskId: bigint;
  account: string;
}

function keyArgs(k: Key): [string, number, string, string, string] {
  return [k.kind, k.chainId, k.contract.toLowerCase(), k.taskId.toString(), k.account.toLowerCase()];
}

function toRow(r: Record<string, unknown>): CommitmentRow {
  return {
    kind: r.kind as CommitmentKind,
    chainId: Number(r.chain_id),
    contract: String(r.contract),
    taskId: BigInt(String(r.task_id)),
    account: String(r.account),
    salt: r.salt as `0x${string}`,
    commitment: r.commitment as `0x${string}`,
    payload: String(r.payload),
    state: r.state as CommitmentState,
    commitTx: (r.commit_tx as string | null) ?? null,
    revealTx: (r.reveal_tx as string | null) ?? null,
    updatedAt: Number(r.updated_at),
  };
}
