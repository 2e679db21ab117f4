// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Test helper: the canonical CID string (CIDv1, dag-pb, sha2-256, lowercase base32, prefix `b`) of a digest.
library Cids {
    bytes private constant _ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    /// @notice The canonical model CID of `digest` ("bafybei…", 59 characters).
    function fromDigest(bytes32 digest) internal pure returns (string memory) {
        return base32(abi.encodePacked(bytes4(0x01701220), digest));
    }

    /// @notice `raw` in lowercase base32 (RFC 4648, no padding) behind the multibase prefix `b`: lets tests build
    /// well-formed CIDs of another codec or hash function.
    function base32(bytes memory raw) internal pure returns (string memory) {
        bytes memory out = new bytes(1 + (raw.length * 8 + 4) / 5);
        out[0] = "b";
        uint256 acc;
        uint256 bits;
        uint256 o = 1;
        for (uint256 i; i < raw.length; ++i) {
            acc = (acc << 8) | uint8(raw[i]);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[o++] = _ALPHABET[(acc >> bits) & 31];
            }
            acc &= (uint256(1) << bits) - 1;
        }
        if (bits > 0) out[o++] = _ALPHABET[(acc << (5 - bits)) & 31];
        return string(out);
    }

    /// @notice A model CID for test model `i`.
    function model(uint256 i) internal pure returns (string memory) {
        return fromDigest(modelDigest(i));
    }

    /// @notice The digest inside `model(i)` (its `Submission.cidHash`).
    function modelDigest(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("model", i));
    }
}
