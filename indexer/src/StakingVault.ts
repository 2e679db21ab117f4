/**
 * StakingVault → operators (pools), delegations, unbonding entries, locks, slashes, rewards and commission; pending
 * deposits (made while a lock was outstanding), the pool's lock sequence (`lockSeq`, `releasedThrough`, mirrored from
 * the locks: the vault's events do not carry them) and scheduled commission increases.
 */
import { ponder } from "ponder:registry";
import {
  commissionChange,
  commissionClaim,
  commissionIncrease,
  delegation,
  delegationEvent,
  operator,
  pendingDeposit,
  rewardDeposit,
  slash,
  stakeLock,
  unbonding,
} from "ponder:schema";
import { roleAdminChanged, roleGranted, roleRevoked } from "./lib/access.js";
import { enumName, ROLE } from "./lib/enums.js";
import { slashRowId } from "./lib/ids.js";
import { release } from "./lib/locks.js";
import { ensureAccount, lc } from "./lib/store.js";

ponder.on("StakingVault:OperatorRegistered", async ({ event, context }) => {
  const address = lc(event.args.operator);
  await ensureAccount(context.db, address);
  await context.db.insert(operator).values({
    address,
    role: enumName(ROLE, event.args.role),
    commissionBps: event.args.commissionBps,
    commissionChangedAt: event.block.timestamp,
    registeredBlock: event.block.number,
    registeredAt: event.block.timestamp,
    bondedAssets: 0n,
    totalShares: 0n,
    selfShares: 0n,
    selfPrincipal: 0n,
    delegatedPrincipal: 0n,
    lockedAssets: 0n,
    unbondingAssets: 0n,
    unclaimedCommission: 0n,
    totalRewards: 0n,
    totalCommission: 0n,
    totalSlashed: 0n,
    delegators: 0,
    lockSeq: 0,
    activeLocks: 0,
    releasedThrough: 0,
    releasedAhead: [],
    pendingAssets: 0n,
    pendingCommissionBps: 0,
    commissionEffectiveAt: 0n,
  });
});

