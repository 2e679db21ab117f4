// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The one accepted spelling of a model's CID, and its identity
/// @notice A model directory's CID must be a CIDv1, dag-pb codec, sha2-256 multihash, in lowercase base32 with the
/// multibase prefix `b` — the 59-character `bafybei…` form that `ipfs add --cid-version 1` and Helia print. Any other
/// encoding of the same content (CIDv0 `Qm…`, base58btc, uppercase base32, raw leaves codec) is rejected, so one content
/// has exactly one accepted string, and its identity on chain is the 32-byte sha2-256 digest.
library ModelCid {
    /// @dev 0x01 (CIDv1) 0x70 (dag-pb) 0x12 (sha2-256) 0x20 (32 bytes)
    uint256 private constant _PREFIX = 0x01701220;
    uint256 private constant _LENGTH = 59;

    /// @notice Thrown for any string that is not the canonical form.
    error NonCanonicalCid(string cid);

    /// @notice The sha2-256 digest inside a canonical CID; reverts `NonCanonicalCid` for anything else.
    function digestOf(string calldata cid) internal pure returns (bytes32 digest) {
        bytes calldata b = bytes(cid);
        if (b.length != _LENGTH || b[0] != "b") revert NonCanonicalCid(cid);
        // 58 base32 characters = 290 bits: the 36-byte CID then 2 zero bits
        uint256 prefix;
        uint256 acc;
        uint256 bits;
        uint256 outBytes;
        for (uint256 i = 1; i < _LENGTH; ++i) {
            uint256 c = uint8(b[i]);
            uint256 v;
            if (c >= 0x61 && c <= 0x7a) v = c - 0x61; // a-z → 0..25
            else if (c >= 0x32 && c <= 0x37) v = c - 0x32 + 26; // 2-7 → 26..31
            else revert NonCanonicalCid(cid);
            acc = (acc << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                uint256 byte_ = (acc >> bits) & 0xff;
                acc &= (uint256(1) << bits) - 1;
                if (outBytes < 4) prefix = (prefix << 8) | byte_;
                else digest = bytes32((uint256(digest) << 8) | byte_);
                ++outBytes;
            }
        }
        if (prefix != _PREFIX || acc != 0) revert NonCanonicalCid(cid);
    }
}
