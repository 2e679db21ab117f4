// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {WeightedMedian} from "../../contracts/libraries/WeightedMedian.sol";

contract WeightedMedianFuzzTest is Test {
    /// @dev Reference: the smallest candidate s (over all given scores) with 2·weight(≤ s) ≥ total.
    function _reference(uint256[] memory s, uint256[] memory w) internal pure returns (uint256 best) {
        uint256 total;
        for (uint256 i; i < s.length; ++i) {
            total += w[i];
        }
        best = type(uint256).max;
        for (uint256 i; i < s.length; ++i) {
            uint256 below;
            for (uint256 j; j < s.length; ++j) {
                if (s[j] <= s[i]) below += w[j];
            }
            if (2 * below >= total && s[i] < best) best = s[i];
        }
    }

    function testFuzz_lowerMedian_matchesReference(uint256 seed, uint256 n) public pure {
        n = bound(n, 1, 64);
        uint256[] memory s = new uint256[](n);
        uint256[] memory w = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            s[i] = r % 10_001;
            w[i] = 1 + ((r >> 32) % 1e24);
        }
        assertEq(WeightedMedian.lowerMedian(s, w), _reference(s, w));
    }

    function testFuzz_lowerMedian_withinRange(uint256 seed, uint256 n) public pure {
        n = bound(n, 1, 64);
        uint256[] memory s = new uint256[](n);
        uint256[] memory w = new uint256[](n);
        uint256 lo = type(uint256).max;
        uint256 hi;
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            s[i] = r % 10_001;
            w[i] = 1 + ((r >> 64) % 100);
            if (s[i] < lo) lo = s[i];
            if (s[i] > hi) hi = s[i];
        }
        uint256 m = WeightedMedian.lowerMedian(s, w);
        assertGe(m, lo);
        assertLe(m, hi);
    }
}
