#!/usr/bin/env node
// A solc executable for forge, backed by the npm `solc` package (no native download).
// forge calls `solc --version` and `solc ... --standard-json` with the input on stdin.
"use strict";
const solc = require("solc");

if (process.argv.includes("--version")) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!process.argv.includes("--standard-json")) {
  process.stderr.write("tools/solc.cjs only supports --version and --standard-json\n");
  process.exit(2);
}
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  process.stdout.write(solc.compile(Buffer.concat(chunks).toString("utf8")));
});
