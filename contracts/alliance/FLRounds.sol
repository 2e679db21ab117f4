// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IFLAlliance} from "../interfaces/IFLAlliance.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {FLMath} from "../libraries/FLMath.sol";
import {RewardMath} from "../libraries/RewardMath.sol";
import {WeightedMedian} from "../libraries/WeightedMedian.sol";
import {FLStorage} from "./FLStorage.sol";

/// @title The transitions between rounds of `FLAlliance`: start, settle a round (consensus, exclusions, votes, slashes,
/// rewards), draw the next round's roles, complete with the lineage
/// @notice An external library: `FLAlliance` DELEGATECALLs `advance` on its storage, so the events are its logs. It
/// keeps `FLAlliance` under EIP-170's code-size limit. The rules are documented in `IFLAlliance`.
library FLRounds {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev What settling a round works on, in memory (≤ 64 participants, ≤ 31 columns).
    struct Settle {
        uint256 id;
        uint16 round;
        address[] parts;
        /// the round's proposers sorted ascending, and which of them revealed (a column)
        address[] proposers;
        bool[] isColumn;
        uint256 columns;
        /// consensus[0] of the global model, consensus[1 + j] of column j
        FLMath.Consensus[] consensus;
        /// the winning candidate (accepted) and the stakes of the vote
        bytes32 winner;
        bool accepted;
        uint256 acceptStake;
        uint256 voteStake;
        uint256 slashedToPool;
        uint256 slashed;
        /// participants (by index) slashed in this round
        uint256 slashedMask;
    }

    /// @notice See `IFLAlliance.advance`.
    function advance(
        FLStorage.Layout storage s,
        IERC20 token,
        IProtocolConfig config,
        IStakingVault vault,
        uint256 id
    ) external {
        FLStorage.Alliance storage a = s.alliances[id];
        if (a.status == FLStorage.JOINING) {
            if (block.timestamp < a.joinEnd && a.participants < a.maxParticipants) {
                revert IFLAlliance.NothingToAdvance(id);
            }
            if (a.participants < a.minParticipants) return _cancel(a, id);
            a.status = FLStorage.RUNNING;
            return _startRound(s, a, id, 1);
        }
        if (a.status != FLStorage.RUNNING) revert IFLAlliance.NothingToAdvance(id);
        uint16 round = a.round;
        FLStorage.Round storage r = s.rounds[id][round];
        (IFLAlliance.RoundPhase p,) = FLStorage.phaseOf(a, r);
        if (p != IFLAlliance.RoundPhase.Ended) revert IFLAlliance.NothingToAdvance(id);
        _settle(s, a, r, token, config, vault, id, round);
        if (round < a.rounds) _startRound(s, a, id, round + 1);
        else _complete(s, a, id);
    }

    // ─── start / cancel / complete ─────────────────────────────────────────────────────────────

    function _cancel(FLStorage.Alliance storage a, uint256 id) private {
        a.status = FLStorage.CANCELLED;
        uint128 refund = a.remaining;
        a.remaining = 0;
        a.creatorRefund = refund;
        emit IFLAlliance.AllianceCancelled(id, a.participants, refund);
    }

    function _startRound(FLStorage.Layout storage s, FLStorage.Alliance storage a, uint256 id, uint16 round)
        private
    {
        bytes32 seed =
            keccak256(abi.encode(a.seed, s.rounds[id][round - 1].entropy, block.prevrandao, id, round));
        address[] memory parts = s.participants[id];
        uint256 mask = FLMath.drawWeighted(_stakesOf(s, id, parts), a.proposersPerRound, seed);
        address[] memory proposers = _sortedOf(parts, mask);
        a.seed = seed;
        a.round = round;
        FLStorage.Round storage r = s.rounds[id][round];
        r.phase = uint8(IFLAlliance.RoundPhase.UpdateCommit);
        r.phaseStart = uint40(block.timestamp);
        r.startBlock = uint64(block.number);
        r.seed = seed;
        r.proposerMask = mask;
        // proposers ≤ proposersPerRound ≤ 31 and participants ≤ 64
        // forge-lint: disable-next-line(unsafe-typecast)
        r.proposerCount = uint16(proposers.length);
        // forge-lint: disable-next-line(unsafe-typecast)
        r.voterCount = uint16(parts.length); // everyone votes, proposers included
        _emitStarted(s, a, id, round, proposers);
    }

    function _emitStarted(
        FLStorage.Layout storage s,
        FLStorage.Alliance storage a,
        uint256 id,
        uint16 round,
        address[] memory proposers
    ) private {
        uint40 end = uint40(block.timestamp + a.windows.updateCommit);
        emit IFLAlliance.RoundStarted(id, round, a.seed, proposers, s.globalCids[id], end);
    }

    function _stakesOf(FLStorage.Layout storage s, uint256 id, address[] memory parts)
        private
        view
        returns (uint256[] memory weights)
    {
        weights = new uint256[](parts.length);
        for (uint256 i; i < parts.length; ++i) {
            weights[i] = s.members[id][parts[i]].stake;
        }
    }

    function _complete(FLStorage.Layout storage s, FLStorage.Alliance storage a, uint256 id) private {
        a.status = FLStorage.COMPLETED;
        uint128 refund = a.remaining;
        a.remaining = 0;
        a.creatorRefund = refund;
        string memory finalCid = s.globalCids[id];
        emit IFLAlliance.AllianceCompleted(id, finalCid, refund);
        (address[] memory contributors, uint16[] memory shares,) = contributorsOf(s, id);
        emit IFLAlliance.LineageRecorded(
            id,
            IFLAlliance.ModelSource(a.source),
            a.parentId,
            s.startCids[id],
            a.parentContributor,
            finalCid,
            contributors,
            shares
        );
    }

    /// @notice The participants with proposer rewards, their shares in basis points (the last takes the remainder)
    /// and their rewards.
    function contributorsOf(FLStorage.Layout storage s, uint256 id)
        internal
        view
        returns (address[] memory list, uint16[] memory sharesBps, uint256[] memory rewards)
    {
        address[] storage parts = s.participants[id];
        uint256 n = parts.length;
        uint256 count;
        uint256 total;
        for (uint256 i; i < n; ++i) {
            uint256 e = s.members[id][parts[i]].proposerEarned;
            if (e != 0) {
                ++count;
                total += e;
            }
        }
        list = new address[](count);
        sharesBps = new uint16[](count);
        rewards = new uint256[](count);
        uint256 k;
        uint256 given;
        for (uint256 i; i < n; ++i) {
            uint256 e = s.members[id][parts[i]].proposerEarned;
            if (e == 0) continue;
            list[k] = parts[i];
            rewards[k] = e;
            // each share ≤ 10000; the last takes what rounding left
            uint256 share =
                k + 1 == count ? RewardMath.BPS - given : RewardMath.proRata(RewardMath.BPS, e, total);
            // forge-lint: disable-next-line(unsafe-typecast)
            sharesBps[k] = uint16(share);
            given += share;
            ++k;
        }
    }

    // ─── settlement ────────────────────────────────────────────────────────────────────────────

    function _settle(
        FLStorage.Layout storage s,
        FLStorage.Alliance storage a,
        FLStorage.Round storage r,
        IERC20 token,
        IProtocolConfig config,
        IStakingVault vault,
        uint256 id,
        uint16 round
    ) private {
        Settle memory x;
        x.id = id;
        x.round = round;
        x.parts = s.participants[id];
        x.proposers = _sortedOf(x.parts, r.proposerMask);
        _columnsOf(s, r, x);
        _consensus(s, r, x);
        _tally(s, x);
        emit IFLAlliance.VotesTallied(id, round, x.accepted, x.acceptStake, x.voteStake);
        IFLAlliance.Params memory p = s.params[id];
        _slashAll(s, r, x, p, vault);
        if (x.slashed != 0) {
            (uint256 toTreasury,) = RewardMath.splitSlash(x.slashed, p.slashTreasuryBps);
            x.slashedToPool = x.slashed - toTreasury;
            a.remaining = (a.remaining + x.slashedToPool).toUint128();
            if (toTreasury != 0) token.safeTransfer(config.treasury(), toTreasury);
        }
        _pay(s, a, r, x, p);
    }

    /// @dev The sorted addresses of the participants whose bit is set in `mask`.
    function _sortedOf(address[] memory parts, uint256 mask) private pure returns (address[] memory list) {
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
        FLMath.sortAddresses(list);
    }

    function _columnsOf(FLStorage.Layout storage s, FLStorage.Round storage r, Settle memory x) private view {
        uint256 n = x.proposers.length;
        x.isColumn = new bool[](n);
        for (uint256 i; i < n; ++i) {
            uint256 bit = 1 << s.members[x.id][x.proposers[i]].index;
            if (r.revealedMask & bit != 0) {
                x.isColumn[i] = true;
                ++x.columns;
            }
        }
    }

    /// @dev The consensus of the global model and of every column over the voters that revealed scores.
    function _consensus(FLStorage.Layout storage s, FLStorage.Round storage r, Settle memory x) private {
        uint256 cols = 1 + x.columns;
        x.consensus = new FLMath.Consensus[](cols);
        uint256 voters = r.scoreReveals;
        if (voters == 0) return;
        uint16[][] memory scores = new uint16[][](voters);
        uint256[] memory weights = new uint256[](voters);
        uint256 v;
        for (uint256 i; i < x.parts.length && v < voters; ++i) {
            FLStorage.Entry storage e = s.entries[x.id][x.round][x.parts[i]];
            if (!e.scoresRevealed) continue;
            scores[v] = FLStorage.scoresOf(e, cols);
            weights[v] = s.members[x.id][x.parts[i]].stake;
            ++v;
        }
        for (uint256 k; k < cols; ++k) {
            uint256[] memory keys = new uint256[](voters);
            uint256 live;
            for (uint256 j; j < voters; ++j) {
                if (weights[j] == 0) continue;
                keys[live++] = WeightedMedian.key(scores[j][k], weights[j]);
            }
            // drop the unused tail (voters slashed to zero weight)
            assembly ("memory-safe") {
                mstore(keys, live)
            }
            x.consensus[k] = FLMath.median(keys);
        }
        r.globalConsensus = x.consensus[0].value;
    }

    /// @dev The accept vote: a candidate wins with more than half of the revealed vote stake.
    function _tally(FLStorage.Layout storage s, Settle memory x) private view {
        uint256 n = x.parts.length;
        bytes32[] memory hashes = new bytes32[](n);
        uint256[] memory stakes = new uint256[](n);
        uint256 distinct;
        for (uint256 i; i < n; ++i) {
            FLStorage.Entry storage e = s.entries[x.id][x.round][x.parts[i]];
            if (!e.voteRevealed) continue;
            uint256 w = s.members[x.id][x.parts[i]].stake;
            x.voteStake += w;
            if (!e.accept) continue;
            bytes32 h = e.candidateHash;
            uint256 k;
            while (k < distinct && hashes[k] != h) ++k;
            if (k == distinct) hashes[distinct++] = h;
            stakes[k] += w;
        }
        for (uint256 k; k < distinct; ++k) {
            if (stakes[k] > x.acceptStake) {
                x.acceptStake = stakes[k];
                x.winner = hashes[k];
            }
        }
        x.accepted = x.voteStake != 0 && 2 * x.acceptStake > x.voteStake;
    }

    /// @dev Judges every participant of the round and slashes at most once each (see `IFLAlliance`).
    function _slashAll(
        FLStorage.Layout storage s,
        FLStorage.Round storage r,
        Settle memory x,
        IFLAlliance.Params memory p,
        IStakingVault vault
    ) private {
        uint256 col;
        for (uint256 i; i < x.proposers.length; ++i) {
            IFLAlliance.AllianceSlashReason why = IFLAlliance.AllianceSlashReason.None;
            if (!x.isColumn[i]) {
                why = IFLAlliance.AllianceSlashReason.NonReveal;
            } else {
                ++col;
                FLMath.Consensus memory c = x.consensus[col];
                if (
                    FLMath.excluded(c, x.consensus[0], p.exclusionRatioBps)
                        && FLMath.slashable(c, x.consensus[0], p.exclusionRatioBps)
                ) why = IFLAlliance.AllianceSlashReason.Poisoning;
            }
            if (why != IFLAlliance.AllianceSlashReason.None) {
                _slash(s, x, vault, x.proposers[i], why, _bpsFor(p, why));
            }
        }
        for (uint256 i; i < x.parts.length; ++i) {
            if (x.slashedMask & (1 << i) != 0) continue; // at most one slash per round
            IFLAlliance.AllianceSlashReason why = _voterFault(s, r, x, p, x.parts[i]);
            if (why != IFLAlliance.AllianceSlashReason.None) {
                _slash(s, x, vault, x.parts[i], why, _bpsFor(p, why));
            }
        }
    }

    function _voterFault(
        FLStorage.Layout storage s,
        FLStorage.Round storage r,
        Settle memory x,
        IFLAlliance.Params memory p,
        address voter
    ) private view returns (IFLAlliance.AllianceSlashReason) {
        if (r.updateReveals == 0) return IFLAlliance.AllianceSlashReason.None; // nothing to score
        FLStorage.Entry storage e = s.entries[x.id][x.round][voter];
        if (!e.scoresRevealed || !e.voteRevealed) return IFLAlliance.AllianceSlashReason.NonReveal;
        if (FLMath.distance(FLStorage.scoresOf(e, 1 + x.columns), x.consensus) > p.slashTolerance) {
            return IFLAlliance.AllianceSlashReason.Deviation;
        }
        if (!_withMajority(e, x) && p.minoritySlashBps != 0) return IFLAlliance.AllianceSlashReason.Minority;
        return IFLAlliance.AllianceSlashReason.None;
    }

    function _withMajority(FLStorage.Entry storage e, Settle memory x) private view returns (bool) {
        if (!e.voteRevealed) return false;
        return x.accepted ? e.accept && e.candidateHash == x.winner : !e.accept;
    }

    function _bpsFor(IFLAlliance.Params memory p, IFLAlliance.AllianceSlashReason why)
        private
        pure
        returns (uint256)
    {
        if (why == IFLAlliance.AllianceSlashReason.NonReveal) return p.nonRevealSlashBps;
        if (why == IFLAlliance.AllianceSlashReason.Poisoning) return p.poisonSlashBps;
        if (why == IFLAlliance.AllianceSlashReason.Deviation) return p.deviationSlashBps;
        return p.minoritySlashBps;
    }

    function _slash(
        FLStorage.Layout storage s,
        Settle memory x,
        IStakingVault vault,
        address account,
        IFLAlliance.AllianceSlashReason why,
        uint256 bps
    ) private {
        IFLAlliance.Member storage m = s.members[x.id][account];
        x.slashedMask |= 1 << m.index;
        uint256 amount = RewardMath.bpsOf(m.stake, bps);
        // the vault takes at most what the pool still holds; the lock is never smaller than m.stake
        uint256 taken = amount == 0 ? 0 : vault.slash(x.id, account, amount);
        // taken ≤ amount ≤ m.stake
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            m.stake -= uint128(taken);
        }
        m.slashed = (m.slashed + taken).toUint128();
        x.slashed += taken;
        (uint256 toTreasury,) = RewardMath.splitSlash(taken, s.params[x.id].slashTreasuryBps);
        emit IFLAlliance.ParticipantSlashed(x.id, x.round, account, why, taken, toTreasury);
    }

    // ─── rewards ───────────────────────────────────────────────────────────────────────────────

    function _pay(
        FLStorage.Layout storage s,
        FLStorage.Alliance storage a,
        FLStorage.Round storage r,
        Settle memory x,
        IFLAlliance.Params memory p
    ) private {
        uint256 budget = a.remaining / (a.rounds - x.round + 1);
        uint256 proposerPot = RewardMath.bpsOf(budget, p.proposerShareBps);
        uint256 proposerPaid = _payProposers(s, x, p, x.accepted ? proposerPot : 0);
        uint256 voterPaid = _payVoters(s, x, p, budget - proposerPot);
        uint256 paid = proposerPaid + voterPaid;
        // paid ≤ budget ≤ remaining
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            a.remaining -= uint128(paid);
        }
        r.budget = budget.toUint128();
        r.paid = paid.toUint128();
        r.slashed = x.slashed.toUint128();
        r.acceptStake = x.acceptStake.toUint128();
        r.voteStake = x.voteStake.toUint128();
        r.outcome = uint8(
            r.updateReveals == 0
                ? IFLAlliance.RoundOutcome.NoUpdates
                : (x.accepted ? IFLAlliance.RoundOutcome.Accepted : IFLAlliance.RoundOutcome.Rejected)
        );
        r.phase = uint8(IFLAlliance.RoundPhase.Settled);
        string memory candidate;
        if (x.accepted) {
            candidate = s.candidates[x.id][x.round][x.winner];
            s.acceptedCids[x.id][x.round] = candidate;
            emit IFLAlliance.GlobalModelUpdated(x.id, x.round, s.globalCids[x.id], candidate);
            s.globalCids[x.id] = candidate;
        }
        _emitSettled(a, r, x, candidate, proposerPaid);
    }

    function _emitSettled(
        FLStorage.Alliance storage a,
        FLStorage.Round storage r,
        Settle memory x,
        string memory candidate,
        uint256 proposerPaid
    ) private {
        emit IFLAlliance.RoundSettled(
            x.id,
            x.round,
            IFLAlliance.RoundOutcome(r.outcome),
            candidate,
            r.globalConsensus,
            r.budget,
            proposerPaid,
            r.paid - proposerPaid,
            x.slashed,
            a.remaining
        );
    }

    function _payProposers(
        FLStorage.Layout storage s,
        Settle memory x,
        IFLAlliance.Params memory p,
        uint256 pot
    ) private returns (uint256 paid) {
        uint256 totalWeight;
        uint256 col;
        for (uint256 i; i < x.proposers.length; ++i) {
            if (!x.isColumn[i]) continue;
            FLMath.Consensus memory c = x.consensus[++col];
            if (!FLMath.excluded(c, x.consensus[0], p.exclusionRatioBps)) totalWeight += c.value;
        }
        col = 0;
        for (uint256 i; i < x.proposers.length; ++i) {
            if (!x.isColumn[i]) continue;
            FLMath.Consensus memory c = x.consensus[++col];
            bool out = FLMath.excluded(c, x.consensus[0], p.exclusionRatioBps);
            uint256 reward = out ? 0 : RewardMath.proRata(pot, c.value, totalWeight);
            if (reward != 0) {
                _credit(s, x.id, x.proposers[i], reward, true);
                paid += reward;
            }
            emit IFLAlliance.UpdateJudged(
                x.id,
                x.round,
                x.proposers[i],
                // forge-lint: disable-next-line(unsafe-typecast)
                uint16(col - 1), // < 31 columns
                c.value,
                c.contested,
                out,
                reward
            );
        }
    }

    function _payVoters(FLStorage.Layout storage s, Settle memory x, IFLAlliance.Params memory p, uint256 pot)
        private
        returns (uint256 paid)
    {
        uint256 n = x.parts.length;
        bool[] memory good = new bool[](n);
        uint256 totalWeight;
        for (uint256 i; i < n; ++i) {
            if (!_scored(s, x, i)) continue;
            (,, good[i]) = _judge(s, x, p, x.parts[i]);
            if (good[i]) totalWeight += s.members[x.id][x.parts[i]].stake;
        }
        for (uint256 i; i < n; ++i) {
            if (_scored(s, x, i)) paid += _payVoter(s, x, p, x.parts[i], good[i] ? pot : 0, totalWeight);
        }
    }

    /// @dev Whether participant `i` revealed scores in the round.
    function _scored(FLStorage.Layout storage s, Settle memory x, uint256 i) private view returns (bool) {
        return s.entries[x.id][x.round][x.parts[i]].scoresRevealed;
    }

    /// @dev A scoring voter's distance, whether it voted with the outcome, and whether it is paid.
    function _judge(FLStorage.Layout storage s, Settle memory x, IFLAlliance.Params memory p, address voter)
        private
        view
        returns (uint16 distance, bool withMajority, bool good)
    {
        FLStorage.Entry storage e = s.entries[x.id][x.round][voter];
        distance = FLMath.distance(FLStorage.scoresOf(e, 1 + x.columns), x.consensus);
        withMajority = _withMajority(e, x);
        good = withMajority && distance <= p.voterTolerance;
    }

    function _payVoter(
        FLStorage.Layout storage s,
        Settle memory x,
        IFLAlliance.Params memory p,
        address voter,
        uint256 pot,
        uint256 totalWeight
    ) private returns (uint256 reward) {
        (uint16 distance, bool withMajority,) = _judge(s, x, p, voter);
        reward = RewardMath.proRata(pot, s.members[x.id][voter].stake, totalWeight);
        if (reward != 0) _credit(s, x.id, voter, reward, false);
        emit IFLAlliance.VoterJudged(x.id, x.round, voter, distance, withMajority, reward);
    }

    function _credit(FLStorage.Layout storage s, uint256 id, address account, uint256 amount, bool asProposer)
        private
    {
        IFLAlliance.Member storage m = s.members[id][account];
        m.pending = (m.pending + amount).toUint128();
        m.earned = (m.earned + amount).toUint128();
        if (asProposer) m.proposerEarned = (m.proposerEarned + amount).toUint128();
    }
}
