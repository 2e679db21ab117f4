/**
 * The vault's share → asset conversion, with its virtual offset (1e3 shares per base unit at an empty pool; see
 * `IStakingVault`): `assets = shares × (poolAssets + 1) / (poolShares + 1000)`, rounded down (in the pool's favour).
 */
export const VIRTUAL_SHARES = 1000n;
export const VIRTUAL_ASSETS = 1n;

export function sharesToAssets(shares: bigint, poolAssets: bigint, poolShares: bigint): bigint {
  return (shares * (poolAssets + VIRTUAL_ASSETS)) / (poolShares + VIRTUAL_SHARES);
}
