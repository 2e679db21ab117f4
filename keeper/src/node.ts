/**
 * A running keeper "node": the configuration turned into live parts (logger, chain client, protocol, content store,
 * journal). Every command builds one, uses it, and closes it.
 */
import { join } from "node:path";
import type { Account, Transport } from "viem";
import { ChainClient } from "./chain/client.js";
import { readDeployments } from "./chain/deployments.js";
import { loadKeystoreAccount } from "./chain/keystore.js";
import { Protocol } from "./chain/protocol.js";
import type { Config } from "./config.js";
import { createLogger, type Logger } from "./log.js";
import { type ContentStore, openStore } from "./storage/index.js";
import { Journal } from "./store/journal.js";
import type { FileMap } from "./types.js";

export interface Node {
  config: Config;
  log: Logger;
  chain: ChainClient;
  protocol: Protocol;
  store: ContentStore;
  journal: Journal;
  close(): Promise<void>;
}

export interface OpenNodeOptions {
  /** open the content store (default true) */
  store?: boolean;
  logger?: Logger;
  /** an account to use instead of the configured key (in-process actors of the devnet) */
  account?: Account;
  /** the JSON-RPC transport (default HTTP to the configured RPC URL) */
  transport?: Transport;
}

export async function openNode(config: Config, opts: OpenNodeOptions = {}): Promise<Node> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const deployments = readDeployments(config.deployments);
  const account =
    opts.account ??
    (config.keystore ? await loadKeystoreAccount(config.keystore, config.keystorePassword ?? "") : undefined);
  const chain = new ChainClient({
    rpcUrl: config.rpcUrl,
    privateKey: account ? undefined : (config.privateKey as `0x${string}` | undefined),
    account,
    txTimeoutMs: config.txTimeoutMs,
    pollMs: config.pollMs,
    logger: log,
    transport: opts.transport,
  });
  const id = await chain.chainId();
  if (id !== deployments.chainId) {
    throw new Error(
      `the RPC at ${config.rpcUrl} is chain ${id}, but ${config.deployments} is for chain ${deployments.chainId}`,
    );
  }
  const protocol = new Protocol(chain, deployments, log, { logRange: config.logRange });
  const store = opts.store === false ? new NoStore() : await openConfiguredStore(config);
  const who = chain.account?.address.toLowerCase() ?? "readonly";
  const journal = new Journal(join(config.dataDir, "journal", `${who}.sqlite`));
  return {
    config,
    log,
    chain,
    protocol,
    store,
    journal,
    async close() {
      journal.close();
      await store.close();
    },
  };
}

/** The configured content store: embedded Helia in the data dir, or a Kubo node. */
export function openConfiguredStore(config: Config): Promise<ContentStore> {
  return openStore(
    config.ipfs === "embedded"
      ? { kind: "embedded", dataDir: config.dataDir, gateways: config.ipfsGateways }
      : { kind: "kubo", url: config.ipfs },
  );
}

/** The store of a command that needs none: any use is a bug, and says so. */
export class NoStore implements ContentStore {
  private no(): Promise<never> {
    return Promise.reject(new Error("this command runs without a content store"));
  }
  addDirectory(): Promise<string> {
    return this.no();
  }
  getDirectory(): Promise<FileMap> {
    return this.no();
  }
  has(): Promise<boolean> {
    return this.no();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
