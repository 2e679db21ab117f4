// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {RewardMath} from "../../contracts/libraries/RewardMath.sol";

contract RewardMathTest is Test {
    function test_splitPool_defaults() public pure {
        (uint256 fee, uint256 bounty, uint256 v, uint256 t) = RewardMath.splitPool(10_000e18, 500, 50, 3000);
        assertEq(fee, 500e18);
        assertEq(bounty, 50e18);
        assertEq(v, 2835e18);
        assertEq(t, 6615e18);
    }

    function test_splitSlash() public pure {
        (uint256 tr, uint256 pot) = RewardMath.splitSlash(1001, 1000);
        assertEq(tr, 100);
        assertEq(pot, 901);
    }

    function test_rpow() public pure {
        uint256 half = RewardMath.decayWad(5000);
        assertEq(RewardMath.rpow(half, 0), 1e18);
        assertEq(RewardMath.rpow(half, 1), 0.5e18);
        assertEq(RewardMath.rpow(half, 10), 1e18 / 1024);
        assertEq(RewardMath.rpow(1e18, 255), 1e18);
        assertEq(RewardMath.rpow(0, 3), 0);
    }

    function test_rankWeightSum() public pure {
        assertEq(RewardMath.rankWeightSum(RewardMath.decayWad(5000), 3), 1.75e18);
        assertEq(RewardMath.rankWeightSum(RewardMath.decayWad(10_000), 256), 256e18);
    }

    function test_proRata_zeroTotal() public pure {
        assertEq(RewardMath.proRata(100, 1, 0), 0);
        assertEq(RewardMath.proRata(100, 1, 3), 33);
    }
}
