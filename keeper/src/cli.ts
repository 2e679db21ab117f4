/**
 * `flock`: one command, a sub-command per role. Each sub-command validates its flags and the configuration first
 * (a bad value is a clear message and exit code 2; no transaction is sent), then builds a node and does one job.
 */
import { existsSync, statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { formatUnits } from "viem";
import { parseAddress, parseAmount, parseId, parseIntIn } from "./cli/args.js";
import { ConfigError, type Flags, readConfig, SETTINGS } from "./config.js";
import { PHASE_NAMES, Phase } from "./logic/phase.js";
import type { Node } from "./node.js";
import { ARCHS, type Arch } from "./train/models.js";
import type { FileMap } from "./types.js";

// The roles, TF.js, Helia and the ABIs load on demand, in the action that needs them: `flock --help` and a rejected
// flag answer at once instead of after seconds of module loading.
const roles = {
  node: () => import("./node.js"),
  creator: () => import("./roles/creator.js"),
  trainer: () => import("./roles/trainer.js"),
  validator: () => import("./roles/validator.js"),
  finalizer: () => import("./roles/finalizer.js"),
  bot: () => import("./roles/bot.js"),
  staking: () => import("./roles/staking.js"),
  status: () => import("./roles/status.js"),
  eval: () => import("./eval/index.js"),
  dataset: () => import("./data/dataset.js"),
  mnist: () => import("./data/mnist.js"),
  spec: () => import("./spec.js"),
  progress: () => import("./cli/progress.js"),
};

function addSettings(cmd: Command): Command {
  for (const [name, s] of Object.entries(SETTINGS)) {
    const flag = `${s.flag} <value>`;
    cmd.addOption(
      new Option(flag, `${s.doc} [env ${s.env}${"def" in s ? `, default ${s.def}` : ""}]`).hideHelp(
        name === "keystorePassword",
      ),
    );
  }
  return cmd;
}

function flagsOf(cmd: Command): Flags {
  const all = cmd.optsWithGlobals() as Record<string, unknown>;
  const out: Flags = {};
  for (const name of Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]) {
    if (typeof all[name] === "string") out[name] = all[name] as string;
  }
  return out;
}

async function withNode<T>(cmd: Command, job: (node: Node) => Promise<T>, opts: { store?: boolean } = {}): Promise<T> {
  const config = readConfig(flagsOf(cmd));
  const { openNode } = await roles.node();
  const node = await openNode(config, { store: opts.store });
  try {
    return await job(node);
  } finally {
    await node.close();
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}

const flock = (wei: bigint) => `${formatUnits(wei, 18)} FLOCK`;

/** Reads a local directory into a FileMap (relative POSIX paths). */
async function readDirFiles(dir: string): Promise<FileMap> {
  const files: FileMap = new Map();
  async function walk(d: string) {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.set(relative(dir, p).split("\\").join("/"), new Uint8Array(await readFile(p)));
    }
  }
  await walk(dir);
  return files;
}

