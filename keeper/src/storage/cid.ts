/**
 * The CID of a directory computed locally, by hashing only: nothing is written to a blockstore, pinned, announced or
 * served. It is the CID `ContentStore.addDirectory` (either store) gives the same files later: a training node commits
 * to it while its model stays private, and adds the blocks only once the chain is in the publish window.
 */
import { importer } from "ipfs-unixfs-importer";
import type { CID } from "multiformats/cid";
import type { FileMap } from "../types.js";
import { checkFileMapPaths, kuboCompatibleImportOptions } from "./blocks.js";
import { ContentFormatError } from "./errors.js";

/** A blockstore that keeps nothing: the importer hashes each block, and the bytes are dropped. */
const discard = { put: async (cid: CID) => cid };

export async function directoryCid(files: FileMap): Promise<string> {
  const paths = checkFileMapPaths(files.keys());
  if (paths.length === 0) throw new RangeError("directoryCid needs at least one file");
  let root: CID | undefined;
  const entries = paths.map((path) => ({ path, content: files.get(path)! }));
  for await (const entry of importer(entries, discard, { ...kuboCompatibleImportOptions(), wrapWithDirectory: true }))
    root = entry.cid;
  if (root === undefined) throw new ContentFormatError("import produced no root directory");
  return root.toString();
}
