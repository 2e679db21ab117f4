/**
 * Typed access to the deployed protocol: views, event reads and the transactions every role sends.
 * Built only on the contracts' views and events (SPEC §1.2). ABIs come from the generated module (never pasted).
 */
import { type Address, BaseError, ContractFunctionRevertedError, type Hex, maxUint256, parseSignature } from "viem";
import { arenaTasksAbi, flockTokenAbi, protocolConfigAbi, stakingVaultAbi } from "../../../generated/abis.js";
import type { Logger } from "../log.js";
import type { ChainClient } from "./client.js";
import { describeRevert, isTransient } from "./client.js";
import type { Deployments } from "./deployments.js";
import { withRetry } from "./retry.js";

export const Role = { None: 0, TrainingNode: 1, Validator: 2 } as const;
export type RoleId = (typeof Role)[keyof typeof Role];

export interface TaskView {
  id: bigint;
  creator: Address;
  phase: number;
  stage: number;
  cancelReason: number;
  evalRevealed: boolean;
  submissionStart: number;
  submissionEnd: number;
  publishEnd: number;
  commitEnd: number;
  revealEnd: number;
  liveCommitments: number;
  published: number;
  validators: number;
  revealed: number;
  cursor: number;
  rewardPool: bigint;
  bond: bigint;
  evalCommitment: Hex;
  specCid: string;
  evalCid: string;
}

export interface PublishedSubmission {
  index: number;
  trainer: Address;
  modelCid: string;
}

export class Protocol {
  readonly arena;
  readonly vault;
  readonly token;
  readonly config;

  constructor(
    readonly chain: ChainClient,
    readonly deployments: Deployments,
    readonly log: Logger,
  ) {
    const c = deployments.contracts;
    this.arena = { address: c.ArenaTasks, abi: arenaTasksAbi } as const;
    this.vault = { address: c.StakingVault, abi: stakingVaultAbi } as const;
    this.token = { address: c.FlockToken, abi: flockTokenAbi } as const;
    this.config = { address: c.ProtocolConfig, abi: protocolConfigAbi } as const;
  }

  /** A read with retries on RPC errors; a revert is an error that says why. */
  read<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { label, logger: this.log, retryIf: isTransient, attempts: 10 }).catch((e: unknown) => {
      // a view that reverts says why (e.g. "getTask(99) reverted: UnknownTask(99)"), not just "reverted"
      if (e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionRevertedError)) {
        throw new Error(`${label} reverted: ${describeRevert(e)}`, { cause: e });
      }
      throw e;
    });
  }

  /** The latest block's timestamp: phases follow block time, not the wall clock. */
  async now(): Promise<number> {
    const block = await this.read("getBlock", () => this.chain.public.getBlock({ blockTag: "latest" }));
    return Number(block.timestamp);
  }

  async taskCount(): Promise<bigint> {
    return this.read("taskCount", () => this.chain.public.readContract({ ...this.arena, functionName: "taskCount" }));
  }

  async getTask(id: bigint): Promise<TaskView> {
    const t = await this.read(`getTask(${id})`, () =>
      this.chain.public.readContract({ ...this.arena, functionName: "getTask", args: [id] }),
    );
    return { id, ...t } as unknown as TaskView;
  }

  async configValue(name: string): Promise<bigint> {
    const { keccak256, toHex } = await import("viem");
    return this.read(`config ${name}`, () =>
      this.chain.public.readContract({ ...this.config, functionName: "get", args: [keccak256(toHex(name))] }),
    );
  }

  /** Published submissions of a task, in index order, from `SubmissionRevealed` events. */
  async publishedSubmissions(taskId: bigint): Promise<PublishedSubmission[]> {
    const logs = await this.read(`SubmissionRevealed(${taskId})`, () =>
      this.chain.public.getContractEvents({
        ...this.arena,
        eventName: "SubmissionRevealed",
        args: { taskId },
        fromBlock: BigInt(this.deployments.startBlock),
        toBlock: "latest",
      }),
    );
    return logs
      .map((l) => ({
        index: Number(l.args.index),
        trainer: l.args.trainer as Address,
        modelCid: String(l.args.modelCid),
      }))
      .sort((a, b) => a.index - b.index);
  }

  async roleOf(account: Address): Promise<RoleId> {
    return Number(
      await this.read("roleOf", () =>
        this.chain.public.readContract({ ...this.vault, functionName: "roleOf", args: [account] }),
      ),
    ) as RoleId;
  }

  async balanceOf(account: Address): Promise<bigint> {
    return this.read("balanceOf", () =>
      this.chain.public.readContract({ ...this.token, functionName: "balanceOf", args: [account] }),
    );
  }

  /** Approves `spender` for at least `amount` (an unlimited approval only when asked). */
  async ensureAllowance(spender: Address, amount: bigint, unlimited = false): Promise<void> {
    const owner = this.chain.address;
    const current = await this.read("allowance", () =>
      this.chain.public.readContract({ ...this.token, functionName: "allowance", args: [owner, spender] }),
    );
    if (current >= amount) return;
    await this.chain.write({
      ...this.token,
      functionName: "approve",
      args: [spender, unlimited ? maxUint256 : amount],
      label: "approve",
    });
  }

  /** An EIP-2612 permit signature of the caller for `spender`. */
  async signPermit(spender: Address, value: bigint, deadline: bigint): Promise<{ v: number; r: Hex; s: Hex }> {
    const account = this.chain.account;
    if (!account?.signTypedData) throw new Error("the account cannot sign typed data");
    const [nonce, name, chainId] = await Promise.all([
      this.read("nonces", () =>
        this.chain.public.readContract({ ...this.token, functionName: "nonces", args: [account.address] }),
      ),
      this.read("name", () => this.chain.public.readContract({ ...this.token, functionName: "name" })),
      this.chain.chainId(),
    ]);
    const signature = await account.signTypedData({
      domain: { name: String(name), version: "1", chainId, verifyingContract: this.token.address },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: account.address, spender, value, nonce: nonce as bigint, deadline },
    });
    const sig = parseSignature(signature);
    return { v: Number(sig.v ?? BigInt(sig.yParity + 27)), r: sig.r, s: sig.s };
  }
}
