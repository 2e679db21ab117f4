/**
 * Reads a UnixFS directory DAG into a FileMap from any {@link BlockSource}, enforcing limits as blocks arrive.
 *
 * Two phases, so that most oversize content is refused before any file data is downloaded:
 * 1. listing: the directory blocks (plain or HAMT-sharded, nested directories included) and each file's root
 *    block; entry names checked; entries counted against `maxFiles`; then the declared file sizes (UnixFS
 *    `filesize`, raw-leaf link sizes) are added up and checked against `maxBytes`. The links' `Tsize` of each
 *    directory are checked first of all, right after its block arrives.
 * 2. content: file blocks in order, a few fetched ahead, each charged as it arrives.
 * Declared sizes are only hints (an attacker may under-declare): what is enforced is the running count of
 * received block bytes — every block visit is charged, so a DAG that reuses one block many times pays for each
 * use — and each file must come out exactly as long as its root declares.
 */
import { decode as decodePb, type PBNode } from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import type { CID } from "multiformats/cid";
import type { FileMap } from "../types.js";
import { checkEntryName, checkSupported, DAG_PB, identityBytes, RAW } from "./blocks.js";
import {
  ContentFormatError,
  ContentTooLargeError,
  InvalidPathError,
  NotADirectoryError,
  UnsupportedContentError,
} from "./errors.js";

/** Where blocks come from. `get` returns bytes already verified against `cid`, or throws a ContentError. */
export interface BlockSource {
  get(cid: CID, signal: AbortSignal): Promise<Uint8Array>;
}

export interface ReadLimits {
  /** total bytes of all blocks visited (directory + file nodes + leaves) */
  maxBytes: number;
  /** entries (files and sub-directories) */
  maxFiles: number;
}

/** Directory nesting and file-DAG depth beyond this is refused (Kubo's balanced DAGs for 100 GB are depth 4). */
const MAX_DEPTH = 32;
/** Blocks of one file node requested ahead of the one being copied. */
const PREFETCH = 8;

interface FileEntry {
  path: string;
  cid: CID;
  /** decoded root (dag-pb files); undefined for a raw-leaf file, whose bytes are fetched in phase 2 */
  root?: { node: PBNode; unixfs: UnixFS };
  declaredSize: number;
}

interface Decoded {
  node: PBNode;
  unixfs: UnixFS;
}

export async function readDirectory(
  root: CID,
  source: BlockSource,
  limits: ReadLimits,
  signal: AbortSignal,
): Promise<FileMap> {
  // aborted when the read ends, so blocks still being prefetched after a failure are cancelled
  const done = new AbortController();
  const reader = new DirectoryReader(source, limits, AbortSignal.any([signal, done.signal]));
  try {
    return await reader.read(root);
  } finally {
    done.abort();
  }
}

class DirectoryReader {
  private used = 0;
  private entries = 0;
  private readonly files: FileEntry[] = [];
  private readonly paths = new Set<string>();

  constructor(
    private readonly source: BlockSource,
    private readonly limits: ReadLimits,
    private readonly signal: AbortSignal,
  ) {}

  async read(root: CID): Promise<FileMap> {
    checkSupported(root);
    if (root.code !== DAG_PB) throw new NotADirectoryError(`${root} is a raw block, not a directory`);
    const dir = decode(root, await this.fetch(root));
    if (!isDirectory(dir.unixfs))
      throw new NotADirectoryError(`${root} is a UnixFS ${dir.unixfs.type}, not a directory`);
    await this.listDirectory(root, dir, "", 0);

    const declared = this.files.reduce((sum, f) => sum + f.declaredSize, 0);
    if (this.used + declared > this.limits.maxBytes) {
      throw new ContentTooLargeError(
        `${root}: files declare ${declared} bytes; with ${this.used} bytes of listing that exceeds maxBytes ${this.limits.maxBytes}`,
      );
    }

    const out: FileMap = new Map();
    for (const f of this.files) out.set(f.path, await this.readFile(f));
    return out;
  }

  // ---- phase 1: listing -----------------------------------------------------------------------------------------

