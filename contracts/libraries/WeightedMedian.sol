// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Stake-weighted lower median of scores
/// @notice Works on memory arrays of packed keys `score << 128 | weight`: sorting the keys sorts by score (ties by
/// weight, which does not change the result). The weighted lower median is the smallest score `s` such that
/// `2 · (total weight of scores ≤ s) ≥ total weight`: with exactly half of the weight on each side, the lower score wins.
/// @dev Warning: `sortKeys` is an insertion sort, O(n²): callers keep `n` small (the arena: ≤ 64 validators).
library WeightedMedian {
    /// @notice Bits below the score in a key.
    uint256 internal constant WEIGHT_BITS = 128;
    /// @notice Mask of the weight part of a key.
    uint256 internal constant WEIGHT_MASK = (uint256(1) << WEIGHT_BITS) - 1;

    /// @notice The key of one (score, weight) pair.
    function key(uint256 score, uint256 weight) internal pure returns (uint256) {
        return (score << WEIGHT_BITS) | (weight & WEIGHT_MASK);
    }

    /// @notice Sorts `keys` ascending in place (insertion sort).
    function sortKeys(uint256[] memory keys) internal pure {
        assembly ("memory-safe") {
            let base := add(keys, 0x20)
            let end := add(base, shl(5, mload(keys)))
            for { let p := add(base, 0x20) } lt(p, end) { p := add(p, 0x20) } {
                let v := mload(p)
                let q := p
                for {} gt(q, base) {} {
                    let prev := mload(sub(q, 0x20))
                    if iszero(gt(prev, v)) { break }
                    mstore(q, prev)
                    q := sub(q, 0x20)
                }
                mstore(q, v)
            }
        }
    }

    /// @notice The weighted lower median of `keys`, sorting them in place. `totalWeight` must be their weight sum.
    /// @dev Empty `keys` → 0. With a zero total weight the smallest score is returned.
    function lowerMedianOfKeys(uint256[] memory keys, uint256 totalWeight)
        internal
        pure
        returns (uint256 median)
    {
        uint256 n = keys.length;
        if (n == 0) return 0;
        sortKeys(keys);
        uint256 cum;
        for (uint256 i; i < n; ++i) {
            uint256 k = keys[i];
            // unchecked: each weight < 2^128 and n is small, the sum cannot reach 2^255
            unchecked {
                cum += k & WEIGHT_MASK;
                if (2 * cum >= totalWeight) return k >> WEIGHT_BITS;
            }
        }
        return keys[n - 1] >> WEIGHT_BITS;
    }

    /// @notice The weighted lower median of `scores` with `weights` (same length; weights < 2^128).
    function lowerMedian(uint256[] memory scores, uint256[] memory weights) internal pure returns (uint256) {
        uint256 n = scores.length;
        uint256[] memory keys = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            keys[i] = key(scores[i], weights[i]);
            total += weights[i] & WEIGHT_MASK;
        }
        return lowerMedianOfKeys(keys, total);
    }
}
