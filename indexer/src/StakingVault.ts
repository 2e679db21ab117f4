/** StakingVault → operators (pools), delegations, unbonding entries, locks, slashes, rewards and commission. */
import { ponder } from "ponder:registry";
import {
  commissionChange,
  commissionClaim,
  delegation,
  delegationEvent,
  operator,
  rewardDeposit,
  slash,
  stakeLock,
  unbonding,
} from "ponder:schema";
import { roleAdminChanged, roleGranted, roleRevoked } from "./lib/access.js";
import { enumName, ROLE } from "./lib/enums.js";
import { slashRowId } from "./lib/ids.js";
import { ensureAccount, lc } from "./lib/store.js";
import { recordPowerChange } from "./lib/votes.js";

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
  });
});

ponder.on("StakingVault:CommissionChanged", async ({ event, context }) => {
  const address = lc(event.args.operator);
  await context.db
    .update(operator, { address })
    .set({ commissionBps: event.args.newBps, commissionChangedAt: event.block.timestamp });
  await context.db.insert(commissionChange).values({
    id: event.id,
    operator: address,
    oldBps: event.args.oldBps,
    newBps: event.args.newBps,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
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
  await db.update(operator, { address: op }).set((row) => ({
    bondedAssets: poolAssets,
    totalShares: poolShares,
    selfShares: self ? row.selfShares + shares : row.selfShares,
    selfPrincipal: self ? row.selfPrincipal + assets : row.selfPrincipal,
    delegatedPrincipal: self ? row.delegatedPrincipal : row.delegatedPrincipal + assets,
    delegators: newDelegator ? row.delegators + 1 : row.delegators,
  }));
  await recordPowerChange(db, event, { account: acct, source: "stake", reason: "stake", operator: op, delta: assets });
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
  await db.update(operator, { address: op }).set((row) => ({
    bondedAssets: poolAssets,
    totalShares: poolShares,
    unbondingAssets: row.unbondingAssets + assets,
    selfShares: self ? row.selfShares - shares : row.selfShares,
    selfPrincipal: self ? row.selfPrincipal - assets : row.selfPrincipal,
    delegatedPrincipal: self ? row.delegatedPrincipal : row.delegatedPrincipal - assets,
    delegators: left ? row.delegators - 1 : row.delegators,
  }));
  await recordPowerChange(db, event, {
    account: acct,
    source: "stake",
    reason: "unbond",
    operator: op,
    delta: -assets,
  });
  await db.insert(unbonding).values({
    entryId,
    operator: op,
    account: acct,
    shares,
    assets,
    unbondingShares,
    readyAt,
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
  // A lock key can be reused after its release (e.g. a module locking again under the same id): start it afresh.
  await context.db
    .insert(stakeLock)
    .values({
      module,
      lockId: id,
      operator: op,
      locked: amount,
      amount,
      slashed: 0n,
      released: 0n,
      active: true,
      lockedBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({
      locked: row.locked + amount,
      amount: row.amount + amount,
      active: true,
      lockedBlock: event.block.number,
      unlockedBlock: null,
    }));
  await context.db.update(operator, { address: op }).set({ lockedAssets: poolLocked });
});

ponder.on("StakingVault:StakeUnlocked", async ({ event, context }) => {
  const module = lc(event.args.module);
  const op = lc(event.args.operator);
  const { id, amount, poolLocked } = event.args;
  await context.db
    .update(stakeLock, { module, lockId: id, operator: op })
    .set((row) => ({ amount: 0n, released: row.released + amount, active: false, unlockedBlock: event.block.number }));
  await context.db.update(operator, { address: op }).set({ lockedAssets: poolLocked });
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
  // every position in the pool loses its share of what left the bonded assets
  if (fromBonded > 0n)
    await recordPowerChange(context.db, event, {
      account: null,
      source: "stake",
      reason: "slash",
      operator: op,
      delta: -fromBonded,
    });
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
  // the reward net of commission raises every position in the pool pro rata
  if (amount > commission)
    await recordPowerChange(context.db, event, {
      account: null,
      source: "stake",
      reason: "reward",
      operator: op,
      delta: amount - commission,
    });
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
