// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {ScorePacking} from "../../contracts/libraries/ScorePacking.sol";

contract ScorePackingFuzzTest is Test {
    function testFuzz_packUnpack_roundTrips(uint256 seed, uint256 n) public pure {
        n = bound(n, 0, 256);
        uint16[] memory s = new uint16[](n);
        uint256 maxSeen;
        for (uint256 i; i < n; ++i) {
            s[i] = uint16(uint256(keccak256(abi.encode(seed, i))) % 10_001);
        }
        uint16[] memory out = new uint16[](n);
        for (uint256 w; w < ScorePacking.wordCount(n); ++w) {
            (uint256 word, uint256 m) = ScorePacking.pack(s, w);
            if (m > maxSeen) maxSeen = m;
            ScorePacking.unpackInto(word, out, w);
            for (uint256 slot; slot < 16 && w * 16 + slot < n; ++slot) {
                assertEq(ScorePacking.get(word, slot), s[w * 16 + slot]);
            }
        }
        for (uint256 i; i < n; ++i) {
            assertEq(out[i], s[i]);
            assertLe(s[i], maxSeen);
        }
    }

    function testFuzz_set_onlyTouchesItsSlot(uint256 word, uint256 slot, uint16 score) public pure {
        slot = bound(slot, 0, 15);
        uint256 w2 = ScorePacking.set(word, slot, score);
        for (uint256 i; i < 16; ++i) {
            assertEq(ScorePacking.get(w2, i), i == slot ? score : ScorePacking.get(word, i));
        }
    }
}
