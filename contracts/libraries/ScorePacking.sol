// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Sixteen uint16 scores per storage word
/// @notice Score `i` of a list lives in word `i / 16`, bits `16 · (i % 16)` to `16 · (i % 16) + 15`.
library ScorePacking {
    /// @notice Scores per word.
    uint256 internal constant PER_WORD = 16;
    /// @notice Highest valid score.
    uint256 internal constant MAX_SCORE = 10_000;

    /// @notice Words needed for `n` scores.
    function wordCount(uint256 n) internal pure returns (uint256) {
        return (n + PER_WORD - 1) / PER_WORD;
    }

    /// @notice Score `slot` (0..15) of `word`.
    function get(uint256 word, uint256 slot) internal pure returns (uint256) {
        return (word >> (slot << 4)) & 0xffff;
    }

    /// @notice `word` with score `slot` (0..15) replaced by `score`.
    function set(uint256 word, uint256 slot, uint16 score) internal pure returns (uint256) {
        uint256 shift = slot << 4;
        return (word & ~(uint256(0xffff) << shift)) | (uint256(score) << shift);
    }

    /// @notice Packs word `w` of `scores` (scores `16w` to `16w + 15`, those that exist); `maxScore` is their maximum.
    function packCalldata(uint16[] calldata scores, uint256 w)
        internal
        pure
        returns (uint256 word, uint256 maxScore)
    {
        uint256 start = w * PER_WORD;
        uint256 end = start + PER_WORD;
        if (end > scores.length) end = scores.length;
        for (uint256 i = start; i < end; ++i) {
            uint256 s = scores[i];
            if (s > maxScore) maxScore = s;
            // unchecked: i - start < 16, the shift is < 256
            unchecked {
                word |= s << ((i - start) << 4);
            }
        }
    }

    /// @notice `packCalldata` for a memory array.
    function pack(uint16[] memory scores, uint256 w) internal pure returns (uint256 word, uint256 maxScore) {
        uint256 start = w * PER_WORD;
        uint256 end = start + PER_WORD;
        if (end > scores.length) end = scores.length;
        for (uint256 i = start; i < end; ++i) {
            uint256 s = scores[i];
            if (s > maxScore) maxScore = s;
            // unchecked: i - start < 16, the shift is < 256
            unchecked {
                word |= s << ((i - start) << 4);
            }
        }
    }

    /// @notice Writes scores `16w .. 16w + count - 1` of `word` into `out` starting at `16w`.
    function unpackInto(uint256 word, uint16[] memory out, uint256 w) internal pure {
        uint256 start = w * PER_WORD;
        uint256 end = start + PER_WORD;
        if (end > out.length) end = out.length;
        for (uint256 i = start; i < end; ++i) {
            // unchecked: i - start < 16
            unchecked {
                // forge-lint: disable-next-line(unsafe-typecast) amounts ≤ the 1e27 FLOCK cap < 2^128; counts ≤ 256; scores ≤ 10000
                out[i] = uint16(word >> ((i - start) << 4));
            }
        }
    }
}
