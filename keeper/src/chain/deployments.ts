/** The deployments file written by `script/Deploy.s.sol`: chain id, start block and the protocol's addresses. */
import { readFileSync } from "node:fs";
import { type Address, getAddress, isAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine((a) => isAddress(a), "must be an address")
  .transform((a) => getAddress(a));

const schema = z.object({
  chainId: z.number().int().positive(),
  startBlock: z.number().int().nonnegative(),
  deployer: address,
  treasury: address,
  contracts: z.object({
    FlockToken: address,
    ProtocolConfig: address,
    StakingVault: address,
    ArenaTasks: address,
  }),
});

export type Deployments = z.infer<typeof schema> & { contracts: Record<string, Address> };

export class DeploymentsError extends Error {
  override name = "DeploymentsError";
}

export function readDeployments(path: string): Deployments {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new DeploymentsError(`cannot read the deployments file ${path}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new DeploymentsError(
      `${path} is not a deployments file: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
