// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IFLAlliance} from "../interfaces/IFLAlliance.sol";
import {ScorePacking} from "../libraries/ScorePacking.sol";

/// @title The storage of `FLAlliance`, shared with its external round library (`FLRounds`)
/// @notice `FLAlliance` holds one `Layout`; `FLRounds` runs by DELEGATECALL on a storage pointer to it. The helpers here
/// are `internal` (each user gets its own copy): the phase of a round, derived from its stored phase, the window
/// lengths and its counters.
/// @dev Per alliance: one `Alliance` (7 slots), its `Params` (2), its CIDs, the participant list (≤ 64), one 3-slot
/// `Member` per participant. Per round: one `Round` (9 slots). Per (round, participant): one `Entry` (up to 7 slots;
/// the ≤ 32 scores packed 16 per slot).
library FLStorage {
    uint8 internal constant JOINING = uint8(IFLAlliance.AllianceStatus.Joining);
    uint8 internal constant RUNNING = uint8(IFLAlliance.AllianceStatus.Running);
    uint8 internal constant COMPLETED = uint8(IFLAlliance.AllianceStatus.Completed);
    uint8 internal constant CANCELLED = uint8(IFLAlliance.AllianceStatus.Cancelled);

    /// @dev An alliance.
    struct Alliance {
        address creator;
        uint8 status;
        uint8 source;
        uint8 rule;
        uint16 rounds;
        uint16 round;
        uint16 participants;
        uint16 minParticipants;
        uint16 maxParticipants;
        uint16 proposersPerRound;
        uint32 ruleParam;
        uint40 joinEnd;
        bool creatorClaimed;
        uint128 rewardPool;
        uint128 remaining;
        uint128 minStake;
        uint128 creatorRefund;
        uint256 parentId;
        bytes32 seed;
        address parentContributor;
        IFLAlliance.Windows windows;
    }

    /// @dev A round. `phase` and `phaseStart` are the last *stored* phase and its start; `phaseOf` derives the phase now.
    /// Masks are over participant indexes (bit i ⇔ participantsOf[i]).
    struct Round {
        uint8 phase;
        uint8 outcome;
        uint40 phaseStart;
        uint64 startBlock;
        uint16 proposerCount;
        uint16 voterCount;
        uint16 updateCommits;
        uint16 updateReveals;
        uint16 scoreCommits;
        uint16 scoreReveals;
        uint16 voteCommits;
        uint16 voteReveals;
        uint16 globalConsensus;
        uint256 proposerMask;
        uint256 revealedMask;
        bytes32 seed;
        bytes32 entropy;
        uint128 budget;
        uint128 paid;
        uint128 slashed;
        uint128 acceptStake;
        uint128 voteStake;
    }

    /// @dev What one participant did in one round (a proposer also scores and votes).
    struct Entry {
        bytes32 updateCommitment;
        bytes32 scoresCommitment;
        bytes32 voteCommitment;
        bytes32 candidateHash;
        uint32 examples;
        bool updateRevealed;
        bool scoresRevealed;
        bool voteRevealed;
        bool accept;
        uint256[2] scoreWords;
    }

    /// @dev Everything `FLAlliance` stores.
    struct Layout {
        uint256 count;
        mapping(uint256 allianceId => Alliance) alliances;
        mapping(uint256 allianceId => IFLAlliance.Params) params;
        mapping(uint256 allianceId => string) startCids;
        mapping(uint256 allianceId => string) globalCids;
        mapping(uint256 allianceId => address[]) participants;
        mapping(uint256 allianceId => mapping(address account => IFLAlliance.Member)) members;
        mapping(uint256 allianceId => mapping(uint256 round => Round)) rounds;
        mapping(uint256 allianceId => mapping(uint256 round => mapping(address account => Entry))) entries;
        mapping(uint256 allianceId => mapping(uint256 round => mapping(bytes32 cidHash => bool))) updateCids;
        mapping(uint256 allianceId => mapping(uint256 round => mapping(bytes32 cidHash => string)))
            candidates;
        mapping(uint256 allianceId => mapping(uint256 round => string)) acceptedCids;
    }

    /// @dev The phase of round `r` now and when its window ends (0 once `Ended`).
    function phaseOf(Alliance storage a, Round storage r)
        internal
        view
        returns (IFLAlliance.RoundPhase p, uint256 end)
    {
        p = IFLAlliance.RoundPhase(r.phase);
        if (p == IFLAlliance.RoundPhase.None || p >= IFLAlliance.RoundPhase.Ended) return (p, 0);
        uint256 start = r.phaseStart;
        while (true) {
            end = start + windowOf(a.windows, p);
            if (block.timestamp < end) return (p, end);
            // the window passed: the next phase started at its end, unless nobody can act in it
            start = end;
            p = next(p);
            if (p == IFLAlliance.RoundPhase.Ended || !reachable(r, p)) {
                return (IFLAlliance.RoundPhase.Ended, 0);
            }
        }
    }

    /// @dev The phase after `p` (`p` < Ended).
    function next(IFLAlliance.RoundPhase p) internal pure returns (IFLAlliance.RoundPhase) {
        return IFLAlliance.RoundPhase(uint8(p) + 1);
    }

    /// @dev Whether anybody can act in phase `p` of `r` given what happened before it (Ended is always reachable).
    function reachable(Round storage r, IFLAlliance.RoundPhase p) internal view returns (bool) {
        if (p == IFLAlliance.RoundPhase.UpdateReveal) return r.updateCommits != 0;
        if (p == IFLAlliance.RoundPhase.ScoreCommit) return r.updateReveals != 0;
        if (p == IFLAlliance.RoundPhase.ScoreReveal) return r.scoreCommits != 0;
        if (p == IFLAlliance.RoundPhase.VoteCommit) return r.scoreReveals != 0;
        if (p == IFLAlliance.RoundPhase.VoteReveal) return r.voteCommits != 0;
        return true;
    }

    /// @dev Whether everyone who could act in phase `p` of `r` has acted.
    function complete(Round storage r, IFLAlliance.RoundPhase p) internal view returns (bool) {
        if (p == IFLAlliance.RoundPhase.UpdateCommit) return r.updateCommits == r.proposerCount;
        if (p == IFLAlliance.RoundPhase.UpdateReveal) return r.updateReveals == r.updateCommits;
        if (p == IFLAlliance.RoundPhase.ScoreCommit) return r.scoreCommits == r.voterCount;
        if (p == IFLAlliance.RoundPhase.ScoreReveal) return r.scoreReveals == r.scoreCommits;
        if (p == IFLAlliance.RoundPhase.VoteCommit) return r.voteCommits == r.scoreReveals;
        return r.voteReveals == r.voteCommits;
    }

    /// @dev The window length of phase `p` (an acting phase).
    function windowOf(IFLAlliance.Windows storage w, IFLAlliance.RoundPhase p)
        internal
        view
        returns (uint256)
    {
        if (p == IFLAlliance.RoundPhase.UpdateCommit) return w.updateCommit;
        if (p == IFLAlliance.RoundPhase.UpdateReveal) return w.updateReveal;
        if (p == IFLAlliance.RoundPhase.ScoreCommit) return w.scoreCommit;
        if (p == IFLAlliance.RoundPhase.ScoreReveal) return w.scoreReveal;
        if (p == IFLAlliance.RoundPhase.VoteCommit) return w.voteCommit;
        return w.voteReveal;
    }

    /// @dev The scores an entry holds (`count` of them).
    function scoresOf(Entry storage e, uint256 count) internal view returns (uint16[] memory scores) {
        scores = new uint16[](count);
        for (uint256 w; w < ScorePacking.wordCount(count); ++w) {
            ScorePacking.unpackInto(e.scoreWords[w], scores, w);
        }
    }

    /// @dev Whether the alliance is over (completed or cancelled).
    function over(Alliance storage a) internal view returns (bool) {
        return a.status == COMPLETED || a.status == CANCELLED;
    }
}
