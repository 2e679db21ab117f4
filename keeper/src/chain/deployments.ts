/**
 * The deployments file written by `script/Deploy.s.sol`: chain id, start block and the protocol's addresses.
 * The one schema for it: the keeper and the indexer (`indexer/src/settings.ts`) both read it through this module.
 */
import { readFileSync } from "node:fs";
import { getAddress, isAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine((a) => isAddress(a, { strict: false }), "must be a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a));

export const deploymentsSchema = z.object({
  chainId: z.number().int().positive(),
  startBlock: z.number().int().nonnegative(),
  deployer: address,
  /** the protocol's treasury: the governance timelock */
  treasury: address,
  contracts: z.object({
    FlockToken: address,
    ProtocolConfig: address,
    StakingVault: address,
    ArenaTasks: address,
    FLAlliance: address,
    /** governance: the votes adapter (wallet + staked FLOCK), the timelock that owns every admin power, the governor */
    FlockVotes: address,
    TimelockController: address,
    FlockGovernor: address,
    /** the AI Marketplace (stage 3) */
    ModelMarketplace: address,
  }),
});

export type Deployments = z.infer<typeof deploymentsSchema>;

export class DeploymentsError extends Error {
  override name = "DeploymentsError";
}

/** What to do when there is no deployments file where one was expected (the keeper's and the indexer's message). */
export const NO_DEPLOYMENTS_HINT =
  "start a local devnet with `npm run demo` (it prints the FLOCK_RPC_URL and FLOCK_DEPLOYMENTS to use), " +
  "or point to a deployment with --deployments <file> / FLOCK_DEPLOYMENTS";

/** Reads and validates a deployments file; every problem is a `DeploymentsError` that says what to do. */
export function readDeployments(path: string): Deployments {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new DeploymentsError(`no deployments file at ${path}: ${NO_DEPLOYMENTS_HINT}`);
    throw new DeploymentsError(`cannot read the deployments file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new DeploymentsError(`the deployments file ${path} is not JSON: ${(e as Error).message}`);
  }
  const parsed = deploymentsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new DeploymentsError(`the deployments file ${path} is invalid: ${issues}`);
  }
  return parsed.data;
}
