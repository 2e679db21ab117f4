// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";

/// @notice Settlement of a round: exclusion, acceptance, slashes, the budget, rewards, completion and lineage.
contract FLAllianceSettleTest is FLBaseTest {
    function test_settle_honestRoundMovesTheGlobalModelAndPays() public {
        uint256 id = _running(2, 2, _kinds(4));
        _playRound(id);
        IFLAlliance.RoundView memory r = alliance.getRound(id, 1);
        assertEq(uint8(r.outcome), uint8(IFLAlliance.RoundOutcome.Accepted));
        assertEq(r.candidateCid, _candidate(1));
        assertEq(alliance.getAlliance(id).globalCid, _candidate(1));
        assertEq(r.budget, FL_POOL / 2, "remaining / rounds left");
        assertEq(r.globalConsensus, GLOBAL_SCORE);
        // proposers share 70% pro rata to their consensus (equal here), voters 30% by stake (4 equal)
        uint256 proposerShare = (FL_POOL / 2) * 7000 / 10_000;
        uint256 voterShare = FL_POOL / 2 - proposerShare;
        assertEq(alliance.memberOf(id, r.proposers[0]).pending, proposerShare / 2 + voterShare / 4);
        assertEq(r.paid, proposerShare + voterShare);
        assertEq(r.slashed, 0);
    }

    function test_settle_poisonerExcludedAndSlashed() public {
        Kind[] memory k = _kinds(4);
        uint256 id = _running(1, 2, k);
        address p = alliance.getRound(id, 1).proposers[0];
        kindOf[p] = Kind.Poisoner;
        _playRound(id);
        IFLAlliance.Member memory m = alliance.memberOf(id, p);
        assertEq(m.slashed, FL_STAKE * 2000 / 10_000, "FL_POISON_SLASH_BPS of its stake");
        assertEq(m.proposerEarned, 0);
        assertEq(m.stake, FL_STAKE - m.slashed, "its weight shrinks");
        assertEq(vault.lockOf(address(alliance), id, p), m.stake, "the vault lock shrinks alike");
        // treasury got 10% of the slash, the rest returned to the pool and paid out in this (last) round
        assertEq(token.balanceOf(treasury), m.slashed / 10);
    }

    function test_settle_rejectedRoundKeepsModelAndCarriesBudget() public {
        uint256 id = _running(2, 2, _kinds(4));
        // everyone rejects: honest voters vote reject
        address[] memory parts = alliance.participantsOf(id);
        for (uint256 i; i < parts.length; ++i) {
            kindOf[parts[i]] = Kind.Honest;
        }
        _playRoundRejecting(id);
        IFLAlliance.RoundView memory r = alliance.getRound(id, 1);
        assertEq(uint8(r.outcome), uint8(IFLAlliance.RoundOutcome.Rejected));
        assertEq(alliance.getAlliance(id).globalCid, "bafystart", "the last global model stays");
        uint256 voterShare = FL_POOL / 2 - (FL_POOL / 2) * 7000 / 10_000;
        assertEq(r.paid, voterShare, "only the voters (with the majority) are paid");
        assertEq(alliance.getAlliance(id).remaining, FL_POOL - voterShare, "the proposer part carries over");
    }

    function test_settle_tieRejects() public {
        uint256 id = _running(1, 2, _kinds(4));
        address[] memory parts = alliance.participantsOf(id);
        // two accept, two reject: 2 · accept = total is not a majority
        _playRoundWith(id, parts[1], parts[3]);
        assertEq(uint8(alliance.getRound(id, 1).outcome), uint8(IFLAlliance.RoundOutcome.Rejected));
        assertEq(alliance.getRound(id, 1).acceptStake, 2 * FL_STAKE);
    }

    function test_complete_recordsLineageAndRefund() public {
        uint256 id = _running(2, 2, _kinds(4));
        _playAll(id);
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        assertEq(uint8(a.status), uint8(IFLAlliance.AllianceStatus.Completed));
        IFLAlliance.Lineage memory l = alliance.lineageOf(id);
        assertEq(l.finalModelCid, _candidate(2));
        assertEq(l.parentCid, "bafystart");
        uint256 sum;
        for (uint256 i; i < l.sharesBps.length; ++i) {
            sum += l.sharesBps[i];
            assertGt(l.rewards[i], 0);
        }
        assertEq(sum, 10_000, "shares add up");
        // every lock released exactly once
        for (uint256 i; i < people.length; ++i) {
            assertEq(vault.poolOf(people[i]).lockedAssets, 0);
            assertTrue(alliance.memberOf(id, people[i]).unlocked);
            vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NothingToClaim.selector, id, people[i]));
            alliance.claim(id, people[i]);
        }
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NothingToAdvance.selector, id));
        alliance.advance(id);
    }

    function test_claim_paysIntoThePoolDuringTheAlliance() public {
        uint256 id = _running(2, 2, _kinds(4));
        _playRound(id);
        address p = people[0];
        uint256 pending = alliance.memberOf(id, p).pending;
        uint256 before = vault.poolOf(p).bondedAssets;
        assertEq(alliance.claim(id, p), pending);
        assertEq(vault.poolOf(p).bondedAssets, before + pending, "reward into the operator's pool");
        assertEq(vault.lockOf(address(alliance), id, p), FL_STAKE, "still locked while running");
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NothingToClaim.selector, id, p));
        alliance.claim(id, p);
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────

    function _playRoundRejecting(uint256 id) internal {
        address[] memory parts = alliance.participantsOf(id);
        _playRoundWith(id, address(0), parts[parts.length - 1]);
    }

    /// @dev Plays a round in which every participant up to `lastAccept` (by index, none when zero) accepts and the
    /// others reject.
    function _playRoundWith(uint256 id, address lastAccept, address) internal {
        uint16 round = _round(id);
        _proposersAct(id, round, alliance.getRound(id, round).proposers);
        address[] memory voters = alliance.participantsOf(id);
        _votersScore(id, round, voters, _columns(id, round));
        _toPhase(id, IFLAlliance.RoundPhase.VoteCommit);
        bool accepting = lastAccept != address(0);
        bool[] memory accepts = new bool[](voters.length);
        for (uint256 i; i < voters.length; ++i) {
            accepts[i] = accepting;
            if (voters[i] == lastAccept) accepting = false;
            _commitVote(id, round, voters[i], accepts[i]);
        }
        for (uint256 i; i < voters.length; ++i) {
            vm.prank(voters[i]);
            alliance.revealVote(id, accepts[i], _candidate(round), _salt(id, round, voters[i]));
        }
        alliance.advance(id);
    }

    function _commitVote(uint256 id, uint16 round, address voter, bool accept) internal {
        bytes32 c =
            alliance.voteCommitmentOf(id, round, voter, accept, _candidate(round), _salt(id, round, voter));
        vm.prank(voter);
        alliance.commitVote(id, c);
    }
}
