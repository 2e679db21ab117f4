/**
 * Another transaction from the same key takes our nonce (another process with the same key, a wallet). On a real
 * anvil, the race is staged deterministically through the client's transport, right before our broadcast or right
 * after it:
 *  1. a competing transfer is mined first → the node says "nonce too low", our hash is unknown and the mined nonce
 *     has passed ours → the client re-simulates and sends again with the next nonce;
 *  2. our own signed bytes were already broadcast (by an earlier attempt) → "nonce too low" is ours: no second send;
 *  3. our transaction waits in the pool and a competitor with a higher fee replaces it → detected, sent again;
 *  4. the node drops our transaction from its pool (a restart loses the pool) → the same signed bytes are sent again.
 * Each time the call lands exactly once and `write` returns its own receipt.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, createWalletClient, decodeFunctionData, type Hex, http, keccak256, parseGwei } from "viem";
import { anvil } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flockTokenAbi } from "../../generated/abis.js";
import { ChainClient } from "../src/chain/client.js";
import { Protocol } from "../src/chain/protocol.js";
import { rpc } from "../src/devnet/anvil.js";
import { type DevChain, nonceOf, startDevChain, txsFrom } from "./helpers/devchain.js";
import { countingTransport } from "./helpers/rpc-count.js";

const ME = "validator-1" as const;
let dir: string;
let chain: DevChain;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-nonce-"));
  chain = await startDevChain(dir);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A protocol client for ME whose transport lets a test act right before a given RPC call. */
function client(txTimeoutMs = 30_000) {
  const counter = countingTransport(chain.url);
  const c = new ChainClient({
    rpcUrl: chain.url,
    account: chain.cast[ME].account,
    transport: counter.transport,
    pollMs: 100,
    txTimeoutMs,
    logger: chain.log,
  });
  return { chain: c, protocol: new Protocol(c, chain.deployments, chain.log), rpc: counter };
}

/** The other sender with the same key. */
const competitor = () =>
  createWalletClient({ account: chain.cast[ME].account, chain: anvil, transport: http(chain.url) });

const approve = (p: Protocol, amount: bigint) =>
  p.chain.write({
    ...p.token,
    functionName: "approve",
    args: [chain.deployments.contracts.StakingVault, amount],
    label: `approve ${amount}`,
  });

/** What ME sent from block `from` on: (nonce, "approve(amount)" or "transfer"). */
async function sentSince(from: number): Promise<[number, string][]> {
  const token = chain.deployments.contracts.FlockToken.toLowerCase();
  return (await txsFrom(chain.url, chain.cast[ME].address, from)).map((t) => {
    if (t.to?.toLowerCase() !== token) return [t.nonce, "transfer"];
    const call = decodeFunctionData({ abi: flockTokenAbi, data: t.input as Hex });
    return [t.nonce, `${call.functionName}(${call.args?.[1]})`];
  });
}

const head = async () => Number(BigInt(await rpc<string>(chain.url, "eth_blockNumber")));

describe("another transaction takes our nonce", () => {
  it("mined before our broadcast: re-simulated and sent again with the next nonce", async () => {
    const { protocol, rpc: transport } = client();
    const from = (await head()) + 1;
    const n = await nonceOf(chain.url, chain.cast[ME].address);
    let competing: Hex | undefined;
    transport.before("eth_sendRawTransaction", async () => {
      const w = competitor();
      competing = await w.sendTransaction({ to: chain.cast[ME].address as Address, value: 0n, nonce: n });
    });
    const receipt = await approve(protocol, 11n);
    expect(competing).toBeDefined();
    expect(receipt.status).toBe("success");
    expect(receipt.transactionHash).not.toBe(competing);
    expect(await sentSince(from)).toEqual([
      [n, "transfer"],
      [n + 1, "approve(11)"],
    ]);
  }, 60_000);

  it("our own bytes already broadcast: recognised as ours, sent once", async () => {
    const { protocol, rpc: transport } = client();
    const from = (await head()) + 1;
    const n = await nonceOf(chain.url, chain.cast[ME].address);
    transport.before("eth_sendRawTransaction", async (call) => {
      const [raw] = call.params as [Hex];
      await rpc(chain.url, "eth_sendRawTransaction", [raw]); // an earlier attempt that reached the node
    });
    const receipt = await approve(protocol, 12n);
    expect(receipt.status).toBe("success");
    expect(await sentSince(from)).toEqual([[n, "approve(12)"]]);
  }, 60_000);

  it("replaced in the pool by a higher fee: detected, sent again, lands once", async () => {
    const { protocol, rpc: transport } = client(3_000);
    const from = (await head()) + 1;
    const n = await nonceOf(chain.url, chain.cast[ME].address);
    await rpc(chain.url, "evm_setAutomine", [false]);
    try {
      transport.before("eth_getTransactionReceipt", async () => {
        // ours is in the pool, not mined: a competitor with the same nonce and a higher fee replaces it
        await competitor().sendTransaction({
          to: chain.cast[ME].address as Address,
          value: 0n,
          nonce: n,
          maxFeePerGas: parseGwei("200"),
          maxPriorityFeePerGas: parseGwei("50"),
        });
        await rpc(chain.url, "evm_setAutomine", [true]);
        await rpc(chain.url, "evm_mine", []);
      });
      const t0 = Date.now();
      const receipt = await approve(protocol, 13n);
      expect(receipt.status).toBe("success");
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(await sentSince(from)).toEqual([
        [n, "transfer"],
        [n + 1, "approve(13)"],
      ]);
    } finally {
      await rpc(chain.url, "evm_setAutomine", [true]);
    }
  }, 60_000);

  it("dropped from the node's pool: the same signed bytes sent again, lands once", async () => {
    const { protocol, rpc: transport } = client(30_000);
    const from = (await head()) + 1;
    const n = await nonceOf(chain.url, chain.cast[ME].address);
    const sent: Hex[] = [];
    await rpc(chain.url, "evm_setAutomine", [false]);
    try {
      transport.before("eth_sendRawTransaction", async (call) => {
        sent.push((call.params as [Hex])[0]);
        // the second broadcast (the resend) is the one that gets mined
        transport.before("eth_sendRawTransaction", async (again) => {
          sent.push((again.params as [Hex])[0]);
          await rpc(chain.url, "evm_setAutomine", [true]);
        });
      });
      transport.before("eth_getTransactionReceipt", async () => {
        // ours waits in the pool: the node forgets it, as a restarted node forgets its pool
        const dropped = await rpc(chain.url, "anvil_dropTransaction", [keccak256(sent[0]!)]);
        expect(dropped).toBe(keccak256(sent[0]!));
      });
      const receipt = await approve(protocol, 14n);
      expect(receipt.status).toBe("success");
      expect(sent).toHaveLength(2);
      expect(sent[1]).toBe(sent[0]); // the same bytes: it could never land twice
      expect(receipt.transactionHash).toBe(keccak256(sent[0]!));
      expect(await sentSince(from)).toEqual([[n, "approve(14)"]]);
    } finally {
      await rpc(chain.url, "evm_setAutomine", [true]);
    }
  }, 60_000);
});
