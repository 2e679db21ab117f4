/**
 * Local directories of files: reading one into a FileMap, and the durable store of content a node has committed to
 * but not published yet (a training node's model, a creator's evaluation data). Such content is kept as plain files
 * under `<dataDir>/unpublished/<cid>/`, written and fsync'd before the commitment is journaled; it reaches the IPFS
 * store (and so other nodes) only when its owner publishes it, and is checked against its CID when read back.
 */
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { directoryCid } from "../storage/cid.js";
import type { FileMap } from "../types.js";

/** Reads every file under `dir` into a FileMap (relative POSIX paths). */
export async function readDirFiles(dir: string): Promise<FileMap> {
  const files: FileMap = new Map();
  async function walk(d: string) {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.set(relative(dir, p).split("\\").join("/"), new Uint8Array(await readFile(p)));
    }
  }
  await walk(dir);
  return files;
}

async function fsyncPath(path: string): Promise<void> {
  const fd = await open(path, "r");
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** Writes `files` under `dir` (created), each file fsync'd, then every directory. */
export async function writeDirFiles(dir: string, files: FileMap): Promise<void> {
  const dirs = new Set<string>([dir]);
  for (const [path, bytes] of files) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    for (let d = dirname(target); d.startsWith(dir); d = dirname(d)) dirs.add(d);
    const fd = await open(target, "w");
    try {
      await fd.writeFile(bytes);
      await fd.sync();
    } finally {
      await fd.close();
    }
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) await fsyncPath(d);
}

export class UnpublishedContent {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "unpublished");
  }

  /** Keeps `files` under their CID, durably (atomic: written to a temporary directory, then renamed). */
  async keep(cid: string, files: FileMap): Promise<void> {
    const final = join(this.dir, cid);
    if (await this.has(cid)) return;
    const tmp = join(this.dir, `.tmp-${cid}-${process.pid}-${Date.now()}`);
    await writeDirFiles(tmp, files);
    await rename(tmp, final);
    await fsyncPath(this.dir);
  }

  async has(cid: string): Promise<boolean> {
    try {
      return (await readdir(join(this.dir, cid))).length > 0;
    } catch {
      return false;
    }
  }

  /** The kept files of `cid`, checked against it; a clear error when they are missing or do not hash to it. */
  async load(cid: string): Promise<FileMap> {
    let files: FileMap;
    try {
      files = await readDirFiles(join(this.dir, cid));
    } catch (e) {
      throw new Error(`the files of ${cid} are not in ${this.dir}: ${(e as Error).message}`);
    }
    const actual = await directoryCid(files);
    if (actual !== cid) throw new Error(`the files kept for ${cid} in ${this.dir} hash to ${actual}`);
    return files;
  }

  /** Forgets the files of `cid` (once published: the IPFS store holds them). */
  async remove(cid: string): Promise<void> {
    await rm(join(this.dir, cid), { recursive: true, force: true });
  }
}
