/**
 * The set of live tasks a bot looks after, kept without reading the whole chain on every tick:
 *
 * - a **cursor**, the last block whose `TaskCreated` events were read, persisted in the journal's `kv` table with
 *   the live set (one row, written atomically after each chunk), so that a restart resumes where it stopped;
 * - **chunked scans**: `eth_getLogs` never spans more than `logRange` blocks (`FLOCK_LOG_RANGE`), and one sync reads
 *   at most `maxChunksPerSync` chunks (a first start on a long chain catches up over several ticks);
 * - a **bounded live set**: a task enters when its `TaskCreated` is read and leaves when its bot drops it (settled or
 *   cancelled, and whatever the bot still had to do for it done); a task whose `TaskSettled` / `TaskCancelled` is
 *   read leaves at once (unless the bot keeps closed tasks: the finalizer claiming for everyone), so catching up on a
 *   long history reads only logs, not every old task.
 *
 * A tick therefore costs one `eth_blockNumber`, ⌈new blocks / logRange⌉ `eth_getLogs` (one in steady state), and
 * then what the bot reads per live task — whatever the length of the chain's history or the number of old tasks.
 */
import type { Journal } from "../store/journal.js";
import type { Protocol } from "./protocol.js";

export interface TrackerOptions {
  /** the bot's name: each bot keeps its own cursor (a validator and a finalizer may share an account) */
  name: string;
  /** most `eth_getLogs` chunks read per `sync()` (default 50) */
  maxChunksPerSync?: number;
  /** keep settled and cancelled tasks until the bot drops them (default false: they leave when their event is read) */
  keepClosed?: boolean;
}

export interface SyncResult {
  head: bigint;
  /** the last block read; `head` once caught up */
  cursor: bigint;
  chunks: number;
  caughtUp: boolean;
  /** tasks whose creation was read in this sync */
  discovered: bigint[];
}

interface Persisted {
  version: 1;
  cursor: string;
  live: string[];
}

export class TaskTracker {
  private cursor: bigint;
  private readonly liveSet: Set<bigint>;
  private readonly key: string;
  private readonly maxChunks: number;
  private readonly keepClosed: boolean;

  constructor(
    private readonly protocol: Protocol,
    private readonly journal: Journal,
    opts: TrackerOptions,
  ) {
    const { deployments } = protocol;
    this.key = `tracker:${opts.name}:${deployments.chainId}:${protocol.arena.address.toLowerCase()}`;
    this.maxChunks = opts.maxChunksPerSync ?? 50;
    this.keepClosed = opts.keepClosed ?? false;
    const saved = journal.getValue(this.key);
    if (saved === undefined) {
      this.cursor = BigInt(deployments.startBlock) - 1n;
      this.liveSet = new Set();
    } else {
      const state = JSON.parse(saved) as Persisted;
      if (state.version !== 1) throw new Error(`${journal.path}: unknown tracker state version ${state.version}`);
      this.cursor = BigInt(state.cursor);
      this.liveSet = new Set(state.live.map((id) => BigInt(id)));
    }
  }

  /** Reads the lifecycle events from the cursor towards the head (≤ `maxChunksPerSync` chunks), persisting as it goes. */
  async sync(): Promise<SyncResult> {
    const head = await this.protocol.blockNumber();
    const range = BigInt(this.protocol.logRange);
    const discovered: bigint[] = [];
    let chunks = 0;
    while (this.cursor < head && chunks < this.maxChunks) {
      const from = this.cursor + 1n;
      const to = from + range - 1n < head ? from + range - 1n : head;
      for (const e of await this.protocol.lifecycle(from, to)) {
        if (e.kind === "created" && !this.liveSet.has(e.taskId)) {
          this.liveSet.add(e.taskId);
          discovered.push(e.taskId);
        } else if (e.kind === "closed" && !this.keepClosed) {
          this.liveSet.delete(e.taskId);
        }
      }
      this.cursor = to;
      chunks++;
      this.save();
    }
    return { head, cursor: this.cursor, chunks, caughtUp: this.cursor >= head, discovered };
  }

  /** The live tasks, oldest first. */
  live(): bigint[] {
    return [...this.liveSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Forgets a task for good (it is settled or cancelled, and nothing is left to do for it). */
  drop(taskId: bigint): void {
    if (this.liveSet.delete(taskId)) this.save();
  }

  private save(): void {
    const state: Persisted = { version: 1, cursor: this.cursor.toString(), live: this.live().map(String) };
    this.journal.setValue(this.key, JSON.stringify(state));
  }
}
