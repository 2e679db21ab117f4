/**
 * `GET /accounts/:address`: token balance, operator pool, delegations, pending deposits (and whether they can be
 * activated), unbondings (and whether the locks they stood behind are released), rewards, slashes and claims.
 */

import { db } from "ponder:api";
import {
  account,
  claim,
  delegation,
  operator,
  pendingDeposit,
  rewardDeposit,
  slash,
  submission,
  taskValidator,
  unbonding,
} from "ponder:schema";
import { Hono } from "hono";
import { asc, desc, eq, inArray } from "ponder";
import { sharesToAssets } from "../lib/shares.js";
import { poolStakes, toJson } from "./views.js";

export const accounts = new Hono();

accounts.get("/:address", async (c) => {
  const raw = c.req.param("address");
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) return c.json({ error: `not an address: "${raw}"` }, 400);
  const address = raw.toLowerCase() as `0x${string}`;
  const [acct, op, positions, unbondings, deposits, slashes, claims, subs, vals, pendings] = await Promise.all([
    db.select().from(account).where(eq(account.address, address)),
    db.select().from(operator).where(eq(operator.address, address)),
    db.select().from(delegation).where(eq(delegation.account, address)),
    db.select().from(unbonding).where(eq(unbonding.account, address)).orderBy(asc(unbonding.entryId)),
    db.select().from(rewardDeposit).where(eq(rewardDeposit.operator, address)).orderBy(desc(rewardDeposit.block)),
    db.select().from(slash).where(eq(slash.operator, address)).orderBy(asc(slash.block)),
    db.select().from(claim).where(eq(claim.account, address)).orderBy(asc(claim.block)),
    db.select().from(submission).where(eq(submission.trainer, address)).orderBy(asc(submission.taskId)),
    db.select().from(taskValidator).where(eq(taskValidator.validator, address)).orderBy(asc(taskValidator.taskId)),
    db.select().from(pendingDeposit).where(eq(pendingDeposit.account, address)),
  ]);
  const a = acct[0];
  const o = op[0];
  if (!a && !o && positions.length === 0) return c.json({ error: `account ${address} is not indexed` }, 404);
  const poolAddresses = [
    ...new Set([
      ...positions.map((p) => p.operator),
      ...pendings.map((p) => p.operator),
      ...unbondings.map((u) => u.operator),
    ]),
  ];
  const pools =
    poolAddresses.length === 0 ? [] : await db.select().from(operator).where(inArray(operator.address, poolAddresses));
  const poolOf = new Map(pools.map((p) => [p.address, p]));
  const body = {
    address,
    balance: a?.balance ?? 0n,
    minted: a?.minted ?? 0n,
    operator: o
      ? {
          role: o.role,
          commissionBps: o.commissionBps,
          bondedAssets: o.bondedAssets,
          totalShares: o.totalShares,
          ...poolStakes(o),
          lockedAssets: o.lockedAssets,
          unbondingAssets: o.unbondingAssets,
          unclaimedCommission: o.unclaimedCommission,
          totalRewards: o.totalRewards,
          totalCommission: o.totalCommission,
          totalSlashed: o.totalSlashed,
          delegators: o.delegators,
          lockSeq: o.lockSeq,
          releasedThrough: o.releasedThrough,
          pendingAssets: o.pendingAssets,
          scheduledCommission:
            o.commissionEffectiveAt === 0n
              ? null
              : { bps: o.pendingCommissionBps, effectiveAt: o.commissionEffectiveAt },
        }
      : null,
    delegations: positions.map((p) => {
      const pool = poolOf.get(p.operator);
      return {
        operator: p.operator,
        shares: p.shares,
        assets: pool ? sharesToAssets(p.shares, pool.bondedAssets, pool.totalShares) : null,
        principal: p.principal,
        deposited: p.deposited,
      };
    }),
    pendingDeposits: pendings
      .filter((p) => p.assets > 0n)
      .map((p) => {
        const pool = poolOf.get(p.operator);
        return {
          operator: p.operator,
          assets: p.assets,
          mark: p.mark,
          // every lock it waited for is released: `activate(operator, account)` turns it into shares
          activatable: pool ? p.mark <= pool.releasedThrough : null,
        };
      }),
    unbondings: unbondings.map((u) => {
      const pool = poolOf.get(u.operator);
      return {
        entryId: u.entryId,
        operator: u.operator,
        assets: u.assets,
        readyAt: u.readyAt,
        lockMark: u.lockMark,
        // false until every lock up to lockMark is released (UnbondingLocked), whatever readyAt says
        locksReleased: pool ? u.lockMark <= pool.releasedThrough : null,
        withdrawn: u.withdrawn,
        withdrawnAssets: u.withdrawnAssets,
      };
    }),
    rewards: {
      poolDeposits: deposits.map((d) => ({
        module: d.module,
        amount: d.amount,
        commission: d.commission,
        block: d.block,
      })),
      tasks: [
        ...subs
          .filter((s) => s.reward !== null)
          .map((s) => ({ taskId: s.taskId, role: "TrainingNode", rank: s.rank, reward: s.reward, claimed: s.claimed })),
        ...vals
          .filter((v) => v.reward !== null)
          .map((v) => ({
            taskId: v.taskId,
            role: "Validator",
            outcome: v.outcome,
            reward: v.reward,
            claimed: v.claimed,
          })),
      ],
    },
    slashes: slashes.map((s) => ({
      module: s.module,
      taskId: s.taskId,
      reason: s.reason,
      amount: s.amount,
      toTreasury: s.toTreasury,
      txHash: s.txHash,
    })),
    claims: claims.map((cl) => ({
      taskId: cl.taskId,
      kind: cl.kind,
      amount: cl.amount,
      unlocked: cl.unlocked,
      txHash: cl.txHash,
    })),
  };
  return c.json(toJson(body) as Record<string, unknown>);
});
