/** FlockToken → account balances, transfers, mints and the token's totals. */
import { ponder } from "ponder:registry";
import { account, allowance, token, tokenMint, tokenTransfer } from "ponder:schema";
import { zeroAddress } from "viem";
import { roleAdminChanged, roleGranted, roleRevoked } from "./lib/access.js";
import { lc } from "./lib/store.js";
import { recordPowerChange, recordSupply } from "./lib/votes.js";

ponder.on("FlockToken:Transfer", async ({ event, context }) => {
  const { db } = context;
  const from = lc(event.args.from);
  const to = lc(event.args.to);
  const amount = event.args.value;
  const minted = from === zeroAddress ? amount : 0n;
  const burned = to === zeroAddress ? amount : 0n;
  const tokenRow = await db
    .insert(token)
    .values({ address: lc(event.log.address), totalSupply: minted - burned, minted, burned, transfers: 1 })
    .onConflictDoUpdate((row) => ({
      totalSupply: row.totalSupply + minted - burned,
      minted: row.minted + minted,
      burned: row.burned + burned,
      transfers: row.transfers + 1,
    }));
  if (minted > 0n || burned > 0n) await recordSupply(db, event, tokenRow.totalSupply);
  await db.insert(tokenTransfer).values({
    id: event.id,
    from,
    to,
    amount,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  if (from !== zeroAddress) {
    await db
      .insert(account)
      .values({ address: from, balance: -amount, minted: 0n, votes: 0n })
      .onConflictDoUpdate((row) => ({ balance: row.balance - amount }));
  }
  if (to !== zeroAddress) {
    await db
      .insert(account)
      .values({ address: to, balance: amount, minted: 0n, votes: 0n })
      .onConflictDoUpdate((row) => ({ balance: row.balance + amount }));
  }
});

ponder.on("FlockToken:Minted", async ({ event, context }) => {
  const to = lc(event.args.to);
  await context.db.insert(tokenMint).values({
    id: event.id,
    minter: lc(event.args.minter),
    to,
    amount: event.args.amount,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .insert(account)
    .values({ address: to, balance: 0n, minted: event.args.amount, votes: 0n })
    .onConflictDoUpdate((row) => ({ minted: row.minted + event.args.amount }));
});

ponder.on("FlockToken:Approval", async ({ event, context }) => {
  const owner = lc(event.args.owner);
  const spender = lc(event.args.spender);
  await context.db
    .insert(allowance)
    .values({ owner, spender, amount: event.args.value, updatedBlock: event.block.number })
    .onConflictDoUpdate({ amount: event.args.value, updatedBlock: event.block.number });
});

ponder.on("FlockToken:DelegateChanged", async ({ event, context }) => {
  const delegator = lc(event.args.delegator);
  const toDelegate = lc(event.args.toDelegate);
  await context.db
    .insert(account)
    .values({ address: delegator, balance: 0n, minted: 0n, votes: 0n, votesDelegate: toDelegate })
    .onConflictDoUpdate({ votesDelegate: toDelegate });
});

ponder.on("FlockToken:DelegateVotesChanged", async ({ event, context }) => {
  const delegate = lc(event.args.delegate);
  await context.db
    .insert(account)
    .values({ address: delegate, balance: 0n, minted: 0n, votes: event.args.newVotes })
    .onConflictDoUpdate({ votes: event.args.newVotes });
  await recordPowerChange(context.db, event, {
    account: delegate,
    source: "wallet",
    reason: "delegated votes",
    delta: event.args.newVotes - event.args.previousVotes,
    newVotes: event.args.newVotes,
  });
});

ponder.on("FlockToken:RoleGranted", async ({ event, context }) => roleGranted(context.db, event, event.args));
ponder.on("FlockToken:RoleRevoked", async ({ event, context }) => roleRevoked(context.db, event, event.args));
ponder.on("FlockToken:RoleAdminChanged", async ({ event, context }) => roleAdminChanged(context.db, event, event.args));
