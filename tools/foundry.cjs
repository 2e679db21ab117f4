#!/usr/bin/env node
// Runs a Foundry tool (forge, anvil, cast) from its npm platform package and exits with the tool's own status.
// npm's `@foundry-rs/<tool>` launcher (node_modules/.bin/forge) does not pass the child's exit code on: there, a
// compile error, a failing `forge fmt --check` or `forge lint` all exit 0. Every script and CI step goes through
// this file instead:  node tools/foundry.cjs forge build
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { dirname, join } = require("node:path");

const [tool, ...args] = process.argv.slice(2);
if (!["forge", "anvil", "cast"].includes(tool)) {
  console.error("usage: node tools/foundry.cjs forge|anvil|cast [args…]");
  process.exit(2);
}
const plat = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform];
const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
let bin;
try {
  const pkg = require.resolve(`@foundry-rs/${tool}-${plat}-${arch}/package.json`);
  bin = join(dirname(pkg), "bin", process.platform === "win32" ? `${tool}.exe` : tool);
} catch {
  /* reported below */
}
if (!bin || !existsSync(bin)) {
  console.error(
    `no ${tool} binary for ${process.platform}-${process.arch}: run \`npm ci\` (it installs @foundry-rs/${tool})`,
  );
  process.exit(127);
}
const r = spawnSync(bin, args, { stdio: "inherit" });
if (r.error) {
  console.error(`${tool}: ${r.error.message}`);
  process.exit(127);
}
if (r.signal) process.kill(process.pid, r.signal);
process.exit(r.status ?? 1);
