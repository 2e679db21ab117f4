// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {RewardMath} from "../../contracts/libraries/RewardMath.sol";

contract RewardMathFuzzTest is Test {
    function testFuzz_splitPool_sumsExactly(uint256 pool, uint256 feeBps, uint256 bountyBps, uint256 vBps)
        public
        pure
    {
        pool = bound(pool, 0, type(uint128).max);
        feeBps = bound(feeBps, 0, 10_000);
        bountyBps = bound(bountyBps, 0, 10_000 - feeBps);
        vBps = bound(vBps, 0, 10_000);
        (uint256 fee, uint256 bounty, uint256 v, uint256 t) =
            RewardMath.splitPool(pool, feeBps, bountyBps, vBps);
        assertEq(fee + bounty + v + t, pool);
    }

    function testFuzz_splitSlash_sumsExactly(uint256 amount, uint256 bps) public pure {
        amount = bound(amount, 0, type(uint128).max);
        bps = bound(bps, 0, 10_000);
        (uint256 a, uint256 b) = RewardMath.splitSlash(amount, bps);
        assertEq(a + b, amount);
    }

    function testFuzz_rankRewards_neverExceedPot(uint256 pot, uint256 decayBps, uint256 count) public pure {
        pot = bound(pot, 0, type(uint128).max);
        decayBps = bound(decayBps, 1, 10_000);
        count = bound(count, 1, 256);
        uint256 d = RewardMath.decayWad(decayBps);
        uint256 total = RewardMath.rankWeightSum(d, count);
        uint256 paid;
        uint256 prev = type(uint256).max;
        for (uint256 r; r < count; ++r) {
            uint256 reward = RewardMath.proRata(pot, RewardMath.rankWeight(d, r), total);
            assertLe(reward, prev); // never increasing with rank
            prev = reward;
            paid += reward;
        }
        assertLe(paid, pot);
        assertLe(pot - paid, count); // dust < one wei per rank
    }

    function testFuzz_rpow_matchesRepeatedMultiplicationWhenExact(uint256 n) public pure {
        n = bound(n, 0, 18); // 1e18 = 2^18 · 5^18: halvings are exact up to 18
        // forge-lint: disable-next-line(incorrect-shift) intended: 1e18 >> n is the exact value of 0.5^n in 1e18 fixed point
        assertEq(RewardMath.rpow(0.5e18, n), 1e18 >> n);
    }
}
