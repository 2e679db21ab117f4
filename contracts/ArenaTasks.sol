// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IArenaTasks} from "./interfaces/IArenaTasks.sol";
import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {ConfigKeys} from "./libraries/ConfigKeys.sol";
import {RewardMath} from "./libraries/RewardMath.sol";
import {ScorePacking} from "./libraries/ScorePacking.sol";
import {WeightedMedian} from "./libraries/WeightedMedian.sol";

/// @title ArenaTasks
/// @notice See `IArenaTasks`.
/// @dev Storage: one `Task` (5 slots), its `TaskParams` (3 slots), its `Settlement`, one 2-slot record per participant,
/// one slot per published submission (+ its CID hash), and the revealed scores packed 16 per slot under the key
/// `validatorIndex << 16 | word`.
contract ArenaTasks is IArenaTasks, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint8 private constant _ACTIVE = 0;
    uint8 private constant _SETTLED = 1;
    uint8 private constant _CANCELLED = 2;

    /// @dev A task's state. Slot 0: creator + start/end of the submission window + status + stage. Slot 1: the other
    /// window ends and the counters the hot paths touch.
    struct Task {
        address creator;
        uint40 submissionStart;
        uint40 submissionEnd;
        uint8 status;
        uint8 stage;
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
        uint8 cancelReason;
        bool creatorClaimed;
    }

    /// @dev The loaded state of the revealed validators during a consensus batch.
    struct ConsensusCtx {
        uint256 n;
        uint256 totalWeight;
        uint256[] vIndex;
        uint256[] weight;
        uint256[] distanceSum;
        address[] account;
        uint256[] words;
        uint256[] keys;
    }

    IERC20 private immutable _token;
    IProtocolConfig private immutable _config;
    IStakingVault private immutable _vault;

    uint256 private _taskCount;
    mapping(uint256 taskId => Task) private _tasks;
    mapping(uint256 taskId => TaskParams) private _params;
    mapping(uint256 taskId => Settlement) private _settlements;
    mapping(uint256 taskId => string) private _specCids;
    mapping(uint256 taskId => string) private _evalCids;
    mapping(uint256 taskId => mapping(address trainer => TrainerRecord)) private _trainers;
    mapping(uint256 taskId => mapping(address validator => ValidatorRecord)) private _validators;
    mapping(uint256 taskId => mapping(uint256 index => address)) private _validatorAt;
    mapping(uint256 taskId => mapping(uint256 index => Submission)) private _submissions;
    mapping(uint256 taskId => mapping(bytes32 cidHash => bool)) private _modelCids;
    mapping(uint256 taskId => mapping(uint256 key => uint256)) private _scoreWords;

    constructor(address token_, address config_, address vault_) {
        _token = IERC20(token_);
        _config = IProtocolConfig(config_);
        _vault = IStakingVault(vault_);
        IERC20(token_).forceApprove(vault_, type(uint256).max);
    }

    // ─── lifecycle ─────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IArenaTasks
    function createTask(CreateTaskParams calldata p) external nonReentrant returns (uint256 taskId) {
        return _createTask(p);
    }

    /// @inheritdoc IArenaTasks
    function createTaskWithPermit(
        CreateTaskParams calldata p,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 taskId) {
        uint256 total = p.rewardPool + _config.get(ConfigKeys.TASK_CREATION_FEE)
            + _config.get(ConfigKeys.CREATOR_BOND);
        // a failed permit (e.g. front-run) is ignored: the transfer below still needs the allowance
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), total, deadline, v, r, s) {}
            catch {}
        return _createTask(p);
    }

    /// @inheritdoc IArenaTasks
    function cancelBeforeStart(uint256 taskId) external nonReentrant {
        Task storage t = _taskIn(taskId, Phase.Created);
        if (msg.sender != t.creator) revert NotCreator(taskId, msg.sender);
        _cancel(taskId, t, CancelReason.ByCreator);
    }

    /// @inheritdoc IArenaTasks
    function commitSubmission(uint256 taskId, bytes32 commitment) external nonReentrant {
        Task storage t = _taskIn(taskId, Phase.Submission);
        if (commitment == 0) revert ZeroCommitment();
        TrainerRecord storage r = _trainers[taskId][msg.sender];
        bool replaced = r.commitment != 0;
        uint256 lockAmount = replaced ? 0 : _joinAsTrainer(taskId, t);
        uint32 seq = t.seq + 1;
        t.seq = seq;
        r.commitment = commitment;
        r.commitSeq = seq;
        emit SubmissionCommitted(taskId, msg.sender, commitment, seq, replaced, lockAmount);
        if (lockAmount != 0) _vault.lock(taskId, msg.sender, lockAmount);
    }

    /// @inheritdoc IArenaTasks
    function revealSubmission(uint256 taskId, string calldata modelCid, bytes32 salt) external nonReentrant {
        Task storage t = _taskIn(taskId, Phase.Publish);
        if (bytes(modelCid).length == 0) revert EmptyCid();
        TrainerRecord storage r = _trainers[taskId][msg.sender];
        bytes32 commitment = r.commitment;
        if (commitment == 0) revert NoCommitment(taskId, msg.sender);
        if (r.published) revert AlreadyRevealed(taskId, msg.sender);
        if (submissionCommitmentOf(taskId, msg.sender, modelCid, salt) != commitment) {
            revert CommitmentMismatch(taskId, msg.sender);
        }
        bytes32 cidHash = keccak256(bytes(modelCid));
        if (_modelCids[taskId][cidHash]) revert DuplicateModel(taskId, modelCid);
        _modelCids[taskId][cidHash] = true;
        uint16 index = t.published;
        t.published = index + 1;
        r.published = true;
        r.index = index;
        uint32 seq = r.commitSeq;
        _submissions[taskId][index] = Submission({
            trainer: msg.sender, commitSeq: seq, consensus: 0, rank: 0, spam: false, cidHash: cidHash
        });
        emit SubmissionRevealed(taskId, msg.sender, index, modelCid, seq);
    }

    /// @inheritdoc IArenaTasks
    function revealEvalData(uint256 taskId, string calldata evalCid, bytes32 salt) external nonReentrant {
        Task storage t = _taskIn(taskId, Phase.Publish);
        if (msg.sender != t.creator) revert NotCreator(taskId, msg.sender);
        if (t.evalRevealed) revert EvalDataAlreadyRevealed(taskId);
        if (bytes(evalCid).length == 0) revert EmptyCid();
        if (evalCommitmentOf(msg.sender, evalCid, salt) != t.evalCommitment) {
            revert CommitmentMismatch(taskId, msg.sender);
        }
        t.evalRevealed = true;
        _evalCids[taskId] = evalCid;
        uint256 bond = t.bond;
        emit EvalDataRevealed(taskId, msg.sender, evalCid, bond);
        if (bond != 0) _token.safeTransfer(msg.sender, bond);
    }

    /// @inheritdoc IArenaTasks
    function commitScores(uint256 taskId, bytes32 commitment) external nonReentrant {
        Task storage t = _taskIn(taskId, Phase.Commit);
        if (commitment == 0) revert ZeroCommitment();
        ValidatorRecord storage r = _validators[taskId][msg.sender];
        bool replaced = r.commitment != 0;
        uint256 lockAmount;
        uint16 index;
        if (replaced) index = r.index;
        else (lockAmount, index) = _joinAsValidator(taskId, t, r);
        r.commitment = commitment;
        emit ScoresCommitted(taskId, msg.sender, commitment, index, replaced, lockAmount);
        if (!replaced) _vault.lock(taskId, msg.sender, lockAmount);
    }

    /// @inheritdoc IArenaTasks
    function revealScores(uint256 taskId, uint16[] calldata scores, bytes32 salt) external nonReentrant {
        Task storage t = _taskIn(taskId, Phase.Reveal);
        ValidatorRecord storage r = _validators[taskId][msg.sender];
        bytes32 commitment = r.commitment;
        if (commitment == 0) revert NoCommitment(taskId, msg.sender);
        if (r.revealed) revert AlreadyRevealed(taskId, msg.sender);
        uint256 n = t.published;
        if (scores.length != n) revert ScoreCountMismatch(taskId, scores.length, n);
        if (scoresCommitmentOf(taskId, msg.sender, scores, salt) != commitment) {
            revert CommitmentMismatch(taskId, msg.sender);
        }
        uint16 vIndex = r.index;
        r.revealed = true;
        // unchecked: revealed ≤ validators ≤ MAX_VALIDATORS < 2^16
        unchecked {
            t.revealed += 1;
        }
        _storeScores(taskId, vIndex, scores);
        emit ScoresRevealed(taskId, msg.sender, vIndex, scores);
    }

    /// @inheritdoc IArenaTasks
    function finalize(uint256 taskId, uint256 maxSteps) external nonReentrant returns (bool done) {
        if (maxSteps == 0) revert ZeroSteps();
        Task storage t = _taskIn(taskId, Phase.Finalizing);
        if (t.stage == uint8(Stage.None)) {
            CancelReason reason = _dueCancelReason(taskId, t);
            if (reason != CancelReason.None) {
                _cancel(taskId, t, reason);
                return true;
            }
            _startFinalization(taskId, t);
        }
        uint256 steps = _advance(taskId, t, maxSteps);
        done = t.stage == uint8(Stage.Done);
        uint256 bounty = _takeBounty(taskId, t, steps, done);
        uint256 toTreasury = done ? _closeSettlement(taskId, t) : 0;
        emit FinalizeProgressed(taskId, msg.sender, Stage(t.stage), t.cursor, steps, bounty);
        if (bounty != 0) _token.safeTransfer(msg.sender, bounty);
        if (toTreasury != 0) _token.safeTransfer(_config.treasury(), toTreasury);
    }

    /// @inheritdoc IArenaTasks
    function cancel(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        CancelReason reason = _dueCancelReason(taskId, t);
        if (reason == CancelReason.None) revert NotCancellable(taskId);
        _cancel(taskId, t, reason);
    }

    /// @inheritdoc IArenaTasks
    function claim(uint256 taskId, address account) external nonReentrant returns (uint256 amount) {
        Task storage t = _task(taskId);
        if (t.status == _ACTIVE) revert TaskNotInPhase(taskId, Phase.Settled, _phase(t));
        if (account == t.creator) return _claimCreator(taskId, t, account);
        TrainerRecord storage tr = _trainers[taskId][account];
        if (tr.commitment != 0) {
            if (tr.claimed) revert AlreadyClaimed(taskId, account);
            tr.claimed = true;
            (uint256 due, ClaimKind kind) = _trainerDue(taskId, t, tr);
            return _pay(taskId, account, kind, due, _params[taskId].trainerStake != 0);
        }
        ValidatorRecord storage vr = _validators[taskId][account];
        if (vr.commitment != 0) {
            if (vr.claimed) revert AlreadyClaimed(taskId, account);
            vr.claimed = true;
            (uint256 due, ClaimKind kind) = _validatorDue(taskId, t, vr);
            return _pay(taskId, account, kind, due, true);
        }
        revert NothingToClaim(taskId, account);
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IArenaTasks
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc IArenaTasks
    function getTask(uint256 taskId) external view returns (TaskView memory v) {
        Task storage t = _task(taskId);
        v.creator = t.creator;
        v.phase = _phase(t);
        v.stage = Stage(t.stage);
        v.cancelReason = CancelReason(t.cancelReason);
        v.evalRevealed = t.evalRevealed;
        v.submissionStart = t.submissionStart;
        v.submissionEnd = t.submissionEnd;
        v.publishEnd = t.publishEnd;
        v.commitEnd = t.commitEnd;
        v.revealEnd = t.revealEnd;
        v.liveCommitments = t.liveCommitments;
        v.published = t.published;
        v.validators = t.validators;
        v.revealed = t.revealed;
        v.cursor = t.cursor;
        v.rewardPool = t.rewardPool;
        v.bond = t.bond;
        v.evalCommitment = t.evalCommitment;
        v.specCid = _specCids[taskId];
        v.evalCid = _evalCids[taskId];
    }

    /// @inheritdoc IArenaTasks
    function phaseOf(uint256 taskId) external view returns (Phase) {
        return _phase(_task(taskId));
    }

    /// @inheritdoc IArenaTasks
    function paramsOf(uint256 taskId) external view returns (TaskParams memory) {
        _task(taskId);
        return _params[taskId];
    }

    /// @inheritdoc IArenaTasks
    /// @dev During finalization the running totals (slashed, keeperBounty, and the treasury's share so far in
    /// protocolFee) are already visible.
    function settlementOf(uint256 taskId) external view returns (Settlement memory) {
        _task(taskId);
        return _settlements[taskId];
    }

    /// @inheritdoc IArenaTasks
    function submissionAt(uint256 taskId, uint256 index) external view returns (Submission memory) {
        _task(taskId);
        return _submissions[taskId][index];
    }

    /// @inheritdoc IArenaTasks
    function trainerRecord(uint256 taskId, address trainer) external view returns (TrainerRecord memory) {
        return _trainers[taskId][trainer];
    }

    /// @inheritdoc IArenaTasks
    function validatorsOf(uint256 taskId) external view returns (address[] memory list) {
        uint256 n = _task(taskId).validators;
        list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = _validatorAt[taskId][i];
        }
    }

    /// @inheritdoc IArenaTasks
    function validatorRecord(uint256 taskId, address validator)
        external
        view
        returns (ValidatorRecord memory)
    {
        return _validators[taskId][validator];
    }

    /// @inheritdoc IArenaTasks
    function scoresOf(uint256 taskId, address validator) external view returns (uint16[] memory scores) {
        ValidatorRecord storage r = _validators[taskId][validator];
        if (!r.revealed) return scores;
        uint256 n = _tasks[taskId].published;
        scores = new uint16[](n);
        uint256 base = uint256(r.index) << 16;
        for (uint256 w; w < ScorePacking.wordCount(n); ++w) {
            ScorePacking.unpackInto(_scoreWords[taskId][base | w], scores, w);
        }
    }

    /// @inheritdoc IArenaTasks
    function claimable(uint256 taskId, address account) external view returns (uint256 amount) {
        Task storage t = _tasks[taskId];
        if (t.creator == address(0) || t.status == _ACTIVE) return 0;
        if (account == t.creator) return t.creatorClaimed ? 0 : _settlements[taskId].creatorRefund;
        TrainerRecord storage tr = _trainers[taskId][account];
        if (tr.commitment != 0) {
            if (!tr.claimed) (amount,) = _trainerDue(taskId, t, tr);
            return amount;
        }
        ValidatorRecord storage vr = _validators[taskId][account];
        if (vr.commitment != 0 && !vr.claimed) (amount,) = _validatorDue(taskId, t, vr);
    }

    /// @inheritdoc IArenaTasks
    function submissionCommitmentOf(uint256 taskId, address trainer, string calldata modelCid, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), taskId, trainer, modelCid, salt));
    }

    /// @inheritdoc IArenaTasks
    function scoresCommitmentOf(uint256 taskId, address validator, uint16[] calldata scores, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), taskId, validator, scores, salt));
    }

    /// @inheritdoc IArenaTasks
    function evalCommitmentOf(address creator, string calldata evalCid, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), creator, evalCid, salt));
    }

    // ─── creation ──────────────────────────────────────────────────────────────────────────────

    function _createTask(CreateTaskParams calldata p) private returns (uint256 taskId) {
        uint256[] memory cfg = _readConfig();
        _checkCreate(p, cfg);
        taskId = ++_taskCount;
        Task storage t = _storeTask(taskId, p, cfg);
        TaskParams memory tp = _toParams(p, cfg);
        _params[taskId] = tp;
        _specCids[taskId] = p.specCid;
        emit TaskCreated(
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
        emit TaskParamsFixed(taskId, tp);
        _token.safeTransferFrom(msg.sender, address(this), p.rewardPool + cfg[17] + cfg[18]);
        if (cfg[17] != 0) _token.safeTransfer(_config.treasury(), cfg[17]);
    }

    /// @dev Config values, in this order: the 17 `TaskParams` stakes/bps/sizes/tolerances (as in the struct), then
    /// TASK_CREATION_FEE (17), CREATOR_BOND (18), MIN_REWARD_POOL (19), MIN_WINDOW (20), MAX_WINDOW (21).
    function _readConfig() private view returns (uint256[] memory) {
        bytes32[] memory k = new bytes32[](22);
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
        return _config.getMany(k);
    }

    function _checkCreate(CreateTaskParams calldata p, uint256[] memory cfg) private view {
        if (bytes(p.specCid).length == 0) revert EmptyCid();
        if (p.evalCommitment == 0) revert ZeroCommitment();
        if (p.rewardPool < cfg[19]) revert RewardPoolTooSmall(p.rewardPool, cfg[19]);
        if (p.minScore > ScorePacking.MAX_SCORE || p.spamScore > p.minScore) {
            revert InvalidScoreBounds(p.minScore, p.spamScore);
        }
        if (p.submissionStart != 0 && p.submissionStart < block.timestamp) {
            revert InvalidStartTime(p.submissionStart, block.timestamp);
        }
        _checkWindow(p.submissionWindow, cfg);
        _checkWindow(p.publishWindow, cfg);
        _checkWindow(p.commitWindow, cfg);
        _checkWindow(p.revealWindow, cfg);
    }

    function _checkWindow(uint256 length, uint256[] memory cfg) private pure {
        if (length < cfg[20] || length > cfg[21]) revert InvalidWindow(length, cfg[20], cfg[21]);
    }

    function _storeTask(uint256 taskId, CreateTaskParams calldata p, uint256[] memory cfg)
        private
        returns (Task storage t)
    {
        t = _tasks[taskId];
        uint40 start = p.submissionStart == 0 ? uint40(block.timestamp) : p.submissionStart;
        t.creator = msg.sender;
        t.submissionStart = start;
        t.submissionEnd = start + p.submissionWindow;
        t.publishEnd = t.submissionEnd + p.publishWindow;
        t.commitEnd = t.publishEnd + p.commitWindow;
        t.revealEnd = t.commitEnd + p.revealWindow;
        t.rewardPool = p.rewardPool;
        t.bond = cfg[18].toUint128();
        t.evalCommitment = p.evalCommitment;
    }

    function _toParams(CreateTaskParams calldata p, uint256[] memory cfg)
        private
        pure
        returns (TaskParams memory tp)
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
    }

    // ─── joining ───────────────────────────────────────────────────────────────────────────────

    /// @dev Checks a first-time trainer and counts it; returns the stake to lock.
    function _joinAsTrainer(uint256 taskId, Task storage t) private returns (uint256 stake) {
        IStakingVault.Role role = _vault.roleOf(msg.sender);
        if (role != IStakingVault.Role.TrainingNode) {
            revert WrongRole(msg.sender, uint8(IStakingVault.Role.TrainingNode), uint8(role));
        }
        if (msg.sender == t.creator) revert RoleConflict(taskId, msg.sender);
        TaskParams storage p = _params[taskId];
        uint16 live = t.liveCommitments;
        if (live >= p.maxSubmissions) revert TooManySubmissions(taskId, p.maxSubmissions);
        stake = p.trainerStake;
        uint256 available = _vault.availableStake(msg.sender);
        if (available < stake) revert InsufficientStake(msg.sender, available, stake);
        t.liveCommitments = live + 1;
    }

    /// @dev Checks a first-time validator, records its lock and index; returns both.
    function _joinAsValidator(uint256 taskId, Task storage t, ValidatorRecord storage r)
        private
        returns (uint256 lockAmount, uint16 index)
    {
        if (!t.evalRevealed) revert EvalDataNotRevealed(taskId);
        TaskParams storage p = _params[taskId];
        if (t.published < p.minSubmissions) revert TooFewSubmissions(taskId, t.published, p.minSubmissions);
        IStakingVault.Role role = _vault.roleOf(msg.sender);
        if (role != IStakingVault.Role.Validator) {
            revert WrongRole(msg.sender, uint8(IStakingVault.Role.Validator), uint8(role));
        }
        if (msg.sender == t.creator) revert RoleConflict(taskId, msg.sender);
        index = t.validators;
        if (index >= p.maxValidators) revert TooManyValidators(taskId, p.maxValidators);
        uint256 available = _vault.availableStake(msg.sender);
        uint256 minimum = p.minValidatorStake == 0 ? 1 : p.minValidatorStake;
        if (available < minimum) revert InsufficientStake(msg.sender, available, minimum);
        lockAmount = available < p.validatorLockCap ? available : p.validatorLockCap;
        t.validators = index + 1;
        _validatorAt[taskId][index] = msg.sender;
        r.lock = uint128(lockAmount); // ≤ validatorLockCap, a uint128
        r.index = index;
    }

    /// @dev Packs and stores revealed scores, 16 per slot; reverts on a score above 10000.
    function _storeScores(uint256 taskId, uint256 vIndex, uint16[] calldata scores) private {
        uint256 base = vIndex << 16;
        uint256 words = ScorePacking.wordCount(scores.length);
        for (uint256 w; w < words; ++w) {
            (uint256 word, uint256 maxScore) = ScorePacking.packCalldata(scores, w);
            if (maxScore > ScorePacking.MAX_SCORE) _revertOutOfRange(scores, w);
            _scoreWords[taskId][base | w] = word;
        }
    }

    function _revertOutOfRange(uint16[] calldata scores, uint256 w) private pure {
        for (uint256 i = w * ScorePacking.PER_WORD; i < scores.length; ++i) {
            if (scores[i] > ScorePacking.MAX_SCORE) revert ScoreOutOfRange(i, scores[i]);
        }
    }

    // ─── phases and cancellation ───────────────────────────────────────────────────────────────

    function _task(uint256 taskId) private view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.creator == address(0)) revert UnknownTask(taskId);
    }

    function _taskIn(uint256 taskId, Phase expected) private view returns (Task storage t) {
        t = _task(taskId);
        Phase actual = _phase(t);
        if (actual != expected) revert TaskNotInPhase(taskId, expected, actual);
    }

    function _phase(Task storage t) private view returns (Phase) {
        uint8 status = t.status;
        if (status == _SETTLED) return Phase.Settled;
        if (status == _CANCELLED) return Phase.Cancelled;
        uint256 ts = block.timestamp;
        if (ts < t.submissionStart) return Phase.Created;
        if (ts < t.submissionEnd) return Phase.Submission;
        if (ts < t.publishEnd) return Phase.Publish;
        if (ts < t.commitEnd) return Phase.Commit;
        if (ts < t.revealEnd) return Phase.Reveal;
        return Phase.Finalizing;
    }

    /// @dev The cancellation that is due now (None when none is, or once finalization has started).
    function _dueCancelReason(uint256 taskId, Task storage t) private view returns (CancelReason) {
        if (t.status != _ACTIVE || t.stage != uint8(Stage.None) || block.timestamp < t.publishEnd) {
            return CancelReason.None;
        }
        if (!t.evalRevealed) return CancelReason.EvalDataNotRevealed;
        TaskParams storage p = _params[taskId];
        if (t.published < p.minSubmissions) return CancelReason.TooFewSubmissions;
        if (block.timestamp >= t.revealEnd && t.revealed < p.minReveals) return CancelReason.TooFewReveals;
        return CancelReason.None;
    }

    function _cancel(uint256 taskId, Task storage t, CancelReason reason) private {
        Settlement storage s = _settlements[taskId];
        uint256 refund = t.rewardPool;
        uint256 share;
        if (reason == CancelReason.ByCreator) refund += t.bond;
        else if (reason == CancelReason.EvalDataNotRevealed) share = _shareBond(t, s);
        else if (reason == CancelReason.TooFewReveals) refund += _slashNonRevealers(taskId, t, s);
        s.creatorRefund = refund.toUint128();
        t.status = _CANCELLED;
        t.cancelReason = uint8(reason);
        emit TaskCancelled(taskId, reason, refund, share);
        uint256 toTreasury = s.protocolFee;
        if (toTreasury != 0) _token.safeTransfer(_config.treasury(), toTreasury);
    }

    /// @dev The eval-data default: the bond is shared equally by the published trainers (dust, or all of it when
    /// nobody published, to the treasury).
    function _shareBond(Task storage t, Settlement storage s) private returns (uint256 share) {
        uint256 published = t.published;
        uint256 bond = t.bond;
        if (published != 0) share = bond / published;
        s.bondShare = uint128(share); // ≤ bond, a uint128
        s.protocolFee += uint128(bond - share * published);
    }

    /// @dev Slashes every validator that committed and did not reveal; returns the part owed to the creator.
    function _slashNonRevealers(uint256 taskId, Task storage t, Settlement storage s)
        private
        returns (uint256 net)
    {
        TaskParams storage p = _params[taskId];
        uint256 n = t.validators;
        for (uint256 j; j < n; ++j) {
            address a = _validatorAt[taskId][j];
            ValidatorRecord storage r = _validators[taskId][a];
            if (r.revealed) continue;
            r.outcome = ValidatorOutcome.SlashedNonReveal;
            net += _slash(
                taskId, a, RewardMath.bpsOf(r.lock, p.nonRevealSlashBps), SlashReason.NonReveal, p, s
            );
            emit ValidatorJudged(taskId, a, ValidatorOutcome.SlashedNonReveal, 0, 0, 0);
        }
    }

    /// @dev Slashes up to `amount` of `account`'s lock; books the treasury share; returns the rest (for a pot).
    function _slash(
        uint256 taskId,
        address account,
        uint256 amount,
        SlashReason reason,
        TaskParams storage p,
        Settlement storage s
    ) private returns (uint256 toPot) {
        if (amount == 0) return 0;
        uint256 slashed = _vault.slash(taskId, account, amount);
        uint256 toTreasury;
        (toTreasury, toPot) = RewardMath.splitSlash(slashed, p.slashTreasuryBps);
        s.slashed += uint128(slashed); // ≤ the token supply, a uint128
        s.protocolFee += uint128(toTreasury);
        emit ParticipantSlashed(taskId, account, reason, slashed, toTreasury);
    }

    // ─── finalization ──────────────────────────────────────────────────────────────────────────

    function _startFinalization(uint256 taskId, Task storage t) private {
        TaskParams storage p = _params[taskId];
        Settlement storage s = _settlements[taskId];
        (uint256 fee,, uint256 vPot, uint256 tPot) =
            RewardMath.splitPool(t.rewardPool, p.protocolFeeBps, p.keeperBountyBps, p.validatorShareBps);
        // each part ≤ the pool, a uint128
        s.protocolFee = uint128(fee);
        s.validatorPot = uint128(vPot);
        s.trainerPot = uint128(tPot);
        t.stage = uint8(Stage.Consensus);
    }

    /// @dev Runs up to `maxSteps` units through the stages; a stage that ends mid-call hands the rest to the next one.
    function _advance(uint256 taskId, Task storage t, uint256 maxSteps) private returns (uint256 steps) {
        uint256 left = maxSteps;
        while (left != 0) {
            uint8 stage = t.stage;
            uint256 used;
            if (stage == uint8(Stage.Consensus)) used = _consensusBatch(taskId, t, left);
            else if (stage == uint8(Stage.Validators)) used = _validatorBatch(taskId, t, left);
            else if (stage == uint8(Stage.Ranking)) used = _rankingBatch(taskId, t, left);
            else break;
            // unchecked: every batch uses at most `left` units
            unchecked {
                left -= used;
                steps += used;
            }
        }
    }

    /// @dev The end of a batch of at most `left` units starting at `from` in a stage of `n` units.
    function _batchEnd(uint256 from, uint256 n, uint256 left) private pure returns (uint256) {
        return left < n - from ? from + left : n;
    }

    function _consensusBatch(uint256 taskId, Task storage t, uint256 left) private returns (uint256) {
        uint256 from = t.cursor;
        uint256 n = t.published;
        uint256 to = _batchEnd(from, n, left);
        if (to > from) _runConsensus(taskId, t, from, to);
        _moveCursor(t, to, n, Stage.Validators);
        return to - from;
    }

    function _moveCursor(Task storage t, uint256 to, uint256 n, Stage next) private {
        if (to == n) {
            t.stage = uint8(next);
            t.cursor = 0;
        } else {
            t.cursor = uint16(to); // < n ≤ published, a uint16
        }
    }

    /// @dev Consensus of submissions [from, to), 16 at a time so that one SLOAD per validator serves 16 submissions.
    function _runConsensus(uint256 taskId, Task storage t, uint256 from, uint256 to) private {
        ConsensusCtx memory c = _loadRevealed(taskId, t.validators);
        TaskParams storage p = _params[taskId];
        uint256 minScore = p.minScore;
        uint256 eligible = t.eligible;
        for (uint256 i = from; i < to;) {
            uint256 w = i >> 4;
            uint256 end = (w + 1) << 4;
            if (end > to) end = to;
            for (uint256 k; k < c.n; ++k) {
                c.words[k] = _scoreWords[taskId][(c.vIndex[k] << 16) | w];
            }
            for (; i < end; ++i) {
                if (_consensusOne(taskId, c, i, p) >= minScore) ++eligible;
            }
        }
        t.eligible = uint16(eligible); // ≤ published, a uint16
        for (uint256 k; k < c.n; ++k) {
            // ≤ published · 10000 < 2^32
            _validators[taskId][c.account[k]].distanceSum = uint32(c.distanceSum[k]);
        }
    }

    function _loadRevealed(uint256 taskId, uint256 validators) private view returns (ConsensusCtx memory c) {
        c.vIndex = new uint256[](validators);
        c.weight = new uint256[](validators);
        c.distanceSum = new uint256[](validators);
        c.account = new address[](validators);
        for (uint256 j; j < validators; ++j) {
            address a = _validatorAt[taskId][j];
            ValidatorRecord storage r = _validators[taskId][a];
            if (!r.revealed) continue;
            uint256 k = c.n++;
            c.vIndex[k] = j;
            c.weight[k] = r.lock;
            c.distanceSum[k] = r.distanceSum;
            c.account[k] = a;
            c.totalWeight += r.lock;
        }
        c.words = new uint256[](c.n);
        c.keys = new uint256[](c.n);
    }

    /// @dev The consensus of submission `i`: stake-weighted lower median; books distances; slashes spam.
    function _consensusOne(uint256 taskId, ConsensusCtx memory c, uint256 i, TaskParams storage p)
        private
        returns (uint256 m)
    {
        uint256 slot = i & 15;
        for (uint256 k; k < c.n; ++k) {
            c.keys[k] = WeightedMedian.key(ScorePacking.get(c.words[k], slot), c.weight[k]);
        }
        m = WeightedMedian.lowerMedianOfKeys(c.keys, c.totalWeight);
        for (uint256 k; k < c.n; ++k) {
            uint256 s = ScorePacking.get(c.words[k], slot);
            // unchecked: each term ≤ 10000 and the sum stays < 2^32 (see _runConsensus)
            unchecked {
                c.distanceSum[k] += s > m ? s - m : m - s;
            }
        }
        Submission storage sub = _submissions[taskId][i];
        sub.consensus = uint16(m); // a median of uint16 scores
        address trainer = sub.trainer;
        emit ConsensusComputed(taskId, uint16(i), trainer, uint16(m));
        if (m < p.spamScore) {
            sub.spam = true;
            _slashSpam(taskId, trainer, p);
        }
    }

    /// @dev Slashes a spam submission's trainer; the honest share goes to the trainer pot.
    function _slashSpam(uint256 taskId, address trainer, TaskParams storage p) private {
        Settlement storage s = _settlements[taskId];
        uint256 amount = RewardMath.bpsOf(p.trainerStake, p.spamSlashBps);
        s.trainerPot += uint128(_slash(taskId, trainer, amount, SlashReason.Spam, p, s)); // ≤ the token supply
    }

    function _validatorBatch(uint256 taskId, Task storage t, uint256 left) private returns (uint256) {
        uint256 from = t.cursor;
        uint256 n = t.validators;
        uint256 to = _batchEnd(from, n, left);
        TaskParams storage p = _params[taskId];
        Settlement storage s = _settlements[taskId];
        for (uint256 j = from; j < to; ++j) {
            _judge(taskId, j, t.published, p, s);
        }
        _moveCursor(t, to, n, Stage.Ranking);
        if (to == n) {
            _closeValidators(taskId, n, p, s);
            _openRanking(t, p, s);
        }
        return to - from;
    }

    /// @dev Judges validator `j`. Every reveal scores every published submission, so all validators scored the same
    /// number of submissions: the SPEC's "× submissions scored" factor is common to all and cancels out of the shares.
    function _judge(uint256 taskId, uint256 j, uint256 published, TaskParams storage p, Settlement storage s)
        private
    {
        address a = _validatorAt[taskId][j];
        ValidatorRecord storage r = _validators[taskId][a];
        if (!r.revealed) {
            r.outcome = ValidatorOutcome.SlashedNonReveal;
            s.validatorPot += uint128(
                _slash(taskId, a, RewardMath.bpsOf(r.lock, p.nonRevealSlashBps), SlashReason.NonReveal, p, s)
            );
            emit ValidatorJudged(taskId, a, ValidatorOutcome.SlashedNonReveal, 0, 0, 0);
            return;
        }
        uint256 d = published == 0 ? 0 : r.distanceSum / published;
        r.distance = uint16(d); // a mean of distances ≤ 10000
        if (d > p.slashTolerance) {
            r.outcome = ValidatorOutcome.SlashedDeviation;
            s.validatorPot += uint128(
                _slash(taskId, a, RewardMath.bpsOf(r.lock, p.deviationSlashBps), SlashReason.Deviation, p, s)
            );
            emit ValidatorJudged(taskId, a, ValidatorOutcome.SlashedDeviation, uint16(d), 0, 0);
        } else if (d <= p.validatorTolerance) {
            r.outcome = ValidatorOutcome.Rewarded;
            s.validatorWeightSum += _validatorWeight(r, p.validatorTolerance);
            s.rewardedValidators += 1;
        } else {
            r.outcome = ValidatorOutcome.Neutral;
            emit ValidatorJudged(taskId, a, ValidatorOutcome.Neutral, uint16(d), 0, 0);
        }
    }

    /// @dev Once the validator pot is final: the rewarded validators' events, the dust (or an unclaimed pot) to the
    /// treasury.
    function _closeValidators(uint256 taskId, uint256 n, TaskParams storage p, Settlement storage s) private {
        uint256 pot = s.validatorPot;
        uint256 total = s.validatorWeightSum;
        if (total == 0) {
            s.protocolFee += uint128(pot);
            s.validatorPot = 0;
            return;
        }
        uint256 paid;
        for (uint256 j; j < n; ++j) {
            address a = _validatorAt[taskId][j];
            ValidatorRecord storage r = _validators[taskId][a];
            if (r.outcome != ValidatorOutcome.Rewarded) continue;
            uint256 weight = _validatorWeight(r, p.validatorTolerance);
            uint256 reward = RewardMath.proRata(pot, weight, total);
            paid += reward;
            emit ValidatorJudged(taskId, a, ValidatorOutcome.Rewarded, r.distance, weight, reward);
        }
        s.protocolFee += uint128(pot - paid);
    }

    /// @dev Once the trainer pot is final: the geometric weight sum over the eligible ranks (or the pot to the treasury).
    function _openRanking(Task storage t, TaskParams storage p, Settlement storage s) private {
        uint256 eligible = t.eligible;
        if (eligible == 0) {
            s.protocolFee += s.trainerPot;
            s.trainerPot = 0;
            return;
        }
        s.trainerWeightSum = RewardMath.rankWeightSum(RewardMath.decayWad(p.rankDecayBps), eligible);
        s.paidTrainers = uint16(eligible);
    }

    function _rankingBatch(uint256 taskId, Task storage t, uint256 left) private returns (uint256) {
        uint256 from = t.cursor;
        uint256 n = t.published;
        uint256 to = _batchEnd(from, n, left);
        if (to > from) _runRanking(taskId, t, from, to);
        _moveCursor(t, to, n, Stage.Done);
        return to - from;
    }

    /// @dev Ranks [from, to): rank = number of submissions with a higher consensus, or an equal one and an earlier
    /// commit (commit sequence numbers are unique, so ranks are a permutation of 0..n-1).
    function _runRanking(uint256 taskId, Task storage t, uint256 from, uint256 to) private {
        uint256 n = t.published;
        uint256[] memory keys = new uint256[](n);
        for (uint256 j; j < n; ++j) {
            Submission storage sub = _submissions[taskId][j];
            keys[j] = (uint256(sub.consensus) << 32) | (type(uint32).max - sub.commitSeq);
        }
        Settlement storage s = _settlements[taskId];
        uint256 decay = RewardMath.decayWad(_params[taskId].rankDecayBps);
        uint256 paid;
        for (uint256 i = from; i < to; ++i) {
            uint256 rank = _rankOf(keys, i);
            Submission storage sub = _submissions[taskId][i];
            sub.rank = uint16(rank); // < n, a uint16
            uint256 reward = _trainerReward(s, decay, rank);
            paid += reward;
            emit SubmissionRanked(taskId, uint16(i), sub.trainer, uint16(rank), sub.consensus, reward);
        }
        t.trainerPaid += uint128(paid); // ≤ trainerPot
    }

    function _rankOf(uint256[] memory keys, uint256 i) private pure returns (uint256 rank) {
        uint256 mine = keys[i];
        uint256 n = keys.length;
        for (uint256 j; j < n; ++j) {
            // unchecked: rank < n
            unchecked {
                if (keys[j] > mine) ++rank;
            }
        }
    }

    function _trainerReward(Settlement storage s, uint256 decay, uint256 rank)
        private
        view
        returns (uint256)
    {
        if (rank >= s.paidTrainers) return 0;
        return RewardMath.proRata(s.trainerPot, RewardMath.rankWeight(decay, rank), s.trainerWeightSum);
    }

    function _validatorWeight(ValidatorRecord storage r, uint256 tolerance) private view returns (uint256) {
        return uint256(r.lock) * (tolerance - r.distance + 1);
    }

    /// @dev This call's keeper bounty: ∝ its units of work; the settling call takes the remainder.
    function _takeBounty(uint256 taskId, Task storage t, uint256 steps, bool done)
        private
        returns (uint256 bounty)
    {
        Settlement storage s = _settlements[taskId];
        uint256 total = RewardMath.bpsOf(t.rewardPool, _params[taskId].keeperBountyBps);
        uint256 paid = s.keeperBounty;
        uint256 units = 2 * uint256(t.published) + t.validators;
        if (done) bounty = total - paid;
        else bounty = RewardMath.proRata(total, steps, units);
        s.keeperBounty = uint128(paid + bounty); // ≤ total
    }

    /// @dev Settles: trainer dust to the treasury; returns what the treasury receives now.
    function _closeSettlement(uint256 taskId, Task storage t) private returns (uint256) {
        Settlement storage s = _settlements[taskId];
        s.protocolFee += s.trainerPot - t.trainerPaid;
        t.status = _SETTLED;
        emit TaskSettled(
            taskId,
            s.trainerPot,
            s.validatorPot,
            s.protocolFee,
            s.keeperBounty,
            s.slashed,
            s.paidTrainers,
            s.rewardedValidators
        );
        return s.protocolFee;
    }

    // ─── claims ────────────────────────────────────────────────────────────────────────────────

    function _claimCreator(uint256 taskId, Task storage t, address account) private returns (uint256 refund) {
        if (t.creatorClaimed) revert AlreadyClaimed(taskId, account);
        if (t.status == _CANCELLED) refund = _settlements[taskId].creatorRefund;
        if (refund == 0) revert NothingToClaim(taskId, account);
        t.creatorClaimed = true;
        emit Claimed(taskId, account, ClaimKind.CreatorRefund, refund, 0);
        _token.safeTransfer(account, refund);
    }

    function _trainerDue(uint256 taskId, Task storage t, TrainerRecord storage tr)
        private
        view
        returns (uint256, ClaimKind)
    {
        if (!tr.published) return (0, ClaimKind.UnlockOnly);
        Settlement storage s = _settlements[taskId];
        if (t.status == _CANCELLED) {
            if (t.cancelReason == uint8(CancelReason.EvalDataNotRevealed)) {
                return (s.bondShare, ClaimKind.BondShare);
            }
            return (0, ClaimKind.UnlockOnly);
        }
        uint256 rank = _submissions[taskId][tr.index].rank;
        uint256 decay = RewardMath.decayWad(_params[taskId].rankDecayBps);
        return (_trainerReward(s, decay, rank), ClaimKind.TrainerReward);
    }

    function _validatorDue(uint256 taskId, Task storage t, ValidatorRecord storage r)
        private
        view
        returns (uint256, ClaimKind)
    {
        if (t.status != _SETTLED || r.outcome != ValidatorOutcome.Rewarded) {
            return (0, ClaimKind.UnlockOnly);
        }
        Settlement storage s = _settlements[taskId];
        uint256 weight = _validatorWeight(r, _params[taskId].validatorTolerance);
        return (RewardMath.proRata(s.validatorPot, weight, s.validatorWeightSum), ClaimKind.ValidatorReward);
    }

    /// @dev Pays `amount` into `account`'s pool and releases what remains of its lock (`hasLock`: a lock was taken).
    function _pay(uint256 taskId, address account, ClaimKind kind, uint256 amount, bool hasLock)
        private
        returns (uint256)
    {
        uint256 unlocked = hasLock ? _vault.lockOf(address(this), taskId, account) : 0;
        emit Claimed(taskId, account, kind, amount, unlocked);
        if (amount != 0) _vault.depositReward(account, amount);
        if (hasLock) _vault.unlock(taskId, account);
        return amount;
    }
}
