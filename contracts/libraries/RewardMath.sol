// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Arena reward arithmetic: pool split, slash split, geometric rank weights, pro-rata shares
/// @notice Every split rounds down and gives the remainder to the last part, so the parts always sum to the whole.
library RewardMath {
    /// @notice Basis-point denominator.
    uint256 internal constant BPS = 10_000;
    /// @notice Fixed-point one.
    uint256 internal constant WAD = 1e18;

    /// @notice `amount · bps / 10000`, rounded down.
    function bpsOf(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return Math.mulDiv(amount, bps, BPS);
    }

    /// @notice Splits a settled pool: `fee` and `bounty` off the top, `validatorShareBps` of the rest to validators, the
    /// remainder to trainers. `fee + bounty + validatorPot + trainerPot == pool` (requires feeBps + bountyBps ≤ 10000).
    function splitPool(uint256 pool, uint256 feeBps, uint256 bountyBps, uint256 validatorShareBps)
        internal
        pure
        returns (uint256 fee, uint256 bounty, uint256 validatorPot, uint256 trainerPot)
    {
        fee = bpsOf(pool, feeBps);
        bounty = bpsOf(pool, bountyBps);
        uint256 rest = pool - fee - bounty;
        validatorPot = bpsOf(rest, validatorShareBps);
        trainerPot = rest - validatorPot;
    }

    /// @notice Splits a slashed amount: `toTreasury = amount · treasuryBps / 10000`, the rest to the honest side.
    function splitSlash(uint256 amount, uint256 treasuryBps)
        internal
        pure
        returns (uint256 toTreasury, uint256 toPot)
    {
        toTreasury = bpsOf(amount, treasuryBps);
        toPot = amount - toTreasury;
    }

    /// @notice A decay in basis points as a 1e18 fixed-point ratio.
    function decayWad(uint256 decayBps) internal pure returns (uint256) {
        return decayBps * (WAD / BPS);
    }

    /// @notice `x^n` in 1e18 fixed point (`x ≤ 1e18`), by exponentiation by squaring, each product rounded down.
    function rpow(uint256 x, uint256 n) internal pure returns (uint256 z) {
        z = WAD;
        while (n != 0) {
            if (n & 1 == 1) z = (z * x) / WAD;
            n >>= 1;
            if (n != 0) x = (x * x) / WAD;
        }
    }

    /// @notice The weight of rank `r`: `decay^r` (1e18 fixed point).
    function rankWeight(uint256 decay, uint256 r) internal pure returns (uint256) {
        return rpow(decay, r);
    }

    /// @notice Σ rankWeight(decay, r) for r < count — exactly the sum of the weights `rankWeight` gives.
    function rankWeightSum(uint256 decay, uint256 count) internal pure returns (uint256 sum) {
        for (uint256 r; r < count; ++r) {
            sum += rpow(decay, r);
        }
    }

    /// @notice `pot · weight / totalWeight`, rounded down (0 when `totalWeight` is 0).
    function proRata(uint256 pot, uint256 weight, uint256 totalWeight) internal pure returns (uint256) {
        if (totalWeight == 0) return 0;
        return Math.mulDiv(pot, weight, totalWeight);
    }
}
