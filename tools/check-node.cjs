#!/usr/bin/env node
// Fails loudly when a script runs on a Node other than the pinned major (see README, "Runtime").
"use strict";
const want = 24;
const major = Number(process.versions.node.split(".")[0]);
if (major !== want) {
  process.stderr.write(
    `\nFLock needs Node ${want} (pinned as the devDependency "node"), but this is Node ${process.versions.node}.\n` +
      `Run scripts through npm (npm run …, npm test, npx flock …) after a full \`npm ci\` (without --ignore-scripts).\n\n`,
  );
  process.exit(1);
}
