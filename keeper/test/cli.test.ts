/**
 * The `flock` command as a user runs it (node keeper/bin/flock.js … as a child): every command's --help, bad inputs
 * rejected with a one-line message and no transaction sent, and the offline data / eval commands.
 */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli.js";
import { loadDataset } from "../src/data/dataset.js";
import { REPO_ROOT } from "../src/devnet/deploy.js";
import { parseSpec } from "../src/spec.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { trainModel } from "../src/train/index.js";
import { actorNode, type DevChain, FLOCK, fund, nonceOf, startDevChain } from "./helpers/devchain.js";
import { runFlock } from "./helpers/flock.js";

let dir: string;
let chain: DevChain;
let env: Record<string, string>;
const USER = "validator-1" as const;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-cli-"));
  chain = await startDevChain(join(dir, "chain"));
  const deployer = actorNode(chain, "deployer");
  await fund(deployer, chain, [[USER, FLOCK(10_000)]]);
  await deployer.close();
  env = {
    FLOCK_RPC_URL: chain.url,
    FLOCK_PRIVATE_KEY: chain.cast[USER].privateKey,
    FLOCK_DEPLOYMENTS: chain.deploymentsPath,
    FLOCK_DATA_DIR: join(dir, "user"),
  };
}, 60_000);

afterAll(async () => {
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every command path of the program, e.g. ["task", "create"]. */
function commandPaths(cmd: CommandUnknownOpts, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const c of cmd.commands) {
    const path = [...prefix, c.name()];
    out.push(path);
    out.push(...commandPaths(c, path));
  }
  return out;
}

describe("flock --help", () => {
  it("exits 0 with usage for the program and every command", async () => {
    const paths = [[], ...commandPaths(buildProgram())];
    expect(paths.length).toBeGreaterThan(15);
    // three at a time: each child pays for loading TypeScript and TF.js
    for (let i = 0; i < paths.length; i += 3) {
      const batch = paths.slice(i, i + 3);
      const results = await Promise.all(batch.map((p) => runFlock([...p, "--help"])));
      for (const [j, r] of results.entries()) {
        const name = ["flock", ...batch[j]].join(" ");
        expect(r.code, `${name} --help: ${r.stderr}`).toBe(0);
        expect(r.stdout, name).toMatch(new RegExp(`^Usage: flock ${batch[j].join(" ")}`.replace(/ $/, "")));
      }
    }
  }, 120_000);
});

describe("bad inputs: a clear one-line message, a non-zero exit, and no transaction", () => {
  const ADDRESS = () => chain.cast["validator-2"].address;
  const cases: [string, () => string[], () => Record<string, string>, RegExp][] = [
    [
      "a bad amount",
      () => ["stake", "--role", "validator", "--amount", "12abc"],
      () => ({}),
      /"12abc" is not a FLOCK amount/,
    ],
    ["a zero amount", () => ["stake", "--role", "validator", "--amount", "0"], () => ({}), /greater than 0/],
    [
      "a bad address",
      () => ["delegate", "--operator", "0x1234", "--amount", "5"],
      () => ({}),
      /"0x1234" is not an address/,
    ],
    [
      "an unknown architecture",
      () => ["train", "--task", "1", "--data", dir, "--arch", "transformer"],
      () => ({}),
      /transformer.*invalid|choices/i,
    ],
    [
      "a missing required flag",
      () => ["stake", "--role", "validator"],
      () => ({}),
      /required option '--amount <flock>' not specified/,
    ],
    ["an unknown command", () => ["stak", "--amount", "5"], () => ({}), /unknown command 'stak'/],
    [
      "a bad FLOCK_RPC_URL",
      () => ["stake", "--role", "validator", "--amount", "3000"],
      () => ({ FLOCK_RPC_URL: "127.0.0.1:8545" }),
      /FLOCK_RPC_URL \/ --rpc-url: must be an http\(s\) URL/,
    ],
    [
      "a bad private key",
      () => ["stake", "--role", "validator", "--amount", "3000"],
      () => ({ FLOCK_PRIVATE_KEY: "0xdeadbeef" }),
      /FLOCK_PRIVATE_KEY \/ --private-key: must be 0x followed by 64 hex digits/,
    ],
    [
      "a missing deployments file",
      () => ["stake", "--role", "validator", "--amount", "3000"],
      () => ({ FLOCK_DEPLOYMENTS: join(dir, "nope.json") }),
      /no deployments file at .*nope\.json: start a local devnet with `npm run demo`.*--deployments <file> \/ FLOCK_DEPLOYMENTS/,
    ],
    [
      "an unknown task (claim)",
      () => ["claim", "--task", "99"],
      () => ({}),
      /claim\(99\) would revert: UnknownTask\(99\)/,
    ],
    ["an unknown task (show)", () => ["task", "show", "99"], () => ({}), /getTask\(99\) reverted: UnknownTask\(99\)/],
    [
      "no devnet (task show without a deployments file)",
      () => ["task", "show", "1"],
      () => ({ FLOCK_DEPLOYMENTS: join(dir, "absent", "31337.json") }),
      /no deployments file at .*31337\.json: start a local devnet with `npm run demo`/,
    ],
    [
      "an unknown alliance (show)",
      () => ["alliance", "show", "99"],
      () => ({}),
      /getAlliance\(99\) reverted: UnknownAlliance\(99\)/,
    ],
    [
      "an alliance without a starting model",
      () => ["alliance", "create", "--reward", "100"],
      () => ({}),
      /--start-cid is required/,
    ],
    [
      "an alliance join by a non-operator",
      () => ["alliance", "join", "1", "--stake", "1000"],
      () => ({}),
      /not a registered operator/,
    ],
    ["fl without its data", () => ["fl", "--alliance", "1"], () => ({}), /required option '--data <dir>'/],
    [
      "a delegation to a non-operator",
      () => ["delegate", "--operator", ADDRESS(), "--amount", "5"],
      () => ({}),
      /is not a registered operator/,
    ],
  ];

  it.each(cases)(
    "%s",
    async (_what, args, extra, message) => {
      const me = chain.cast[USER].address;
      const before = await nonceOf(chain.url, me);
      const r = await runFlock(args(), { ...env, ...extra() });
      expect(r.code, r.stderr).not.toBe(0);
      const first = r.stderr.split("\n")[0];
      expect(first).toMatch(message);
      expect(r.stderr.trim().split("\n").length, `stderr should be one line:\n${r.stderr}`).toBe(1);
      expect(r.stderr).not.toContain(chain.cast[USER].privateKey);
      expect(await nonceOf(chain.url, me)).toBe(before);
    },
    60_000,
  );

  it("reports every bad configuration value on a line of its own, and sends nothing", async () => {
    const me = chain.cast[USER].address;
    const before = await nonceOf(chain.url, me);
    const r = await runFlock(["stake", "--role", "validator", "--amount", "3000"], {
      ...env,
      FLOCK_POLL_MS: "7",
      FLOCK_LOG_RANGE: "zero",
      FLOCK_IPFS: "ipfs://nope",
    });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes("FLOCK_POLL_MS / --poll-ms"))).toMatch(/^flock: .*"7"/);
    expect(lines.find((l) => l.includes("FLOCK_LOG_RANGE / --log-range"))).toMatch(/^flock: .*"zero"/);
    expect(lines.find((l) => l.includes("FLOCK_IPFS / --ipfs"))).toMatch(/^flock: .*ipfs:\/\/nope/);
    expect(await nonceOf(chain.url, me)).toBe(before);
  }, 60_000);

  it("never echoes a malformed private key", async () => {
    const secret = `0x${"7a".repeat(31)}`;
    const r = await runFlock(["stake", "--amount", "1"], { ...env, FLOCK_PRIVATE_KEY: secret });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("7a7a");
  }, 60_000);

  it("sends the transactions when the input is good (the control: this account can act)", async () => {
    const me = chain.cast[USER].address;
    expect(await nonceOf(chain.url, me)).toBe(0);
    const r = await runFlock(["stake", "--role", "validator", "--amount", "3000"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await nonceOf(chain.url, me)).toBe(3); // register, approve, stake
  }, 60_000);
});

