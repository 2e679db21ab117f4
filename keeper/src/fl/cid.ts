/**
 * The CID a content store gives a directory, computed without a store: the UnixFS importer with the very options
 * both stores use (`kuboCompatibleImportOptions` of ../storage/blocks.ts: CIDv1 base32, dag-pb directory, raw
 * leaves, fixed 256 KiB chunks, balanced 174-wide DAG), the FileMap's paths sorted and wrapped in one directory,
 * blocks hashed with sha2-256 and dropped. `directoryCid(files)` equals `store.addDirectory(files)`.
 */
import { importer } from "ipfs-unixfs-importer";
import type { CID } from "multiformats/cid";
import { checkFileMapPaths, kuboCompatibleImportOptions } from "../storage/blocks.js";
import type { FileMap } from "../types.js";

/** A blockstore that keeps nothing: the importer only needs `put` to return the CID. */
const discard = { put: async (cid: CID) => cid };

/** The directory CID (string, CIDv1 base32) that `ContentStore.addDirectory(files)` returns for these files. */
export async function directoryCid(files: FileMap): Promise<string> {
  const paths = checkFileMapPaths(files.keys());
  if (paths.length === 0) throw new RangeError("a directory needs at least one file");
  let root: CID | undefined;
  const source = paths.map((path) => ({ path, content: files.get(path)! }));
  for await (const entry of importer(source, discard, { ...kuboCompatibleImportOptions(), wrapWithDirectory: true })) {
    root = entry.cid;
  }
  if (root === undefined) throw new Error("the importer produced no root directory");
  return root.toString();
}
