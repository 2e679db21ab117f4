/**
 * What ties a model directory to one submission, and how validators tell an original from a copy. Pure.
 *
 * - **The manifest.** A submitted model directory carries `flock.json`, naming the protocol version, the chain, the
 *   ArenaTasks contract, the task and the submitting node. It is part of the directory, so the CID a node commits to
 *   covers it: a copier who re-reveals someone else's directory reveals a manifest naming someone else, and one who
 *   edits the manifest gets a different CID. Validators score 0 a model whose manifest is missing or names another
 *   node, task, chain or arena.
 * - **Identical weights.** A re-packaged copy (the same weight bytes under a new manifest) has a new CID, but not new
 *   weights: validators score 0 every model whose weight bytes equal those of a model of the same task committed
 *   earlier (lower commit sequence); the earliest one keeps its score.
 */
import { createHash } from "node:crypto";
import { type Address, getAddress, isAddress } from "viem";
import { z } from "zod";
import type { FileMap } from "../types.js";

export const MANIFEST_FILE = "flock.json";
/** The manifest format and the protocol it belongs to. */
export const MANIFEST_PROTOCOL = "flock-arena/1";

export interface SubmissionContext {
  chainId: number;
  arena: Address;
  taskId: bigint;
  node: Address;
}

const address = z.string().refine((a) => isAddress(a, { strict: false }), "must be an address");
const manifestSchema = z
  .object({
    protocol: z.literal(MANIFEST_PROTOCOL),
    chainId: z.number().int().positive(),
    arena: address,
    taskId: z.string().regex(/^\d+$/, "must be a decimal string"),
    node: address,
  })
  .strict();

/** The manifest's bytes for a submission (stable: the same context always gives the same bytes, hence the same CID). */
export function manifestBytes(c: SubmissionContext): Uint8Array {
  const manifest = {
    protocol: MANIFEST_PROTOCOL,
    chainId: c.chainId,
    arena: getAddress(c.arena),
    taskId: c.taskId.toString(),
    node: getAddress(c.node),
  };
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** A copy of `files` with the submission's manifest (replacing any manifest already there). */
export function withManifest(files: FileMap, c: SubmissionContext): FileMap {
  const out: FileMap = new Map(files);
  out.set(MANIFEST_FILE, manifestBytes(c));
  return out;
}

/** Why the directory's manifest does not belong to the submission `expected`, or null when it does. */
export function manifestMismatch(files: FileMap, expected: SubmissionContext): string | null {
  const raw = files.get(MANIFEST_FILE);
  if (!raw) return `no ${MANIFEST_FILE} manifest in the model directory`;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    return `${MANIFEST_FILE} is not UTF-8 JSON`;
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    return `${MANIFEST_FILE} is malformed: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
  const m = parsed.data;
  if (m.chainId !== expected.chainId) return `${MANIFEST_FILE} names chain ${m.chainId}, not ${expected.chainId}`;
  if (getAddress(m.arena) !== getAddress(expected.arena))
    return `${MANIFEST_FILE} names arena ${m.arena}, not ${expected.arena}`;
  if (m.taskId !== expected.taskId.toString()) return `${MANIFEST_FILE} names task ${m.taskId}, not ${expected.taskId}`;
  if (getAddress(m.node) !== getAddress(expected.node))
    return `${MANIFEST_FILE} names node ${m.node}, but ${expected.node} revealed it`;
  return null;
}

/**
 * sha256 over the weight bytes of a TF.js LayersModel directory: every shard named by `model.json`'s
 * `weightsManifest`, in manifest order. Undefined when `model.json` cannot be read that far (such a model scores 0
 * anyway).
 */
export function weightsDigest(files: FileMap): string | undefined {
  const raw = files.get("model.json");
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return undefined;
  }
  const groups = (json as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(groups)) return undefined;
  const hash = createHash("sha256");
  let shards = 0;
  for (const group of groups) {
    const paths = (group as { paths?: unknown }).paths;
    if (!Array.isArray(paths)) return undefined;
    for (const p of paths) {
      const bytes = typeof p === "string" ? files.get(p) : undefined;
      if (!bytes) return undefined;
      hash.update(`${bytes.byteLength}:`).update(bytes);
      shards++;
    }
  }
  return shards === 0 ? undefined : hash.digest("hex");
}

export interface WeightsEntry {
  index: number;
  /** the commit sequence of the submission (earlier commitments have lower numbers) */
  commitSeq: number;
  digest: string | undefined;
}

/**
 * For every submission whose weights equal those of an earlier-committed submission of the same task: its index →
 * the index of the earliest one with those weights.
 */
export function copiedWeights(entries: readonly WeightsEntry[]): Map<number, number> {
  const earliest = new Map<string, WeightsEntry>();
  for (const e of entries) {
    if (e.digest === undefined) continue;
    const seen = earliest.get(e.digest);
    if (!seen || e.commitSeq < seen.commitSeq || (e.commitSeq === seen.commitSeq && e.index < seen.index))
      earliest.set(e.digest, e);
  }
  const copies = new Map<number, number>();
  for (const e of entries) {
    if (e.digest === undefined) continue;
    const first = earliest.get(e.digest)!;
    if (first.index !== e.index) copies.set(e.index, first.index);
  }
  return copies;
}

/** Indexes of the entries whose digest occurs more than once (only these need their commit sequence). */
export function sharedDigests(digests: readonly { index: number; digest: string | undefined }[]): number[] {
  const count = new Map<string, number>();
  for (const d of digests) if (d.digest !== undefined) count.set(d.digest, (count.get(d.digest) ?? 0) + 1);
  return digests.filter((d) => d.digest !== undefined && count.get(d.digest)! > 1).map((d) => d.index);
}
