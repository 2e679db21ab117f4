/**
 * Test helper: a real settled AI Arena task on anvil + embedded IPFS (two trained MNIST models, three validator bots,
 * a finalizer), its winner listed on the ModelMarketplace by the task's creator. What the gateway tests stand on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Market } from "../../src/chain/market.js";
import { loadDataset } from "../../src/data/dataset.js";
import { buildMnistDatasets } from "../../src/data/mnist.js";
import type { ActorName } from "../../src/devnet/actors.js";
import { warpTo } from "../../src/devnet/anvil.js";
import { REPO_ROOT } from "../../src/devnet/deploy.js";
import type { EvalPool } from "../../src/eval/index.js";
import { Phase } from "../../src/logic/phase.js";
import type { Node } from "../../src/node.js";
import { createTask, fetchSpec, revealEvalData } from "../../src/roles/creator.js";
import { FinalizerBot } from "../../src/roles/finalizer.js";
import { commitModel, revealModel } from "../../src/roles/trainer.js";
import { ValidatorBot } from "../../src/roles/validator.js";
import { parseSpec } from "../../src/spec.js";
import { type Arch, trainModel } from "../../src/train/index.js";
import { type DevChain, FLOCK, fund, stakeAll } from "./devchain.js";

const WINDOW = 3600;

export interface ListedTask {
  taskId: bigint;
  listingId: bigint;
  modelCid: string;
  evalDir: string;
  specCid: string;
}

/** Settles a task whose winner is `trainer-strong`'s model and (unless `list: false`) lists it at `price` per `period`. */
export async function settledAndListed(
  chain: DevChain,
  node: (name: ActorName) => Node,
  pool: EvalPool,
  o: { price: bigint; period: number; list?: boolean },
): Promise<ListedTask> {
  const trainers = ["trainer-strong", "trainer-weak"] as const;
  const validators = ["validator-1", "validator-2", "validator-3"] as const;
  await fund(node("deployer"), chain, [
    ["creator", FLOCK(1000)],
    ...trainers.map((t) => [t, FLOCK(2000)] as [ActorName, bigint]),
    ...validators.map((v) => [v, FLOCK(6000)] as [ActorName, bigint]),
  ]);
  await stakeAll([
    ...trainers.map((t) => [node(t), "trainer", FLOCK(1500)] as const),
    ...validators.map((v) => [node(v), "validator", FLOCK(4000)] as const),
  ]);
  const built = await buildMnistDatasets({
    outDir: join(chain.dir, "data"),
    shards: 2,
    evalSize: 200,
    trainPerShard: 500,
    seed: 3,
  });
  const spec = parseSpec(JSON.parse(readFileSync(join(REPO_ROOT, "examples", "mnist", "spec.json"), "utf8")));
  const created = await createTask(node("creator"), {
    spec,
    trainDataDir: built.shards[0].path,
    evalDataDir: built.eval.path,
    reward: FLOCK(500),
    windows: { submission: WINDOW, publish: WINDOW, commit: WINDOW, reveal: WINDOW },
  });
  const taskId = created.taskId;
  const taskSpec = await fetchSpec(node("trainer-strong"), created.specCid);
  const plan: [ActorName, Arch, number, number][] = [
    ["trainer-strong", "mlp-small", 3, 500],
    ["trainer-weak", "linear", 1, 60],
  ];
  for (const [i, [name, arch, epochs, samples]] of plan.entries()) {
    const ds = await loadDataset(built.shards[i].path);
    const per = ds.x.length / ds.y.length;
    const head = {
      ...ds,
      x: ds.x.slice(0, samples * per),
      xShape: [samples, ...ds.xShape.slice(1)],
      y: ds.y.slice(0, samples) as typeof ds.y,
    };
    const { files } = await trainModel({ dataset: head, spec: taskSpec, arch, epochs, seed: 7 });
    await commitModel(node(name), taskId, files);
  }
  let task = await node("deployer").protocol.getTask(taskId);
  await warpTo(chain.url, task.submissionEnd);
  // the eval data first: trainers may publish only after it (the Arena's rule)
  await revealEvalData(node("creator"), taskId);
  for (const t of trainers) await revealModel(node(t), taskId);
  const bots = validators.map((v) => new ValidatorBot(node(v), { pool }));
  await warpTo(chain.url, task.publishEnd);
  for (const b of bots) await b.tickOnce();
  await warpTo(chain.url, task.commitEnd);
  for (const b of bots) await b.tickOnce();
  task = await node("deployer").protocol.getTask(taskId);
  await warpTo(chain.url, task.revealEnd);
  await new FinalizerBot(node("keeper"), { steps: 8 }).tickOnce();
  task = await node("deployer").protocol.getTask(taskId);
  if (task.phase !== Phase.Settled) throw new Error(`the task did not settle (phase ${task.phase})`);

  const published = await node("deployer").protocol.publishedSubmissions(task);
  let modelCid = "";
  for (const s of published) {
    const sub = await node("deployer").protocol.submissionAt(taskId, s.index);
    if (sub.rank === 0) modelCid = s.modelCid;
  }
  if (o.list === false) return { taskId, listingId: 0n, modelCid, evalDir: built.eval.path, specCid: created.specCid };
  const market = new Market(node("creator").protocol);
  const { listingId } = await market.listTask({
    taskId,
    modelCid,
    licenseCid: created.specCid,
    price: o.price,
    period: o.period,
  });
  return { taskId, listingId, modelCid, evalDir: built.eval.path, specCid: created.specCid };
}
