// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {WeightedMedian} from "../../contracts/libraries/WeightedMedian.sol";

contract WeightedMedianTest is Test {
    function _m(uint256[4] memory s, uint256[4] memory w, uint256 n) internal pure returns (uint256) {
        uint256[] memory scores = new uint256[](n);
        uint256[] memory weights = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            scores[i] = s[i];
            weights[i] = w[i];
        }
        return WeightedMedian.lowerMedian(scores, weights);
    }

    function test_lowerMedian_emptyIsZero() public pure {
        assertEq(_m([uint256(0), 0, 0, 0], [uint256(0), 0, 0, 0], 0), 0);
    }

    function test_lowerMedian_equalWeightsEvenCountTakesLower() public pure {
        assertEq(_m([uint256(40), 10, 30, 20], [uint256(1), 1, 1, 1], 4), 20);
    }

    function test_lowerMedian_heavyValidatorWins() public pure {
        assertEq(_m([uint256(10), 20, 9000, 0], [uint256(1), 1, 3, 0], 3), 9000);
    }

    function test_lowerMedian_exactHalfTakesLower() public pure {
        assertEq(_m([uint256(100), 200, 0, 0], [uint256(5), 5, 0, 0], 2), 100);
    }

    function test_sortKeys_sortsAscending() public pure {
        uint256[] memory k = new uint256[](5);
        k[0] = 5;
        k[1] = 1;
        k[2] = 4;
        k[3] = 1;
        k[4] = 0;
        WeightedMedian.sortKeys(k);
        for (uint256 i = 1; i < 5; ++i) {
            assertLe(k[i - 1], k[i]);
        }
    }
}