ponder.on("StakingVault:CommissionChanged", async ({ event, context }) => {
  const address = lc(event.args.operator);
  // either a decrease (at once; it also drops a scheduled increase) or a scheduled increase that took effect (the
  // vault does not restart the cooldown for the latter)
  await context.db.update(operator, { address }).set((row) => {
    const applied =
      row.commissionEffectiveAt !== 0n &&
      event.block.timestamp >= row.commissionEffectiveAt &&
      event.args.newBps === row.pendingCommissionBps;
    return {
      commissionBps: event.args.newBps,
      commissionChangedAt: applied ? row.commissionChangedAt : event.block.timestamp,
      pendingCommissionBps: 0,
      commissionEffectiveAt: 0n,
    };
  });
  await context.db.insert(commissionChange).values({
    id: event.id,
    operator: address,
    oldBps: event.args.oldBps,
    newBps: event.args.newBps,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

ponder.on("StakingVault:CommissionIncreaseScheduled", async ({ event, context }) => {
  const address = lc(event.args.operator);
  const { currentBps, newBps, effectiveAt } = event.args;
  await context.db.update(operator, { address }).set({
    pendingCommissionBps: newBps,
    commissionEffectiveAt: effectiveAt,
    commissionChangedAt: event.block.timestamp,
  });
  await context.db.insert(commissionIncrease).values({
    id: event.id,
    operator: address,
    currentBps,
    newBps,
    effectiveAt,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

ponder.on("StakingVault:DepositPending", async ({ event, context }) => {
  const op = lc(event.args.operator);
  const acct = lc(event.args.account);
  const { assets, mark, pendingTotal } = event.args;
  await context.db
    .insert(pendingDeposit)
    .values({
      operator: op,
      account: acct,
      assets: pendingTotal,
      mark: Number(mark),
      status: "pending",
      deposited: assets,
      activated: 0n,
      cancelled: 0n,
      updatedBlock: event.block.number,
      updatedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      assets: pendingTotal,
      mark: Number(mark),
      status: "pending",
      deposited: row.deposited + assets,
      updatedBlock: event.block.number,
      updatedAt: event.block.timestamp,
    }));
  await context.db.update(operator, { address: op }).set((row) => ({ pendingAssets: row.pendingAssets + assets }));
});

ponder.on("StakingVault:PendingCancelled", async ({ event, context }) => {
  const op = lc(event.args.operator);
  const acct = lc(event.args.account);
  const { assets } = event.args;
  await context.db.update(pendingDeposit, { operator: op, account: acct }).set((row) => ({
    assets: 0n,
    status: "cancelled",
    cancelled: row.cancelled + assets,
    updatedBlock: event.block.number,
    updatedAt: event.block.timestamp,
  }));
  await context.db.update(operator, { address: op }).set((row) => ({ pendingAssets: row.pendingAssets - assets }));
});

ponder.on("StakingVault:Delegated", async ({ event, context }) => {
  const { db } = context;
  const op = lc(event.args.operator);
  const acct = lc(event.args.account);
  const { assets, shares, poolAssets, poolShares } = event.args;
  const self = op === acct;
  // Three store operations (the hottest event). No `ensureAccount`: the vault pulls `assets` > 0 from the account in
  // the same call, so the account held tokens before and its row exists since the Transfer that brought them.
  // One upsert instead of find + insert/update; the row it returns tells whether the position was empty before.
  const position = await db
    .insert(delegation)
    .values({
      operator: op,
      account: acct,
      shares,
      principal: assets,
      deposited: assets,
      deposits: 1,
      updatedBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({
      shares: row.shares + shares,
      principal: row.principal + assets,
      deposited: row.deposited + assets,
      deposits: row.deposits + 1,
      updatedBlock: event.block.number,
    }));
  const newDelegator = !self && position.shares === shares; // the position held no shares before this deposit
  const pool = await db.update(operator, { address: op }).set((row) => ({
    bondedAssets: poolAssets,
    totalShares: poolShares,
    selfShares: self ? row.selfShares + shares : row.selfShares,
    selfPrincipal: self ? row.selfPrincipal + assets : row.selfPrincipal,
    delegatedPrincipal: self ? row.delegatedPrincipal : row.delegatedPrincipal + assets,
    delegators: newDelegator ? row.delegators + 1 : row.delegators,
  }));
  // A pending deposit turned into shares (`activate`, or the account's next deposit or unbond, which activate it
  // first): the vault emits only this Delegated. While the pool has pending assets, the account's first Delegated
  // with a pending deposit waiting is its activation (a fresh deposit mints only when no lock is outstanding, and then
  // the waiting deposit is activated before it).
  if (pool.pendingAssets > 0n) {
    const p = await db.find(pendingDeposit, { operator: op, account: acct });
    if (p && p.assets > 0n) {
      // copied before the update: `find` may hand back the cached row itself
      const waiting = p.assets;
      await db.update(pendingDeposit, { operator: op, account: acct }).set((row) => ({
        assets: 0n,
        status: "activated",
        activated: row.activated + waiting,
        updatedBlock: event.block.number,
        updatedAt: event.block.timestamp,
      }));
      await db.update(operator, { address: op }).set((row) => ({ pendingAssets: row.pendingAssets - waiting }));
    }
  }
  await db.insert(delegationEvent).values({
    id: event.id,
    operator: op,
    account: acct,
    assets,
    shares,
    poolAssets,
    poolShares,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

ponder.on("StakingVault:UnbondRequested", async ({ event, context }) => {
  const { db } = context;
  const op = lc(event.args.operator);
  const acct = lc(event.args.account);
  const { entryId, shares, assets, unbondingShares, readyAt, poolAssets, poolShares } = event.args;
  const self = op === acct;
  const position = await db.update(delegation, { operator: op, account: acct }).set((row) => ({
    shares: row.shares - shares,
    principal: row.principal - assets,
    updatedBlock: event.block.number,
  }));
  const left = position.shares === 0n && !self;
  const pool = await db.update(operator, { address: op }).set((row) => ({
    bondedAssets: poolAssets,
    totalShares: poolShares,
    unbondingAssets: row.unbondingAssets + assets,
    selfShares: self ? row.selfShares - shares : row.selfShares,
    selfPrincipal: self ? row.selfPrincipal - assets : row.selfPrincipal,
    delegatedPrincipal: self ? row.delegatedPrincipal : row.delegatedPrincipal - assets,
    delegators: left ? row.delegators - 1 : row.delegators,
  }));
  await db.insert(unbonding).values({
    entryId,
    operator: op,
    account: acct,
    shares,
    assets,
    unbondingShares,
    readyAt,
    // the vault's `_outstandingMark`: the newest lock when one is outstanding
    lockMark: pool.activeLocks > 0 ? pool.lockSeq : 0,
    requestedBlock: event.block.number,
    requestedAt: event.block.timestamp,
    withdrawn: false,
  });
});

ponder.on("StakingVault:Withdrawn", async ({ event, context }) => {
  const op = lc(event.args.operator);
  await context.db
    .update(unbonding, { entryId: event.args.entryId })
    .set({ withdrawn: true, withdrawnAssets: event.args.assets, withdrawnAt: event.block.timestamp });
  await context.db
    .update(operator, { address: op })
    .set((row) => ({ unbondingAssets: row.unbondingAssets - event.args.assets }));
});

ponder.on("StakingVault:StakeLocked", async ({ event, context }) => {
  const module = lc(event.args.module);
  const op = lc(event.args.operator);
  const { id, amount, poolLocked } = event.args;
  // every lock on a pool gets the next sequence number
  const pool = await context.db
    .update(operator, { address: op })
    .set((row) => ({ lockedAssets: poolLocked, lockSeq: row.lockSeq + 1, activeLocks: row.activeLocks + 1 }));
  // A lock key can be reused after its release (e.g. a module locking again under the same id): start it afresh.
  await context.db
    .insert(stakeLock)
    .values({
      module,
      lockId: id,
      operator: op,
      seq: pool.lockSeq,
      locked: amount,
      amount,
      slashed: 0n,
      released: 0n,
      active: true,
      lockedBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({
      seq: pool.lockSeq,
      locked: row.locked + amount,
      amount: row.amount + amount,
      active: true,
      lockedBlock: event.block.number,
      unlockedBlock: null,
    }));
});

ponder.on("StakingVault:StakeUnlocked", async ({ event, context }) => {
  const module = lc(event.args.module);
  const op = lc(event.args.operator);
  const { id, amount, poolLocked } = event.args;
  const lock = await context.db
    .update(stakeLock, { module, lockId: id, operator: op })
    .set((row) => ({ amount: 0n, released: row.released + amount, active: false, unlockedBlock: event.block.number }));
  await context.db
    .update(operator, { address: op })
    .set((row) => ({ lockedAssets: poolLocked, activeLocks: row.activeLocks - 1, ...release(row, lock.seq) }));
});

ponder.on("StakingVault:Slashed", async ({ event, context }) => {
  const module = lc(event.args.module);
  const op = lc(event.args.operator);
  const { id, amount, fromBonded, fromUnbonding, poolAssets } = event.args;
  await context.db
    .insert(slash)
    .values({
      id: slashRowId(module, id, op, event.transaction.hash),
      module,
      lockId: id,
      operator: op,
      amount,
      fromBonded,
      fromUnbonding,
      poolAssetsAfter: poolAssets,
      block: event.block.number,
      timestamp: event.block.timestamp,
      txHash: event.transaction.hash,
    })
    .onConflictDoUpdate({ fromBonded, fromUnbonding, poolAssetsAfter: poolAssets });
  await context.db
    .update(stakeLock, { module, lockId: id, operator: op })
    .set((row) => ({ amount: row.amount - amount, slashed: row.slashed + amount }));
  await context.db.update(operator, { address: op }).set((row) => ({
    bondedAssets: poolAssets,
    unbondingAssets: row.unbondingAssets - fromUnbonding,
    lockedAssets: row.lockedAssets > amount ? row.lockedAssets - amount : 0n,
    totalSlashed: row.totalSlashed + amount,
  }));
});

ponder.on("StakingVault:RewardDeposited", async ({ event, context }) => {
  const op = lc(event.args.operator);
  const { amount, commission, poolAssets, poolShares } = event.args;
  await context.db.insert(rewardDeposit).values({
    id: event.id,
    operator: op,
    module: lc(event.args.module),
    amount,
    commission,
    poolAssets,
    poolShares,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(operator, { address: op }).set((row) => ({
    bondedAssets: poolAssets,
    totalShares: poolShares,
    unclaimedCommission: row.unclaimedCommission + commission,
    totalRewards: row.totalRewards + amount,
    totalCommission: row.totalCommission + commission,
  }));
});

ponder.on("StakingVault:CommissionClaimed", async ({ event, context }) => {
  const op = lc(event.args.operator);
  await context.db.insert(commissionClaim).values({
    id: event.id,
    operator: op,
    to: lc(event.args.to),
    amount: event.args.amount,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .update(operator, { address: op })
    .set((row) => ({ unclaimedCommission: row.unclaimedCommission - event.args.amount }));
});

ponder.on("StakingVault:RoleGranted", async ({ event, context }) => roleGranted(context.db, event, event.args));
ponder.on("StakingVault:RoleRevoked", async ({ event, context }) => roleRevoked(context.db, event, event.args));
ponder.on("StakingVault:RoleAdminChanged", async ({ event, context }) =>
  roleAdminChanged(context.db, event, event.args),
);
