// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTasks} from "../interfaces/IArenaTasks.sol";
import {IFLAlliance} from "../interfaces/IFLAlliance.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "../libraries/ConfigKeys.sol";
import {ModelCid} from "../libraries/ModelCid.sol";
import {FLStorage} from "./FLStorage.sol";

/// @title The creation of an alliance: argument checks, the starting model (a given CID, an Arena task's winner, or a
/// completed alliance's final model) and the parameter snapshot
/// @notice An external library that `FLAlliance` DELEGATECALLs on its storage (its events are `FLAlliance`'s logs);
/// the caller pulls the reward pool afterwards. The rules are documented in `IFLAlliance`.
library FLCreate {
    /// @dev Largest example count an update may claim (the keeper's `MAX_EXAMPLES`, 2^24).
    uint256 private constant _MAX_EXAMPLES = 1 << 24;
    /// @dev The trimmed mean's β must stay below half (in basis points).
    uint256 private constant _MAX_TRIM_BPS = 5000;

    /// @notice See `IFLAlliance.createAlliance` (everything but the transfer of the pool).
    function create(
        FLStorage.Layout storage s,
        IProtocolConfig config,
        IArenaTasks arena,
        IFLAlliance.CreateParams calldata p
    ) external returns (uint256 id) {
        _checkShape(config, p);
        _checkWindows(config, p.windows);
        (string memory startCid, address parentContributor) = _startModel(s, arena, p);
        uint256 minPool = config.get(ConfigKeys.MIN_REWARD_POOL);
        if (p.rewardPool < minPool) revert IFLAlliance.RewardPoolTooSmall(p.rewardPool, minPool);
        IFLAlliance.Params memory params = _snapshotParams(config);
        uint256 floor = config.get(ConfigKeys.FL_MIN_STAKE);
        if (p.minStake < floor || p.minStake > params.lockCap) {
            revert IFLAlliance.InvalidMinStake(p.minStake, floor, params.lockCap);
        }

        id = ++s.count;
        FLStorage.Alliance storage a = s.alliances[id];
        a.creator = msg.sender;
        a.status = FLStorage.JOINING;
        a.source = uint8(p.source);
        a.rule = uint8(p.rule);
        a.rounds = p.rounds;
        a.minParticipants = p.minParticipants;
        a.maxParticipants = p.maxParticipants;
        a.proposersPerRound = p.proposersPerRound;
        a.ruleParam = p.ruleParam;
        a.joinEnd = uint40(block.timestamp + p.windows.join);
        a.rewardPool = p.rewardPool;
        a.remaining = p.rewardPool;
        a.minStake = p.minStake;
        a.parentId = p.parentId;
        a.seed = keccak256(abi.encode(block.chainid, address(this), id, block.prevrandao));
        a.parentContributor = parentContributor;
        a.windows = p.windows;
        s.params[id] = params;
        s.startCids[id] = startCid;
        s.globalCids[id] = startCid;
        emit IFLAlliance.AllianceCreated(id, msg.sender, p.parentId, startCid, a.joinEnd, p);
        emit IFLAlliance.AllianceParamsFixed(id, params);
    }

    function _checkShape(IProtocolConfig config, IFLAlliance.CreateParams calldata p) private view {
        uint256 maxRounds = config.get(ConfigKeys.FL_MAX_ROUNDS);
        uint256 maxParts = config.get(ConfigKeys.FL_MAX_PARTICIPANTS);
        uint256 maxProposers = config.get(ConfigKeys.FL_MAX_PROPOSERS);
        if (
            p.rounds == 0 || p.rounds > maxRounds || p.proposersPerRound == 0
                || p.proposersPerRound > maxProposers || p.minParticipants <= p.proposersPerRound
                || p.maxParticipants < p.minParticipants || p.maxParticipants > maxParts
        ) {
            revert IFLAlliance.InvalidShape(
                p.rounds, p.minParticipants, p.maxParticipants, p.proposersPerRound
            );
        }
        bool ok = p.rule == IFLAlliance.AggregationRule.FedAvg
            ? p.ruleParam >= 1 && p.ruleParam <= _MAX_EXAMPLES
            : (p.rule == IFLAlliance.AggregationRule.TrimmedMean
                    ? p.ruleParam < _MAX_TRIM_BPS
                    : p.ruleParam == 0);
        if (!ok) revert IFLAlliance.InvalidRuleParam(p.rule, p.ruleParam);
    }

    function _checkWindows(IProtocolConfig config, IFLAlliance.Windows calldata w) private view {
        uint256 min = config.get(ConfigKeys.MIN_WINDOW);
        uint256 max = config.get(ConfigKeys.MAX_WINDOW);
        uint32[7] memory all = [
            w.join, w.updateCommit, w.updateReveal, w.scoreCommit, w.scoreReveal, w.voteCommit, w.voteReveal
        ];
        for (uint256 i; i < 7; ++i) {
            if (all[i] < min || all[i] > max) revert IFLAlliance.InvalidWindow(all[i], min, max);
        }
    }

    /// @dev The starting model's CID and, for an Arena task, its winning training node.
    function _startModel(FLStorage.Layout storage s, IArenaTasks arena, IFLAlliance.CreateParams calldata p)
        private
        view
        returns (string memory cid, address contributor)
    {
        if (p.source == IFLAlliance.ModelSource.Alliance) {
            if (bytes(p.startCid).length != 0) revert IFLAlliance.InvalidStartCid();
            if (s.alliances[p.parentId].status != FLStorage.COMPLETED) {
                revert IFLAlliance.ParentNotCompleted(p.parentId);
            }
            return (s.globalCids[p.parentId], address(0));
        }
        if (bytes(p.startCid).length == 0) revert IFLAlliance.InvalidStartCid();
        if (p.source == IFLAlliance.ModelSource.Cid) {
            if (p.parentId != 0) revert IFLAlliance.InvalidStartCid();
            return (p.startCid, address(0));
        }
        return (p.startCid, _arenaWinner(arena, p.parentId, p.startCid));
    }

    /// @dev The training node whose model won Arena task `taskId` (rank 0 of a settled task that paid a rank), if its
    /// revealed CID is `cid`.
    function _arenaWinner(IArenaTasks arena, uint256 taskId, string calldata cid)
        private
        view
        returns (address)
    {
        if (
            arena.phaseOf(taskId) != IArenaTasks.Phase.Settled || arena.settlementOf(taskId).paidTrainers == 0
        ) {
            revert IFLAlliance.NotArenaWinner(taskId, cid);
        }
        uint256 n = arena.getTask(taskId).published;
        bytes32 cidHash = ModelCid.digestOf(cid);
        for (uint256 i; i < n; ++i) {
            IArenaTasks.Submission memory sub = arena.submissionAt(taskId, i);
            if (sub.rank == 0) {
                if (sub.cidHash != cidHash) break;
                return sub.trainer;
            }
        }
        revert IFLAlliance.NotArenaWinner(taskId, cid);
    }

    function _snapshotParams(IProtocolConfig config) private view returns (IFLAlliance.Params memory p) {
        // ≤ 1e27 by its bounds
        // forge-lint: disable-next-line(unsafe-typecast)
        p.lockCap = uint128(config.get(ConfigKeys.FL_LOCK_CAP));
        p.proposerShareBps = _bps(config, ConfigKeys.FL_PROPOSER_SHARE_BPS);
        p.exclusionRatioBps = _bps(config, ConfigKeys.FL_EXCLUSION_RATIO_BPS);
        p.poisonSlashBps = _bps(config, ConfigKeys.FL_POISON_SLASH_BPS);
        p.nonRevealSlashBps = _bps(config, ConfigKeys.FL_NON_REVEAL_SLASH_BPS);
        p.deviationSlashBps = _bps(config, ConfigKeys.FL_DEVIATION_SLASH_BPS);
        p.minoritySlashBps = _bps(config, ConfigKeys.FL_MINORITY_SLASH_BPS);
        p.voterTolerance = _bps(config, ConfigKeys.FL_VOTER_TOLERANCE);
        p.slashTolerance = _bps(config, ConfigKeys.FL_SLASH_TOLERANCE);
        p.slashTreasuryBps = _bps(config, ConfigKeys.SLASH_TREASURY_BPS);
    }

    /// @dev A basis-point or score parameter (≤ 10000 by `ProtocolConfig`'s bounds).
    function _bps(IProtocolConfig config, bytes32 key) private view returns (uint16) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint16(config.get(key));
    }
}
