/**
 * Block-level primitives shared by both stores: CID parsing, block verification, path rules, import options.
 */
import { createHash } from "node:crypto";
import type { ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import { ContentVerificationError, InvalidCidError, InvalidPathError, UnsupportedContentError } from "./errors.js";

export const DAG_PB = 0x70;
export const RAW = 0x55;
const SHA2_256 = 0x12;
const IDENTITY = 0x00;

/** Largest block accepted from anywhere (Kubo's bitswap limit); a bigger answer is a misbehaving source. */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;
/** Identity CIDs carry their bytes inline; longer ones are refused. */
const MAX_IDENTITY_BYTES = 128;

/** Kubo's chunk size and balanced-DAG width for `ipfs add --cid-version=1` (which implies --raw-leaves). */
export const CHUNK_SIZE = 262_144;
export const MAX_CHILDREN_PER_NODE = 174;

/**
 * UnixFS import options giving the same CIDs as Kubo's `ipfs add --cid-version=1 --raw-leaves
 * --chunker=size-262144` (its defaults besides the CID version) for the same bytes: fixed 256 KiB chunks, balanced
 * layout with 174 links per node, raw leaves, a single-chunk file reduced to its raw leaf, no mtime/mode, and
 * directories HAMT-sharded past 256 KiB estimated from link bytes, as Kubo does.
 */
export function kuboCompatibleImportOptions(): Omit<ImporterOptions, "onProgress"> {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
    layout: balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE }),
    shardSplitThresholdBytes: 262_144,
    shardSplitStrategy: "links-bytes",
  };
}

/** Parses a CID string and checks that this store can handle it (dag-pb or raw; sha2-256 or identity). */
export function parseCid(cid: string | CID): CID {
  let parsed: CID;
  if (typeof cid === "string") {
    try {
      parsed = CID.parse(cid.trim());
    } catch (err) {
      throw new InvalidCidError(`not a CID: ${JSON.stringify(cid.slice(0, 100))}`, { cause: err });
    }
  } else {
    parsed = cid;
  }
  checkSupported(parsed);
  return parsed;
}

export function checkSupported(cid: CID): void {
  if (cid.code !== DAG_PB && cid.code !== RAW) {
    throw new UnsupportedContentError(`${cid}: codec 0x${cid.code.toString(16)} is not dag-pb or raw`);
  }
  const hash = cid.multihash.code;
  if (hash !== SHA2_256 && hash !== IDENTITY) {
    throw new UnsupportedContentError(`${cid}: hash 0x${hash.toString(16)} is not sha2-256 or identity`);
  }
  if (hash === IDENTITY && cid.multihash.digest.length > MAX_IDENTITY_BYTES) {
    throw new UnsupportedContentError(`${cid}: identity CID longer than ${MAX_IDENTITY_BYTES} bytes`);
  }
}

/** For an identity CID, its inline bytes; otherwise undefined. */
export function identityBytes(cid: CID): Uint8Array | undefined {
  return cid.multihash.code === IDENTITY ? cid.multihash.digest : undefined;
}

/** Whether `bytes` hash to `cid` (sha2-256 digest equality, or identity). */
export function blockMatches(cid: CID, bytes: Uint8Array): boolean {
  const { code, digest } = cid.multihash;
  if (code === IDENTITY)
    return Buffer.from(digest).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (code !== SHA2_256 || digest.length !== 32) return false;
  const actual = createHash("sha256").update(bytes).digest();
  return actual.equals(Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength));
}

/** Returns `bytes` when they hash to `cid`. @throws ContentVerificationError naming `source` otherwise. */
export function verifyBlock(cid: CID, bytes: Uint8Array, source: string): Uint8Array {
  if (!blockMatches(cid, bytes)) {
    throw new ContentVerificationError(`block ${cid} from ${source} does not match its CID (${bytes.length} bytes)`);
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------------------------

const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4096;

/** One directory entry name: non-empty, not "." or "..", no "/", "\\" or NUL, at most 255 UTF-8 bytes. */
export function checkEntryName(name: string | undefined, where: string): string {
  if (name === undefined || name === "" || name === "." || name === "..") {
    throw new InvalidPathError(`${where}: invalid entry name ${JSON.stringify(name ?? null)}`);
  }
  if (/[/\\\0]/.test(name))
    throw new InvalidPathError(`${where}: entry name ${JSON.stringify(name)} contains "/", "\\" or NUL`);
  if (Buffer.byteLength(name) > MAX_NAME_BYTES)
    throw new InvalidPathError(`${where}: entry name longer than ${MAX_NAME_BYTES} bytes`);
  return name;
}

/** A relative POSIX path of a FileMap ("a/b.bin"): valid names joined by "/", no absolute or ".." paths. */
export function checkRelativePath(path: string): string {
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw new InvalidPathError(`path longer than ${MAX_PATH_BYTES} bytes`);
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    throw new InvalidPathError(`absolute path ${JSON.stringify(path)}`);
  for (const part of path.split("/")) checkEntryName(part, `path ${JSON.stringify(path)}`);
  return path;
}

/**
 * Validates the paths of a FileMap: each a relative path, and no path both a file and a directory ("a" and "a/b").
 * Returns the paths sorted (the order files are imported in).
 */
export function checkFileMapPaths(paths: Iterable<string>): string[] {
  const sorted = [...paths].map(checkRelativePath).sort();
  const files = new Set(sorted);
  for (const p of sorted) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (files.has(dir)) throw new InvalidPathError(`"${dir}" is both a file and the directory of "${p}"`);
    }
  }
  return sorted;
}
