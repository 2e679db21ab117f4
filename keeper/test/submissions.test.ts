/**
 * Private-until-publish submissions and the validator's copy rules, on anvil with a real embedded IPFS store:
 *  - a committed model (and the creator's eval data) is nowhere in IPFS before the publish window — its CID was
 *    computed locally — and is fetchable, under exactly the committed canonical CID, once revealed;
 *  - a validator scores 0, with its reason: a model without `flock.json`, one whose manifest names another task, and a
 *    re-packaged copy (the original's weights under the copier's own manifest) committed after the original — even
 *    when the copy is revealed first; the original keeps its score.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../src/data/dataset.js";
import { buildMnistDatasets } from "../src/data/mnist.js";
import type { ActorName } from "../src/devnet/actors.js";
import { warpTo } from "../src/devnet/anvil.js";
import { REPO_ROOT } from "../src/devnet/deploy.js";
import { EvalPool } from "../src/eval/index.js";
import { nonCanonicalReason } from "../src/logic/cid.js";
import { MANIFEST_FILE, withManifest } from "../src/logic/submission.js";
import type { Node } from "../src/node.js";
import { createTask, fetchSpec, revealEvalData } from "../src/roles/creator.js";
import { commitModel, commitModelFiles, revealModel } from "../src/roles/trainer.js";
import { ValidatorBot } from "../src/roles/validator.js";
import { parseSpec } from "../src/spec.js";
import { EmbeddedStore } from "../src/storage/embedded.js";
import { trainModel } from "../src/train/index.js";
import type { FileMap } from "../src/types.js";
import { actorNode, type DevChain, FLOCK, fund, stakeAll, startDevChain } from "./helpers/devchain.js";

const WINDOW = 3600;
const TRAINERS = ["trainer-strong", "trainer-medium", "trainer-weak", "trainer-copier"] as const;

let dir: string;
let chain: DevChain;
let hub: EmbeddedStore;
let pool: EvalPool;
const nodes = new Map<ActorName, Node>();
const node = (name: ActorName): Node => {
  let n = nodes.get(name);
  if (!n) {
    n = actorNode(chain, name, hub);
    nodes.set(name, n);
  }
  return n;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-submissions-"));
  chain = await startDevChain(dir);
  hub = await EmbeddedStore.open({ dataDir: join(dir, "hub") });
  pool = new EvalPool({ size: 1 });
}, 60_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.close();
  await pool?.close();
  await hub?.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("submissions", () => {
  it("stay private until the publish window; validators zero missing or foreign manifests and copied weights", async () => {
    await fund(node("deployer"), chain, [
      ["creator", FLOCK(1000)],
      ...TRAINERS.map((t) => [t, FLOCK(2000)] as [ActorName, bigint]),
      ["validator-1", FLOCK(5000)],
    ]);
    await stakeAll([
      ...TRAINERS.map((t) => [node(t), "trainer", FLOCK(1500)] as const),
      [node("validator-1"), "validator", FLOCK(4000)] as const,
    ]);
    const built = await buildMnistDatasets({
      outDir: join(dir, "data"),
      shards: 1,
      evalSize: 200,
      trainPerShard: 400,
      seed: 9,
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
    expect(nonCanonicalReason(created.evalCid)).toBeNull();
    expect(await hub.has(created.evalCid)).toBe(false); // the eval data stays local until revealed

    const taskSpec = await fetchSpec(node("trainer-strong"), created.specCid);
    const train = await loadDataset(built.shards[0].path);
    const model = async (seed: number): Promise<FileMap> =>
      (await trainModel({ dataset: train, spec: taskSpec, arch: "linear", epochs: 1, seed })).files;

    // strong: honest; medium: a manifest naming another task; weak: no manifest at all
    const strong = await commitModel(node("trainer-strong"), taskId, await model(1));
    const medium = await commitModelFiles(
      node("trainer-medium"),
      taskId,
      withManifest(await model(2), {
        chainId: chain.deployments.chainId,
        arena: chain.deployments.contracts.ArenaTasks,
        taskId: taskId + 1n,
        node: chain.cast["trainer-medium"].address,
      }),
    );
    const weak = await commitModelFiles(node("trainer-weak"), taskId, await model(3));
    // the copier re-packages strong's weights under its own manifest, committed after strong
    const copiedModel: FileMap = new Map(strong.files);
    copiedModel.delete(MANIFEST_FILE);
    const copy = await commitModel(node("trainer-copier"), taskId, copiedModel);
    expect(copy.modelCid).not.toBe(strong.modelCid);
    for (const c of [strong, medium, weak, copy]) {
      expect(nonCanonicalReason(c.modelCid)).toBeNull();
      expect(await hub.has(c.modelCid)).toBe(false); // committed, not announced
    }

    // publish: the eval data first (no model can be revealed before it), then the copier reveals first; every model
    // becomes fetchable under its committed CID
    let task = await node("deployer").protocol.getTask(taskId);
    await warpTo(chain.url, task.submissionEnd);
    expect(await revealModel(node("trainer-copier"), taskId)).toBeNull(); // waits for the eval data
    expect(await hub.has(copy.modelCid)).toBe(false); // and did not announce its model
    expect(await revealEvalData(node("creator"), taskId)).toMatch(/^0x/);
    for (const t of ["trainer-copier", "trainer-strong", "trainer-medium", "trainer-weak"] as const)
      expect(await revealModel(node(t), taskId)).toMatch(/^0x/);
    for (const c of [strong, medium, weak, copy]) expect(await hub.has(c.modelCid)).toBe(true);
    expect(await hub.has(created.evalCid)).toBe(true);

    task = await node("deployer").protocol.getTask(taskId);
    await warpTo(chain.url, task.publishEnd);
    task = await node("deployer").protocol.getTask(taskId);
    const scored = await new ValidatorBot(node("validator-1"), { pool }).scoreTask(task);
    const byTrainer = new Map(scored.map((s) => [s.trainer, s]));
    const of = (n: ActorName) => byTrainer.get(chain.cast[n].address)!;
    expect(scored.map((s) => s.modelCid).sort()).toEqual([strong, medium, weak, copy].map((c) => c.modelCid).sort());
    expect(of("trainer-strong").result.reason).toBeNull();
    expect(of("trainer-strong").result.score).toBeGreaterThan(5000);
    expect(of("trainer-copier").result).toMatchObject({ score: 0 });
    expect(of("trainer-copier").result.reason).toMatch(
      new RegExp(`weights identical to submission ${of("trainer-strong").index} \\(committed earlier\\)`),
    );
    expect(of("trainer-medium").result).toMatchObject({ score: 0 });
    expect(of("trainer-medium").result.reason).toMatch(new RegExp(`names task ${taskId + 1n}, not ${taskId}`));
    expect(of("trainer-weak").result).toMatchObject({ score: 0 });
    expect(of("trainer-weak").result.reason).toMatch(/no flock\.json manifest/);
  }, 180_000);
});
