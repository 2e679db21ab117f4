/**
 * Builds the Explorer (`indexer/explorer/`) into `generated/explorer/` with esbuild: one minified ES module and one
 * stylesheet, both named by content hash (served as immutable), `index.html` pointing at them, gzip copies, and
 * `manifest.json` (file → content type, cache policy, etag) that `indexer/src/api/explorer.ts` serves from memory.
 *
 * Sections: `import { sections } from "flock:sections"` resolves to a module importing every `sections/*.ts` in
 * file-name order (`10-arena.ts`, `20-staking.ts`, …) and exporting their default exports: a new section is a new file.
 *
 * Quiet: one line on success; esbuild's warnings and errors otherwise (exit 1 on error).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "indexer/explorer");
const out = join(root, "generated/explorer");

const sectionsPlugin: Plugin = {
  name: "flock-sections",
  setup(b) {
    b.onResolve({ filter: /^flock:sections$/ }, () => ({ path: "sections", namespace: "flock-sections" }));
    b.onLoad({ filter: /.*/, namespace: "flock-sections" }, () => {
      const dir = join(src, "sections");
      const files = readdirSync(dir)
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .sort();
      const imports = files.map((f, i) => `import s${i} from ${JSON.stringify(`./${f}`)};`).join("\n");
      return {
        contents: `${imports}\nexport const sections = [${files.map((_, i) => `s${i}`).join(", ")}];\n`,
        resolveDir: dir,
        loader: "ts",
        watchFiles: files.map((f) => join(dir, f)),
        watchDirs: [dir],
      };
    });
  },
};

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

async function main() {
  const t0 = performance.now();
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, "assets"), { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(src, "app.ts"), style: join(src, "style.css") },
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    minify: true,
    legalComments: "none",
    entryNames: "[name]-[hash]",
    outdir: join(tmp, "assets"),
    tsconfig: join(src, "tsconfig.json"),
    metafile: true,
    logLevel: "warning",
    plugins: [sectionsPlugin],
  });
  const assets: Record<string, string> = {};
  for (const file of Object.keys(result.metafile.outputs)) {
    const name = basename(file);
    assets[name.replace(/-[A-Z0-9]+\.(js|css)$/, "")] = name;
  }
  if (!assets.app || !assets.style) throw new Error(`esbuild wrote ${Object.keys(assets).join(", ")}: no app or style`);
  const html = readFileSync(join(src, "index.html"), "utf8")
    .replace("{{app}}", assets.app)
    .replace("{{style}}", assets.style);
  writeFileSync(join(tmp, "index.html"), html);

  const manifest: Record<string, { type: string; immutable: boolean; etag: string; bytes: number; gzip?: number }> = {};
  const add = (rel: string, immutable: boolean) => {
    const path = join(tmp, rel);
    const body = readFileSync(path);
    const entry = {
      type: TYPES[rel.slice(rel.lastIndexOf("."))] ?? "application/octet-stream",
      immutable,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      bytes: body.length,
    } as (typeof manifest)[string];
    if (body.length >= 1024) {
      const gz = gzipSync(body, { level: 9 });
      writeFileSync(`${path}.gz`, gz);
      entry.gzip = gz.length;
    }
    manifest[rel] = entry;
  };
  add("index.html", false);
  add(`assets/${assets.app}`, true);
  add(`assets/${assets.style}`, true);
  writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const js = manifest[`assets/${assets.app}`]!;
  const css = manifest[`assets/${assets.style}`]!;
  const kb = (n = 0) => `${(n / 1024).toFixed(1)} kB`;
  console.log(
    `build-explorer: wrote ${relative(root, out)} (${assets.app} ${kb(js.bytes)}, gzip ${kb(js.gzip)}; ${assets.style} ${kb(css.bytes)}, gzip ${kb(css.gzip)}) in ${Math.round(performance.now() - t0)} ms`,
  );
}

main().catch((e: unknown) => {
  console.error(`build-explorer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
