/**
 * Ponder configuration: one chain (from `FLOCK_RPC_URL` / the deployments file) and the FLock contracts with the
 * generated ABIs (`npm run build:abi` writes `generated/abis.ts`). See `src/settings.ts` for every variable.
 */
import { createConfig } from "ponder";
import {
  arenaTasksAbi,
  flAllianceAbi,
  flockGovernorAbi,
  flockTokenAbi,
  modelMarketplaceAbi,
  protocolConfigAbi,
  stakingVaultAbi,
} from "../generated/abis.js";
import { readSettings } from "./src/settings.js";

const settings = readSettings();
const { contracts, startBlock } = settings.deployments;

export default createConfig({
  database: settings.database,
  ordering: "multichain",
  chains: {
    flock: {
      id: settings.chainId,
      rpc: settings.rpcUrl,
      pollingInterval: settings.pollingIntervalMs,
      disableCache: !settings.rpcCache,
    },
  },
  contracts: {
    FlockToken: { chain: "flock", abi: flockTokenAbi, address: contracts.FlockToken, startBlock },
    ProtocolConfig: { chain: "flock", abi: protocolConfigAbi, address: contracts.ProtocolConfig, startBlock },
    StakingVault: { chain: "flock", abi: stakingVaultAbi, address: contracts.StakingVault, startBlock },
    ArenaTasks: { chain: "flock", abi: arenaTasksAbi, address: contracts.ArenaTasks, startBlock },
    FlockGovernor: { chain: "flock", abi: flockGovernorAbi, address: contracts.FlockGovernor, startBlock },
    ModelMarketplace: { chain: "flock", abi: modelMarketplaceAbi, address: contracts.ModelMarketplace, startBlock },
    FLAlliance: { chain: "flock", abi: flAllianceAbi, address: contracts.FLAlliance, startBlock },
  },
});
