/**
 * Staking and rewards: register + self-stake, delegate, unbond, withdraw, claim commission and task rewards.
 *
 * The vault follows the locks (every task lock on a pool is numbered; `releasedThrough` is the longest released
 * prefix):
 * - a deposit (self-stake or delegation) made while a lock is outstanding on the pool is a *pending deposit*: 0 shares,
 *   it earns nothing and cannot be slashed until every lock up to its `mark` is released; then `activate(operator,
 *   account)` (anyone; also done by the account's next deposit or unbond) turns it into shares, and `cancelPending`
 *   takes it back at any time (`flock pending`);
 * - an unbonding entry created while a lock is outstanding (`lockMark`) cannot be withdrawn before that lock and every
 *   older one are released, even after `readyAt` (`UnbondingLocked`);
 * - an operator must keep MIN_OPERATOR_SELF_STAKE of its own in the pool for any lock, and cannot unbond below it
 *   while a lock is outstanding (`SelfStakeTooLow`);
 * - a commission increase is scheduled and applies UNBONDING_PERIOD later (`CommissionIncreaseScheduled`).
 */
import { type Address, type Hex, parseEventLogs, type TransactionReceipt } from "viem";
import { Role } from "../../../generated/enums.js";
import type { Node } from "../node.js";

/** A deposit that became pending (a lock was outstanding on the pool), as `DepositPending` reports it. */
export interface PendingDeposit {
  /** what this deposit added */
  assets: bigint;
  /** the account's pending total in the pool */
  pendingTotal: bigint;
  /** the newest lock outstanding: the deposit activates once every lock up to it is released */
  mark: number;
}

export interface DepositResult {
  tx: Hex;
  /** shares minted now (0 when the deposit is pending) */
  shares: bigint;
  pending?: PendingDeposit;
  note?: string;
}

function depositResult(node: Node, receipt: TransactionReceipt): DepositResult {
  const abi = node.protocol.vault.abi;
  const me = node.chain.address.toLowerCase();
  const minted = parseEventLogs({ abi, logs: receipt.logs, eventName: "Delegated" }).filter(
    (e) => e.args.account.toLowerCase() === me,
  );
  const shares = minted.reduce((n, e) => n + e.args.shares, 0n);
  const [p] = parseEventLogs({ abi, logs: receipt.logs, eventName: "DepositPending" });
  if (!p) return { tx: receipt.transactionHash, shares };
  return {
    tx: receipt.transactionHash,
    shares,
    pending: { assets: p.args.assets, pendingTotal: p.args.pendingTotal, mark: Number(p.args.mark) },
    note:
      `the pool has a task lock outstanding (up to lock #${p.args.mark}): the deposit waits, earning nothing and ` +
      "unslashable, until those locks are released; then `flock pending --operator … --activate` (or your next " +
      "deposit/unbond) turns it into shares; `flock pending --operator … --cancel` takes it back",
  };
}

export async function stake(
  node: Node,
  o: { role?: "trainer" | "validator"; amount: bigint; commissionBps?: number },
): Promise<DepositResult> {
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
  return depositResult(node, r);
}

export async function delegate(node: Node, operator: Address, amount: bigint): Promise<DepositResult> {
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
  return depositResult(node, receipt);
}

/** `account`'s pending deposit in `operator`'s pool (default: the caller's), and what can be done with it. */
export async function pendingDeposit(node: Node, operator: Address, account?: Address) {
  const { protocol } = node;
  const who = account ?? node.chain.address;
  const [p, pool] = await Promise.all([protocol.pendingOf(operator, who), protocol.poolOf(operator)]);
  return {
    operator,
    account: who,
    assets: p.assets,
    mark: p.mark,
    releasedThrough: pool.releasedThrough,
    activatable: p.activatable,
    status:
      p.assets === 0n
        ? "none"
        : p.activatable
          ? "activatable now (every lock it waited for is released)"
          : `waiting: activates once the pool's locks up to #${p.mark} are released (released through #${pool.releasedThrough})`,
  };
}

