#!/usr/bin/env node
// The `flock` command. Runs the TypeScript sources through tsx on the pinned Node 24 (see README, "Runtime").
import { createRequire } from "node:module";

const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `flock needs Node 24 (pinned as the devDependency "node"); this is Node ${process.versions.node}.\n` +
      "Run it as `npx flock …` from the repository after `npm ci` (without --ignore-scripts).\n",
  );
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { register } = await import(require.resolve("tsx/esm/api"));
register();
const { main } = await import("../src/cli.ts");
await main(process.argv);
