// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

contract ArenaTasksAttacksTest is ArenaBaseTest {
    /// A node that learnt another node's CID and committed to it cannot publish it second.
    function test_attack_copiedCidRejected() public {
        uint256 id = _createTask();
        address honest = _trainerAt(0);
        address copier = _trainerAt(1);
        _commitSubmission(id, honest, "bafyhonest");
        _commitSubmission(id, copier, "bafyhonest");
        _toPublish(id);
        _revealSubmission(id, honest, "bafyhonest");
        vm.prank(copier);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.DuplicateModel.selector, id, "bafyhonest"));
        arena.revealSubmission(id, "bafyhonest", _salt(copier));
    }

    /// Copying another validator's commitment is useless: the commitment binds the sender.
    function test_attack_copiedScoreCommitmentCannotBeRevealed() public {
        (uint256 id,) = _taskInCommit(2);
        address honest = _validatorAt(0);
        address copier = _validatorAt(1);
        uint16[] memory s = new uint16[](2);
        s[0] = 7000;
        s[1] = 8000;
        bytes32 c = arena.scoresCommitmentOf(id, honest, s, _salt(honest));
        vm.prank(honest);
        arena.commitScores(id, c);
        vm.prank(copier);
        arena.commitScores(id, c);
        _toReveal(id);
        _revealScores(id, honest, s);
        vm.prank(copier);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.CommitmentMismatch.selector, id, copier));
        arena.revealScores(id, s, _salt(honest));
    }

    /// A validator scoring at random among honest, slightly noisy validators is slashed and earns nothing.
    function test_attack_randomScorerSlashed(uint256 seed) public {
        uint256 n = 8;
        (uint256 id,) = _taskInCommit(n);
        uint16[][] memory s = new uint16[][](5);
        for (uint256 v; v < 5; ++v) {
            s[v] = new uint16[](n);
            for (uint256 i; i < n; ++i) {
                uint256 truth = 3000 + i * 800;
                uint256 noise = uint256(keccak256(abi.encode(seed, v, i))) % 201; // ± 100
                s[v][i] = uint16(
                    v == 4 ? uint256(keccak256(abi.encode(seed, "rand", i))) % 10_001 : truth + noise - 100
                );
            }
        }
        // make the random scorer far from the truth on average (guaranteed: mirror it)
        for (uint256 i; i < n; ++i) {
            s[4][i] = uint16(10_000 - (3000 + i * 800));
        }
        address[] memory vs = _scoreAll(id, s, _allTrue(5));
        uint256 before = vault.poolOf(vs[4]).bondedAssets;
        _finalizeAll(id);
        IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, vs[4]);
        assertEq(uint8(r.outcome), uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation));
        assertEq(arena.claimable(id, vs[4]), 0);
        assertEq(before - vault.poolOf(vs[4]).bondedAssets, 5000e18);
        for (uint256 v; v < 4; ++v) {
            assertGt(arena.claimable(id, vs[v]), 0);
        }
    }

    /// A non-revealer is slashed.
    function test_attack_nonRevealerSlashed() public {
        (uint256 id,) = _taskInCommit(2);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 4; ++v) {
            s[v] = new uint16[](2);
            s[v][0] = 6000;
            s[v][1] = 7000;
        }
        bool[] memory rev = _allTrue(4);
        rev[3] = false;
        address[] memory vs = _scoreAll(id, s, rev);
        uint256 before = vault.poolOf(vs[3]).bondedAssets;
        _finalizeAll(id);
        assertEq(before - vault.poolOf(vs[3]).bondedAssets, 2500e18);
        assertEq(arena.claimable(id, vs[3]), 0);
    }

    /// Unbonding cannot escape a slash: the locked part cannot be unbonded and is slashed.
    function test_attack_unbondCannotEscapeSlash() public {
        (uint256 id,) = _taskInCommit(2);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 4; ++v) {
            s[v] = new uint16[](2);
            s[v][0] = 6000;
            s[v][1] = 7000;
        }
        address cheat = _validatorAt(3);
        _commitScores(id, cheat, s[3]);
        uint256 shares = vault.sharesOf(cheat, cheat);
        vm.prank(cheat);
        vm.expectRevert();
        vault.requestUnbond(cheat, shares); // the whole stake is locked (lock = min(available, cap))
        bool[] memory rev = _allTrue(4);
        rev[3] = false;
        _scoreAll(id, s, rev); // re-commit replaces, same lock
        _finalizeAll(id);
        assertEq(arena.settlementOf(id).slashed, 2500e18);
    }

    /// Validators with 49% of the revealed stake cannot move a consensus outside the honest validators' range.
    function testFuzz_attack_minorityCannotMoveConsensus(
        uint16 a1,
        uint16 a2,
        uint16 h1,
        uint16 h2,
        uint16 h3
    ) public {
        (uint256 id,) = _taskInCommit(2);
        uint16[] memory hs = new uint16[](3);
        hs[0] = uint16(bound(h1, 4000, 6000));
        hs[1] = uint16(bound(h2, 4000, 6000));
        hs[2] = uint16(bound(h3, 4000, 6000));
        uint16[] memory as_ = new uint16[](2);
        as_[0] = uint16(bound(a1, 0, 10_000));
        as_[1] = uint16(bound(a2, 0, 10_000));
        // 3 honest × 51,000 = 153,000 vs 2 attackers × 73,500 = 147,000 (49%)
        address[] memory vals = new address[](5);
        for (uint256 v; v < 5; ++v) {
            vals[v] = makeAddr(string.concat("w", vm.toString(v)));
            _registerAndStake(vals[v], IStakingVault.Role.Validator, v < 3 ? 51_000e18 : 73_500e18);
            uint16[] memory row = new uint16[](2);
            row[0] = v < 3 ? hs[v] : as_[v - 3];
            row[1] = row[0];
            _commitScores(id, vals[v], row);
        }
        _toReveal(id);
        for (uint256 v; v < 5; ++v) {
            uint16[] memory row = new uint16[](2);
            row[0] = v < 3 ? hs[v] : as_[v - 3];
            row[1] = row[0];
            _revealScores(id, vals[v], row);
        }
        _toFinalizing(id);
        _finalizeAll(id);
        uint256 lo = hs[0] < hs[1] ? (hs[0] < hs[2] ? hs[0] : hs[2]) : (hs[1] < hs[2] ? hs[1] : hs[2]);
        uint256 hi = hs[0] > hs[1] ? (hs[0] > hs[2] ? hs[0] : hs[2]) : (hs[1] > hs[2] ? hs[1] : hs[2]);
        uint256 c = arena.submissionAt(id, 0).consensus;
        assertGe(c, lo);
        assertLe(c, hi);
    }
}
