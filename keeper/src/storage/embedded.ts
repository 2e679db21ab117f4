/**
 * The embedded content store: a Helia 7 light node (no libp2p, no network, starts in milliseconds) over a
 * filesystem blockstore and datastore in `<dataDir>/ipfs/{blocks,datastore}`, with `@helia/unixfs` to import.
 *
 * Reading goes through our own verified DAG walker (./read-directory.ts): local blocks first, then — when
 * gateways are configured — other processes' loopback trustless gateways (./gateway.ts), each block hashed
 * against its CID before it is stored. One data dir belongs to one process at a time.
 */
import { join } from "node:path";
import { type UnixFS, unixfs } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";
import type { CID } from "multiformats/cid";
import type { FileMap } from "../types.js";
import { blockMatches, checkFileMapPaths, identityBytes, kuboCompatibleImportOptions, parseCid } from "./blocks.js";
import { ContentFormatError, ContentNotFoundError } from "./errors.js";
import { concat, fetchBlockFromGateways, type GatewayServer, startGatewayServer } from "./gateway.js";
import { type ContentStore, type GetDirectoryOptions, getDirectoryWithLimits } from "./store.js";

export interface EmbeddedStoreOptions {
  /** the node's files go to `<dataDir>/ipfs/` */
  dataDir: string;
  /** base URLs of other processes' gateways (see {@link EmbeddedStore.serveGateway}); none = offline */
  gateways?: string[];
  /** per-request timeout towards one gateway; default 10 s */
  gatewayRequestTimeoutMs?: number;
}

export class EmbeddedStore implements ContentStore {
  private server: GatewayServer | undefined;
  private closed = false;
  private readonly fs: UnixFS;

  private constructor(
    private readonly helia: Helia,
    private readonly blocks: FsBlockstore,
    private readonly datastore: FsDatastore,
    private readonly opts: EmbeddedStoreOptions,
  ) {
    this.fs = unixfs(helia);
  }

  static async open(opts: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    for (const g of opts.gateways ?? []) {
      if (!/^https?:\/\//.test(g)) throw new RangeError(`gateway ${JSON.stringify(g)} is not an http(s) URL`);
    }
    const blocks = new FsBlockstore(join(opts.dataDir, "ipfs", "blocks"));
    const datastore = new FsDatastore(join(opts.dataDir, "ipfs", "datastore"));
    await blocks.open();
    await datastore.open();
    const helia = createHeliaLight({ blockstore: blocks, datastore });
    await helia.start();
    return new EmbeddedStore(helia, blocks, datastore, opts);
  }

  /** The configured gateways (read-only). */
  get gateways(): readonly string[] {
    return this.opts.gateways ?? [];
  }

  async addDirectory(files: FileMap): Promise<string> {
    const paths = checkFileMapPaths(files.keys());
    if (paths.length === 0) throw new RangeError("addDirectory needs at least one file");
    let root: CID | undefined;
    const candidates = paths.map((path) => ({ path, content: files.get(path)! }));
    for await (const entry of this.fs.addAll(candidates, {
      ...kuboCompatibleImportOptions(),
      wrapWithDirectory: true,
    })) {
      root = entry.cid;
    }
    if (root === undefined) throw new ContentFormatError("import produced no root directory");
    if (!(await this.helia.pins.isPinned(root))) {
      for await (const _ of this.helia.pins.add(root)) {
        // draining the generator is what pins every block
      }
    }
    return root.toString();
  }

  async getDirectory(cid: string, opts: GetDirectoryOptions): Promise<FileMap> {
    return getDirectoryWithLimits(cid, opts, (signal) => ({ get: (c) => this.getBlock(c, signal) }));
  }

  async has(cid: string): Promise<boolean> {
    const parsed = parseCid(cid);
    return identityBytes(parsed) !== undefined || (await this.blocks.has(parsed));
  }

  /**
   * Starts this node's loopback trustless gateway (127.0.0.1, `port` 0 = any free port) serving its local blocks;
   * returns its URL. Idempotent: a second call returns the running server's URL.
   */
  async serveGateway(port = 0): Promise<string> {
    this.server ??= await startGatewayServer((c) => this.readLocal(c), port);
    return this.server.url;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.server?.close();
    this.server = undefined;
    await this.helia.stop();
    await this.blocks.close();
    await this.datastore.close();
  }

  /** A verified local block, or undefined. A corrupt local block is deleted (and so fetched again). */
  private async readLocal(cid: CID): Promise<Uint8Array | undefined> {
    if (!(await this.blocks.has(cid))) return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.blocks.get(cid)) chunks.push(chunk);
    const bytes = concat(chunks);
    if (blockMatches(cid, bytes)) return bytes;
    await this.blocks.delete(cid);
    return undefined;
  }

  private async getBlock(cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    const local = await this.readLocal(cid);
    if (local !== undefined) return local;
    const gateways = this.opts.gateways ?? [];
    if (gateways.length === 0)
      throw new ContentNotFoundError(`block ${cid} is not in the local store and no gateway is configured (offline)`);
    const bytes = await fetchBlockFromGateways(cid, {
      gateways,
      signal,
      requestTimeoutMs: this.opts.gatewayRequestTimeoutMs,
    });
    await this.helia.blockstore.put(cid, bytes, { signal });
    return bytes;
  }
}