describe("flock data / flock eval (offline)", () => {
  it("builds MNIST shards and scores a trained model, and a garbage model 0 with a reason", async () => {
    const out = join(dir, "mnist");
    const built = await runFlock([
      "data",
      "mnist",
      "--shards",
      "2",
      "--out",
      out,
      "--eval-size",
      "300",
      "--train-per-shard",
      "500",
    ]);
    expect(built.code, built.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["eval", "manifest.json", "train-0", "train-1"]);
    expect(JSON.parse(built.stdout)).toBeTypeOf("object");
    const train = await loadDataset(join(out, "train-0"));
    expect(train.y.length).toBe(500);
    expect((await loadDataset(join(out, "eval"))).y.length).toBe(300);

    const specPath = join(REPO_ROOT, "examples", "mnist", "spec.json");
    const spec = parseSpec(JSON.parse(readFileSync(specPath, "utf8")));
    const { files } = await trainModel({ dataset: train, spec, arch: "mlp-small", epochs: 2, seed: 1 });
    const modelDir = join(dir, "model");
    for (const [name, bytes] of files) {
      mkdirSync(dirname(join(modelDir, name)), { recursive: true });
      writeFileSync(join(modelDir, name), bytes);
    }
    // evaluation needs no chain: no deployments file, nothing listening at the RPC URL
    const noChain = { FLOCK_DEPLOYMENTS: join(dir, "absent.json"), FLOCK_RPC_URL: "http://127.0.0.1:9" };
    const good = await runFlock(
      ["eval", "--spec", specPath, "--model", modelDir, "--data", join(out, "eval")],
      noChain,
    );
    expect(good.code, good.stderr).toBe(0);
    const g = JSON.parse(good.stdout);
    expect(g.reason).toBeNull();
    expect(g.metric).toBe("accuracy");
    expect(g.score).toBeGreaterThan(5000);
    expect(g.score).toBe(Math.round(g.value * 10_000));

    // the same model by its CID, from an embedded IPFS node's data dir
    const ipfsDir = join(dir, "ipfs-user");
    const store = await EmbeddedStore.open({ dataDir: ipfsDir });
    const cid = await store.addDirectory(files);
    await store.close();
    const byCid = await runFlock(["eval", "--spec", specPath, "--model", cid, "--data", join(out, "eval")], {
      ...noChain,
      FLOCK_DATA_DIR: ipfsDir,
    });
    expect(byCid.code, byCid.stderr).toBe(0);
    expect(JSON.parse(byCid.stdout)).toMatchObject({ score: g.score, reason: null });

    const garbage = join(dir, "garbage");
    mkdirSync(garbage);
    writeFileSync(join(garbage, "model.json"), "{ this is not a model");
    const bad = await runFlock(["eval", "--spec", specPath, "--model", garbage, "--data", join(out, "eval")]);
    expect(bad.code, bad.stderr).toBe(0);
    const b = JSON.parse(bad.stdout);
    expect(b.score).toBe(0);
    expect(b.value).toBeNull();
    expect(b.reason).toMatch(/\S/);
  }, 120_000);
});
