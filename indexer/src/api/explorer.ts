/**
 * Serves the Explorer bundle that `npm run build` writes to `generated/explorer/` (`tools/build-explorer.ts`), from
 * memory: `/assets/<name>-<hash>.{js,css}` as immutable (a year, `immutable`), the page itself with `no-cache` (always
 * revalidated, so a new build shows at once), ETags and `304`s, gzip when the client takes it, and a
 * Content-Security-Policy that lets the page reach nothing but this origin.
 *
 * The page is the answer to every browser navigation (`Accept: text/html`) that no other route takes: `/`, `/tasks/1`,
 * `/operators`, and `/accounts/0x…` — which, asked for JSON (`fetch`, curl), stays the JSON route.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, MiddlewareHandler } from "hono";

interface ManifestEntry {
  type: string;
  immutable: boolean;
  etag: string;
  bytes: number;
  gzip?: number;
}

interface Asset {
  type: string;
  immutable: boolean;
  etag: string;
  body: Buffer;
  gzip?: Buffer;
}

/** `generated/explorer/` at the repository root (this file is `indexer/src/api/explorer.ts`). */
export const explorerDir = fileURLToPath(new URL("../../../generated/explorer/", import.meta.url));

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

function load(dir: string): Map<string, Asset> | undefined {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, ManifestEntry>;
  const assets = new Map<string, Asset>();
  for (const [rel, m] of Object.entries(manifest)) {
    assets.set(rel, {
      type: m.type,
      immutable: m.immutable,
      etag: m.etag,
      body: readFileSync(join(dir, rel)),
      gzip: m.gzip ? readFileSync(join(dir, `${rel}.gz`)) : undefined,
    });
  }
  return assets;
}

const bundle = load(explorerDir);

function send(c: Context, asset: Asset, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    "content-type": asset.type,
    "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    etag: asset.etag,
    vary: "accept-encoding",
    "x-content-type-options": "nosniff",
    ...extra,
  };
  const inm = c.req.header("if-none-match");
  if (inm?.split(",").some((t) => t.trim() === asset.etag)) return c.body(null, 304, headers);
  const useGzip = asset.gzip && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  if (useGzip) headers["content-encoding"] = "gzip";
  return c.body(new Uint8Array(useGzip ? asset.gzip! : asset.body), 200, headers);
}

/** A browser asking for a page (not `fetch` asking for data). */
export function wantsPage(c: Context): boolean {
  const m = c.req.method;
  return (m === "GET" || m === "HEAD") && (c.req.header("accept") ?? "").includes("text/html");
}

/** The Explorer page, or a 503 page saying how to build it. */
export function explorerPage(c: Context): Response {
  const page = bundle?.get("index.html");
  if (!page) {
    return c.html(
      "<!doctype html><title>FLock Explorer</title><p>The Explorer is not built: run <code>npm run build</code> and restart the indexer. The data is served at /graphql.</p>",
      503,
      { "cache-control": "no-store" },
    );
  }
  return send(c, page, {
    vary: "accept, accept-encoding",
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  });
}

/** `GET /assets/:name`: the bundle's files. */
export const explorerAssets: MiddlewareHandler = async (c, next) => {
  const name = c.req.path.replace(/^\/assets\//, "");
  const asset = bundle?.get(`assets/${name}`);
  if (!asset || name.includes("/")) return next();
  return send(c, asset);
};

/** Answers page navigations with the Explorer; anything else goes on. */
export const explorerNavigation: MiddlewareHandler = async (c, next) => {
  if (wantsPage(c)) return explorerPage(c);
  await next();
  c.res.headers.append("vary", "accept");
};
