// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTasks} from "../interfaces/IArenaTasks.sol";
import {RewardMath} from "../libraries/RewardMath.sol";

/// @title The storage of `ArenaTasks`, shared with its external finalization library (`ArenaFinalize`)
/// @notice `ArenaTasks` holds one `Layout`; `ArenaFinalize` runs by DELEGATECALL on a storage pointer to it, so both see
/// the same slots. The helpers here are `internal`: each contract that uses them gets its own copy.
/// @dev Storage per task: one `Task` (5 slots), its `TaskParams` (3 slots), its `Settlement`, one 2-slot record per
/// participant, one slot per published submission (+ its CID hash), and the revealed scores packed 16 per slot under
/// the key `scoreKey(validatorIndex, word)`.
library ArenaStorage {
    /// @dev A task's stored status (the phase within an active task comes from its windows).
    enum Status {
        Active,
        Settled,
        Cancelled
    }

    /// @dev A task's state. Slot 0: creator + start/end of the submission window + status + stage. Slot 1: the other
    /// window ends and the counters the hot paths touch.
    struct Task {
        address creator;
        uint40 submissionStart;
        uint40 submissionEnd;
        Status status;
        IArenaTasks.Stage stage;
        uint40 publishEnd;
        uint40 commitEnd;
        uint40 revealEnd;
        uint16 liveCommitments;
        uint16 published;
        uint16 validators;
        uint16 revealed;
        uint16 cursor;
        uint32 seq;
        bool evalRevealed;
        uint128 rewardPool;
        uint128 bond;
        bytes32 evalCommitment;
        uint128 trainerPaid;
        uint16 eligible;
        IArenaTasks.CancelReason cancelReason;
        bool creatorClaimed;
        uint40 evalRevealEnd;
        uint16 scorers;
        uint128 revealedStake;
        uint128 unavailableStake;
        uint16 contested;
    }

    /// @dev Everything `ArenaTasks` stores, by task id.
    struct Layout {
        uint256 taskCount;
        mapping(uint256 taskId => Task) tasks;
        mapping(uint256 taskId => IArenaTasks.TaskParams) params;
        mapping(uint256 taskId => IArenaTasks.Settlement) settlements;
        mapping(uint256 taskId => string) specCids;
        mapping(uint256 taskId => string) evalCids;
        mapping(uint256 taskId => mapping(address trainer => IArenaTasks.TrainerRecord)) trainers;
        mapping(uint256 taskId => mapping(address validator => IArenaTasks.ValidatorRecord)) validators;
        mapping(uint256 taskId => mapping(uint256 index => address)) validatorAt;
        mapping(uint256 taskId => mapping(uint256 index => IArenaTasks.Submission)) submissions;
        mapping(uint256 taskId => mapping(bytes32 digest => uint256 indexPlusOne)) models;
        mapping(uint256 taskId => mapping(uint256 key => uint256)) scoreWords;
        mapping(bytes32 evalCommitment => bool) usedEvalCommitments;
    }

    /// @dev The key of word `word` (16 scores) of validator `vIndex`'s revealed scores in `Layout.scoreWords`.
    function scoreKey(uint256 vIndex, uint256 word) internal pure returns (uint256) {
        return (vIndex << 16) | word;
    }

    /// @dev A task's phase from its stored status and its windows.
    function phase(Task storage t) internal view returns (IArenaTasks.Phase) {
        Status status = t.status;
        if (status == Status.Settled) return IArenaTasks.Phase.Settled;
        if (status == Status.Cancelled) return IArenaTasks.Phase.Cancelled;
        uint256 ts = block.timestamp;
        if (ts < t.submissionStart) return IArenaTasks.Phase.Created;
        if (ts < t.submissionEnd) return IArenaTasks.Phase.Submission;
        if (ts < t.publishEnd) return IArenaTasks.Phase.Publish;
        if (ts < t.commitEnd) return IArenaTasks.Phase.Commit;
        if (ts < t.revealEnd) return IArenaTasks.Phase.Reveal;
        return IArenaTasks.Phase.Finalizing;
    }

    /// @dev The cancellation that is due now (None when none is, or once finalization has started). In order: the eval
    /// data not revealed by `evalRevealEnd`; fewer than minSubmissions published by `publishEnd`; after `revealEnd`, the
    /// validators that revealed "eval data unavailable" hold a strict majority of the revealed stake (and at least
    /// minRevealedStake): the creator defaulted; too few scorers, or too little scoring stake.
    function dueCancelReason(Layout storage s, uint256 taskId, Task storage t)
        internal
        view
        returns (IArenaTasks.CancelReason)
    {
        uint256 ts = block.timestamp;
        if (t.status != Status.Active || t.stage != IArenaTasks.Stage.None || ts < t.evalRevealEnd) {
            return IArenaTasks.CancelReason.None;
        }
        if (!t.evalRevealed) return IArenaTasks.CancelReason.EvalDataNotRevealed;
        if (ts < t.publishEnd) return IArenaTasks.CancelReason.None;
        IArenaTasks.TaskParams storage p = s.params[taskId];
        if (t.published < p.minSubmissions) return IArenaTasks.CancelReason.TooFewSubmissions;
        if (ts < t.revealEnd) return IArenaTasks.CancelReason.None;
        uint256 unavailable = t.unavailableStake;
        uint256 scoring = t.revealedStake;
        if (unavailable > scoring && unavailable >= p.minRevealedStake) {
            return IArenaTasks.CancelReason.CreatorDefault;
        }
        if (t.scorers < p.minReveals || scoring < p.minRevealedStake) {
            return IArenaTasks.CancelReason.TooFewReveals;
        }
        return IArenaTasks.CancelReason.None;
    }

    /// @dev The reward of rank `rank` (0 beyond the paid ranks).
    function trainerReward(IArenaTasks.Settlement storage st, uint256 decay, uint256 rank)
        internal
        view
        returns (uint256)
    {
        if (rank >= st.paidTrainers) return 0;
        return RewardMath.proRata(st.trainerPot, RewardMath.rankWeight(decay, rank), st.trainerWeightSum);
    }

    /// @dev A rewarded validator's share weight: lock × (tolerance − distance + 1).
    function validatorWeight(IArenaTasks.ValidatorRecord storage r, uint256 tolerance)
        internal
        view
        returns (uint256)
    {
        return uint256(r.lock) * (tolerance - r.distance + 1);
    }
}
