/**
 * Typed errors of the content store. Every failure of `getDirectory` / `addDirectory` is one of these (or the
 * caller's own abort reason), so callers can branch on `instanceof` or on `code` (stable strings for logs).
 */

export abstract class ContentError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The content needs more than `maxBytes` (or more than `maxFiles` entries): rejected before it is all downloaded. */
export class ContentTooLargeError extends ContentError {
  readonly code = "CONTENT_TOO_LARGE";
}

/** `timeoutMs` elapsed before the whole directory was fetched. */
export class ContentTimeoutError extends ContentError {
  readonly code = "CONTENT_TIMEOUT";
}

/** A block is neither local nor served by any configured gateway / the Kubo node. */
export class ContentNotFoundError extends ContentError {
  readonly code = "CONTENT_NOT_FOUND";
}

/** The CID is not a UnixFS directory (a raw block, a file, a symlink…). */
export class NotADirectoryError extends ContentError {
  readonly code = "NOT_A_DIRECTORY";
}

/** Bytes received for a CID do not hash to it (every gateway that answered lied or was corrupt). */
export class ContentVerificationError extends ContentError {
  readonly code = "CONTENT_VERIFICATION_FAILED";
}

/** A path or entry name is unsafe or invalid: empty, ".", "..", absolute, with "\\" or NUL, duplicated… */
export class InvalidPathError extends ContentError {
  readonly code = "INVALID_PATH";
}

/** The string is not a CID. */
export class InvalidCidError extends ContentError {
  readonly code = "INVALID_CID";
}

/** Malformed DAG: undecodable dag-pb / UnixFS, inconsistent file sizes, too deep. */
export class ContentFormatError extends ContentError {
  readonly code = "CONTENT_FORMAT";
}

/** Valid IPFS content this store does not accept: other codecs or hashes, symlinks, metadata nodes. */
export class UnsupportedContentError extends ContentError {
  readonly code = "CONTENT_UNSUPPORTED";
}

/** The backing node (Kubo RPC) cannot be reached or answered with an error. */
export class StoreUnavailableError extends ContentError {
  readonly code = "STORE_UNAVAILABLE";
}
