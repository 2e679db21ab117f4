// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {FLMath} from "../../contracts/libraries/FLMath.sol";
import {WeightedMedian} from "../../contracts/libraries/WeightedMedian.sol";

/// @notice FLMath.median against its definition, computed naively: for every candidate score s of the input,
/// below(s) = Σ weight of scores ≤ s.
contract FLMathFuzzTest is Test {
    function testFuzz_median_matchesDefinition(uint256 seed, uint8 nRaw) public pure {
        uint256 n = bound(nRaw, 1, 40);
        uint256[] memory s = new uint256[](n);
        uint256[] memory w = new uint256[](n);
        uint256[] memory keys = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            // few distinct scores and small weights: ties and exact splits happen often
            s[i] = (uint256(keccak256(abi.encode(seed, i, "s"))) % 6) * 2000;
            w[i] = 1 + uint256(keccak256(abi.encode(seed, i, "w"))) % 4;
            keys[i] = WeightedMedian.key(s[i], w[i]);
            total += w[i];
        }
        FLMath.Consensus memory c = FLMath.median(keys);
        // lower = the smallest s with 2·below(s) ≥ total
        uint256 lower = type(uint256).max;
        for (uint256 i; i < n; ++i) {
            if (2 * _below(s, w, s[i]) >= total && s[i] < lower) lower = s[i];
        }
        uint256 upper = type(uint256).max;
        for (uint256 i; i < n; ++i) {
            if (s[i] > lower && s[i] < upper) upper = s[i];
        }
        bool contested = 2 * _below(s, w, lower) == total && upper != type(uint256).max;
        assertTrue(c.exists);
        assertEq(c.contested, contested, "contested");
        assertEq(c.value, contested ? (lower + upper) / 2 : lower, "value");
        assertEq(lower, WeightedMedian.lowerMedian(s, w), "lower = the Arena's lower median");
    }

    function _below(uint256[] memory s, uint256[] memory w, uint256 x) internal pure returns (uint256 sum) {
        for (uint256 i; i < s.length; ++i) {
            if (s[i] <= x) sum += w[i];
        }
    }

    function testFuzz_drawWeighted_countAndSubset(bytes32 seed, uint8 kRaw) public pure {
        uint256[] memory w = new uint256[](64);
        uint256 positive;
        for (uint256 i; i < 64; ++i) {
            w[i] = uint256(keccak256(abi.encode(seed, i))) % 3 == 0 ? 0 : 1e21 + i;
            if (w[i] != 0) ++positive;
        }
        uint256 k = bound(kRaw, 1, 31);
        uint256 mask = FLMath.drawWeighted(w, k, seed);
        uint256 bits;
        for (uint256 i; i < 64; ++i) {
            if (mask & (1 << i) == 0) continue;
            ++bits;
            assertGt(w[i], 0, "only positive weights");
        }
        assertEq(bits, k < positive ? k : positive, "k distinct draws");
    }
}