  private async listDirectory(cid: CID, dir: Decoded, prefix: string, depth: number): Promise<void> {
    if (depth > MAX_DEPTH) throw new ContentFormatError(`${cid}: directories nested deeper than ${MAX_DEPTH}`);
    this.checkDeclaredLinks(cid, dir.node);
    if (dir.unixfs.type === "directory") {
      for (const link of dir.node.Links) {
        const name = checkEntryName(link.Name, `directory ${cid}`);
        await this.visitEntry(link.Hash, prefix + name, link.Tsize, depth);
      }
      return;
    }
    await this.listShard(cid, dir, prefix, depth, 0);
  }

  /** A HAMT shard: link names are a hex bucket prefix, followed by the entry name (an entry) or nothing (a sub-shard). */
  private async listShard(cid: CID, shard: Decoded, prefix: string, depth: number, level: number): Promise<void> {
    if (level > MAX_DEPTH) throw new ContentFormatError(`${cid}: HAMT deeper than ${MAX_DEPTH}`);
    const fanout = Number(shard.unixfs.fanout ?? 0n);
    if (!Number.isInteger(fanout) || fanout < 2 || fanout > 1024 || (fanout & (fanout - 1)) !== 0) {
      throw new ContentFormatError(`${cid}: HAMT fanout ${fanout} is not a power of two in [2, 1024]`);
    }
    const padLength = (fanout - 1).toString(16).length;
    for (const link of shard.node.Links) {
      const linkName = link.Name ?? "";
      if (linkName.length < padLength)
        throw new ContentFormatError(`${cid}: HAMT link name ${JSON.stringify(linkName)} too short`);
      if (linkName.length === padLength) {
        const sub = decode(link.Hash, await this.fetchDagPb(link.Hash, "HAMT shard"));
        if (sub.unixfs.type !== "hamt-sharded-directory")
          throw new ContentFormatError(`${link.Hash}: expected a HAMT shard, got ${sub.unixfs.type}`);
        this.checkDeclaredLinks(link.Hash, sub.node);
        await this.listShard(link.Hash, sub, prefix, depth, level + 1);
      } else {
        const name = checkEntryName(linkName.slice(padLength), `directory ${cid}`);
        await this.visitEntry(link.Hash, prefix + name, link.Tsize, depth);
      }
    }
  }

  private async visitEntry(cid: CID, path: string, tsize: number | undefined, depth: number): Promise<void> {
    checkSupported(cid);
    if (this.paths.has(path)) throw new InvalidPathError(`duplicate entry "${path}"`);
    this.paths.add(path);
    if (++this.entries > this.limits.maxFiles) {
      throw new ContentTooLargeError(`more than maxFiles = ${this.limits.maxFiles} entries (at "${path}")`);
    }
    if (cid.code === RAW) {
      // a single-block file: its size is only known on arrival; Tsize is the producer's claim
      this.files.push({ path, cid, declaredSize: tsize ?? 0 });
      return;
    }
    const entry = decode(cid, await this.fetch(cid));
    const type = entry.unixfs.type;
    if (type === "file" || type === "raw") {
      this.files.push({ path, cid, root: entry, declaredSize: fileSize(cid, entry.unixfs) });
    } else if (isDirectory(entry.unixfs)) {
      await this.listDirectory(cid, entry, `${path}/`, depth + 1);
    } else {
      throw new UnsupportedContentError(
        `"${path}" (${cid}) is a UnixFS ${type}; only files and directories are accepted`,
      );
    }
  }

  /** Cheapest early refusal: the links of a directory block claim their subtree sizes. */
  private checkDeclaredLinks(cid: CID, node: PBNode): void {
    const claimed = node.Links.reduce((sum, l) => sum + (l.Tsize ?? 0), 0);
    if (this.used + claimed > this.limits.maxBytes) {
      throw new ContentTooLargeError(
        `${cid}: links declare ${claimed} bytes, over maxBytes ${this.limits.maxBytes} (${this.used} used)`,
      );
    }
  }

  // ---- phase 2: content -----------------------------------------------------------------------------------------

