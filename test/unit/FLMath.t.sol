// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {FLMath} from "../../contracts/libraries/FLMath.sol";
import {WeightedMedian} from "../../contracts/libraries/WeightedMedian.sol";

/// @notice FLMath on the vectors that `keeper/test/fl-consensus.test.ts` ("the contract's vectors") checks against
/// `weightedMedian` / `decideExclusions`: both sides must give the same consensus, contested flag and verdict.
contract FLMathTest is Test {
    function _keys(uint16[] memory s, uint128[] memory w) internal pure returns (uint256[] memory keys) {
        keys = new uint256[](s.length);
        for (uint256 i; i < s.length; ++i) {
            keys[i] = WeightedMedian.key(s[i], w[i]);
        }
    }

    function _m(uint16[] memory s, uint128[] memory w) internal pure returns (FLMath.Consensus memory) {
        return FLMath.median(_keys(s, w));
    }

    function _s3(uint16 a, uint16 b, uint16 c) internal pure returns (uint16[] memory r) {
        r = new uint16[](3);
        (r[0], r[1], r[2]) = (a, b, c);
    }

    function _w3(uint128 a, uint128 b, uint128 c) internal pure returns (uint128[] memory r) {
        r = new uint128[](3);
        (r[0], r[1], r[2]) = (a, b, c);
    }

    function _s2(uint16 a, uint16 b) internal pure returns (uint16[] memory r) {
        r = new uint16[](2);
        (r[0], r[1]) = (a, b);
    }

    function _w2(uint128 a, uint128 b) internal pure returns (uint128[] memory r) {
        r = new uint128[](2);
        (r[0], r[1]) = (a, b);
    }

    function _eq(FLMath.Consensus memory c, uint16 value, bool contested) internal pure {
        assertTrue(c.exists, "exists");
        assertEq(c.value, value, "value");
        assertEq(c.contested, contested, "contested");
    }

    // vector 1: a clear majority
    function test_median_majority() public pure {
        _eq(_m(_s3(7000, 8000, 9000), _w3(1, 1, 1)), 8000, false);
    }

    // vector 2: one heavy voter decides
    function test_median_heavyVoter() public pure {
        _eq(_m(_s3(1000, 8000, 9000), _w3(5, 1, 1)), 1000, false);
    }

    // vector 3: an exact 50/50 split is contested, the midpoint rounded down
    function test_median_contested() public pure {
        _eq(_m(_s2(3001, 8000), _w2(2, 2)), 5500, true);
        _eq(_m(_s3(1000, 2000, 9000), _w3(1, 1, 2)), 5500, true);
    }

    // vector 4: equal scores group together; no split between different scores
    function test_median_groups() public pure {
        _eq(_m(_s3(5000, 5000, 9000), _w3(1, 1, 2)), 7000, true);
        _eq(_m(_s3(5000, 5000, 9000), _w3(2, 1, 2)), 5000, false);
    }

    // vector 5: a single voter
    function test_median_single() public pure {
        uint16[] memory s = new uint16[](1);
        uint128[] memory w = new uint128[](1);
        s[0] = 4321;
        w[0] = 7;
        _eq(_m(s, w), 4321, false);
    }

    function test_median_emptyHasNoConsensus() public pure {
        FLMath.Consensus memory c = FLMath.median(new uint256[](0));
        assertFalse(c.exists);
    }

    // vector 6: exclusion at 60% — equality keeps the update, one below excludes it
    function test_excluded_boundary() public pure {
        FLMath.Consensus memory g = FLMath.Consensus(8000, true, false, 8000, 8000);
        assertFalse(FLMath.excluded(FLMath.Consensus(4800, true, false, 4800, 4800), g, 6000));
        assertTrue(FLMath.excluded(FLMath.Consensus(4799, true, false, 4799, 4799), g, 6000));
        assertFalse(FLMath.excluded(FLMath.Consensus(0, true, false, 0, 0), g, 0), "ratio 0 never excludes");
        assertFalse(FLMath.excluded(FLMath.Consensus(0, false, false, 0, 0), g, 6000), "no consensus: kept");
    }

    // vector 7: a split slashes only if both halves judge the update below the ratio
    function test_slashable_split() public pure {
        FLMath.Consensus memory g = _m(_s2(8000, 8000), _w2(1, 1));
        FLMath.Consensus memory keep = _m(_s2(100, 5000), _w2(1, 1));
        FLMath.Consensus memory damn = _m(_s2(100, 3000), _w2(1, 1));
        assertTrue(
            FLMath.excluded(keep, g, 6000) && !FLMath.slashable(keep, g, 6000), "excluded, not slashed"
        );
        assertTrue(FLMath.excluded(damn, g, 6000) && FLMath.slashable(damn, g, 6000), "both halves: slashed");
        // the global model's split: its lower reading counts (1000 < 60% of 2000)
        FLMath.Consensus memory gSplit = _m(_s2(2000, 8000), _w2(1, 1));
        FLMath.Consensus memory u = _m(_s2(1000, 1000), _w2(1, 1));
        assertTrue(FLMath.slashable(u, gSplit, 6000));
        assertFalse(FLMath.slashable(_m(_s2(1300, 1000), _w2(1, 1)), gSplit, 6000));
        // four equal voters all damning an update: every median is a 2-2 split, still slashed
        uint16[] memory s4 = new uint16[](4);
        uint128[] memory w4 = new uint128[](4);
        (s4[0], s4[1], s4[2], s4[3]) = (900, 1200, 700, 1500);
        (w4[0], w4[1], w4[2], w4[3]) = (1, 1, 1, 1);
        FLMath.Consensus memory four = _m(s4, w4);
        assertTrue(four.contested);
        assertTrue(FLMath.slashable(four, g, 6000));
    }

    function test_distance_meanRoundedDown() public pure {
        FLMath.Consensus[] memory c = new FLMath.Consensus[](3);
        c[0] = FLMath.Consensus(8000, true, false, 8000, 8000);
        c[1] = FLMath.Consensus(7000, true, false, 7000, 7000);
        c[2] = FLMath.Consensus(2000, true, false, 2000, 2000);
        assertEq(FLMath.distance(_s3(8000, 7001, 2001), c), 0); // 2 / 3
        assertEq(FLMath.distance(_s3(5000, 10_000, 5000), c), 3000);
    }

    function test_drawWeighted_distinctAndSkipsZero() public pure {
        uint256[] memory w = new uint256[](5);
        (w[0], w[1], w[2], w[3], w[4]) = (1, 0, 3, 0, 2);
        for (uint256 seed; seed < 20; ++seed) {
            uint256 mask = FLMath.drawWeighted(w, 2, bytes32(seed));
            assertEq(mask & ((1 << 1) | (1 << 3)), 0, "never a zero weight");
            uint256 bits;
            for (uint256 i; i < 5; ++i) {
                if (mask & (1 << i) != 0) ++bits;
            }
            assertEq(bits, 2, "two distinct");
        }
        assertEq(
            FLMath.drawWeighted(w, 5, bytes32(0)), (1 << 0) | (1 << 2) | (1 << 4), "fewer when few weights"
        );
    }

    function test_sortAddresses() public pure {
        address[] memory a = new address[](3);
        (a[0], a[1], a[2]) = (address(3), address(1), address(2));
        FLMath.sortAddresses(a);
        assertEq(a[0], address(1));
        assertEq(a[2], address(3));
    }
}