/** Turns `account`'s pending deposit (default: the caller's) into shares; anyone may call it once it is activatable. */
export async function activate(node: Node, operator: Address, account?: Address): Promise<DepositResult> {
  const who = account ?? node.chain.address;
  const p = await node.protocol.pendingOf(operator, who);
  if (p.assets === 0n) throw new Error(`${who} has no pending deposit in ${operator}'s pool`);
  if (!p.activatable) {
    const pool = await node.protocol.poolOf(operator);
    throw new Error(
      `the pending deposit waits for the pool's locks up to #${p.mark} (released through #${pool.releasedThrough}): ` +
        "try again once those tasks are claimed",
    );
  }
  const r = await node.chain.write({
    ...node.protocol.vault,
    functionName: "activate",
    args: [operator, who],
    label: "activate",
  });
  const [ev] = parseEventLogs({ abi: node.protocol.vault.abi, logs: r.logs, eventName: "Delegated" });
  return { tx: r.transactionHash, shares: ev?.args.shares ?? 0n };
}

/** Takes the caller's pending deposit in `operator`'s pool back to its wallet. */
export async function cancelPending(node: Node, operator: Address): Promise<{ tx: Hex; assets: bigint }> {
  const r = await node.chain.write({
    ...node.protocol.vault,
    functionName: "cancelPending",
    args: [operator],
    label: "cancelPending",
  });
  const [ev] = parseEventLogs({ abi: node.protocol.vault.abi, logs: r.logs, eventName: "PendingCancelled" });
  return { tx: r.transactionHash, assets: ev?.args.assets ?? 0n };
}

/** Starts unbonding `amount` worth of the caller's position in `operator`'s pool (or all of it). */
export async function unstake(
  node: Node,
  operator: Address,
  amount: bigint | "all",
): Promise<{ entryId: bigint; tx: Hex; assets: bigint; readyAt: number; lockMark: number; note?: string }> {
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
  const entry = await protocol.unbondingEntry(ev.args.entryId);
  return {
    entryId: ev.args.entryId,
    tx: receipt.transactionHash,
    assets: ev.args.assets,
    readyAt: entry.readyAt,
    lockMark: entry.lockMark,
    ...(entry.lockMark > 0
      ? {
          note:
            `requested while the pool's lock #${entry.lockMark} was outstanding: the entry stays slashable and can be ` +
            "withdrawn only after readyAt AND once that lock and every older one are released",
        }
      : {}),
  };
}

/** Why unbonding entry `entryId` cannot be withdrawn now (null when it can). */
export async function withdrawBlocker(node: Node, entryId: bigint): Promise<string | null> {
  const { protocol } = node;
  const entry = await protocol.unbondingEntry(entryId);
  if (entry.operator === "0x0000000000000000000000000000000000000000")
    return `unbonding entry ${entryId} does not exist`;
  if (entry.withdrawn) return `unbonding entry ${entryId} was already withdrawn`;
  if (entry.account.toLowerCase() !== node.chain.address.toLowerCase())
    return `unbonding entry ${entryId} belongs to ${entry.account}, not to this account`;
  const [now, pool] = await Promise.all([protocol.now(), protocol.poolOf(entry.operator)]);
  if (now < entry.readyAt)
    return `unbonding entry ${entryId} is ready at ${entry.readyAt} (${new Date(entry.readyAt * 1000).toISOString()}), in ${entry.readyAt - now} s`;
  if (entry.lockMark > pool.releasedThrough)
    return (
      `unbonding entry ${entryId} was created while lock #${entry.lockMark} was outstanding on ${entry.operator}'s ` +
      `pool, which has released only through #${pool.releasedThrough} (UnbondingLocked): it can be withdrawn once ` +
      "those tasks' locks are released (their claims)"
    );
  return null;
}

export async function withdraw(node: Node, entryId: bigint): Promise<Hex> {
  const blocked = await withdrawBlocker(node, entryId);
  if (blocked) throw new Error(blocked);
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
