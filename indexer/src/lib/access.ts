/** AccessControl events, shared by every contract that has roles (FlockToken, StakingVault). */
import { roleAdmin, roleMember } from "ponder:schema";
import { type Db, lc } from "./store.js";

interface Ev {
  log: { address: `0x${string}` };
  block: { number: bigint };
}

export async function roleGranted(
  db: Db,
  event: Ev,
  args: { role: `0x${string}`; account: `0x${string}`; sender: `0x${string}` },
): Promise<void> {
  await db
    .insert(roleMember)
    .values({
      contract: lc(event.log.address),
      role: args.role,
      account: lc(args.account),
      active: true,
      grantedBy: lc(args.sender),
      updatedBlock: event.block.number,
    })
    .onConflictDoUpdate({ active: true, grantedBy: lc(args.sender), updatedBlock: event.block.number });
}

export async function roleRevoked(
  db: Db,
  event: Ev,
  args: { role: `0x${string}`; account: `0x${string}`; sender: `0x${string}` },
): Promise<void> {
  await db
    .insert(roleMember)
    .values({
      contract: lc(event.log.address),
      role: args.role,
      account: lc(args.account),
      active: false,
      revokedBy: lc(args.sender),
      updatedBlock: event.block.number,
    })
    .onConflictDoUpdate({ active: false, revokedBy: lc(args.sender), updatedBlock: event.block.number });
}

export async function roleAdminChanged(
  db: Db,
  event: Ev,
  args: { role: `0x${string}`; newAdminRole: `0x${string}` },
): Promise<void> {
  await db
    .insert(roleAdmin)
    .values({
      contract: lc(event.log.address),
      role: args.role,
      adminRole: args.newAdminRole,
      updatedBlock: event.block.number,
    })
    .onConflictDoUpdate({ adminRole: args.newAdminRole, updatedBlock: event.block.number });
}
