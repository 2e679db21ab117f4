/** The devnet's cast: anvil's well-known test accounts, each with a name and a part in the demo. */

import { toHex } from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";

/** anvil's default mnemonic: the keys are public knowledge — never use them outside a local chain. */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

export const CAST = [
  "deployer",
  "treasury",
  "creator",
  "trainer-strong",
  "trainer-medium",
  "trainer-weak",
  "trainer-garbage",
  "trainer-copier",
  "validator-1",
  "validator-2",
  "validator-3",
  "validator-4",
  "validator-random",
  "validator-lazy",
  "delegator",
  "keeper",
] as const;
export type ActorName = (typeof CAST)[number];

export interface Actor {
  name: ActorName;
  account: HDAccount;
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

export function actors(): Record<ActorName, Actor> {
  const out = {} as Record<ActorName, Actor>;
  CAST.forEach((name, i) => {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i });
    const pk = account.getHdKey().privateKey;
    if (!pk) throw new Error("no private key");
    out[name] = { name, account, address: account.address, privateKey: toHex(pk) };
  });
  return out;
}