export function buildProgram(): Command {
  const program = addSettings(new Command("flock"))
    .description("FLock keeper: task creators, training nodes, validators and keepers of the FLock protocol")
    // a rejected flag is one line on stderr (commander's own message), not the whole help
    .configureOutput({
      outputError: (str, write) =>
        write(
          `flock: ${str
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")} (see --help)\n`,
        ),
    })
    .exitOverride();

  // ─── data ──────────────────────────────────────────────────────────────────────────────────────────────
  const data = program.command("data").description("build datasets");
  data
    .command("mnist")
    .description("build training shards and an evaluation split from the real MNIST digits of the `mnist` package")
    .requiredOption("--shards <n>", "number of training shards", parseIntIn(1, 1000))
    .requiredOption("--out <dir>", "output directory (train-0 … train-<n-1>, eval)")
    .option("--eval-size <n>", "digits in the evaluation split", parseIntIn(1, 9999), 2000)
    .option("--train-per-shard <n>", "digits per shard (default: all remaining, split evenly)", parseIntIn(1, 9999))
    .option("--non-iid <alpha>", "Dirichlet α of the label skew per shard (smaller = more skewed)", Number)
    .option("--seed <n>", "random seed", parseIntIn(0, 2 ** 31), 1)
    .action(async (o) => {
      const { buildMnistDatasets } = await roles.mnist();
      print(
        await buildMnistDatasets({
          outDir: resolve(o.out),
          shards: o.shards,
          evalSize: o.evalSize,
          trainPerShard: o.trainPerShard,
          nonIid: o.nonIid,
          seed: o.seed,
        }),
      );
    });

  // ─── tasks ─────────────────────────────────────────────────────────────────────────────────────────────
  const task = program.command("task").description("create and manage AI Arena tasks");
  task
    .command("create")
    .description("pin spec and data, commit to the eval-data CID, deposit the reward (permit)")
    .requiredOption("--spec <file>", "task spec JSON")
    .requiredOption("--train-data <dir>", "training dataset directory (public)")
    .requiredOption("--eval-data <dir>", "evaluation dataset directory (its CID stays secret until the publish window)")
    .requiredOption("--reward <amount>", "reward pool in FLOCK", parseAmount)
    .option("--submission-window <s>", "seconds", parseIntIn(1, 31_536_000), 3600)
    .option("--publish-window <s>", "seconds", parseIntIn(1, 31_536_000), 1800)
    .option("--commit-window <s>", "seconds", parseIntIn(1, 31_536_000), 1800)
    .option("--reveal-window <s>", "seconds", parseIntIn(1, 31_536_000), 1800)
    .action(async (o, cmd: Command) => {
      const [{ parseSpec }, { createTask }] = await Promise.all([roles.spec(), roles.creator()]);
      const spec = parseSpec(JSON.parse(await readFile(o.spec, "utf8")));
      for (const d of [o.trainData, o.evalData]) if (!existsSync(d)) throw new Error(`no dataset directory ${d}`);
      const windows = {
        submission: o.submissionWindow,
        publish: o.publishWindow,
        commit: o.commitWindow,
        reveal: o.revealWindow,
      };
      print(
        await withNode(cmd, (node) =>
          createTask(node, { spec, trainDataDir: o.trainData, evalDataDir: o.evalData, reward: o.reward, windows }),
        ),
      );
    });
  task
    .command("reveal-eval")
    .description("reveal the evaluation-data CID of your task (publish window)")
    .argument("<taskId>", "task id", parseId)
    .action(async (id: bigint, _o, cmd: Command) => {
      const { revealEvalData } = await roles.creator();
      print({ tx: await withNode(cmd, (node) => revealEvalData(node, id)) });
    });
  task
    .command("show")
    .description("a task as the chain sees it")
    .argument("<taskId>", "task id", parseId)
    .action(async (id: bigint, _o, cmd: Command) =>
      withNode(
        cmd,
        async (node) => {
          const t = await node.protocol.getTask(id);
          print({ ...t, phaseName: PHASE_NAMES[t.phase], submissions: await node.protocol.publishedSubmissions(id) });
        },
        { store: false },
      ),
    );

  // ─── staking ───────────────────────────────────────────────────────────────────────────────────────────
  program
    .command("stake")
    .description("register as an operator (first time) and self-stake")
    .addOption(new Option("--role <role>", "operator role (needed the first time)").choices(["trainer", "validator"]))
    .requiredOption("--amount <flock>", "amount to stake", parseAmount)
    .option("--commission <bps>", "commission on delegators' rewards, basis points", parseIntIn(0, 10_000), 1000)
    .action(async (o, cmd: Command) => {
      const staking = await roles.staking();
      print({
        tx: await withNode(
          cmd,
          (n) => staking.stake(n, { role: o.role, amount: o.amount, commissionBps: o.commission }),
          { store: false },
        ),
      });
    });
  program
    .command("delegate")
    .description("delegate FLOCK to an operator's pool (permit)")
    .requiredOption("--operator <address>", "operator", parseAddress)
    .requiredOption("--amount <flock>", "amount", parseAmount)
    .action(async (o, cmd: Command) => {
      const staking = await roles.staking();
      print({ tx: await withNode(cmd, (n) => staking.delegate(n, o.operator, o.amount), { store: false }) });
    });
  program
    .command("unstake")
    .description("start unbonding (from your own pool, or a pool you delegated to)")
    .option("--operator <address>", "the pool (default: your own)", parseAddress)
    .requiredOption("--amount <flock|all>", "amount, or `all`")
    .action(async (o, cmd: Command) => {
      const amount = o.amount === "all" ? "all" : parseAmount(o.amount);
      const staking = await roles.staking();
      print(await withNode(cmd, (n) => staking.unstake(n, o.operator ?? n.chain.address, amount), { store: false }));
    });
  program
    .command("withdraw")
    .description("withdraw an unbonding entry whose period has passed")
    .requiredOption("--entry <id>", "unbonding entry id", parseId)
    .action(async (o, cmd: Command) => {
      const staking = await roles.staking();
      print({ tx: await withNode(cmd, (n) => staking.withdraw(n, o.entry), { store: false }) });
    });
  program
    .command("claim")
    .description("claim a task's reward or refund (paid into the operator's pool; refunds to the wallet)")
    .option("--task <id>", "task id", parseId)
    .option("--for <address>", "claim for another account (claims are permissionless)", parseAddress)
    .option("--commission", "claim your accumulated operator commission instead")
    .action(async (o, cmd: Command) => {
      const staking = await roles.staking();
      if (o.commission) return print({ tx: await withNode(cmd, (n) => staking.claimCommission(n), { store: false }) });
      if (o.task === undefined) throw new Error("give --task <id> (or --commission)");
      print(await withNode(cmd, (n) => staking.claimTask(n, o.task, o.for), { store: false }));
    });

  // ─── training ──────────────────────────────────────────────────────────────────────────────────────────
  program
    .command("train")
    .description(
      "train a TF.js model on local data for a task, pin it, commit; reveal with --watch (or `flock reveal`)",
    )
    .requiredOption("--task <id>", "task id", parseId)
    .requiredOption("--data <dir>", "local training dataset directory")
    .addOption(new Option("--arch <arch>", "model architecture").choices([...ARCHS]).default("mlp"))
    .option("--epochs <n>", "epochs", parseIntIn(1, 1000), 3)
    .option("--seed <n>", "seed", parseIntIn(0, 2 ** 31), 1)
    .option("--watch", "wait for the publish window and reveal")
    .action(async (o, cmd: Command) => {
      const { commitModel, revealModel, trainForTask, waitForPhase } = await roles.trainer();
      await withNode(cmd, async (node) => {
        const { files } = await trainForTask(node, {
          taskId: o.task,
          dataDir: o.data,
          arch: o.arch as Arch,
          epochs: o.epochs,
          seed: o.seed,
          onEpoch: (e) => node.log.info(e, "epoch"),
        });
        const committed = await commitModel(node, o.task, files);
        print(committed);
        if (o.watch) {
          await waitForPhase(node, o.task, Phase.Publish);
          print({ revealTx: await revealModel(node, o.task) });
        }
      });
    });
  program
    .command("reveal")
    .description("reveal your committed model for a task (publish window)")
    .requiredOption("--task <id>", "task id", parseId)
    .action(async (o, cmd: Command) => {
      const { revealModel } = await roles.trainer();
      print({ tx: await withNode(cmd, (n) => revealModel(n, o.task), { store: false }) });
    });

  // ─── evaluation ────────────────────────────────────────────────────────────────────────────────────────
  program
    .command("eval")
    .description("evaluate one model exactly as the validator does; prints {score, metric, value, reason}")
    .requiredOption("--spec <file|cid>", "task spec JSON file, or its CID")
    .requiredOption("--model <dir|cid>", "model directory, or its CID")
    .requiredOption("--data <dir|cid>", "dataset directory, or its CID")
    .action(async (o, cmd: Command) => {
      const [{ parseSpec }, { fetchSpec }, { datasetFromFiles, loadDataset }, { evaluateModel }] = await Promise.all([
        roles.spec(),
        roles.creator(),
        roles.dataset(),
        roles.eval(),
      ]);
      const local = (p: string) => existsSync(p);
      const needStore = !local(o.spec) || !local(o.model) || !local(o.data);
      const run = async (node?: Node) => {
        const spec = local(o.spec)
          ? parseSpec(JSON.parse(await readFile(o.spec, "utf8")))
          : await fetchSpec(node!, o.spec);
        const dataset = local(o.data)
          ? await loadDataset(o.data)
          : datasetFromFiles(await node!.store.getDirectory(o.data, { maxBytes: 1 << 30, timeoutMs: 120_000 }));
        let files: FileMap;
        try {
          files = local(o.model)
            ? statSync(o.model).isDirectory()
              ? await readDirFiles(o.model)
              : new Map([["model.json", new Uint8Array(await readFile(o.model))]])
            : await node!.store.getDirectory(o.model, { maxBytes: spec.maxModelBytes, timeoutMs: spec.evalTimeoutMs });
        } catch (e) {
          return print({ score: 0, metric: spec.metric, value: null, reason: `fetch failed: ${(e as Error).message}` });
        }
        print(await evaluateModel({ files, dataset, spec }));
      };
      if (needStore) await withNode(cmd, run);
      else await run();
    });

  // ─── bots ──────────────────────────────────────────────────────────────────────────────────────────────
  program
    .command("validate")
    .description("the validator bot: evaluate published models, commit scores, reveal them")
    .option("--watch", "keep watching the chain (otherwise one pass)")
    .option("--workers <n>", "evaluation worker threads (default: one per core)", parseIntIn(1, 64))
    .addOption(
      new Option("--strategy <s>", "scoring strategy (`random` only for demos and tests)")
        .choices(["honest", "random"])
        .default("honest"),
    )
    .option("--skip-reveal", "commit but never reveal (only for demos and tests)")
    .action(async (o, cmd: Command) => {
      const [{ acquirePidLock }, { ValidatorBot }, { EvalPool }, { createProgress }] = await Promise.all([
        roles.bot(),
        roles.validator(),
        roles.eval(),
        roles.progress(),
      ]);
      await withNode(cmd, async (node) => {
        const release = acquirePidLock(node.config.dataDir, `validator-${node.chain.address.toLowerCase()}`);
        const pool = new EvalPool({ size: o.workers });
        try {
          const bot = new ValidatorBot(node, {
            pool,
            strategy: o.strategy,
            skipReveal: Boolean(o.skipReveal),
            progress: createProgress(node.log),
          });
          await runBot(bot, Boolean(o.watch));
        } finally {
          await pool.close();
          release();
        }
      });
    });
  program
    .command("finalize")
    .description("the keeper: finalize due tasks in batches (bounty), cancel dead ones")
    .option("--watch", "keep watching the chain (otherwise one pass)")
    .option("--steps <n>", "work units per finalize call", parseIntIn(1, 1024), 64)
    .option("--claim-all", "also claim for every participant of settled tasks")
    .action(async (o, cmd: Command) => {
      const [{ acquirePidLock }, { FinalizerBot }] = await Promise.all([roles.bot(), roles.finalizer()]);
      await withNode(
        cmd,
        async (node) => {
          const release = acquirePidLock(node.config.dataDir, `finalizer-${node.chain.address.toLowerCase()}`);
          try {
            await runBot(new FinalizerBot(node, { steps: o.steps, claimAll: Boolean(o.claimAll) }), Boolean(o.watch));
          } finally {
            release();
          }
        },
        { store: false },
      );
    });

  program
    .command("status")
    .description("what the indexer (or, without one, the chain) says about a task or an address")
    .option("--task <id>", "task id", parseId)
    .option("--address <address>", "account", parseAddress)
    .action(async (o, cmd: Command) => {
      if (o.task === undefined && o.address === undefined) throw new Error("give --task <id> or --address <address>");
      const { statusReport } = await roles.status();
      print(await withNode(cmd, (n) => statusReport(n, { taskId: o.task, address: o.address }), { store: false }));
    });

  program
    .command("devnet")
    .description("the whole system on one machine: anvil, deploy, indexer, embedded IPFS, and the scripted demo")
    .option("--exit", "stop after the summary instead of serving")
    .option("--json <file>", "also write the summary as JSON")
    .option("--quick", "a smaller, faster demo (fewer digits and epochs)")
    .action(async (o) => {
      const { runDevnet } = await import("./devnet/index.js");
      await runDevnet({ exit: Boolean(o.exit), jsonPath: o.json, quick: Boolean(o.quick) });
    });
  return program;
}

async function runBot(
  bot: { tickOnce(): Promise<boolean>; run(signal: AbortSignal): Promise<void> },
  watch: boolean,
): Promise<void> {
  if (!watch) return void (await bot.tickOnce());
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await bot.run(ctl.signal);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`flock: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`flock: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

export { flock as formatFlock };
