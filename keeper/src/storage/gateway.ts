/**
 * Sharing blocks between processes on one machine over HTTP, the IPFS trustless-gateway way
 * (https://specs.ipfs.tech/http-gateways/trustless-gateway/), raw blocks only:
 *
 *   GET /ipfs/<cid>?format=raw            (or Accept: application/vnd.ipld.raw)
 *   → 200 the block's bytes | 404 not in this node's blockstore | 400 bad CID / path | 406 other formats
 *
 * The server answers only from its own blockstore (it never fetches on anyone's behalf, so gateways cannot loop)
 * and binds to 127.0.0.1. The client trusts no gateway: each answer is capped at {@link MAX_BLOCK_BYTES} and
 * hashed against the CID; a wrong answer is skipped and the next gateway asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CID } from "multiformats/cid";
import { blockMatches, MAX_BLOCK_BYTES } from "./blocks.js";
import { ContentNotFoundError, ContentVerificationError } from "./errors.js";

export const RAW_BLOCK_MEDIA_TYPE = "application/vnd.ipld.raw";

// ---------------------------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------------------------

/** Local blocks only: `undefined` when this node does not have the block. */
export type LocalBlockReader = (cid: CID) => Promise<Uint8Array | undefined>;

export interface GatewayServer {
  /** base URL, e.g. http://127.0.0.1:41234 — give it to other stores as a gateway */
  url: string;
  close(): Promise<void>;
}

/** Serves `readBlock` on 127.0.0.1:`port` (0 = any free port). */
export async function startGatewayServer(readBlock: LocalBlockReader, port = 0): Promise<GatewayServer> {
  const server = createServer((req, res) => {
    handle(readBlock, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(readBlock: LocalBlockReader, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(res, 405, "method not allowed");
  }
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = /^\/ipfs\/([^/]+)\/?$/.exec(url.pathname);
  if (match === null) return send(res, 400, "expected /ipfs/<cid> (raw blocks only, no sub-paths)");
  const format = url.searchParams.get("format");
  const accept = req.headers.accept ?? "";
  const wantsRaw = format === null ? accept.includes(RAW_BLOCK_MEDIA_TYPE) : format === "raw";
  if (!wantsRaw) return send(res, 406, `only ${RAW_BLOCK_MEDIA_TYPE} is served (use ?format=raw)`);
  let cid: CID;
  try {
    cid = CID.parse(match[1]);
  } catch {
    return send(res, 400, "invalid CID");
  }
  const bytes = await readBlock(cid);
  if (bytes === undefined) return send(res, 404, `block ${cid} not found`);
  res.writeHead(200, {
    "Content-Type": RAW_BLOCK_MEDIA_TYPE,
    "Content-Length": String(bytes.length),
    "Cache-Control": "public, max-age=29030400, immutable",
    "X-Content-Type-Options": "nosniff",
    "X-Ipfs-Roots": cid.toString(),
    Etag: `"${cid}.raw"`,
    Vary: "Accept",
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

function send(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------------------------

export interface GatewayFetchOptions {
  gateways: readonly string[];
  signal: AbortSignal;
  /** per-request timeout, so one hanging gateway does not use up the whole fetch; default 10 s */
  requestTimeoutMs?: number;
}

/**
 * Asks each gateway in turn for the raw block and returns the first answer that hashes to `cid`.
 * @throws ContentVerificationError when no gateway had it right and at least one sent wrong bytes;
 *   ContentNotFoundError when none had it (404, unreachable, errors — each reason in the message);
 *   the signal's reason when `signal` aborts.
 */
export async function fetchBlockFromGateways(cid: CID, opts: GatewayFetchOptions): Promise<Uint8Array> {
  const failures: string[] = [];
  let lied = false;
  for (const gateway of opts.gateways) {
    opts.signal.throwIfAborted();
    const outcome = await fetchFromOne(cid, gateway, opts);
    if (outcome.bytes !== undefined) return outcome.bytes;
    if (opts.signal.aborted) throw opts.signal.reason;
    lied ||= outcome.lied === true;
    failures.push(`${gateway}: ${outcome.reason}`);
  }
  const detail = failures.join("; ") || "no gateways configured";
  if (lied) throw new ContentVerificationError(`block ${cid}: no gateway sent bytes matching the CID (${detail})`);
  throw new ContentNotFoundError(`block ${cid} not found (${detail})`);
}

interface Outcome {
  bytes?: Uint8Array;
  reason?: string;
  lied?: boolean;
}

async function fetchFromOne(cid: CID, gateway: string, opts: GatewayFetchOptions): Promise<Outcome> {
  const url = `${gateway.replace(/\/+$/, "")}/ipfs/${cid.toString()}?format=raw`;
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.requestTimeoutMs ?? 10_000)]);
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: RAW_BLOCK_MEDIA_TYPE }, signal, redirect: "error" });
  } catch (err) {
    return { reason: describeFetchError(err) };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    return { reason: res.status === 404 || res.status === 410 ? "not found" : `HTTP ${res.status}` };
  }
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > MAX_BLOCK_BYTES) {
    await res.body?.cancel().catch(() => {});
    return { reason: `declares a ${declared}-byte block (limit ${MAX_BLOCK_BYTES})`, lied: true };
  }
  let bytes: Uint8Array;
  try {
    const body = await readCapped(res, MAX_BLOCK_BYTES);
    if (body === undefined) return { reason: `sent more than ${MAX_BLOCK_BYTES} bytes`, lied: true };
    bytes = body;
  } catch (err) {
    return { reason: describeFetchError(err) };
  }
  if (!blockMatches(cid, bytes))
    return { reason: `sent ${bytes.length} bytes that do not hash to the CID`, lied: true };
  return { bytes };
}

/** The body, or undefined as soon as it exceeds `cap` bytes (the rest is not downloaded). */
async function readCapped(res: Response, cap: number): Promise<Uint8Array | undefined> {
  if (res.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return concat(chunks, total);
}

/** A plain Uint8Array (not a pooled Buffer, whose slice() would alias memory). */
export function concat(chunks: readonly Uint8Array[], total = chunks.reduce((n, c) => n + c.length, 0)): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return "request timed out";
  if (e.name === "AbortError") return "aborted";
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
