/**
 * The production content store: a Kubo node over its RPC API (`kubo-rpc-client`). Adds with the same import
 * options as the embedded store (so the same files get the same CID), pins, and reads block by block through
 * `block/get`, verifying every block against its CID and enforcing the same limits as the embedded store.
 */
import { create, type KuboRPCClient } from "kubo-rpc-client";
import type { CID } from "multiformats/cid";
import type { FileMap } from "../types.js";
import { CHUNK_SIZE, checkFileMapPaths, identityBytes, MAX_BLOCK_BYTES, parseCid, verifyBlock } from "./blocks.js";
import {
  ContentError,
  ContentFormatError,
  ContentNotFoundError,
  ContentVerificationError,
  StoreUnavailableError,
} from "./errors.js";
import { type ContentStore, type GetDirectoryOptions, getDirectoryWithLimits } from "./store.js";

export interface KuboStoreOptions {
  /** Kubo RPC API, e.g. http://127.0.0.1:5001 */
  url: string;
  /** timeout of `has` and of each `add` request; default 30 s for add, 5 s for has */
  addTimeoutMs?: number;
}

export class KuboStore implements ContentStore {
  private readonly client: KuboRPCClient;

  constructor(private readonly opts: KuboStoreOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new RangeError(`Kubo RPC URL ${JSON.stringify(opts.url)} is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new RangeError(`Kubo RPC URL must be http(s), got ${opts.url}`);
    this.client = create({ url: opts.url });
  }

  async addDirectory(files: FileMap): Promise<string> {
    const paths = checkFileMapPaths(files.keys());
    if (paths.length === 0) throw new RangeError("addDirectory needs at least one file");
    const dirs = new Set<string>();
    for (const p of paths) {
      const parts = p.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    const entries = [
      ...[...dirs].sort().map((path) => ({ path })),
      ...paths.map((path) => ({ path, content: files.get(path)! })),
    ];
    let root: string | undefined;
    try {
      for await (const added of this.client.addAll(entries, {
        cidVersion: 1,
        rawLeaves: true,
        chunker: `size-${CHUNK_SIZE}`,
        hashAlg: "sha2-256",
        wrapWithDirectory: true,
        pin: true,
        signal: AbortSignal.timeout(this.opts.addTimeoutMs ?? 30_000),
      })) {
        if (added.path === "") root = added.cid.toString();
      }
    } catch (err) {
      throw rpcError(err, "add", this.opts.url);
    }
    if (root === undefined) throw new ContentFormatError("Kubo returned no wrapping directory");
    return root;
  }

  async getDirectory(cid: string, opts: GetDirectoryOptions): Promise<FileMap> {
    return getDirectoryWithLimits(cid, opts, (signal) => ({ get: (c) => this.getBlock(c, signal) }));
  }

  async has(cid: string): Promise<boolean> {
    const parsed = parseCid(cid);
    if (identityBytes(parsed) !== undefined) return true;
    try {
      await this.client.block.stat(parsed, { offline: true, signal: AbortSignal.timeout(5_000) } as Parameters<
        KuboRPCClient["block"]["stat"]
      >[1]);
      return true;
    } catch (err) {
      const mapped = rpcError(err, "block/stat", this.opts.url);
      if (mapped instanceof ContentNotFoundError) return false;
      throw mapped;
    }
  }

  async close(): Promise<void> {
    // the RPC client holds no resources of its own
  }

  private async getBlock(cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await this.client.block.get(cid, { signal });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw rpcError(err, `block/get ${cid}`, this.opts.url);
    }
    if (bytes.length > MAX_BLOCK_BYTES)
      throw new ContentVerificationError(`block ${cid} from Kubo is ${bytes.length} bytes, over ${MAX_BLOCK_BYTES}`);
    return verifyBlock(cid, bytes, `Kubo at ${this.opts.url}`);
  }
}

/** Kubo answers "not found" for missing blocks (offline); anything at the transport level means the node is unreachable. */
function rpcError(err: unknown, what: string, url: string): Error {
  if (err instanceof ContentError) return err;
  const e = err as Error & { cause?: { code?: string } };
  const message = e.message ?? String(err);
  if (/not found|no such|block was not found/i.test(message))
    return new ContentNotFoundError(`Kubo ${what}: ${message}`, { cause: err });
  if (e.name === "HTTPError")
    return new StoreUnavailableError(`Kubo at ${url}: ${what} failed: ${message}`, { cause: err });
  const code = e.cause?.code ?? e.name;
  return new StoreUnavailableError(`Kubo RPC at ${url} is unreachable (${what}: ${code}: ${message})`, { cause: err });
}
