// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Pure share, slash and reward arithmetic of the `StakingVault`
/// @notice Shares are priced with a virtual offset: an empty pool behaves as if it held 1 base unit backing
/// `VIRTUAL_SHARES` shares, so a first depositor cannot inflate the share price to steal later deposits.
/// Every conversion rounds down, i.e. in favour of the pool (fewer shares minted, fewer assets paid out).
library StakeMath {
    /// @notice Virtual shares of an empty pool (shares per base unit at the first deposit).
    uint256 internal constant VIRTUAL_SHARES = 1e3;
    /// @notice Virtual assets of an empty pool.
    uint256 internal constant VIRTUAL_ASSETS = 1;
    /// @notice Basis-point denominator.
    uint256 internal constant BPS = 10_000;

    /// @notice Shares that `assets` buy in a pool holding `totalAssets` against `totalShares` (rounded down).
    function toShares(uint256 assets, uint256 totalAssets, uint256 totalShares)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    /// @notice Assets that `shares` redeem for in a pool holding `totalAssets` against `totalShares` (rounded down).
    function toAssets(uint256 shares, uint256 totalAssets, uint256 totalShares)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
    }

    /// @notice Splits a slash of `amount` pro-rata between a pool's bonded assets and its unbonding bucket.
    /// @dev The amount is first capped at `bonded + unbonding`. `fromBonded` rounds down, so `fromUnbonding`
    /// (the remainder) is the ceiling of its pro-rata part and never exceeds `unbonding`.
    /// @return slashed the amount actually taken (`fromBonded + fromUnbonding`)
    /// @return fromBonded the part taken from bonded assets
    /// @return fromUnbonding the part taken from the unbonding bucket
    function splitSlash(uint256 amount, uint256 bonded, uint256 unbonding)
        internal
        pure
        returns (uint256 slashed, uint256 fromBonded, uint256 fromUnbonding)
    {
        uint256 total = bonded + unbonding;
        slashed = amount < total ? amount : total;
        if (slashed == 0) return (0, 0, 0);
        fromBonded = Math.mulDiv(slashed, bonded, total);
        // fromBonded = floor(slashed·bonded/total) ≤ slashed, so the subtraction cannot underflow.
        unchecked {
            fromUnbonding = slashed - fromBonded;
        }
    }

    /// @notice Splits a reward of `amount` into the operator's commission and the part that raises the share value.
    /// @dev When the pool has no shares, nobody else can be paid: the whole reward is commission.
    /// @return commission the operator's cut (rounded down)
    /// @return toPool the rest (`amount - commission`)
    function splitReward(uint256 amount, uint256 commissionBps, uint256 totalShares)
        internal
        pure
        returns (uint256 commission, uint256 toPool)
    {
        commission = totalShares == 0 ? amount : Math.mulDiv(amount, commissionBps, BPS);
        // commission ≤ amount because commissionBps ≤ BPS (enforced by config bounds) or commission == amount.
        toPool = amount - commission;
    }
}