  private async readFile(f: FileEntry): Promise<Uint8Array> {
    if (f.root === undefined) return this.fetch(f.cid);
    const size = f.declaredSize;
    const out = new Uint8Array(size);
    let at = 0;
    const write = (bytes: Uint8Array, cid: CID) => {
      if (at + bytes.length > size)
        throw new ContentFormatError(`"${f.path}": block ${cid} runs past the declared file size ${size}`);
      out.set(bytes, at);
      at += bytes.length;
    };
    await this.readFileNode(f.cid, f.root, write, 0);
    if (at !== size) throw new ContentFormatError(`"${f.path}": ${at} bytes read but the file declares ${size}`);
    return out;
  }

  private async readFileNode(
    cid: CID,
    { node, unixfs }: Decoded,
    write: (b: Uint8Array, cid: CID) => void,
    depth: number,
  ): Promise<void> {
    if (depth > MAX_DEPTH) throw new ContentFormatError(`${cid}: file DAG deeper than ${MAX_DEPTH}`);
    if (unixfs.data !== undefined && unixfs.data.length > 0) write(unixfs.data, cid);
    const links = node.Links;
    const ahead: Array<Promise<Uint8Array>> = [];
    const request = (i: number) => {
      if (i >= links.length) return;
      const p = this.fetch(links[i].Hash);
      p.catch(() => {}); // a later failure surfaces when awaited in order; never as an unhandled rejection
      ahead[i] = p;
    };
    for (let i = 0; i < Math.min(PREFETCH, links.length); i++) request(i);
    for (let i = 0; i < links.length; i++) {
      const child = links[i].Hash;
      const bytes = await ahead[i];
      delete ahead[i];
      request(i + PREFETCH);
      if (child.code === RAW) {
        write(bytes, child);
        continue;
      }
      const decoded = decode(child, bytes);
      if (decoded.unixfs.type !== "file" && decoded.unixfs.type !== "raw") {
        throw new ContentFormatError(`${child}: a UnixFS ${decoded.unixfs.type} inside the file ${cid}`);
      }
      await this.readFileNode(child, decoded, write, depth + 1);
    }
  }

  // ---- blocks -----------------------------------------------------------------------------------------------------

  /** Fetches one verified block and charges it to the byte budget. */
  private async fetch(cid: CID): Promise<Uint8Array> {
    checkSupported(cid);
    this.signal.throwIfAborted();
    const bytes = identityBytes(cid) ?? (await this.source.get(cid, this.signal));
    this.used += bytes.length;
    if (this.used > this.limits.maxBytes) {
      throw new ContentTooLargeError(
        `received ${this.used} bytes, over maxBytes ${this.limits.maxBytes} (at block ${cid})`,
      );
    }
    return bytes;
  }

  private async fetchDagPb(cid: CID, what: string): Promise<Uint8Array> {
    if (cid.code !== DAG_PB) throw new ContentFormatError(`${cid}: ${what} must be dag-pb`);
    return this.fetch(cid);
  }
}

function decode(cid: CID, bytes: Uint8Array): Decoded {
  if (cid.code !== DAG_PB) throw new ContentFormatError(`${cid}: expected a dag-pb block`);
  let node: PBNode;
  try {
    node = decodePb(bytes);
  } catch (err) {
    throw new ContentFormatError(`${cid}: not a valid dag-pb block`, { cause: err });
  }
  if (node.Data === undefined) throw new ContentFormatError(`${cid}: dag-pb node without UnixFS data`);
  try {
    return { node, unixfs: UnixFS.unmarshal(node.Data) };
  } catch (err) {
    throw new ContentFormatError(`${cid}: invalid UnixFS data`, { cause: err });
  }
}

function isDirectory(u: UnixFS): boolean {
  return u.type === "directory" || u.type === "hamt-sharded-directory";
}

function fileSize(cid: CID, u: UnixFS): number {
  const size = u.fileSize();
  if (size > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ContentTooLargeError(`${cid}: declares a file of ${size} bytes`);
  return Number(size);
}
