import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maxUint256, parseUnits } from "viem";
import { rpc } from "../src/devnet/anvil.js";
import { FinalizerBot } from "../src/roles/finalizer.js";
import { ValidatorBot } from "../src/roles/validator.js";
import { actorNode, fund, startDevChain } from "../test/helpers/devchain.js";

const dir = mkdtempSync(join(tmpdir(), "flock-base-"));
const chain = await startDevChain(dir);
try {
  const d = actorNode(chain, "deployer", undefined as never);
  await fund(d, chain, [["creator", parseUnits("10000000", 18)]]);
  const c = actorNode(chain, "creator", undefined as never);
  await c.chain.write({ ...c.protocol.token, functionName: "approve", args: [c.protocol.arena.address, maxUint256] });
  const N = Number(process.env.N ?? 100);
  const now = await c.protocol.now();
  for (let i = 0; i < N; i++) {
    await c.chain.write({ ...c.protocol.arena, functionName: "createTask", args: [{ specCid: "bafyspec", evalCommitment: `0x${"11".repeat(32)}`, rewardPool: parseUnits("1000", 18), submissionStart: now + 100000, submissionWindow: 3600, publishWindow: 3600, commitWindow: 3600, revealWindow: 3600, minScore: 0, spamScore: 0 }] });
    await c.chain.write({ ...c.protocol.arena, functionName: "cancelBeforeStart", args: [BigInt(i + 1)] });
  }
  for (let i = 0; i < Number(process.env.H ?? 5000) / 1000; i++) await rpc(chain.url, "anvil_mine", ["0x3e8"]);
  for (const [name, make] of [["finalizer", (n: any) => new FinalizerBot(n)], ["validator", (n: any) => new ValidatorBot(n, { pool: {} as any })]] as const) {
    const n = actorNode(chain, "keeper", undefined as never);
    const counts: Record<string, number> = {};
    const { createPublicClient, http, custom } = await import("viem");
    const inner = http(chain.url)({});
    (n.chain as any).public = createPublicClient({ transport: custom({ async request(args: any) { counts[args.method] = (counts[args.method] ?? 0) + 1; if (args.method === "eth_getLogs") console.log("getLogs", JSON.stringify(args.params)); return inner.request(args); } }) });
    const bot = (make as any)(n);
    await bot.tickOnce(); console.log(name, "tick 1", counts);
    for (const k of Object.keys(counts)) delete counts[k];
    await bot.tickOnce(); console.log(name, "tick 2", counts);
  }
} finally { await chain.stop(); rmSync(dir, { recursive: true, force: true }); }
