// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Stake-weighted lower median of scores
/// @notice Works on memory arrays of packed keys `score << 128 | weight`: sorting the keys sorts by score (ties by
/// weight, which does not change the result). The weighted lower median is the smallest score `s` such that
/// `2 · (total weight of scores ≤ s) ≥ total weight`: with exactly half of the weight on each side, the lower score wins.
/// @dev Warning: `sortKeys` is an insertion sort and `lowerMedianOfKeys` a quickselect, both O(n²) at worst: callers
/// keep `n` small (the arena: ≤ 64 validators).
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

    /// @notice The weighted lower median of `keys`, reordering them in place. `totalWeight` must be their weight sum.
    /// @dev Empty `keys` → 0. With a zero total weight the smallest score is returned. A weighted quickselect (3-way
    /// partition around the middle key's score, then only the side that holds the median is kept): O(n) expected,
    /// O(n²) at worst — the same bound as sorting by insertion, with ~10× less gas for 64 random keys.
    function lowerMedianOfKeys(uint256[] memory keys, uint256 totalWeight)
        internal
        pure
        returns (uint256 median)
    {
        assembly ("memory-safe") {
            let lo := add(keys, 0x20)
            let hi := add(lo, shl(5, mload(keys)))
            // cum: weight of the keys already known to lie below [lo, hi)
            let cum := 0
            for {} lt(lo, hi) {} {
                let pivot := shr(128, mload(add(lo, shl(5, shr(6, sub(hi, lo))))))
                // [lo, a) < pivot, [a, b) == pivot, [c, hi) > pivot, [b, c) not yet seen
                let a := lo
                let b := lo
                let c := hi
                let below := 0
                let equal := 0
                for {} lt(b, c) {} {
                    let k := mload(b)
                    let score := shr(128, k)
                    switch lt(score, pivot)
                    case 1 {
                        mstore(b, mload(a))
                        mstore(a, k)
                        below := add(below, and(k, 0xffffffffffffffffffffffffffffffff))
                        a := add(a, 0x20)
                        b := add(b, 0x20)
                    }
                    default {
                        switch gt(score, pivot)
                        case 1 {
                            c := sub(c, 0x20)
                            mstore(b, mload(c))
                            mstore(c, k)
                        }
                        default {
                            equal := add(equal, and(k, 0xffffffffffffffffffffffffffffffff))
                            b := add(b, 0x20)
                        }
                    }
                }
                // weights < 2^128 and few keys: the sums cannot overflow
                switch and(gt(a, lo), iszero(lt(shl(1, add(cum, below)), totalWeight)))
                case 1 { hi := a }
                default {
                    cum := add(cum, add(below, equal))
                    median := pivot
                    // the median is the pivot, or (when nothing lies above it) the largest score
                    if or(iszero(lt(shl(1, cum), totalWeight)), eq(c, hi)) { lo := hi }
                    if lt(lo, hi) { lo := c }
                }
            }
        }
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
