// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {Cids} from "../utils/Cids.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {ModelCid} from "../../contracts/libraries/ModelCid.sol";

/// @notice Models are identified by one canonical CID spelling (CIDv1, dag-pb, sha2-256, lowercase base32 "bafybei…",
/// 59 characters) and owned by the earliest commitment, whoever reveals first (issue 8, item 2).
contract ArenaTasksRevealSubmissionTest is ArenaBaseTest {
    /// @dev The example directory CID of the IPFS docs (CIDv1 of QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR).
    string internal constant REAL_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    string internal constant REAL_CID_V0 = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
    bytes internal constant ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createTask();
    }

    /// @dev Trainer i commits cids[i]; then Publish with the eval data revealed.
    function _commitAll(string[] memory cids) internal returns (address[] memory ts) {
        ts = new address[](cids.length);
        for (uint256 i; i < cids.length; ++i) {
            ts[i] = _trainerAt(i);
            _commitSubmission(id, ts[i], cids[i]);
        }
        _toPublish(id);
        _revealEval(id);
    }

    uint256 internal _rejected;

    /// @dev A fresh task and trainer commit to `cid`; its reveal (eval data public, commitment matching) reverts.
    function _expectRejected(string memory cid) internal {
        uint256 task = _createTask();
        address t = _trainerAt(100 + _rejected++);
        _commitSubmission(task, t, cid);
        _toPublish(task);
        _revealEval(task);
        vm.prank(t);
        vm.expectRevert(abi.encodeWithSelector(ModelCid.NonCanonicalCid.selector, cid));
        arena.revealSubmission(task, cid, _salt(t));
    }

    function _upper(string memory s) internal pure returns (string memory) {
        bytes memory b = bytes(s);
        for (uint256 i; i < b.length; ++i) {
            if (b[i] >= "a" && b[i] <= "z") b[i] = bytes1(uint8(b[i]) - 32);
        }
        return string(b);
    }

    function _withChar(string memory s, uint256 at, bytes1 c) internal pure returns (string memory) {
        bytes memory b = bytes(string.concat(s)); // a copy
        b[at] = c;
        return string(b);
    }

    // ─── canonical CID acceptance ──────────────────────────────────────────────────────────────

    function test_revealSubmission_acceptsTheCanonicalCid() public {
        string[] memory cids = new string[](2);
        cids[0] = _cid(0);
        cids[1] = REAL_CID;
        address[] memory ts = _commitAll(cids);
        _revealSubmission(id, ts[0], cids[0]);
        _revealSubmission(id, ts[1], cids[1]);
        assertEq(arena.submissionAt(id, 0).cidHash, Cids.modelDigest(0));
        bytes32 digest = arena.submissionAt(id, 1).cidHash;
        assertEq(Cids.fromDigest(digest), REAL_CID, "the digest is the CID's sha2-256 multihash digest");
        assertEq(bytes(REAL_CID).length, 59);
    }

    // ─── rejection of every other spelling ─────────────────────────────────────────────────────

    function test_revealSubmission_rejectsCidV0() public {
        _expectRejected(REAL_CID_V0);
    }

    function test_revealSubmission_rejectsUppercaseBase32() public {
        _expectRejected(_upper(REAL_CID)); // "BAFYBEI…" (multibase 'B')
    }

    function test_revealSubmission_rejectsAnUppercaseBodyAfterALowercasePrefix() public {
        string memory s = _upper(REAL_CID);
        _expectRejected(_withChar(s, 0, "b"));
    }

    function test_revealSubmission_rejectsASingleUppercaseLetter() public {
        _expectRejected(_withChar(REAL_CID, 10, "Z"));
    }

    function test_revealSubmission_rejectsTheRawCodec() public {
        string memory raw = Cids.base32(abi.encodePacked(bytes4(0x01551220), Cids.modelDigest(0)));
        assertEq(bytes(raw).length, 59);
        assertEq(bytes(raw)[3], bytes1("k"), "bafkrei...");
        _expectRejected(raw);
    }

    function test_revealSubmission_rejectsDagCborAndOtherHashes() public {
        _expectRejected(Cids.base32(abi.encodePacked(bytes4(0x01711220), Cids.modelDigest(0)))); // dag-cbor
        _expectRejected(Cids.base32(abi.encodePacked(bytes4(0x01701b20), Cids.modelDigest(0)))); // keccak-256
        _expectRejected(Cids.base32(abi.encodePacked(bytes4(0x00701220), Cids.modelDigest(0)))); // version 0 byte
    }

    function test_revealSubmission_rejectsTrailingGarbage() public {
        _expectRejected(string.concat(_cid(0), "x"));
    }

    function test_revealSubmission_rejectsWhitespace() public {
        _expectRejected(string.concat(_cid(0), " "));
        _expectRejected(string.concat(_cid(1), "\n"));
        _expectRejected(_withChar(_cid(2), 0, " ")); // right length, wrong multibase
    }

    function test_revealSubmission_rejectsATruncatedCid() public {
        bytes memory b = bytes(_cid(0));
        bytes memory cut = new bytes(58);
        for (uint256 i; i < 58; ++i) {
            cut[i] = b[i];
        }
        _expectRejected(string(cut));
    }

    function test_revealSubmission_rejectsNonBase32Characters() public {
        _expectRejected(_withChar(_cid(0), 20, "1"));
        _expectRejected(_withChar(_cid(0), 20, "8"));
        _expectRejected(_withChar(_cid(0), 20, "="));
    }

    /// @dev 58 base32 characters carry 290 bits for 288: the last two must be zero, or two strings would decode to the
    /// same digest.
    function test_revealSubmission_rejectsNonZeroPaddingBits() public {
        string memory cid = _cid(0);
        bytes1 last = bytes(cid)[58];
        uint256 v;
        while (ALPHABET[v] != last) ++v;
        assertEq(v & 3, 0);
        _expectRejected(_withChar(cid, 58, ALPHABET[v | 1]));
    }

    function test_revealSubmission_rejectsTheBaseBase58EncodingOfTheSameModel() public {
        // the copy of issue 8 item 2(b): the author publishes the canonical CID, a copier the CIDv0 of the same content
        string[] memory cids = new string[](2);
        cids[0] = REAL_CID;
        cids[1] = REAL_CID_V0;
        address[] memory ts = _commitAll(cids);
        _revealSubmission(id, ts[0], REAL_CID);
        vm.prank(ts[1]);
        vm.expectRevert(abi.encodeWithSelector(ModelCid.NonCanonicalCid.selector, REAL_CID_V0));
        arena.revealSubmission(id, REAL_CID_V0, _salt(ts[1]));
        assertEq(arena.getTask(id).published, 1);
    }

    // ─── ownership by the earliest commitment ──────────────────────────────────────────────────

    function test_revealSubmission_earlierCommitterDisplacesAnEarlierRevealer() public {
        string memory x = _cid(7);
        string[] memory cids = new string[](2);
        cids[0] = x; // author, commitSeq 1
        cids[1] = x; // copier, commitSeq 2
        address[] memory ts = _commitAll(cids);
        _revealSubmission(id, ts[1], x); // the copier reveals in Publish's first block
        assertEq(arena.submissionAt(id, 0).trainer, ts[1]);
        vm.expectEmit(address(arena));
        emit IArenaTasks.SubmissionDisplaced(id, 0, ts[1], ts[0], 1);
        vm.expectEmit(address(arena));
        emit IArenaTasks.SubmissionRevealed(id, ts[0], 0, x, 1);
        _revealSubmission(id, ts[0], x);
        IArenaTasks.Submission memory sub = arena.submissionAt(id, 0);
        assertEq(sub.trainer, ts[0]);
        assertEq(sub.commitSeq, 1);
        assertEq(sub.cidHash, Cids.modelDigest(7));
        assertEq(arena.getTask(id).published, 1, "one model, one submission");
        assertTrue(arena.trainerRecord(id, ts[0]).published);
        assertEq(arena.trainerRecord(id, ts[0]).index, 0);
        assertFalse(arena.trainerRecord(id, ts[1]).published, "the copier counts as never published");
        // the copier cannot take it back
        vm.prank(ts[1]);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.DuplicateModel.selector, id, x));
        arena.revealSubmission(id, x, _salt(ts[1]));
    }

    function test_revealSubmission_laterCommitterOfAnOwnedModelReverts() public {
        string memory x = _cid(7);
        string[] memory cids = new string[](2);
        cids[0] = x;
        cids[1] = x;
        address[] memory ts = _commitAll(cids);
        _revealSubmission(id, ts[0], x);
        vm.prank(ts[1]);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.DuplicateModel.selector, id, x));
        arena.revealSubmission(id, x, _salt(ts[1]));
        assertEq(arena.submissionAt(id, 0).trainer, ts[0]);
        assertFalse(arena.trainerRecord(id, ts[1]).published);
    }

    /// @dev A replaced commitment takes a new, later sequence number: it also loses the ownership of its model.
    function test_revealSubmission_replacingACommitmentMakesItLater() public {
        string memory x = _cid(7);
        address a = _trainerAt(0);
        address b = _trainerAt(1);
        _commitSubmission(id, a, x); // seq 1
        _commitSubmission(id, b, x); // seq 2
        _commitSubmission(id, a, x); // seq 3: a is now the later committer
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, a, x);
        vm.expectEmit(address(arena));
        emit IArenaTasks.SubmissionDisplaced(id, 0, a, b, 2);
        _revealSubmission(id, b, x);
        assertEq(arena.submissionAt(id, 0).trainer, b);
    }

    /// @dev A displaced copier is slashed like a trainer that never published (to the treasury) and earns nothing; the
    /// owner is ranked and paid.
    function test_claim_displacedCopierIsSlashedAndUnpaid() public {
        string[] memory cids = new string[](3);
        cids[0] = _cid(0);
        cids[1] = _cid(1);
        cids[2] = _cid(0); // the copier of trainer 0
        address[] memory ts = _commitAll(cids);
        _revealSubmission(id, ts[2], cids[2]);
        _revealSubmission(id, ts[1], cids[1]);
        _revealSubmission(id, ts[0], cids[0]);
        _toCommit(id);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            s[v] = new uint16[](2);
            s[v][0] = 9000;
            s[v][1] = 7000;
        }
        _scoreAll(id, s, _allTrue(3));
        _finalizeAll(id);
        assertGt(arena.claimable(id, ts[0]), 0, "the owner is paid");
        assertEq(arena.claimable(id, ts[2]), 0);
        uint256 treasuryBefore = token.balanceOf(treasury);
        uint256 bonded = vault.poolOf(ts[2]).bondedAssets;
        vm.expectEmit(address(arena));
        emit IArenaTasks.TrainerNonRevealSlashed(id, ts[2], 100e18);
        vm.expectEmit(address(arena));
        emit IArenaTasks.Claimed(id, ts[2], IArenaTasks.ClaimKind.UnlockOnly, 0, 900e18);
        assertEq(arena.claim(id, ts[2]), 0);
        assertEq(bonded - vault.poolOf(ts[2]).bondedAssets, 100e18);
        assertEq(token.balanceOf(treasury) - treasuryBefore, 100e18);
        assertEq(vault.lockOf(address(arena), id, ts[2]), 0);
        assertGt(arena.claim(id, ts[0]), 0);
    }
}
