// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IArenaTasks} from "../interfaces/IArenaTasks.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {ArenaStorage} from "./ArenaStorage.sol";
import {ConfigKeys} from "../libraries/ConfigKeys.sol";
import {ScorePacking} from "../libraries/ScorePacking.sol";

/// @title ArenaTasks task creation (an external library: ArenaTasks calls it by DELEGATECALL)
/// @notice `createTask`'s body: reads the 26 config values once, checks the arguments, stores the task and its fixed
/// parameters. It runs in ArenaTasks' context (storage through the `Layout` pointer, events in ArenaTasks' logs,
/// `msg.sender` the creator); it exists so that ArenaTasks fits EIP-170's 24,576-byte code-size limit.
library ArenaCreate {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev The config values `createTask` reads that are not stored in `TaskParams`.
    struct Costs {
        uint256 fee;
        uint256 bond;
        uint256 minRewardPool;
        uint256 minWindow;
        uint256 maxWindow;
    }

    /// @notice Runs `createTask(p)` for `msg.sender`: checks `p` against the config, stores the task, emits
    /// `TaskCreated` and `TaskParamsFixed`, pulls pool + fee + bond and sends the fee to the treasury.
    function create(
        ArenaStorage.Layout storage s,
        IERC20 token,
        IProtocolConfig config,
        IArenaTasks.CreateTaskParams calldata p
    ) external returns (uint256 taskId) {
        (IArenaTasks.TaskParams memory tp, Costs memory c) = _readConfig(config, p);
        _checkCreate(p, c);
        if (s.usedEvalCommitments[p.evalCommitment]) {
            revert IArenaTasks.EvalCommitmentReused(p.evalCommitment);
        }
        s.usedEvalCommitments[p.evalCommitment] = true;
        taskId = ++s.taskCount;
        ArenaStorage.Task storage t = _storeTask(s, taskId, p, c.bond);
        s.params[taskId] = tp;
        s.specCids[taskId] = p.specCid;
        emit IArenaTasks.TaskCreated(
            taskId,
            msg.sender,
            p.specCid,
            p.evalCommitment,
            p.rewardPool,
            c.fee,
            c.bond,
            t.submissionStart,
            t.submissionEnd,
            t.publishEnd,
            t.commitEnd,
            t.revealEnd
        );
        emit IArenaTasks.TaskParamsFixed(taskId, tp);
        token.safeTransferFrom(msg.sender, address(this), p.rewardPool + c.fee + c.bond);
        if (c.fee != 0) token.safeTransfer(config.treasury(), c.fee);
    }

    /// @dev Reads the 26 config values in one call and names them: the task's fixed parameters and its costs (the bond
    /// is max(CREATOR_BOND, CREATOR_BOND_BPS of the pool)).
    function _readConfig(IProtocolConfig config, IArenaTasks.CreateTaskParams calldata p)
        private
        view
        returns (IArenaTasks.TaskParams memory tp, Costs memory c)
    {
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
        k[17] = ConfigKeys.MIN_REVEALED_STAKE;
        k[18] = ConfigKeys.MAX_SCORE_DEVIATION;
        k[19] = ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS;
        k[20] = ConfigKeys.TASK_CREATION_FEE;
        k[21] = ConfigKeys.CREATOR_BOND;
        k[22] = ConfigKeys.CREATOR_BOND_BPS;
        k[23] = ConfigKeys.MIN_REWARD_POOL;
        k[24] = ConfigKeys.MIN_WINDOW;
        k[25] = ConfigKeys.MAX_WINDOW;
        uint256[] memory v = config.getMany(k);
        tp.trainerStake = v[0].toUint128();
        tp.minValidatorStake = v[1].toUint128();
        tp.validatorLockCap = v[2].toUint128();
        tp.protocolFeeBps = v[3].toUint16();
        tp.keeperBountyBps = v[4].toUint16();
        tp.validatorShareBps = v[5].toUint16();
        tp.slashTreasuryBps = v[6].toUint16();
        tp.maxSubmissions = v[7].toUint16();
        tp.maxValidators = v[8].toUint16();
        tp.minSubmissions = v[9].toUint16();
        tp.minReveals = v[10].toUint16();
        tp.validatorTolerance = v[11].toUint16();
        tp.slashTolerance = v[12].toUint16();
        tp.deviationSlashBps = v[13].toUint16();
        tp.nonRevealSlashBps = v[14].toUint16();
        tp.spamSlashBps = v[15].toUint16();
        tp.rankDecayBps = v[16].toUint16();
        tp.minScore = p.minScore;
        tp.spamScore = p.spamScore;
        tp.minRevealedStake = v[17].toUint128();
        tp.maxScoreDeviation = v[18].toUint16();
        tp.trainerNonRevealSlashBps = v[19].toUint16();
        c.fee = v[20];
        uint256 proportional = uint256(p.rewardPool) * v[22] / 10_000;
        c.bond = proportional > v[21] ? proportional : v[21];
        c.minRewardPool = v[23];
        c.minWindow = v[24];
        c.maxWindow = v[25];
    }

    function _checkCreate(IArenaTasks.CreateTaskParams calldata p, Costs memory c) private view {
        if (bytes(p.specCid).length == 0) revert IArenaTasks.EmptyCid();
        if (p.evalCommitment == 0) revert IArenaTasks.ZeroCommitment();
        if (p.rewardPool < c.minRewardPool) {
            revert IArenaTasks.RewardPoolTooSmall(p.rewardPool, c.minRewardPool);
        }
        if (p.minScore > ScorePacking.MAX_SCORE || p.spamScore > p.minScore) {
            revert IArenaTasks.InvalidScoreBounds(p.minScore, p.spamScore);
        }
        if (p.submissionStart != 0 && p.submissionStart < block.timestamp) {
            revert IArenaTasks.InvalidStartTime(p.submissionStart, block.timestamp);
        }
        _checkWindow(p.submissionWindow, c);
        _checkWindow(p.publishWindow, c);
        _checkWindow(p.commitWindow, c);
        _checkWindow(p.revealWindow, c);
    }

    function _checkWindow(uint256 length, Costs memory c) private pure {
        if (length < c.minWindow || length > c.maxWindow) {
            revert IArenaTasks.InvalidWindow(length, c.minWindow, c.maxWindow);
        }
    }

    function _storeTask(
        ArenaStorage.Layout storage s,
        uint256 taskId,
        IArenaTasks.CreateTaskParams calldata p,
        uint256 bond
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
        t.bond = bond.toUint128();
        t.evalCommitment = p.evalCommitment;
    }
}
