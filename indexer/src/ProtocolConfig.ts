/** ProtocolConfig → current parameters (with names) and their full history; the treasury. */
import { ponder } from "ponder:registry";
import { parameter, parameterChange, protocol, treasuryChange } from "ponder:schema";
import { lc } from "./lib/store.js";

ponder.on("ProtocolConfig:ParameterRegistered", async ({ event, context }) => {
  const { key, name, value, min, max } = event.args;
  await context.db.insert(parameter).values({
    key,
    name,
    value,
    min,
    max,
    registeredBlock: event.block.number,
    updatedBlock: event.block.number,
    updatedAt: event.block.timestamp,
    changes: 0,
  });
  await context.db.insert(parameterChange).values({
    id: event.id,
    key,
    name,
    oldValue: null,
    newValue: value,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("ProtocolConfig:ParameterSet", async ({ event, context }) => {
  const { key, name, oldValue, newValue } = event.args;
  await context.db.update(parameter, { key }).set((row) => ({
    value: newValue,
    updatedBlock: event.block.number,
    updatedAt: event.block.timestamp,
    changes: row.changes + 1,
  }));
  await context.db.insert(parameterChange).values({
    id: event.id,
    key,
    name,
    oldValue,
    newValue,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("ProtocolConfig:TreasurySet", async ({ event, context }) => {
  const newTreasury = lc(event.args.newTreasury);
  await context.db
    .insert(protocol)
    .values({ config: lc(event.log.address), treasury: newTreasury, updatedBlock: event.block.number })
    .onConflictDoUpdate({ treasury: newTreasury, updatedBlock: event.block.number });
  await context.db.insert(treasuryChange).values({
    id: event.id,
    oldTreasury: lc(event.args.oldTreasury),
    newTreasury,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

ponder.on("ProtocolConfig:OwnershipTransferStarted", async ({ event, context }) => {
  const pendingOwner = lc(event.args.newOwner);
  await context.db
    .insert(protocol)
    .values({
      config: lc(event.log.address),
      owner: lc(event.args.previousOwner),
      pendingOwner,
      updatedBlock: event.block.number,
    })
    .onConflictDoUpdate({ pendingOwner, updatedBlock: event.block.number });
});

ponder.on("ProtocolConfig:OwnershipTransferred", async ({ event, context }) => {
  const owner = lc(event.args.newOwner);
  await context.db
    .insert(protocol)
    .values({ config: lc(event.log.address), owner, pendingOwner: null, updatedBlock: event.block.number })
    .onConflictDoUpdate({ owner, pendingOwner: null, updatedBlock: event.block.number });
});
