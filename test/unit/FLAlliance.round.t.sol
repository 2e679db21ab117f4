// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";

/// @notice Phases of a round: windows, early ends, reveals and their checks.
contract FLAllianceRoundTest is FLBaseTest {
    uint256 internal id;
    address[] internal proposers;
    address internal voterOnly;

    function setUp() public override {
        super.setUp();
        id = _running(2, 2, _kinds(4));
        proposers = alliance.getRound(id, 1).proposers;
        address[] memory parts = alliance.participantsOf(id);
        for (uint256 i; i < parts.length; ++i) {
            if (alliance.roleOf(id, 1, parts[i]) == IFLAlliance.AllianceRole.Voter) voterOnly = parts[i];
        }
    }

    function _commitUpdate(address p, string memory cid) internal {
        bytes32 c = alliance.updateCommitmentOf(id, 1, p, cid, 100, _salt(id, 1, p));
        vm.prank(p);
        alliance.commitUpdate(id, c);
    }

    function test_commitUpdate_onlyProposers() public {
        vm.prank(voterOnly);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFLAlliance.NotInRole.selector, id, 1, voterOnly, IFLAlliance.AllianceRole.Proposer
            )
        );
        alliance.commitUpdate(id, bytes32(uint256(1)));
        vm.prank(proposers[0]);
        vm.expectRevert(IFLAlliance.ZeroCommitment.selector);
        alliance.commitUpdate(id, 0);
    }

    function test_phase_endsEarlyWhenAllCommitted() public {
        _commitUpdate(proposers[0], "bafya");
        _commitUpdate(proposers[0], "bafya2"); // a replacement does not count twice
        assertEq(uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.UpdateCommit));
        _commitUpdate(proposers[1], "bafyb");
        IFLAlliance.RoundView memory r = alliance.getRound(id, 1);
        assertEq(uint8(r.phase), uint8(IFLAlliance.RoundPhase.UpdateReveal), "all committed: reveal now");
        assertEq(r.phaseEnd, block.timestamp + FL_WINDOW);
        vm.prank(proposers[0]);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.CommitmentMismatch.selector, id, 1, proposers[0]));
        alliance.revealUpdate(id, "bafya", 100, _salt(id, 1, proposers[0]));
        vm.prank(proposers[0]);
        alliance.revealUpdate(id, "bafya2", 100, _salt(id, 1, proposers[0]));
        vm.prank(proposers[0]);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.AlreadyRevealed.selector, id, 1, proposers[0]));
        alliance.revealUpdate(id, "bafya2", 100, _salt(id, 1, proposers[0]));
    }

    function test_revealUpdate_rejectsDuplicateAndBadExamples() public {
        _commitUpdate(proposers[0], "bafysame");
        _commitUpdate(proposers[1], "bafysame");
        vm.prank(proposers[0]);
        alliance.revealUpdate(id, "bafysame", 100, _salt(id, 1, proposers[0]));
        vm.prank(proposers[1]);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.DuplicateUpdate.selector, id, 1, "bafysame"));
        alliance.revealUpdate(id, "bafysame", 100, _salt(id, 1, proposers[1]));
        vm.prank(proposers[1]);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.InvalidExamples.selector, 0));
        alliance.revealUpdate(id, "bafysame", 0, _salt(id, 1, proposers[1]));
    }

    function test_round_withoutCommitsEndsAtTheCommitWindow() public {
        assertEq(uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.UpdateCommit));
        vm.warp(block.timestamp + FL_WINDOW - 1);
        assertEq(uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.UpdateCommit), "[start, end)");
        vm.warp(block.timestamp + 1);
        assertEq(uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.Ended), "nobody can reveal: ended");
        alliance.advance(id);
        IFLAlliance.RoundView memory r = alliance.getRound(id, 1);
        assertEq(uint8(r.outcome), uint8(IFLAlliance.RoundOutcome.NoUpdates));
        assertEq(uint8(r.phase), uint8(IFLAlliance.RoundPhase.Settled));
        // both proposers did not carry out their role
        assertEq(alliance.memberOf(id, proposers[0]).slashed, FL_STAKE * 500 / 10_000);
        assertEq(alliance.memberOf(id, voterOnly).slashed, 0, "voters had nothing to score");
        assertEq(alliance.getAlliance(id).round, 2);
    }

    function test_scores_countAndRangeChecked() public {
        _commitUpdate(proposers[0], "bafya");
        _commitUpdate(proposers[1], "bafyb");
        vm.prank(proposers[0]);
        alliance.revealUpdate(id, "bafya", 100, _salt(id, 1, proposers[0]));
        vm.warp(block.timestamp + FL_WINDOW); // proposers[1] never reveals: one column
        assertEq(uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.ScoreCommit));
        uint16[] memory bad = new uint16[](2);
        (bad[0], bad[1]) = (8000, 10_001);
        bytes32 c = alliance.scoresCommitmentOf(id, 1, voterOnly, bad, _salt(id, 1, voterOnly));
        vm.prank(voterOnly);
        alliance.commitScores(id, c);
        vm.warp(block.timestamp + FL_WINDOW);
        vm.prank(voterOnly);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.ScoreOutOfRange.selector, 1, 10_001));
        alliance.revealScores(id, bad, _salt(id, 1, voterOnly));
        uint16[] memory three = new uint16[](3);
        vm.prank(voterOnly);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.ScoreCountMismatch.selector, 3, 2));
        alliance.revealScores(id, three, _salt(id, 1, voterOnly));
    }

    function test_commitVote_needsRevealedScores() public {
        _playUntilVoteCommit();
        address[] memory parts = alliance.participantsOf(id);
        vm.prank(parts[0]);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.ScoresNotRevealed.selector, id, 1, parts[0]));
        alliance.commitVote(id, bytes32(uint256(1)));
    }

    function test_phase_staysEndedLongAfterTheLastWindow() public {
        _playUntilVoteCommit();
        vm.warp(block.timestamp + 365 days);
        assertEq(uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.Ended), "Ended is final until advance");
        vm.prank(proposers[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFLAlliance.WrongPhase.selector,
                id,
                1,
                IFLAlliance.RoundPhase.VoteCommit,
                IFLAlliance.RoundPhase.Ended
            )
        );
        alliance.commitVote(id, bytes32(uint256(1)));
        alliance.advance(id);
        assertEq(uint8(alliance.getRound(id, 1).phase), uint8(IFLAlliance.RoundPhase.Settled));
    }

    /// @dev Proposers reveal, everyone but participant 0 scores; ends in VoteCommit.
    function _playUntilVoteCommit() internal {
        _commitUpdate(proposers[0], "bafya");
        _commitUpdate(proposers[1], "bafyb");
        vm.prank(proposers[0]);
        alliance.revealUpdate(id, "bafya", 100, _salt(id, 1, proposers[0]));
        vm.prank(proposers[1]);
        alliance.revealUpdate(id, "bafyb", 100, _salt(id, 1, proposers[1]));
        address[] memory parts = alliance.participantsOf(id);
        uint16[] memory s = new uint16[](3);
        (s[0], s[1], s[2]) = (8000, 7000, 7000);
        for (uint256 i = 1; i < parts.length; ++i) {
            bytes32 c = alliance.scoresCommitmentOf(id, 1, parts[i], s, _salt(id, 1, parts[i]));
            vm.prank(parts[i]);
            alliance.commitScores(id, c);
        }
        _toPhase(id, IFLAlliance.RoundPhase.ScoreReveal);
        for (uint256 i = 1; i < parts.length; ++i) {
            vm.prank(parts[i]);
            alliance.revealScores(id, s, _salt(id, 1, parts[i]));
        }
        assertEq(
            uint8(_phase(id)), uint8(IFLAlliance.RoundPhase.VoteCommit), "all committed scorers revealed"
        );
    }
}
