// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WeightedMedian} from "./WeightedMedian.sol";

/// @title FL Alliance arithmetic: the contested stake-weighted median, the exclusion rule, distances and the
/// stake-weighted draw of proposers
/// @notice The median and the exclusion rule are the Solidity statement of `keeper/src/fl/consensus.ts`
/// (`weightedMedian`, `decideExclusions`); both sides are tested on the same vectors. For pairs (score s, weight w),
/// pairs of weight 0 ignored, W = Σ w:
///   lower L = the smallest s with 2 · Σ_{s_v ≤ s} w_v ≥ W (= `WeightedMedian.lowerMedian`);
///   when 2 · Σ_{s_v ≤ L} w_v = W exactly and a score above L exists, U = the smallest score above L, the consensus is
///   floor((L + U) / 2) and it is *contested*; otherwise the consensus is L.
///   excluded(u) ⇔ both consensuses exist ∧ 10000 · c_u < ratioBps · c_g;
///   slashed(u) ⇔ excluded(u) ∧ 10000 · U_u < ratioBps · L_g (the reading most favourable to the proposer: on a 50/50
///   split, slashed only if both halves judge the update below the ratio).
library FLMath {
    /// @notice Basis-point denominator (also the highest score).
    uint256 internal constant BPS = 10_000;

    /// @notice A consensus: `value` (L, or the midpoint when contested), whether it `exists` (some weight), whether
    /// it is `contested` (an exact 50/50 split of the weight), and the split's `lower` and `upper` scores (both
    /// `value` when not contested).
    struct Consensus {
        uint16 value;
        bool exists;
        bool contested;
        uint16 lower;
        uint16 upper;
    }

    /// @notice The consensus of `keys` (`WeightedMedian.key(score, weight)`, every weight > 0), sorting them in place.
    /// @dev Insertion sort: O(n²), callers keep n ≤ 64.
    function median(uint256[] memory keys) internal pure returns (Consensus memory c) {
        uint256 n = keys.length;
        if (n == 0) return c;
        WeightedMedian.sortKeys(keys);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            total += keys[i] & WeightedMedian.WEIGHT_MASK;
        }
        if (total == 0) return c;
        uint256 cum;
        for (uint256 i; i < n; ++i) {
            uint256 score = keys[i] >> WeightedMedian.WEIGHT_BITS;
            cum += keys[i] & WeightedMedian.WEIGHT_MASK;
            // the lower median is the last score of the group that crosses half of the weight
            if (i + 1 < n && keys[i + 1] >> WeightedMedian.WEIGHT_BITS == score) continue;
            if (2 * cum < total) continue;
            c.exists = true;
            // a score ≤ 10000
            // forge-lint: disable-next-line(unsafe-typecast)
            c.lower = uint16(score);
            c.upper = c.lower;
            if (2 * cum == total && i + 1 < n) {
                c.contested = true;
                // forge-lint: disable-next-line(unsafe-typecast)
                c.upper = uint16(keys[i + 1] >> WeightedMedian.WEIGHT_BITS);
                // both ≤ 10000: the sum and its half fit a uint16
                // forge-lint: disable-next-line(unsafe-typecast)
                c.value = uint16((score + (keys[i + 1] >> WeightedMedian.WEIGHT_BITS)) / 2);
            } else {
                // forge-lint: disable-next-line(unsafe-typecast)
                c.value = uint16(score); // a score ≤ 10000
            }
            return c;
        }
    }

    /// @notice Whether an update with consensus `u` is excluded against the global model's `g` at `ratioBps`.
    function excluded(Consensus memory u, Consensus memory g, uint256 ratioBps) internal pure returns (bool) {
        return u.exists && g.exists && BPS * u.value < ratioBps * g.value;
    }

    /// @notice Whether an excluded update's proposer is slashed: even its upper median against the global model's
    /// lower median is below `ratioBps`.
    function slashable(Consensus memory u, Consensus memory g, uint256 ratioBps)
        internal
        pure
        returns (bool)
    {
        return BPS * u.upper < ratioBps * g.lower;
    }

    /// @notice Mean |scores[k] − consensus[k].value| over k (rounded down); 0 for no scores.
    function distance(uint16[] memory scores, Consensus[] memory consensus) internal pure returns (uint16) {
        uint256 n = scores.length;
        if (n == 0) return 0;
        uint256 sum;
        for (uint256 k; k < n; ++k) {
            uint256 s = scores[k];
            uint256 c = consensus[k].value;
            sum += s > c ? s - c : c - s;
        }
        // a mean of values ≤ 10000
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint16(sum / n);
    }

    /// @notice Draws up to `k` distinct indexes of `weights`, each draw with probability ∝ weight among those not yet
    /// drawn, from `seed`; returns them as a bit mask (bit i ⇔ index i drawn). Indexes of weight 0 are never drawn, so
    /// fewer than `k` are drawn when fewer than `k` weights are positive.
    /// @dev Draw j picks r = keccak256(seed, j) mod (remaining weight) and walks the undrawn indexes: O(k · n).
    /// `weights.length` ≤ 256.
    function drawWeighted(uint256[] memory weights, uint256 k, bytes32 seed)
        internal
        pure
        returns (uint256 mask)
    {
        uint256 n = weights.length;
        uint256 left;
        for (uint256 i; i < n; ++i) {
            left += weights[i];
        }
        for (uint256 j; j < k && left != 0; ++j) {
            uint256 r = uint256(keccak256(abi.encode(seed, j))) % left;
            for (uint256 i; i < n; ++i) {
                if (mask & (1 << i) != 0) continue;
                uint256 w = weights[i];
                if (r < w) {
                    mask |= 1 << i;
                    left -= w;
                    break;
                }
                r -= w;
            }
        }
    }

    /// @notice Sorts `list` ascending in place (insertion sort; callers keep it short).
    function sortAddresses(address[] memory list) internal pure {
        uint256 n = list.length;
        for (uint256 i = 1; i < n; ++i) {
            address v = list[i];
            uint256 j = i;
            while (j > 0 && list[j - 1] > v) {
                list[j] = list[j - 1];
                --j;
            }
            list[j] = v;
        }
    }
}
