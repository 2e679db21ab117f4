/** Staking and rewards: register + self-stake, delegate, unbond, withdraw, claim commission and task rewards. */
import { type Address, type Hex, parseEventLogs } from "viem";
import { Role } from "../../../generated/enums.js";
import type { Node } from "../node.js";

export async function stake(
  node: Node,
  o: { role?: "trainer" | "validator"; amount: bigint; commissionBps?: number },
): Promise<Hex> {
  const { protocol } = node;
  const me = node.chain.address;
  const role = await protocol.roleOf(me);
  const want: Role | undefined =
    o.role === "trainer" ? Role.TrainingNode : o.role === "validator" ? Role.Validator : undefined;
  if (role === Role.None) {
    if (want === undefined) throw new Error("this account is not registered yet: give --role trainer|validator");
    await node.chain.write({
      ...protocol.vault,
      functionName: "register",
      args: [want, o.commissionBps ?? 1000],
      label: "register",
    });
  } else if (want !== undefined && want !== role) {
    throw new Error(
      `this account is registered as ${role === Role.TrainingNode ? "trainer" : "validator"}, not ${o.role}`,
    );
  }
  await protocol.ensureAllowance(protocol.vault.address, o.amount);
  const r = await node.chain.write({ ...protocol.vault, functionName: "stake", args: [o.amount], label: "stake" });
  return r.transactionHash;
}

export async function delegate(node: Node, operator: Address, amount: bigint): Promise<Hex> {
  const { protocol } = node;
  if ((await protocol.roleOf(operator)) === Role.None) throw new Error(`${operator} is not a registered operator`);
  const deadline = BigInt((await protocol.now()) + 3600);
  const { v, r, s } = await protocol.signPermit(protocol.vault.address, amount, deadline);
  const receipt = await node.chain.write({
    ...protocol.vault,
    functionName: "delegateWithPermit",
    args: [operator, amount, deadline, v, r, s],
    label: "delegateWithPermit",
  });
  return receipt.transactionHash;
}

/** Starts unbonding `amount` worth of the caller's position in `operator`'s pool (or all of it). */
export async function unstake(
  node: Node,
  operator: Address,
  amount: bigint | "all",
): Promise<{ entryId: bigint; tx: Hex }> {
  const { protocol } = node;
  const me = node.chain.address;
  const shares = await protocol.sharesOf(operator, me);
  if (shares === 0n) throw new Error(`no position in ${operator}'s pool`);
  let burn = shares;
  if (amount !== "all") {
    const assets = await protocol.assetsOf(operator, me);
    if (amount > assets) throw new Error(`the position is worth ${assets}, less than ${amount}`);
    burn = (shares * amount + assets - 1n) / assets;
    if (burn > shares) burn = shares;
  }
  const receipt = await node.chain.write({
    ...protocol.vault,
    functionName: "requestUnbond",
    args: [operator, burn],
    label: "requestUnbond",
  });
  const [ev] = parseEventLogs({ abi: protocol.vault.abi, logs: receipt.logs, eventName: "UnbondRequested" });
  return { entryId: ev.args.entryId, tx: receipt.transactionHash };
}

export async function withdraw(node: Node, entryId: bigint): Promise<Hex> {
  const r = await node.chain.write({
    ...node.protocol.vault,
    functionName: "withdraw",
    args: [entryId],
    label: `withdraw(${entryId})`,
  });
  return r.transactionHash;
}

export async function claimTask(node: Node, taskId: bigint, account?: Address): Promise<{ amount: bigint; tx: Hex }> {
  const { protocol } = node;
  const who = account ?? node.chain.address;
  const receipt = await node.chain.write({
    ...protocol.arena,
    functionName: "claim",
    args: [taskId, who],
    label: `claim(${taskId})`,
  });
  const [ev] = parseEventLogs({ abi: protocol.arena.abi, logs: receipt.logs, eventName: "Claimed" });
  return { amount: ev?.args.amount ?? 0n, tx: receipt.transactionHash };
}

export async function claimCommission(node: Node, to?: Address): Promise<Hex> {
  const r = await node.chain.write({
    ...node.protocol.vault,
    functionName: "claimCommission",
    args: [to ?? node.chain.address],
    label: "claimCommission",
  });
  return r.transactionHash;
}
