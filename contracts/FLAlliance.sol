// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {FLCreate} from "./alliance/FLCreate.sol";
import {FLRounds} from "./alliance/FLRounds.sol";
import {FLStorage} from "./alliance/FLStorage.sol";
import {IArenaTasks} from "./interfaces/IArenaTasks.sol";
import {IFLAlliance} from "./interfaces/IFLAlliance.sol";
import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {ScorePacking} from "./libraries/ScorePacking.sol";

/// @title FLAlliance
/// @notice See `IFLAlliance`.
/// @dev Storage: one `FLStorage.Layout`. Round transitions (start, settlement, completion) run in the external library
/// `FLRounds` (DELEGATECALL on that layout, so its events are this contract's logs). A `StakingVault` module
/// (`MODULE_ROLE`): one lock per (alliance, participant), taken at `join`, slashed by rounds, released by `claim` once
/// the alliance is over.
contract FLAlliance is IFLAlliance, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Largest example count an update may claim (the keeper's `MAX_EXAMPLES`, 2^24).
    uint256 private constant _MAX_EXAMPLES = 1 << 24;

    IERC20 private immutable _TOKEN;
    IProtocolConfig private immutable _CONFIG;
    IStakingVault private immutable _VAULT;
    IArenaTasks private immutable _ARENA;

    FLStorage.Layout private _s;

    /// @param token_ FLOCK
    /// @param config_ the `ProtocolConfig`
    /// @param vault_ the `StakingVault` (grant this contract its `MODULE_ROLE`)
    /// @param arena_ the `ArenaTasks` whose winners may start an alliance
    constructor(address token_, address config_, address vault_, address arena_) {
        _TOKEN = IERC20(token_);
        _CONFIG = IProtocolConfig(config_);
        _VAULT = IStakingVault(vault_);
        _ARENA = IArenaTasks(arena_);
        IERC20(token_).forceApprove(vault_, type(uint256).max);
    }

    // ─── lifecycle ─────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFLAlliance
    function createAlliance(CreateParams calldata p) external nonReentrant returns (uint256 id) {
        id = FLCreate.create(_s, _CONFIG, _ARENA, p);
        _TOKEN.safeTransferFrom(msg.sender, address(this), p.rewardPool);
    }

    /// @inheritdoc IFLAlliance
    function join(uint256 id, uint128 stake) external nonReentrant {
        FLStorage.Alliance storage a = _alliance(id);
        if (a.status != FLStorage.JOINING || block.timestamp >= a.joinEnd) {
            revert JoiningClosed(id, a.joinEnd);
        }
        if (_VAULT.roleOf(msg.sender) == IStakingVault.Role.None) revert NotOperator(msg.sender);
        uint256 cap = _s.params[id].lockCap;
        if (stake < a.minStake || stake > cap) revert InvalidStake(stake, a.minStake, cap);
        Member storage m = _s.members[id][msg.sender];
        if (m.joined) revert AlreadyJoined(id, msg.sender);
        uint16 index = a.participants;
        if (index >= a.maxParticipants) revert AllianceFull(id, a.maxParticipants);
        a.participants = index + 1;
        m.joined = true;
        m.index = index;
        m.stake = stake;
        _s.participants[id].push(msg.sender);
        emit ParticipantJoined(id, msg.sender, index, stake);
        _VAULT.lock(id, msg.sender, stake);
    }

    /// @inheritdoc IFLAlliance
    function commitUpdate(uint256 id, bytes32 commitment) external nonReentrant {
        (FLStorage.Round storage r, uint16 round) = _inPhase(id, RoundPhase.UpdateCommit);
        _requireRole(id, round, r, AllianceRole.Proposer);
        if (commitment == 0) revert ZeroCommitment();
        FLStorage.Entry storage e = _s.entries[id][round][msg.sender];
        bool replaced = e.updateCommitment != 0;
        e.updateCommitment = commitment;
        if (!replaced) ++r.updateCommits;
        emit UpdateCommitted(id, round, msg.sender, commitment, replaced);
        _advanceIfComplete(id, round, r, RoundPhase.UpdateCommit);
    }

    /// @inheritdoc IFLAlliance
    function revealUpdate(uint256 id, string calldata updateCid, uint32 examples, bytes32 salt)
        external
        nonReentrant
    {
        (FLStorage.Round storage r, uint16 round) = _inPhase(id, RoundPhase.UpdateReveal);
        if (bytes(updateCid).length == 0) revert EmptyCid();
        if (examples == 0 || examples > _MAX_EXAMPLES) revert InvalidExamples(examples);
        FLStorage.Entry storage e = _s.entries[id][round][msg.sender];
        _checkRevealable(id, round, e.updateCommitment, e.updateRevealed);
        if (updateCommitmentOf(id, round, msg.sender, updateCid, examples, salt) != e.updateCommitment) {
            revert CommitmentMismatch(id, round, msg.sender);
        }
        bytes32 cidHash = keccak256(bytes(updateCid));
        if (_s.updateCids[id][round][cidHash]) revert DuplicateUpdate(id, round, updateCid);
        _s.updateCids[id][round][cidHash] = true;
        e.updateRevealed = true;
        e.examples = examples;
        ++r.updateReveals;
        r.revealedMask |= 1 << _s.members[id][msg.sender].index;
        r.entropy = keccak256(abi.encode(r.entropy, salt));
        emit UpdateRevealed(id, round, msg.sender, updateCid, examples);
        _advanceIfComplete(id, round, r, RoundPhase.UpdateReveal);
    }

    /// @inheritdoc IFLAlliance
    function commitScores(uint256 id, bytes32 commitment) external nonReentrant {
        (FLStorage.Round storage r, uint16 round) = _inPhase(id, RoundPhase.ScoreCommit);
        _requireRole(id, round, r, AllianceRole.Voter);
        if (commitment == 0) revert ZeroCommitment();
        FLStorage.Entry storage e = _s.entries[id][round][msg.sender];
        bool replaced = e.scoresCommitment != 0;
        e.scoresCommitment = commitment;
        if (!replaced) ++r.scoreCommits;
        emit ScoresCommitted(id, round, msg.sender, commitment, replaced);
        _advanceIfComplete(id, round, r, RoundPhase.ScoreCommit);
    }

    /// @inheritdoc IFLAlliance
    function revealScores(uint256 id, uint16[] calldata scores, bytes32 salt) external nonReentrant {
        (FLStorage.Round storage r, uint16 round) = _inPhase(id, RoundPhase.ScoreReveal);
        FLStorage.Entry storage e = _s.entries[id][round][msg.sender];
        _checkRevealable(id, round, e.scoresCommitment, e.scoresRevealed);
        uint256 expected = 1 + uint256(r.updateReveals);
        if (scores.length != expected) revert ScoreCountMismatch(scores.length, expected);
        if (scoresCommitmentOf(id, round, msg.sender, scores, salt) != e.scoresCommitment) {
            revert CommitmentMismatch(id, round, msg.sender);
        }
        for (uint256 w; w < ScorePacking.wordCount(expected); ++w) {
            (uint256 word, uint256 maxScore) = ScorePacking.packCalldata(scores, w);
            if (maxScore > ScorePacking.MAX_SCORE) _revertScore(scores);
            e.scoreWords[w] = word;
        }
        e.scoresRevealed = true;
        ++r.scoreReveals;
        r.entropy = keccak256(abi.encode(r.entropy, salt));
        emit ScoresRevealed(id, round, msg.sender, _s.members[id][msg.sender].stake, scores);
        _advanceIfComplete(id, round, r, RoundPhase.ScoreReveal);
    }

    /// @inheritdoc IFLAlliance
    function commitVote(uint256 id, bytes32 commitment) external nonReentrant {
        (FLStorage.Round storage r, uint16 round) = _inPhase(id, RoundPhase.VoteCommit);
        FLStorage.Entry storage e = _s.entries[id][round][msg.sender];
        if (!e.scoresRevealed) revert ScoresNotRevealed(id, round, msg.sender);
        if (commitment == 0) revert ZeroCommitment();
        bool replaced = e.voteCommitment != 0;
        e.voteCommitment = commitment;
        if (!replaced) ++r.voteCommits;
        emit VoteCommitted(id, round, msg.sender, commitment, replaced);
        _advanceIfComplete(id, round, r, RoundPhase.VoteCommit);
    }

    /// @inheritdoc IFLAlliance
    function revealVote(uint256 id, bool accept, string calldata candidateCid, bytes32 salt)
        external
        nonReentrant
    {
        (FLStorage.Round storage r, uint16 round) = _inPhase(id, RoundPhase.VoteReveal);
        if (bytes(candidateCid).length == 0) revert EmptyCid();
        FLStorage.Entry storage e = _s.entries[id][round][msg.sender];
        if (e.voteCommitment == 0) revert NoCommitment(id, round, msg.sender);
        if (e.voteRevealed) revert AlreadyRevealed(id, round, msg.sender);
        if (voteCommitmentOf(id, round, msg.sender, accept, candidateCid, salt) != e.voteCommitment) {
            revert CommitmentMismatch(id, round, msg.sender);
        }
        _recordVote(id, round, e, accept, candidateCid);
        ++r.voteReveals;
        r.entropy = keccak256(abi.encode(r.entropy, salt));
        _advanceIfComplete(id, round, r, RoundPhase.VoteReveal);
    }

    /// @inheritdoc IFLAlliance
    function advance(uint256 id) external nonReentrant {
        _alliance(id);
        FLRounds.advance(_s, _TOKEN, _CONFIG, _VAULT, id);
    }

    /// @inheritdoc IFLAlliance
    function claim(uint256 id, address account) external nonReentrant returns (uint256 amount) {
        FLStorage.Alliance storage a = _alliance(id);
        Member storage m = _s.members[id][account];
        bool isOver = FLStorage.over(a);
        uint256 reward = m.pending;
        uint256 refund;
        bool release = isOver && m.joined && !m.unlocked;
        if (isOver && account == a.creator && !a.creatorClaimed) {
            a.creatorClaimed = true;
            refund = a.creatorRefund;
        }
        if (reward == 0 && refund == 0 && !release) revert NothingToClaim(id, account);
        m.pending = 0;
        if (release) m.unlocked = true;
        uint256 unlocked = release ? _VAULT.lockOf(address(this), id, account) : 0;
        emit Claimed(id, account, reward, refund, unlocked);
        if (release) _VAULT.unlock(id, account);
        if (reward != 0) _VAULT.depositReward(account, reward);
        if (refund != 0) _TOKEN.safeTransfer(account, refund);
        return reward + refund;
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFLAlliance
    function allianceCount() external view returns (uint256) {
        return _s.count;
    }

    /// @inheritdoc IFLAlliance
    function getAlliance(uint256 id) external view returns (AllianceView memory v) {
        FLStorage.Alliance storage a = _alliance(id);
        v.creator = a.creator;
        v.status = _statusNow(a);
        v.source = ModelSource(a.source);
        v.rule = AggregationRule(a.rule);
        v.ruleParam = a.ruleParam;
        v.rounds = a.rounds;
        v.round = a.round;
        v.participants = a.participants;
        v.minParticipants = a.minParticipants;
        v.maxParticipants = a.maxParticipants;
        v.proposersPerRound = a.proposersPerRound;
        v.joinEnd = a.joinEnd;
        v.parentId = a.parentId;
        v.rewardPool = a.rewardPool;
        v.remaining = a.remaining;
        v.minStake = a.minStake;
        v.creatorRefund = a.creatorRefund;
        v.creatorClaimed = a.creatorClaimed;
        v.windows = a.windows;
        v.startCid = _s.startCids[id];
        v.globalCid = _s.globalCids[id];
    }

    /// @inheritdoc IFLAlliance
    function paramsOf(uint256 id) external view returns (Params memory) {
        _alliance(id);
        return _s.params[id];
    }

    /// @inheritdoc IFLAlliance
    function getRound(uint256 id, uint16 round) external view returns (RoundView memory v) {
        FLStorage.Alliance storage a = _alliance(id);
        FLStorage.Round storage r = _s.rounds[id][round];
        uint256 end;
        (v.phase, end) = FLStorage.phaseOf(a, r);
        // a window end is a start time (uint40) plus windows capped by MAX_WINDOW: far below 2^40 seconds
        // forge-lint: disable-next-line(unsafe-typecast)
        v.phaseEnd = uint40(end);
        v.outcome = RoundOutcome(r.outcome);
        v.startBlock = r.startBlock;
        v.proposerCount = r.proposerCount;
        v.voterCount = r.voterCount;
        v.updateCommits = r.updateCommits;
        v.updateReveals = r.updateReveals;
        v.scoreCommits = r.scoreCommits;
        v.scoreReveals = r.scoreReveals;
        v.voteCommits = r.voteCommits;
        v.voteReveals = r.voteReveals;
        v.globalConsensus = r.globalConsensus;
        v.seed = r.seed;
        v.proposers = _proposersOf(id, r.proposerMask);
        v.revealedMask = _revealedPositions(v.proposers, id, r.revealedMask);
        v.budget = r.budget;
        v.paid = r.paid;
        v.slashed = r.slashed;
        v.acceptStake = r.acceptStake;
        v.voteStake = r.voteStake;
        v.candidateCid = _s.acceptedCids[id][round];
    }

    /// @inheritdoc IFLAlliance
    function participantsOf(uint256 id) external view returns (address[] memory) {
        return _s.participants[id];
    }

    /// @inheritdoc IFLAlliance
    function memberOf(uint256 id, address account) external view returns (Member memory) {
        return _s.members[id][account];
    }

    /// @inheritdoc IFLAlliance
    function entryOf(uint256 id, uint16 round, address account) external view returns (Entry memory v) {
        FLStorage.Entry storage e = _s.entries[id][round][account];
        v.updateCommitment = e.updateCommitment;
        v.scoresCommitment = e.scoresCommitment;
        v.voteCommitment = e.voteCommitment;
        v.updateRevealed = e.updateRevealed;
        v.scoresRevealed = e.scoresRevealed;
        v.voteRevealed = e.voteRevealed;
        v.accept = e.accept;
        v.examples = e.examples;
        v.candidateHash = e.candidateHash;
        if (e.scoresRevealed) {
            v.scores = FLStorage.scoresOf(e, 1 + uint256(_s.rounds[id][round].updateReveals));
        }
    }

    /// @inheritdoc IFLAlliance
    function roleOf(uint256 id, uint16 round, address account) public view returns (AllianceRole) {
        Member storage m = _s.members[id][account];
        FLStorage.Round storage r = _s.rounds[id][round];
        if (!m.joined || r.phase == uint8(RoundPhase.None)) return AllianceRole.None;
        return r.proposerMask & (1 << m.index) != 0 ? AllianceRole.Proposer : AllianceRole.Voter;
    }

    /// @inheritdoc IFLAlliance
    function claimable(uint256 id, address account) external view returns (uint256 amount) {
        FLStorage.Alliance storage a = _s.alliances[id];
        amount = _s.members[id][account].pending;
        if (FLStorage.over(a) && account == a.creator && !a.creatorClaimed) amount += a.creatorRefund;
    }

    /// @inheritdoc IFLAlliance
    function lineageOf(uint256 id) external view returns (Lineage memory l) {
        FLStorage.Alliance storage a = _alliance(id);
        l.source = ModelSource(a.source);
        l.parentId = a.parentId;
        l.parentCid = _s.startCids[id];
        l.parentContributor = a.parentContributor;
        if (a.status == FLStorage.COMPLETED) l.finalModelCid = _s.globalCids[id];
        (l.contributors, l.sharesBps, l.rewards) = FLRounds.contributorsOf(_s, id);
    }

    /// @inheritdoc IFLAlliance
    function updateCommitmentOf(
        uint256 id,
        uint16 round,
        address proposer,
        string calldata updateCid,
        uint32 examples,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(
            abi.encode(block.chainid, address(this), id, round, proposer, updateCid, examples, salt)
        );
    }

    /// @inheritdoc IFLAlliance
    function scoresCommitmentOf(
        uint256 id,
        uint16 round,
        address voter,
        uint16[] calldata scores,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), id, round, voter, scores, salt));
    }

    /// @inheritdoc IFLAlliance
    function voteCommitmentOf(
        uint256 id,
        uint16 round,
        address voter,
        bool accept,
        string calldata candidateCid,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(
            abi.encode(block.chainid, address(this), id, round, voter, accept, candidateCid, salt)
        );
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────

    function _alliance(uint256 id) private view returns (FLStorage.Alliance storage a) {
        a = _s.alliances[id];
        if (a.creator == address(0)) revert UnknownAlliance(id);
    }

    function _statusNow(FLStorage.Alliance storage a) private view returns (AllianceStatus) {
        return AllianceStatus(a.status);
    }

    /// @dev The current round, which must be in `expected` now.
    function _inPhase(uint256 id, RoundPhase expected)
        private
        view
        returns (FLStorage.Round storage r, uint16 round)
    {
        FLStorage.Alliance storage a = _alliance(id);
        if (a.status != FLStorage.RUNNING) {
            revert WrongStatus(id, AllianceStatus.Running, AllianceStatus(a.status));
        }
        round = a.round;
        r = _s.rounds[id][round];
        (RoundPhase actual,) = FLStorage.phaseOf(a, r);
        if (actual != expected) revert WrongPhase(id, round, expected, actual);
    }

    /// @dev Proposer: drawn this round; Voter: any participant (proposers vote too).
    function _requireRole(uint256 id, uint16 round, FLStorage.Round storage r, AllianceRole expected)
        private
        view
    {
        Member storage m = _s.members[id][msg.sender];
        bool ok = m.joined && (expected == AllianceRole.Voter || r.proposerMask & (1 << m.index) != 0);
        if (!ok) revert NotInRole(id, round, msg.sender, expected);
    }

    /// @dev A reveal needs an unrevealed commitment.
    function _checkRevealable(uint256 id, uint16 round, bytes32 commitment, bool revealed) private view {
        if (commitment == 0) revert NoCommitment(id, round, msg.sender);
        if (revealed) revert AlreadyRevealed(id, round, msg.sender);
    }

    /// @dev When everyone who could act in `p` has acted, the next phase starts now.
    function _advanceIfComplete(uint256 id, uint16 round, FLStorage.Round storage r, RoundPhase p) private {
        if (!FLStorage.complete(r, p)) return;
        RoundPhase nextPhase = FLStorage.next(p);
        r.phase = uint8(nextPhase);
        r.phaseStart = uint40(block.timestamp);
        emit PhaseAdvanced(id, round, nextPhase, uint40(block.timestamp));
    }

    function _recordVote(
        uint256 id,
        uint16 round,
        FLStorage.Entry storage e,
        bool accept,
        string calldata candidateCid
    ) private {
        bytes32 cidHash = keccak256(bytes(candidateCid));
        e.voteRevealed = true;
        e.accept = accept;
        e.candidateHash = cidHash;
        if (accept && bytes(_s.candidates[id][round][cidHash]).length == 0) {
            _s.candidates[id][round][cidHash] = candidateCid;
        }
        emit VoteRevealed(id, round, msg.sender, accept, candidateCid, _s.members[id][msg.sender].stake);
    }

    function _revertScore(uint16[] calldata scores) private pure {
        for (uint256 i; i < scores.length; ++i) {
            if (scores[i] > ScorePacking.MAX_SCORE) revert ScoreOutOfRange(i, scores[i]);
        }
    }

    function _proposersOf(uint256 id, uint256 mask) private view returns (address[] memory list) {
        address[] storage parts = _s.participants[id];
        uint256 n = parts.length;
        uint256 count;
        for (uint256 i; i < n; ++i) {
            if (mask & (1 << i) != 0) ++count;
        }
        list = new address[](count);
        uint256 k;
        for (uint256 i; i < n; ++i) {
            if (mask & (1 << i) != 0) list[k++] = parts[i];
        }
        // ascending, as the columns are ordered
        for (uint256 i = 1; i < count; ++i) {
            address v = list[i];
            uint256 j = i;
            while (j > 0 && list[j - 1] > v) {
                list[j] = list[j - 1];
                --j;
            }
            list[j] = v;
        }
    }

    /// @dev The revealed mask re-expressed over positions in the sorted proposer list.
    function _revealedPositions(address[] memory proposers, uint256 id, uint256 byIndex)
        private
        view
        returns (uint256 mask)
    {
        for (uint256 i; i < proposers.length; ++i) {
            if (byIndex & (1 << _s.members[id][proposers[i]].index) != 0) mask |= 1 << i;
        }
    }
}
