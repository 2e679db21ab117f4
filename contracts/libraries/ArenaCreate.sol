// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IArenaTasks} from "../interfaces/IArenaTasks.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {ArenaStorage} from "./ArenaStorage.sol";
import {ConfigKeys} from "./ConfigKeys.sol";
import {ScorePacking} from "./ScorePacking.sol";

/// @title ArenaTasks task creation (an external library: ArenaTasks calls it by DELEGATECALL)
/// @notice `createTask`'s body: reads the 26 config values once, checks the arguments, stores the task and its fixed
/// parameters. It runs in ArenaTasks' context (storage through the `Layout` pointer, events in ArenaTasks' logs,
/// `msg.sender` the creator); it exists so that ArenaTasks fits EIP-170's 24,576-byte code-size limit.
library ArenaCreate {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Runs `createTask(p)` for `msg.sender`: checks `p` against the config, stores the task, emits
    /// `TaskCreated` and `TaskParamsFixed`, pulls pool + fee + bond and sends the fee to the treasury.
    function create(
        ArenaStorage.Layout storage s,
        IERC20 token,
        IProtocolConfig config,
        IArenaTasks.CreateTaskParams calldata p
    ) external returns (uint256 taskId) {
        uint256[] memory cfg = _readConfig(config);
        _checkCreate(p, cfg);
        if (s.usedEvalCommitments[p.evalCommitment]) revert IArenaTasks.EvalCommitmentReused(p.evalCommitment);
        s.usedEvalCommitments[p.evalCommitment] = true;
        // the bond scales with the pool: max(CREATOR_BOND, CREATOR_BOND_BPS of the pool)
        uint256 proportional = p.rewardPool * cfg[22] / 10_000;
        if (proportional > cfg[18]) cfg[18] = proportional;
        taskId = ++s.taskCount;
        ArenaStorage.Task storage t = _storeTask(s, taskId, p, cfg);
        IArenaTasks.TaskParams memory tp = _toParams(p, cfg);
        s.params[taskId] = tp;
        s.specCids[taskId] = p.specCid;
        emit IArenaTasks.TaskCreated(
            taskId,
            msg.sender,
            p.specCid,
            p.evalCommitment,
            p.rewardPool,
            cfg[17],
            cfg[18],
            t.submissionStart,
            t.submissionEnd,
            t.publishEnd,
            t.commitEnd,
            t.revealEnd
        );
        emit IArenaTasks.TaskParamsFixed(taskId, tp);
        token.safeTransferFrom(msg.sender, address(this), p.rewardPool + cfg[17] + cfg[18]);
        if (cfg[17] != 0) token.safeTransfer(config.treasury(), cfg[17]);
    }

    /// @dev Config values, in this order: the 17 `TaskParams` stakes/bps/sizes/tolerances (as in the struct), then
    /// TASK_CREATION_FEE (17), CREATOR_BOND (18), MIN_REWARD_POOL (19), MIN_WINDOW (20), MAX_WINDOW (21),
    /// CREATOR_BOND_BPS (22), MIN_REVEALED_STAKE (23), MAX_SCORE_DEVIATION (24), TRAINER_NON_REVEAL_SLASH_BPS (25).
    function _readConfig(IProtocolConfig config) private view returns (uint256[] memory) {
        bytes32[] memory k = new bytes32[](26);
        k[0] = ConfigKeys.MIN_TRAINER_STAKE;
        k[1] = ConfigKeys.MIN_VALIDATOR_STAKE;
        k[2] = ConfigKeys.VALIDATOR_LOCK_CAP;
        k[3] = ConfigKeys.PROTOCOL_FEE_BPS;
        k[4] = ConfigKeys.KEEPER_BOUNTY_BPS;
        k[5] = ConfigKeys.VALIDATOR_SHARE_BPS;
        k[6] = ConfigKeys.SLASH_TREASURY_BPS;
        k[7] = ConfigKeys.MAX_SUBMISSIONS;
        k[8] = ConfigKeys.MAX_VALIDATORS;
        k[9] = ConfigKeys.MIN_SUBMISSIONS;
        k[10] = ConfigKeys.MIN_REVEALS;
        k[11] = ConfigKeys.VALIDATOR_TOLERANCE;
        k[12] = ConfigKeys.SLASH_TOLERANCE;
        k[13] = ConfigKeys.DEVIATION_SLASH_BPS;
        k[14] = ConfigKeys.NON_REVEAL_SLASH_BPS;
        k[15] = ConfigKeys.SPAM_SLASH_BPS;
        k[16] = ConfigKeys.RANK_DECAY_BPS;
        k[17] = ConfigKeys.TASK_CREATION_FEE;
        k[18] = ConfigKeys.CREATOR_BOND;
        k[19] = ConfigKeys.MIN_REWARD_POOL;
        k[20] = ConfigKeys.MIN_WINDOW;
        k[21] = ConfigKeys.MAX_WINDOW;
        k[22] = ConfigKeys.CREATOR_BOND_BPS;
        k[23] = ConfigKeys.MIN_REVEALED_STAKE;
        k[24] = ConfigKeys.MAX_SCORE_DEVIATION;
        k[25] = ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS;
        return config.getMany(k);
    }

    function _checkCreate(IArenaTasks.CreateTaskParams calldata p, uint256[] memory cfg) private view {
        if (bytes(p.specCid).length == 0) revert IArenaTasks.EmptyCid();
        if (p.evalCommitment == 0) revert IArenaTasks.ZeroCommitment();
        if (p.rewardPool < cfg[19]) revert IArenaTasks.RewardPoolTooSmall(p.rewardPool, cfg[19]);
        if (p.minScore > ScorePacking.MAX_SCORE || p.spamScore > p.minScore) {
            revert IArenaTasks.InvalidScoreBounds(p.minScore, p.spamScore);
        }
        if (p.submissionStart != 0 && p.submissionStart < block.timestamp) {
            revert IArenaTasks.InvalidStartTime(p.submissionStart, block.timestamp);
        }
        _checkWindow(p.submissionWindow, cfg);
        _checkWindow(p.publishWindow, cfg);
        _checkWindow(p.commitWindow, cfg);
        _checkWindow(p.revealWindow, cfg);
    }

    function _checkWindow(uint256 length, uint256[] memory cfg) private pure {
        if (length < cfg[20] || length > cfg[21]) revert IArenaTasks.InvalidWindow(length, cfg[20], cfg[21]);
    }

    function _storeTask(
        ArenaStorage.Layout storage s,
        uint256 taskId,
        IArenaTasks.CreateTaskParams calldata p,
        uint256[] memory cfg
    ) private returns (ArenaStorage.Task storage t) {
        t = s.tasks[taskId];
        uint40 start = p.submissionStart == 0 ? uint40(block.timestamp) : p.submissionStart;
        t.creator = msg.sender;
        t.submissionStart = start;
        t.submissionEnd = start + p.submissionWindow;
        t.evalRevealEnd = t.submissionEnd + p.publishWindow / 2;
        t.publishEnd = t.submissionEnd + p.publishWindow;
        t.commitEnd = t.publishEnd + p.commitWindow;
        t.revealEnd = t.commitEnd + p.revealWindow;
        t.rewardPool = p.rewardPool;
        t.bond = cfg[18].toUint128();
        t.evalCommitment = p.evalCommitment;
    }

    function _toParams(IArenaTasks.CreateTaskParams calldata p, uint256[] memory cfg)
        private
        pure
        returns (IArenaTasks.TaskParams memory tp)
    {
        tp.trainerStake = cfg[0].toUint128();
        tp.minValidatorStake = cfg[1].toUint128();
        tp.validatorLockCap = cfg[2].toUint128();
        tp.protocolFeeBps = cfg[3].toUint16();
        tp.keeperBountyBps = cfg[4].toUint16();
        tp.validatorShareBps = cfg[5].toUint16();
        tp.slashTreasuryBps = cfg[6].toUint16();
        tp.maxSubmissions = cfg[7].toUint16();
        tp.maxValidators = cfg[8].toUint16();
        tp.minSubmissions = cfg[9].toUint16();
        tp.minReveals = cfg[10].toUint16();
        tp.validatorTolerance = cfg[11].toUint16();
        tp.slashTolerance = cfg[12].toUint16();
        tp.deviationSlashBps = cfg[13].toUint16();
        tp.nonRevealSlashBps = cfg[14].toUint16();
        tp.spamSlashBps = cfg[15].toUint16();
        tp.rankDecayBps = cfg[16].toUint16();
        tp.minScore = p.minScore;
        tp.spamScore = p.spamScore;
        tp.minRevealedStake = cfg[23].toUint128();
        tp.maxScoreDeviation = cfg[24].toUint16();
        tp.trainerNonRevealSlashBps = cfg[25].toUint16();
    }
}
