// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {Cids} from "../utils/Cids.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";
import {ModelCid} from "../../contracts/libraries/ModelCid.sol";

/// @notice The attacks of the Arena security review (see README.md beside this file), each played against the default
/// `ProtocolConfig`: every test asserts that the attack fails and that the attacker ends with less FLOCK than an honest
/// participant in the same role would, and prints both payoffs.
contract ArenaTasksAttacksTest is ArenaBaseTest {
    // ─── payoff bookkeeping ────────────────────────────────────────────────────────────────────

    /// @dev Everything `a` holds: wallet + its own position in its pool + pending deposit + unclaimed commission.
    function _worth(address a) internal view returns (int256) {
        (IStakingVault.PendingDeposit memory p,) = vault.pendingOf(a, a);
        return
            int256(token.balanceOf(a) + vault.assetsOf(a, a) + p.assets + vault.poolOf(a).unclaimedCommission);
    }

    function _worthSum(address[] memory as_) internal view returns (int256 sum) {
        for (uint256 i; i < as_.length; ++i) {
            sum += _worth(as_[i]);
        }
    }

    function _print(string memory label, int256 amount) internal pure {
        int256 whole = amount / 1e18;
        int256 frac = (amount < 0 ? -amount : amount) % 1e18 / 1e16;
        string memory sign = amount < 0 && whole == 0 ? "-" : "";
        console.log(
            string.concat(
                "  ",
                label,
                ": ",
                sign,
                vm.toString(whole),
                ".",
                frac < 10 ? "0" : "",
                vm.toString(frac),
                " FLOCK"
            )
        );
    }

    function _claimAll(uint256 id, address[] memory as_) internal {
        for (uint256 i; i < as_.length; ++i) {
            arena.claim(id, as_[i]);
        }
    }

    function _fill(uint256 n, uint16 v) internal pure returns (uint16[] memory r) {
        r = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            r[i] = v;
        }
    }

    function _two(uint16 a, uint16 b) internal pure returns (uint16[] memory r) {
        r = new uint16[](2);
        r[0] = a;
        r[1] = b;
    }

    function _validatorWith(string memory name, uint256 amount) internal returns (address v) {
        v = makeAddr(name);
        _registerAndStake(v, IStakingVault.Role.Validator, amount);
    }

    function _trainerWith(string memory name, uint256 amount) internal returns (address t) {
        t = makeAddr(name);
        _registerAndStake(t, IStakingVault.Role.TrainingNode, amount);
    }

    /// @dev Commits and reveals `scores[v]` for `vs[v]`, then moves to Finalizing and finalizes.
    function _scoreAndFinalize(uint256 id, address[] memory vs, uint16[][] memory scores) internal {
        for (uint256 v; v < vs.length; ++v) {
            _commitScores(id, vs[v], scores[v]);
        }
        _toReveal(id);
        for (uint256 v; v < vs.length; ++v) {
            _revealScores(id, vs[v], scores[v]);
        }
        _toFinalizing(id);
        _finalizeAll(id);
    }

    // ─── 1. validator-slot squatting ───────────────────────────────────────────────────────────

    /// 64 addresses × 3,000 FLOCK fill the validator set first; honest validators with more stake still get in (each
    /// evicts the smallest lock), the squatters cannot set any consensus, and they are slashed for deviating.
    function test_attack01_validatorSlotSquatting() public {
        address junk = _trainerWith("junkTrainer", 5000e18);
        uint256 id = _createTask();
        address[] memory honestT = new address[](2);
        honestT[0] = _trainerAt(0);
        honestT[1] = _trainerAt(1);
        _commitSubmission(id, honestT[0], _cid(0));
        _commitSubmission(id, honestT[1], _cid(1));
        _commitSubmission(id, junk, _cid(66));
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, honestT[0], _cid(0));
        _revealSubmission(id, honestT[1], _cid(1));
        _revealSubmission(id, junk, _cid(66));
        _toCommit(id);

        uint16[] memory junkScores = new uint16[](3);
        junkScores[2] = 10_000;
        uint16[] memory truth = new uint16[](3);
        truth[0] = 8000;
        truth[1] = 7000;

        address[] memory squatters = new address[](64);
        for (uint256 i; i < 64; ++i) {
            squatters[i] = _validatorWith(string.concat("squatter", vm.toString(i)), 3000e18);
            _commitScores(id, squatters[i], junkScores);
        }
        address[] memory honestV = new address[](3);
        for (uint256 i; i < 3; ++i) {
            honestV[i] = _validatorWith(string.concat("honestValidator", vm.toString(i)), 100_000e18);
            // the set is full: the newest of the smallest locks leaves
            vm.expectEmit(true, true, true, true, address(arena));
            emit IArenaTasks.ValidatorEvicted(id, squatters[63 - i], honestV[i], 3000e18, 100_000e18);
            _commitScores(id, honestV[i], truth);
        }
        assertEq(arena.getTask(id).validators, 64);
        // an equal lock cannot push anyone out
        address late = _validatorWith("lateSquatter", 3000e18);
        bytes32 c = arena.scoresCommitmentOf(id, late, junkScores, _salt(late));
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManyValidators.selector, id, 64));
        arena.commitScores(id, c);

        address[] memory attacker = new address[](65);
        for (uint256 i; i < 64; ++i) {
            attacker[i] = squatters[i];
        }
        attacker[64] = junk;
        int256 attackerBefore = _worthSum(attacker);
        int256 honestBefore = _worth(honestV[0]);

        _toReveal(id);
        for (uint256 i; i < 61; ++i) {
            _revealScores(id, squatters[i], junkScores);
        }
        vm.prank(squatters[63]);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NoCommitment.selector, id, squatters[63]));
        arena.revealScores(id, junkScores, _salt(squatters[63]));
        for (uint256 i; i < 3; ++i) {
            _revealScores(id, honestV[i], truth);
        }
        _toFinalizing(id);
        _finalizeAll(id);
        assertEq(arena.submissionAt(id, 0).consensus, 8000);
        assertEq(arena.submissionAt(id, 1).consensus, 7000);
        assertEq(arena.submissionAt(id, 2).consensus, 0);
        assertTrue(arena.submissionAt(id, 2).spam);
        for (uint256 i; i < 61; ++i) {
            assertEq(
                uint8(arena.validatorRecord(id, squatters[i]).outcome),
                uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation)
            );
            arena.claim(id, squatters[i]);
        }
        arena.claim(id, junk);
        _claimAll(id, honestV);

        int256 attackerPayoff = _worthSum(attacker) - attackerBefore;
        int256 honestPayoff = _worth(honestV[0]) - honestBefore;
        console.log("attack 1, validator-slot squatting (64 x 3,000 FLOCK + a junk model):");
        _print("attacker (squatters + junk trainer)", attackerPayoff);
        _print("one honest validator (100,000 FLOCK)", honestPayoff);
        assertLt(attackerPayoff, 0);
        assertGt(honestPayoff, 0);
    }

    /// Validators whose revealed stake totals less than MIN_REVEALED_STAKE cannot settle a task on their own.
    function test_attack01_tinyStakeCannotSettle() public {
        (uint256 id, address[] memory ts) = _taskInCommit(2);
        address[] memory vs = new address[](3);
        for (uint256 i; i < 3; ++i) {
            vs[i] = _validatorWith(string.concat("tiny", vm.toString(i)), 3000e18); // 9,000 < 10,000
        }
        int256 before = _worthSum(vs) + _worth(ts[1]);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 i; i < 3; ++i) {
            s[i] = _two(0, 10_000); // crown trainer 1
        }
        _scoreAndFinalize(id, vs, s);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Cancelled));
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewReveals));
        _claimAll(id, vs);
        arena.claim(id, ts[1]);
        int256 payoff = _worthSum(vs) + _worth(ts[1]) - before;
        console.log("attack 1b, three validators with 9,000 FLOCK in all crown their trainer:");
        _print("attacker", payoff);
        assertEq(payoff, 0);
        assertEq(arena.claimable(id, ts[1]), 0);
    }

    /// With less than half of the revealed stake, attackers cannot move any consensus outside the honest range.
    function testFuzz_attack01_minorityCannotMoveConsensus(
        uint16 a1,
        uint16 a2,
        uint16 h1,
        uint16 h2,
        uint16 h3
    ) public {
        (uint256 id,) = _taskInCommit(2);
        uint16[3] memory hs =
            [uint16(bound(h1, 4000, 6000)), uint16(bound(h2, 4000, 6000)), uint16(bound(h3, 4000, 6000))];
        uint16[2] memory atk = [uint16(bound(a1, 0, 10_000)), uint16(bound(a2, 0, 10_000))];
        // 3 honest × 51,000 = 153,000 vs 2 attackers × 73,500 = 147,000 (49%)
        address[] memory vals = new address[](5);
        uint16[][] memory s = new uint16[][](5);
        for (uint256 v; v < 5; ++v) {
            vals[v] = _validatorWith(string.concat("w", vm.toString(v)), v < 3 ? 51_000e18 : 73_500e18);
            uint16 x = v < 3 ? hs[v] : atk[v - 3];
            s[v] = _two(x, x);
        }
        _scoreAndFinalize(id, vals, s);
        uint256 lo = hs[0] < hs[1] ? (hs[0] < hs[2] ? hs[0] : hs[2]) : (hs[1] < hs[2] ? hs[1] : hs[2]);
        uint256 hi = hs[0] > hs[1] ? (hs[0] > hs[2] ? hs[0] : hs[2]) : (hs[1] > hs[2] ? hs[1] : hs[2]);
        for (uint256 i; i < 2; ++i) {
            IArenaTasks.Submission memory sub = arena.submissionAt(id, i);
            assertFalse(sub.contested);
            assertGe(sub.consensus, lo);
            assertLe(sub.consensus, hi);
        }
    }

    // ─── 2. copying ────────────────────────────────────────────────────────────────────────────

    /// The copier learnt the author's CID, committed later and revealed first: the author's reveal takes the model
    /// back, and the copier is slashed as a non-publisher.
    function test_attack02a_firstRevealDoesNotWin() public {
        uint256 id = _createTask();
        address author = _trainerAt(0);
        address copier = _trainerAt(1);
        address other = _trainerAt(2);
        _commitSubmission(id, author, _cid(0));
        _commitSubmission(id, other, _cid(2));
        _commitSubmission(id, copier, _cid(0));
        int256 copierBefore = _worth(copier);
        int256 authorBefore = _worth(author);
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, copier, _cid(0));
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTasks.SubmissionDisplaced(id, 0, copier, author, 1);
        _revealSubmission(id, author, _cid(0));
        _revealSubmission(id, other, _cid(2));
        assertEq(arena.submissionAt(id, 0).trainer, author);
        assertFalse(arena.trainerRecord(id, copier).published);
        // the copier cannot publish it again
        vm.prank(copier);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.DuplicateModel.selector, id, _cid(0)));
        arena.revealSubmission(id, _cid(0), _salt(copier));
        _toCommit(id);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 6000);
        }
        _scoreAndFinalize(id, vs, s);
        arena.claim(id, author);
        arena.claim(id, copier);
        int256 copierPayoff = _worth(copier) - copierBefore;
        int256 authorPayoff = _worth(author) - authorBefore;
        console.log("attack 2a, a copier reveals the author's CID first:");
        _print("copier", copierPayoff);
        _print("author", authorPayoff);
        assertEq(copierPayoff, -100e18); // TRAINER_NON_REVEAL_SLASH_BPS of the 1,000 FLOCK trainer stake
        assertGt(authorPayoff, 0);
    }

    /// The same content under another encoding of its CID is refused; a re-packaged copy (new bytes, new CID) is scored
    /// 0 by validators (the keeper's manifest and copied-weights rules) and slashed as spam.
    function test_attack02b_otherEncodingsAndRepackagedCopies() public {
        uint256 id = _createTask();
        address author = _trainerAt(0);
        address reencoder = _trainerAt(1);
        address repackager = _trainerAt(2);
        string memory cid = _cid(0);
        bytes memory upper = abi.encodePacked(cid); // a copy
        for (uint256 i = 1; i < upper.length; ++i) {
            if (upper[i] >= 0x61 && upper[i] <= 0x7a) upper[i] = bytes1(uint8(upper[i]) - 32);
        }
        string memory v0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
        _commitSubmission(id, author, cid);
        bytes32 c1 = arena.submissionCommitmentOf(id, reencoder, string(upper), _salt(reencoder));
        vm.prank(reencoder);
        arena.commitSubmission(id, c1);
        _commitSubmission(id, repackager, _cid(100));
        int256 before = _worth(reencoder) + _worth(repackager);
        int256 authorBefore = _worth(author);
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, author, cid);
        vm.prank(reencoder);
        vm.expectRevert(abi.encodeWithSelector(ModelCid.NonCanonicalCid.selector, string(upper)));
        arena.revealSubmission(id, string(upper), _salt(reencoder));
        vm.prank(reencoder);
        vm.expectRevert(abi.encodeWithSelector(ModelCid.NonCanonicalCid.selector, v0));
        arena.revealSubmission(id, v0, _salt(reencoder));
        _revealSubmission(id, repackager, _cid(100));
        _toCommit(id);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 0); // the repackaged copy carries weights identical to an earlier-committed model
        }
        _scoreAndFinalize(id, vs, s);
        arena.claim(id, author);
        arena.claim(id, reencoder);
        arena.claim(id, repackager);
        int256 copiers = _worth(reencoder) + _worth(repackager) - before;
        int256 authorPayoff = _worth(author) - authorBefore;
        console.log("attack 2b, the same model under another CID encoding / re-packaged:");
        _print("both copiers", copiers);
        _print("author", authorPayoff);
        assertEq(copiers, -150e18); // 100 non-reveal + 50 spam (SPAM_SLASH_BPS of 1,000)
        assertGt(authorPayoff, 0);
    }

    /// A trainer submits its own model from a second address to farm a second rank: the later commitment is refused
    /// and slashed, so the pair earns less than the single honest address.
    function test_attack02c_selfDuplicateFromSecondAddress() public {
        address f1 = _trainerAt(0);
        address f2 = _trainerAt(1);
        address[] memory farmer = new address[](2);
        farmer[0] = f1;
        farmer[1] = f2;
        uint256 snap = vm.snapshotState();
        int256 honestPayoff = _playSelfDuplicate(f1, f2, false);
        vm.revertToState(snap);
        int256 farmerPayoff = _playSelfDuplicate(f1, f2, true);
        console.log("attack 2c, one model from two addresses:");
        _print("farmer (both addresses)", farmerPayoff);
        _print("same node with one address", honestPayoff);
        assertLt(farmerPayoff, honestPayoff);
    }

    function _playSelfDuplicate(address f1, address f2, bool duplicate) internal returns (int256) {
        address[] memory farmer = new address[](2);
        farmer[0] = f1;
        farmer[1] = f2;
        uint256 id = _createTask();
        address other = _trainerAt(2);
        _commitSubmission(id, f1, _cid(0));
        _commitSubmission(id, other, _cid(2));
        if (duplicate) _commitSubmission(id, f2, _cid(0));
        int256 before = _worthSum(farmer);
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, f1, _cid(0));
        _revealSubmission(id, other, _cid(2));
        if (duplicate) {
            vm.prank(f2);
            vm.expectRevert(abi.encodeWithSelector(IArenaTasks.DuplicateModel.selector, id, _cid(0)));
            arena.revealSubmission(id, _cid(0), _salt(f2));
        }
        _toCommit(id);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 6000);
        }
        _scoreAndFinalize(id, vs, s);
        arena.claim(id, f1);
        if (duplicate) arena.claim(id, f2);
        return _worthSum(farmer) - before;
    }

    // ─── 3. creators ───────────────────────────────────────────────────────────────────────────

    /// A creator with 20 fake trainers never reveals its eval data: no model can become public (trainers reveal only
    /// after the eval data), the bond (sized to the pool) goes to the treasury, and the fake trainers get none of it.
    function test_attack03a_creatorWithholdsEvalData() public {
        uint256 id = _createTask();
        address[] memory fakes = new address[](20);
        for (uint256 i; i < 20; ++i) {
            fakes[i] = _trainerWith(string.concat("fake", vm.toString(i)), 1000e18);
            _commitSubmission(id, fakes[i], _cid(200 + i));
        }
        address honest = _trainerAt(0);
        _commitSubmission(id, honest, _cid(0));
        int256 creatorBefore =
            _worth(creator) + _worthSum(fakes) + int256(uint256(POOL)) + 10e18 + int256(_bond());
        int256 honestBefore = _worth(honest);
        uint256 treasuryBefore = token.balanceOf(treasury);
        _toPublish(id);
        vm.prank(honest);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalDataNotRevealed.selector, id));
        arena.revealSubmission(id, _cid(0), _salt(honest));
        uint256 evalRevealEnd = arena.getTask(id).evalRevealEnd;
        vm.warp(evalRevealEnd);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalRevealClosed.selector, id, evalRevealEnd));
        arena.revealEvalData(id, EVAL_CID, EVAL_SALT);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.EvalDataNotRevealed));
        assertEq(arena.getTask(id).published, 0);
        arena.claim(id, creator);
        _claimAll(id, fakes);
        arena.claim(id, honest);
        assertEq(token.balanceOf(treasury) - treasuryBefore, _bond());
        // the creator's side paid pool + fee + bond up front; it got the pool back and nothing else
        int256 creatorPayoff = _worth(creator) + _worthSum(fakes) - creatorBefore;
        console.log("attack 3a, the creator withholds the eval data (20 fake trainers):");
        _print("creator + fakes", creatorPayoff);
        _print("honest trainer", _worth(honest) - honestBefore);
        assertEq(creatorPayoff, -(10e18 + int256(_bond())));
        assertEq(_worth(honest), honestBefore);
    }

    /// A creator reveals a commitment to eval data nobody can use: the validators say so (an empty reveal), the task
    /// ends CreatorDefault, and the pool and bond go to the treasury, not back to the creator.
    function test_attack03b_unusableEvalDataIsADefault() public {
        uint256 snap = vm.snapshotState();
        int256 honestCreator = _playCreator(false);
        vm.revertToState(snap);
        int256 cheatingCreator = _playCreator(true);
        console.log("attack 3b, the creator reveals eval data nobody can fetch:");
        _print("cheating creator (no usable result)", cheatingCreator);
        _print("honest creator (ranked models)", honestCreator);
        assertEq(cheatingCreator, -(int256(uint256(POOL)) + 10e18 + int256(_bond())));
        assertLt(cheatingCreator, honestCreator);
    }

    function _playCreator(bool unusable) internal returns (int256) {
        int256 before = _worth(creator);
        (uint256 id, address[] memory ts) = _taskInCommit(2);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = unusable ? new uint16[](0) : _two(8000, 6000);
        }
        _scoreAndFinalize(id, vs, s);
        if (unusable) {
            assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.CreatorDefault));
            vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NothingToClaim.selector, id, creator));
            arena.claim(id, creator);
            // the validators who said so and the trainers lose nothing
            for (uint256 v; v < 3; ++v) {
                assertEq(vault.assetsOf(vs[v], vs[v]), VALIDATOR_STAKE);
            }
        } else {
            arena.claim(id, creator);
        }
        _claimAll(id, ts);
        return _worth(creator) - before;
    }

    /// One validator out of four claims "unavailable" while the others scored: it is slashed like a deviating one.
    function test_attack03c_falseUnavailableIsSlashed() public {
        (uint256 id,) = _taskInCommit(2);
        address[] memory vs = new address[](4);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 4; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = v == 3 ? new uint16[](0) : _two(8000, 6000);
        }
        int256 before = _worth(vs[3]);
        int256 honestBefore = _worth(vs[0]);
        _scoreAndFinalize(id, vs, s);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
        assertEq(
            uint8(arena.validatorRecord(id, vs[3]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation)
        );
        _claimAll(id, vs);
        console.log("attack 3c, a validator falsely claims the eval data is unavailable:");
        _print("liar", _worth(vs[3]) - before);
        _print("honest validator", _worth(vs[0]) - honestBefore);
        assertEq(_worth(vs[3]) - before, -5000e18);
        assertGt(_worth(vs[0]), honestBefore);
    }

    /// When too few validators reveal, the non-revealers' slash goes to the treasury and the pool is not refunded: a
    /// creator gains nothing by disrupting validators after the models are public.
    function test_attack03d_tooFewRevealsPaysTheCreatorNothing() public {
        int256 before = _worth(creator);
        uint256 treasuryBefore = token.balanceOf(treasury);
        (uint256 id,) = _taskInCommit(2);
        address[] memory vs = new address[](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            _commitScores(id, vs[v], _two(8000, 6000));
        }
        _toReveal(id);
        _revealScores(id, vs[0], _two(8000, 6000));
        _toFinalizing(id);
        _finalizeAll(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewReveals));
        arena.claim(id, creator);
        // fee + pool + 2 non-reveal slashes (10% of 50,000 each)
        assertEq(token.balanceOf(treasury) - treasuryBefore, 10e18 + POOL + 10_000e18);
        int256 payoff = _worth(creator) - before;
        console.log("attack 3d, validators kept from revealing:");
        _print("creator", payoff);
        assertEq(payoff, -(int256(uint256(POOL)) + 10e18));
    }

    /// A reused eval commitment (same CID and salt) would expose the later task's hidden data at the first reveal.
    function test_attack03e_evalCommitmentCannotBeReused() public {
        uint256 first = _createTask();
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.evalCommitment = arena.getTask(first).evalCommitment; // the same eval CID and salt again
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.EvalCommitmentReused.selector, p.evalCommitment));
        arena.createTask(p);
    }

    // ─── 4. submission-slot squatting ──────────────────────────────────────────────────────────

    /// 256 addresses fill every submission slot and never reveal: each pays TRAINER_NON_REVEAL_SLASH_BPS of its stake,
    /// 25,600 FLOCK per task at the default stake.
    function test_attack04_submissionSlotSquatting() public {
        uint256 id = _createTask();
        address[] memory squatters = new address[](256);
        for (uint256 i; i < 256; ++i) {
            squatters[i] = _trainerWith(string.concat("slot", vm.toString(i)), 1000e18);
            _commitSubmission(id, squatters[i], _cid(1000 + i));
        }
        address honest = _trainerAt(0);
        bytes32 c = arena.submissionCommitmentOf(id, honest, _cid(0), _salt(honest));
        vm.prank(honest);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.TooManySubmissions.selector, id, 256));
        arena.commitSubmission(id, c);
        int256 before = _worthSum(squatters);
        int256 honestBefore = _worth(honest);
        _toPublish(id);
        _revealEval(id);
        _toCommit(id);
        arena.cancel(id);
        assertEq(uint8(arena.getTask(id).cancelReason), uint8(IArenaTasks.CancelReason.TooFewSubmissions));
        _claimAll(id, squatters);
        int256 payoff = _worthSum(squatters) - before;
        console.log("attack 4, 256 addresses squat every submission slot:");
        _print("squatters", payoff);
        _print("the honest trainer kept out", _worth(honest) - honestBefore);
        assertEq(payoff, -25_600e18);
        assertLt(payoff, _worth(honest) - honestBefore);
    }

    // ─── 5. just-in-time reward sniping ────────────────────────────────────────────────────────

    /// After settlement a sniper delegates 90,000 to the winner's pool and claims for it: the deposit waits for the
    /// lock to be released, so the reward goes to the stake that was at risk.
    function test_attack05_justInTimeRewardSniping() public {
        address winner = _trainerAt(0);
        address atRisk = makeAddr("delegatorAtRisk");
        _delegate(atRisk, winner, 10_000e18);
        (uint256 id,) = _taskInCommit(2);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 6000);
        }
        _scoreAndFinalize(id, vs, s);

        address sniper = makeAddr("sniper");
        _fund(sniper, 90_000e18);
        vm.prank(sniper);
        assertEq(vault.delegate(winner, 90_000e18), 0); // pending: the task's lock is outstanding
        arena.claim(id, winner);
        vm.prank(sniper);
        vault.activate(winner, sniper);
        uint256 sniperAssets = vault.assetsOf(winner, sniper);
        uint256 atRiskAssets = vault.assetsOf(winner, atRisk);
        int256 sniperPayoff = int256(sniperAssets) - 90_000e18;
        int256 atRiskPayoff = int256(atRiskAssets) - 10_000e18;
        console.log("attack 5, a sniper delegates 90,000 FLOCK after settlement and claims:");
        _print("sniper", sniperPayoff);
        _print("delegator at risk all task (10,000 FLOCK)", atRiskPayoff);
        assertLe(sniperPayoff, 0);
        assertGt(atRiskPayoff, 0);
    }

    // ─── 6. operator exit before slash ─────────────────────────────────────────────────────────

    /// An operator whose pool is locked unbonds its own stake and tries to leave before revealing garbage: it must keep
    /// MIN_OPERATOR_SELF_STAKE in, its unbonding entry waits for the lock and is slashed with the pool.
    function test_attack06_operatorExitBeforeSlash() public {
        _setParam(ConfigKeys.VALIDATOR_LOCK_CAP, 20_000e18); // leave unlocked stake in the pool to unbond
        uint256 snap = vm.snapshotState();
        int256 honest = _playOperatorExit(false);
        vm.revertToState(snap);
        int256 cheat = _playOperatorExit(true);
        console.log("attack 6, an operator unbonds its own stake, then reveals garbage:");
        _print("cheating operator", cheat);
        _print("honest operator", honest);
        assertLt(cheat, 0);
        assertLt(cheat, honest);
    }

    function _playOperatorExit(bool cheat) internal returns (int256) {
        (uint256 id,) = _taskInCommit(2);
        address op = _validatorWith("operator", 3000e18);
        _delegate(makeAddr("operatorDelegator"), op, 47_000e18);
        int256 before = _worth(op);
        address[] memory vs = new address[](4);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 6000);
        }
        vs[3] = op;
        s[3] = cheat ? _two(0, 10_000) : _two(8000, 6000);
        _commitScores(id, op, s[3]);
        uint256 entry;
        if (cheat) {
            uint256 shares = vault.sharesOf(op, op);
            vm.prank(op);
            vm.expectRevert(abi.encodeWithSelector(IStakingVault.SelfStakeTooLow.selector, op, 0, 100e18));
            vault.requestUnbond(op, shares);
            vm.prank(op);
            entry = vault.requestUnbond(op, shares * 29 / 30); // keep ~100 FLOCK in
        }
        for (uint256 v; v < 3; ++v) {
            _commitScores(id, vs[v], s[v]);
        }
        _toReveal(id);
        for (uint256 v; v < 4; ++v) {
            _revealScores(id, vs[v], s[v]);
        }
        _toFinalizing(id);
        _finalizeAll(id);
        if (cheat) {
            vm.warp(block.timestamp + _unbondingPeriod());
            vm.prank(op);
            vm.expectRevert(abi.encodeWithSelector(IStakingVault.UnbondingLocked.selector, entry, 1, 0));
            vault.withdraw(entry);
        }
        arena.claim(id, op);
        if (cheat) {
            vm.prank(op);
            vault.withdraw(entry);
        }
        return _worth(op) - before;
    }

    /// The unbonding period must outlast a task (four windows of at most MAX_WINDOW).
    function test_attack06_unbondingShorterThanATaskIsRejected() public {
        uint256 maxWindow = _param(ConfigKeys.MAX_WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector,
                ConfigKeys.UNBONDING_PERIOD,
                4 * maxWindow - 1
            )
        );
        config.set(ConfigKeys.UNBONDING_PERIOD, 4 * maxWindow - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_WINDOW, 6 days
            )
        );
        config.set(ConfigKeys.MAX_WINDOW, 6 days);
    }

    // ─── 7. trainer–validator collusion ────────────────────────────────────────────────────────

    /// A validator with a quarter of the weight scores its partner's rival 0: the split is even, so the rival is not
    /// pushed down to the lower side, and the single large deviation gets the colluder slashed; the pair ends below
    /// what it would have earned honestly.
    function test_attack07_trainerValidatorCollusion() public {
        uint256 snap = vm.snapshotState();
        int256 honest = _playCollusion(false);
        vm.revertToState(snap);
        int256 colluding = _playCollusion(true);
        console.log("attack 7, a validator scores its partner's rival 0:");
        _print("colluding pair", colluding);
        _print("the same pair, honest", honest);
        assertLt(colluding, honest);
    }

    function _playCollusion(bool collude) internal returns (int256) {
        (uint256 id, address[] memory ts) = _taskInCommit(9);
        address partner = ts[1];
        address[] memory pair = new address[](2);
        pair[0] = partner;
        pair[1] = _validatorAt(3);
        int256 before = _worthSum(pair);
        address[] memory vs = new address[](4);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 4; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = new uint16[](9);
            s[v][0] = v == 2 ? 7000 : 8500; // the rival
            s[v][1] = 8000; // the partner
            for (uint256 i = 2; i < 9; ++i) {
                s[v][i] = uint16(7000 - i * 400);
            }
        }
        if (collude) s[3][0] = 0;
        _scoreAndFinalize(id, vs, s);
        if (collude) {
            assertEq(
                uint8(arena.validatorRecord(id, vs[3]).outcome),
                uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation)
            );
        }
        _claimAll(id, pair);
        return _worthSum(pair) - before;
    }

    // ─── 8. selective non-reveal ───────────────────────────────────────────────────────────────

    /// A last revealer who sees consensus going against it cannot save by withholding: non-reveal costs at least the
    /// worst deviation (and the config refuses a cheaper non-reveal).
    function test_attack08_selectiveNonReveal() public {
        uint256 snap = vm.snapshotState();
        int256 revealed = _playDeviator(true);
        vm.revertToState(snap);
        int256 withheld = _playDeviator(false);
        console.log("attack 8, a deviating validator withholds its reveal:");
        _print("withholding", withheld);
        _print("revealing the deviating vote", revealed);
        assertLe(withheld, revealed);
        uint256 deviation = _param(ConfigKeys.DEVIATION_SLASH_BPS);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector,
                ConfigKeys.NON_REVEAL_SLASH_BPS,
                deviation - 1
            )
        );
        config.set(ConfigKeys.NON_REVEAL_SLASH_BPS, deviation - 1);
    }

    function _playDeviator(bool reveal) internal returns (int256) {
        (uint256 id,) = _taskInCommit(2);
        address[] memory vs = new address[](4);
        uint16[] memory truth = _two(8000, 6000);
        uint16[] memory wrong = _two(1000, 9000);
        for (uint256 v; v < 4; ++v) {
            vs[v] = _validatorAt(v);
            _commitScores(id, vs[v], v == 3 ? wrong : truth);
        }
        int256 before = _worth(vs[3]);
        _toReveal(id);
        for (uint256 v; v < 3; ++v) {
            _revealScores(id, vs[v], truth);
        }
        if (reveal) _revealScores(id, vs[3], wrong);
        _toFinalizing(id);
        _finalizeAll(id);
        arena.claim(id, vs[3]);
        return _worth(vs[3]) - before;
    }

    // ─── 9. commission front-running ───────────────────────────────────────────────────────────

    /// An operator raises its commission 0% → 50% in the block before `claim`: the increase is only scheduled (it
    /// applies after UNBONDING_PERIOD), so the reward pays 0% commission; a lowered maximum caps existing pools.
    function test_attack09_commissionFrontRunning() public {
        address op = _trainerAt(0);
        address d = makeAddr("commissionDelegator");
        _delegate(d, op, 20_000e18);
        (uint256 id,) = _taskInCommit(2);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 6000);
        }
        _scoreAndFinalize(id, vs, s);
        vm.prank(op);
        vault.setCommission(5000);
        assertEq(vault.effectiveCommission(op), 0);
        uint256 dBefore = vault.assetsOf(op, d);
        arena.claim(id, op);
        uint256 commission = vault.poolOf(op).unclaimedCommission;
        int256 dGain = int256(vault.assetsOf(op, d)) - int256(dBefore);
        console.log("attack 9, commission raised to 50% in the block before claim:");
        _print("operator's commission", int256(commission));
        _print("delegator's gain", dGain);
        assertEq(commission, 0);
        assertGt(dGain, 0);

        // a lower maximum caps a pool whose increase has become due
        vm.warp(block.timestamp + _unbondingPeriod());
        _setParam(ConfigKeys.MAX_COMMISSION_BPS, 1000);
        assertEq(vault.effectiveCommission(op), 1000);
        vm.startPrank(_module);
        token.approve(address(vault), type(uint256).max);
        vm.stopPrank();
        vault.grantRole(vault.MODULE_ROLE(), _module);
        _fundModule(1000e18);
        vm.prank(_module);
        vault.depositReward(op, 1000e18);
        assertEq(vault.poolOf(op).unclaimedCommission, 100e18);
    }

    // ─── 10. exact 50% weight ──────────────────────────────────────────────────────────────────

    /// Attackers matching the honest weight score every model 0 and their junk 10000: every split is even, so there
    /// is no consensus, nobody honest is slashed, the junk earns nothing and the attackers earn less than honest
    /// scoring would have paid them.
    function test_attack10_exactHalfWeight() public {
        uint256 snap = vm.snapshotState();
        (int256 attackersHonest,) = _playHalf(false);
        vm.revertToState(snap);
        (int256 attackers, int256 honestSide) = _playHalf(true);
        console.log("attack 10, attackers with exactly half of the weight:");
        _print("attackers (2 validators + junk trainer)", attackers);
        _print("the same, scoring honestly", attackersHonest);
        _print("honest validators", honestSide);
        assertLt(attackers, attackersHonest);
        assertGe(honestSide, 0);
    }

    function _playHalf(bool attack) internal returns (int256 attackersPayoff, int256 honestPayoff) {
        address junk = _trainerWith("halfJunk", 5000e18);
        uint256 id = _createTask();
        address[] memory ts = new address[](2);
        ts[0] = _trainerAt(0);
        ts[1] = _trainerAt(1);
        _commitSubmission(id, ts[0], _cid(0));
        _commitSubmission(id, ts[1], _cid(1));
        _commitSubmission(id, junk, _cid(77));
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, ts[0], _cid(0));
        _revealSubmission(id, ts[1], _cid(1));
        _revealSubmission(id, junk, _cid(77));
        _toCommit(id);
        address[] memory vs = new address[](4);
        address[] memory atk = new address[](3);
        address[] memory hon = new address[](2);
        uint16[][] memory s = new uint16[][](4);
        for (uint256 v; v < 4; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = new uint16[](3);
            bool bad = attack && v >= 2;
            s[v][0] = bad ? 0 : 8000;
            s[v][1] = bad ? 0 : 6000;
            s[v][2] = bad ? 10_000 : 0;
        }
        atk[0] = vs[2];
        atk[1] = vs[3];
        atk[2] = junk;
        hon[0] = vs[0];
        hon[1] = vs[1];
        int256 aBefore = _worthSum(atk);
        int256 hBefore = _worthSum(hon);
        _scoreAndFinalize(id, vs, s);
        if (attack) {
            for (uint256 i; i < 3; ++i) {
                assertTrue(arena.submissionAt(id, i).contested);
                assertEq(arena.submissionAt(id, i).consensus, 0);
            }
        }
        _claimAll(id, vs);
        arena.claim(id, junk);
        return (_worthSum(atk) - aBefore, _worthSum(hon) - hBefore);
    }

    // ─── 11. config limits that cancel every task ──────────────────────────────────────────────

    /// Limits that would cancel every task are refused, so a task with honest participants still pays them.
    function test_attack11_inconsistentLimitsRefused() public {
        _setParam(ConfigKeys.MAX_SUBMISSIONS, 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MIN_SUBMISSIONS, 11
            )
        );
        config.set(ConfigKeys.MIN_SUBMISSIONS, 11);
        _setParam(ConfigKeys.MAX_VALIDATORS, 5);
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MIN_REVEALS, 6)
        );
        config.set(ConfigKeys.MIN_REVEALS, 6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_VALIDATORS, 2
            )
        );
        config.set(ConfigKeys.MAX_VALIDATORS, 2);

        (uint256 id, address[] memory ts) = _taskInCommit(2);
        int256 before = _worth(ts[0]);
        address[] memory vs = new address[](3);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = _two(8000, 6000);
        }
        _scoreAndFinalize(id, vs, s);
        arena.claim(id, ts[0]);
        console.log("attack 11, limits that would cancel every task:");
        _print("honest trainer under the accepted limits", _worth(ts[0]) - before);
        assertGt(_worth(ts[0]), before);
    }

    // ─── known attacks kept from the first review ──────────────────────────────────────────────

    /// Copying another validator's commitment is useless: the commitment binds the sender.
    function test_attack_copiedScoreCommitmentCannotBeRevealed() public {
        (uint256 id,) = _taskInCommit(2);
        address honest = _validatorAt(0);
        address copier = _validatorAt(1);
        uint16[] memory s = _two(7000, 8000);
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

    /// A validator scoring uniformly at random (seeded) among honest, slightly noisy validators is slashed and earns
    /// nothing; the honest ones are paid.
    function testFuzz_attack_randomScorerSlashed(uint256 seed) public {
        uint256 n = 16;
        (uint256 id,) = _taskInCommit(n);
        uint16[][] memory s = new uint16[][](5);
        address[] memory vs = new address[](5);
        for (uint256 v; v < 5; ++v) {
            vs[v] = _validatorAt(v);
            s[v] = new uint16[](n);
            for (uint256 i; i < n; ++i) {
                uint256 truth = 2000 + i * 400;
                uint256 noise = uint256(keccak256(abi.encode(seed, v, i))) % 201; // ± 100
                s[v][i] = uint16(
                    v == 4 ? uint256(keccak256(abi.encode(seed, "random", i))) % 10_001 : truth + noise - 100
                );
            }
        }
        int256 before = _worth(vs[4]);
        _scoreAndFinalize(id, vs, s);
        assertEq(
            uint8(arena.validatorRecord(id, vs[4]).outcome),
            uint8(IArenaTasks.ValidatorOutcome.SlashedDeviation)
        );
        assertEq(arena.claimable(id, vs[4]), 0);
        for (uint256 v; v < 4; ++v) {
            assertGt(arena.claimable(id, vs[v]), 0);
        }
        _claimAll(id, vs);
        assertEq(_worth(vs[4]) - before, -5000e18);
    }

    /// Unbonding cannot escape a slash: the locked stake cannot be unbonded and is slashed.
    function test_attack_unbondCannotEscapeSlash() public {
        (uint256 id,) = _taskInCommit(2);
        address cheat = _validatorAt(3);
        _commitScores(id, cheat, _two(6000, 7000));
        uint256 shares = vault.sharesOf(cheat, cheat);
        vm.prank(cheat);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.InsufficientUnlockedStake.selector, cheat, VALIDATOR_STAKE, 0
            )
        );
        vault.requestUnbond(cheat, shares); // the whole stake is locked (lock = min(available, cap))
        address[] memory vs = new address[](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            _commitScores(id, vs[v], _two(6000, 7000));
        }
        _toReveal(id);
        for (uint256 v; v < 3; ++v) {
            _revealScores(id, vs[v], _two(6000, 7000));
        }
        _toFinalizing(id);
        _finalizeAll(id);
        assertEq(arena.settlementOf(id).slashed, 5000e18);
    }
}
