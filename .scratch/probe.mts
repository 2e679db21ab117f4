import { startAnvil, deployProtocol } from "../indexer/test/chain.ts";
import { runScenario } from "../indexer/test/scenario.ts";
const a = await startAnvil();
try {
  const p = await deployProtocol(a.rpcUrl, `probe-${process.pid}`);
  console.log("deployed", p);
  const r = await runScenario(a.rpcUrl, p);
  console.log("scenario ok", r.lastBlock);
} catch (e) { console.error("FAILED", e); }
await a.stop();
