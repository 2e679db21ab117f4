/**
 * The canonical form of a model (and of every CID the keeper commits or reveals): CIDv1, dag-pb, sha2-256, written in
 * lowercase base32 — `bafybei…`, what `ipfs add --cid-version=1` prints for a directory. One content, one string: the
 * same directory as CIDv0 (`Qm…`), in base58 or upper case, or with whitespace is not accepted. Pure.
 *
 * `ArenaTasks.revealSubmission` enforces the same form on chain (`ModelCid.digestOf`: exactly 59 characters, the
 * prefix 0x01 0x70 0x12 0x20, lowercase base32; anything else reverts `NonCanonicalCid`); the keeper refuses a
 * non-canonical CID with a {@link NonCanonicalCidError} before anything is sent.
 */
import { CID } from "multiformats/cid";

const DAG_PB = 0x70;
const SHA2_256 = 0x12;
const SHA2_256_BYTES = 32;
/** `b` + 58 base32 characters: the 36 bytes of a CIDv1 dag-pb sha2-256 (the only length `ModelCid` accepts) */
export const CANONICAL_LENGTH = 59;

export class NonCanonicalCidError extends Error {
  override name = "NonCanonicalCidError";
}

/** Why `cid` is not canonical, or null when it is. */
export function nonCanonicalReason(cid: string): string | null {
  let parsed: CID;
  try {
    parsed = CID.parse(cid);
  } catch {
    return `${JSON.stringify(cid.slice(0, 80))} is not a CID`;
  }
  if (parsed.version !== 1) return `${cid} is a CIDv${parsed.version}, not a CIDv1`;
  if (parsed.code !== DAG_PB) return `${cid} is not dag-pb (codec 0x${parsed.code.toString(16)})`;
  if (parsed.multihash.code !== SHA2_256) return `${cid} is not hashed with sha2-256`;
  if (parsed.multihash.size !== SHA2_256_BYTES)
    return `${cid} has a ${parsed.multihash.size}-byte digest, not 32 bytes`;
  if (parsed.toString() !== cid) return `${cid} is not written in lowercase base32 (${parsed.toString()})`;
  // what ArenaTasks' ModelCid accepts, byte for byte: anything else reverts NonCanonicalCid
  if (cid.length !== CANONICAL_LENGTH) return `${cid} is ${cid.length} characters, not ${CANONICAL_LENGTH}`;
  return null;
}

/** Returns `cid` when it is canonical; throws a `NonCanonicalCidError` naming `what` otherwise. */
export function canonicalCid(cid: string, what: string): string {
  const reason = nonCanonicalReason(cid);
  if (reason !== null) throw new NonCanonicalCidError(`${what}: ${reason}`);
  return cid;
}
