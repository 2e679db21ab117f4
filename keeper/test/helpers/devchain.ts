/**
 * Test helpers: a real anvil with the protocol deployed, the devnet's named actors as in-process keeper nodes,
 * funding and staking, and tx accounting read back from the chain. Every process started here is killed by `stop()`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Address, type Hash, parseUnits, type Transport } from "viem";
import { ChainClient } from "../../src/chain/client.js";
import type { Deployments } from "../../src/chain/deployments.js";
import { Protocol } from "../../src/chain/protocol.js";
import { readConfig } from "../../src/config.js";
import { type Actor, type ActorName, actors } from "../../src/devnet/actors.js";
import { type Anvil, rpc, startAnvil } from "../../src/devnet/anvil.js";
import { DEVNET_GOV, deployProtocol } from "../../src/devnet/deploy.js";
import { createLogger, type Logger } from "../../src/log.js";
import { type Node, NoStore } from "../../src/node.js";
import { stake } from "../../src/roles/staking.js";
import type { ContentStore } from "../../src/storage/index.js";
import { Journal } from "../../src/store/journal.js";

export const FLOCK = (n: number | string): bigint => parseUnits(String(n), 18);

export interface DevChain {
  anvil: Anvil;
  url: string;
  port: number;
  deployments: Deployments;
  deploymentsPath: string;
  cast: Record<ActorName, Actor>;
  dir: string;
  stateFile?: string;
  log: Logger;
  /** stops anvil (SIGTERM: with a state file it dumps its state first) */
  stopAnvil(): Promise<void>;
  /** starts anvil again on the same port with the dumped state, and sets its clock back to where the chain was */
  restartAnvil(): Promise<void>;
  stop(): Promise<void>;
}

/** anvil + `script/Deploy.s.sol` (the deployer keeps MINTER_ROLE as a faucet). */
export async function startDevChain(
  dir: string,
  o: { stateFile?: boolean; pruneHistory?: boolean } = {},
): Promise<DevChain> {
  mkdirSync(dir, { recursive: true });
  const stateFile = o.stateFile ? join(dir, "anvil-state.json") : undefined;
  const logFile = join(dir, "anvil.log");
  let anvil = await startAnvil({ stateFile, logFile, pruneHistory: o.pruneHistory });
  const cast = actors();
  const deploymentsPath = join(dir, "deployments.json");
  const log = createLogger(process.env.FLOCK_TEST_LOG ?? "silent", "test");
  try {
    const deployments = await deployProtocol({
      rpcUrl: anvil.url,
      privateKey: cast.deployer.privateKey,
      gov: DEVNET_GOV,
      out: deploymentsPath,
      devnetMinter: true,
      logFile: join(dir, "deploy.log"),
    });
    const chain: DevChain = {
      anvil,
      url: anvil.url,
      port: anvil.port,
      deployments,
      deploymentsPath,
      cast,
      dir,
      stateFile,
      log,
      async stopAnvil() {
        await chain.anvil.stop();
      },
      async restartAnvil() {
        // anvil's dump keeps blocks and receipts but not its clock offset: without a reset, the next block would be
        // stamped with the wall clock, before the last one, and every task would fall back into an earlier phase.
        // It restarts with mining off, so that a bot's transaction sent the moment the port opens waits in the pool
        // until the clock is right, instead of being mined in the past.
        anvil = await startAnvil({ stateFile, logFile, port: chain.port, noMining: true });
        chain.anvil = anvil;
        const latest = await rpc<{ timestamp: string }>(anvil.url, "eth_getBlockByNumber", ["latest", false]);
        await rpc(anvil.url, "evm_setTime", [Number(BigInt(latest.timestamp)) + 1]);
        await rpc(anvil.url, "evm_setAutomine", [true]);
        await rpc(anvil.url, "evm_mine", []);
      },
      async stop() {
        await chain.anvil.stop();
      },
    };
    return chain;
  } catch (e) {
    await anvil.stop();
    throw e;
  }
}

/** An in-process keeper node for one actor (own journal under `dir/actors/<name>`, the given content store). */
export function actorNode(
  chain: DevChain,
  name: ActorName,
  store: ContentStore = new NoStore(),
  o: { transport?: Transport; logRange?: number } = {},
): Node {
  const actor = chain.cast[name];
  const dataDir = join(chain.dir, "actors", name);
  const config = readConfig(
    {
      rpcUrl: chain.url,
      deployments: chain.deploymentsPath,
      dataDir,
      pollMs: "200",
      logLevel: "silent",
      logRange: o.logRange === undefined ? undefined : String(o.logRange),
    },
    {},
  );
  const log = chain.log.child({ actor: name });
  const client = new ChainClient({
    rpcUrl: chain.url,
    account: actor.account,
    pollMs: 200,
    logger: log,
    txTimeoutMs: 30_000,
    transport: o.transport,
  });
  const protocol = new Protocol(client, chain.deployments, log, { logRange: config.logRange });
  const journal = new Journal(join(dataDir, "journal.sqlite"));
  return { config, log, chain: client, protocol, store, journal, close: async () => journal.close() };
}

/** Mints `amount` FLOCK to each actor (the deployer is the devnet minter). */
export async function fund(deployer: Node, chain: DevChain, grants: [ActorName, bigint][]): Promise<void> {
  for (const [name, amount] of grants) {
    await deployer.chain.write({
      ...deployer.protocol.token,
      functionName: "mint",
      args: [chain.cast[name].address, amount],
      label: `mint ${name}`,
    });
  }
}

/** Registers and self-stakes each node in its role. */
export async function stakeAll(entries: readonly (readonly [Node, "trainer" | "validator", bigint])[]): Promise<void> {
  for (const [node, role, amount] of entries) await stake(node, { role, amount, commissionBps: 0 });
}

export async function nonceOf(url: string, address: Address): Promise<number> {
  return Number(BigInt(await rpc<string>(url, "eth_getTransactionCount", [address, "latest"])));
}

export interface SentTx {
  hash: Hash;
  nonce: number;
  to: string | null;
  input: string;
  block: number;
  status: "success" | "reverted";
}

/** Every transaction `from` sent, block by block (small devnet chains only). */
export async function txsFrom(url: string, from: Address, fromBlock = 0): Promise<SentTx[]> {
  const head = Number(BigInt(await rpc<string>(url, "eth_blockNumber")));
  const out: SentTx[] = [];
  for (let b = fromBlock; b <= head; b++) {
    const block = await rpc<{
      transactions: { hash: Hash; from: string; nonce: string; to: string | null; input: string }[];
    }>(url, "eth_getBlockByNumber", [`0x${b.toString(16)}`, true]);
    for (const tx of block.transactions) {
      if (tx.from.toLowerCase() !== from.toLowerCase()) continue;
      const r = await rpc<{ status: string }>(url, "eth_getTransactionReceipt", [tx.hash]);
      out.push({
        hash: tx.hash,
        nonce: Number(BigInt(tx.nonce)),
        to: tx.to,
        input: tx.input,
        block: b,
        status: r.status === "0x1" ? "success" : "reverted",
      });
    }
  }
  return out;
}

/** Polls `check` until it returns a truthy value, failing after `timeoutMs` with what was awaited. */
export { until } from "../../src/logic/async.js";
