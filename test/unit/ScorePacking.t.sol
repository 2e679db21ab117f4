// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {ScorePacking} from "../../contracts/libraries/ScorePacking.sol";

contract ScorePackingTest is Test {
    function test_wordCount() public pure {
        assertEq(ScorePacking.wordCount(0), 0);
        assertEq(ScorePacking.wordCount(1), 1);
        assertEq(ScorePacking.wordCount(16), 1);
        assertEq(ScorePacking.wordCount(17), 2);
        assertEq(ScorePacking.wordCount(256), 16);
    }

    function test_setGet() public pure {
        uint256 w = ScorePacking.set(0, 15, 10_000);
        w = ScorePacking.set(w, 0, 7);
        assertEq(ScorePacking.get(w, 15), 10_000);
        assertEq(ScorePacking.get(w, 0), 7);
        assertEq(ScorePacking.get(w, 1), 0);
        w = ScorePacking.set(w, 15, 3);
        assertEq(ScorePacking.get(w, 15), 3);
    }

    function test_pack_reportsMaxAndPartialWord() public pure {
        uint16[] memory s = new uint16[](18);
        s[16] = 9;
        s[17] = 10_001;
        (uint256 word, uint256 maxScore) = ScorePacking.pack(s, 1);
        assertEq(maxScore, 10_001);
        assertEq(ScorePacking.get(word, 0), 9);
        assertEq(ScorePacking.get(word, 1), 10_001);
        assertEq(ScorePacking.get(word, 2), 0);
    }
}
