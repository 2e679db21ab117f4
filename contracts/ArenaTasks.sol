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
import {ArenaCreate} from "./arena/ArenaCreate.sol";
import {ArenaFinalize} from "./arena/ArenaFinalize.sol";
import {ArenaStorage} from "./arena/ArenaStorage.sol";
import {ConfigKeys} from "./libraries/ConfigKeys.sol";
import {ModelCid} from "./libraries/ModelCid.sol";
import {RewardMath} from "./libraries/RewardMath.sol";
import {ScorePacking} from "./libraries/ScorePacking.sol";

/// @title ArenaTasks
/// @notice See `IArenaTasks`.
/// @dev Storage: one `ArenaStorage.Layout` (see there). Finalization and cancellation run in the external library
/// `ArenaFinalize` (DELEGATECALL on that layout, so its events are this contract's logs): it keeps this contract under
/// EIP-170's 24,576-byte code-size limit.
contract ArenaTasks is IArenaTasks, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    IERC20 private immutable _token;
    IProtocolConfig private immutable _config;
    IStakingVault private immutable _vault;

    ArenaStorage.Layout private _s;

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
        (,, uint256 total) = creationCost(p.rewardPool);
        // a failed permit (e.g. front-run) is ignored: the transfer below still needs the allowance
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), total, deadline, v, r, s) {}
            catch {}
        return _createTask(p);
    }

    /// @inheritdoc IArenaTasks
    function cancelBeforeStart(uint256 taskId) external nonReentrant {
        ArenaStorage.Task storage t = _taskIn(taskId, Phase.Created);
        if (msg.sender != t.creator) revert NotCreator(taskId, msg.sender);
        ArenaFinalize.cancel(_s, _token, _config, _vault, taskId, CancelReason.ByCreator);
    }

    /// @inheritdoc IArenaTasks
    function commitSubmission(uint256 taskId, bytes32 commitment) external nonReentrant {
        ArenaStorage.Task storage t = _taskIn(taskId, Phase.Submission);
        if (commitment == 0) revert ZeroCommitment();
        TrainerRecord storage r = _s.trainers[taskId][msg.sender];
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
        ArenaStorage.Task storage t = _taskIn(taskId, Phase.Publish);
        if (!t.evalRevealed) revert EvalDataNotRevealed(taskId);
        bytes32 digest = ModelCid.digestOf(modelCid);
        TrainerRecord storage r = _s.trainers[taskId][msg.sender];
        bytes32 commitment = r.commitment;
        if (commitment == 0) revert NoCommitment(taskId, msg.sender);
        if (r.published) revert AlreadyRevealed(taskId, msg.sender);
        if (submissionCommitmentOf(taskId, msg.sender, modelCid, salt) != commitment) {
            revert CommitmentMismatch(taskId, msg.sender);
        }
        uint32 seq = r.commitSeq;
        r.published = true;
        uint256 existing = _s.models[taskId][digest];
        if (existing != 0) {
            // the model is owned by its earliest commitment, whoever revealed first
            uint16 at = (existing - 1).toUint16();
            Submission storage sub = _s.submissions[taskId][at];
            if (sub.commitSeq < seq) revert DuplicateModel(taskId, modelCid);
            address copier = sub.trainer;
            _s.trainers[taskId][copier].published = false;
            sub.trainer = msg.sender;
            sub.commitSeq = seq;
            r.index = at;
            emit SubmissionDisplaced(taskId, at, copier, msg.sender, seq);
            emit SubmissionRevealed(taskId, msg.sender, at, modelCid, seq);
            return;
        }
        uint16 index = t.published;
        t.published = index + 1;
        r.index = index;
        _s.models[taskId][digest] = uint256(index) + 1;
        _s.submissions[taskId][index] = Submission({
            trainer: msg.sender,
            commitSeq: seq,
            consensus: 0,
            rank: 0,
            spam: false,
            contested: false,
            cidHash: digest
        });
        emit SubmissionRevealed(taskId, msg.sender, index, modelCid, seq);
    }

    /// @inheritdoc IArenaTasks
    function revealEvalData(uint256 taskId, string calldata evalCid, bytes32 salt) external nonReentrant {
        ArenaStorage.Task storage t = _taskIn(taskId, Phase.Publish);
        if (msg.sender != t.creator) revert NotCreator(taskId, msg.sender);
        if (t.evalRevealed) revert EvalDataAlreadyRevealed(taskId);
        if (block.timestamp >= t.evalRevealEnd) revert EvalRevealClosed(taskId, t.evalRevealEnd);
        if (bytes(evalCid).length == 0) revert EmptyCid();
        if (evalCommitmentOf(msg.sender, evalCid, salt) != t.evalCommitment) {
            revert CommitmentMismatch(taskId, msg.sender);
        }
        t.evalRevealed = true;
        _s.evalCids[taskId] = evalCid;
        // the bond stays at risk until the task settles: nothing is refunded here
        emit EvalDataRevealed(taskId, msg.sender, evalCid, 0);
    }

    /// @inheritdoc IArenaTasks
    function commitScores(uint256 taskId, bytes32 commitment) external nonReentrant {
        ArenaStorage.Task storage t = _taskIn(taskId, Phase.Commit);
        if (commitment == 0) revert ZeroCommitment();
        ValidatorRecord storage r = _s.validators[taskId][msg.sender];
        bool replaced = r.commitment != 0;
        uint256 lockAmount;
        uint16 index;
        address evicted;
        if (replaced) index = r.index;
        else (lockAmount, index, evicted) = _joinAsValidator(taskId, t, r);
        r.commitment = commitment;
        emit ScoresCommitted(taskId, msg.sender, commitment, index, replaced, lockAmount);
        if (evicted != address(0)) _vault.unlock(taskId, evicted);
        if (!replaced) _vault.lock(taskId, msg.sender, lockAmount);
    }

    /// @inheritdoc IArenaTasks
    function revealScores(uint256 taskId, uint16[] calldata scores, bytes32 salt) external nonReentrant {
        ArenaStorage.Task storage t = _taskIn(taskId, Phase.Reveal);
        ValidatorRecord storage r = _s.validators[taskId][msg.sender];
        bytes32 commitment = r.commitment;
        if (commitment == 0) revert NoCommitment(taskId, msg.sender);
        if (r.revealed) revert AlreadyRevealed(taskId, msg.sender);
        uint256 n = t.published;
        // an empty array says "the eval data could not be fetched or used"
        if (scores.length != n && scores.length != 0) revert ScoreCountMismatch(taskId, scores.length, n);
        if (scoresCommitmentOf(taskId, msg.sender, scores, salt) != commitment) {
            revert CommitmentMismatch(taskId, msg.sender);
        }
        uint16 vIndex = r.index;
        r.revealed = true;
        // unchecked: revealed ≤ validators ≤ MAX_VALIDATORS < 2^16; stakes ≤ the token supply < 2^128
        unchecked {
            t.revealed += 1;
            if (scores.length == 0) {
                r.unavailable = true;
                t.unavailableStake += r.lock;
            } else {
                t.scorers += 1;
                t.revealedStake += r.lock;
            }
        }
        if (scores.length != 0) _storeScores(taskId, vIndex, scores);
        emit ScoresRevealed(taskId, msg.sender, vIndex, scores);
    }

    /// @inheritdoc IArenaTasks
    function finalize(uint256 taskId, uint256 maxSteps) external nonReentrant returns (bool done) {
        if (maxSteps == 0) revert ZeroSteps();
        _taskIn(taskId, Phase.Finalizing);
        return ArenaFinalize.finalize(_s, _token, _config, _vault, taskId, maxSteps);
    }

    /// @inheritdoc IArenaTasks
    function cancel(uint256 taskId) external nonReentrant {
        CancelReason reason = ArenaStorage.dueCancelReason(_s, taskId, _task(taskId));
        if (reason == CancelReason.None) revert NotCancellable(taskId);
        ArenaFinalize.cancel(_s, _token, _config, _vault, taskId, reason);
    }

    /// @inheritdoc IArenaTasks
    function claim(uint256 taskId, address account) external nonReentrant returns (uint256 amount) {
        ArenaStorage.Task storage t = _task(taskId);
        if (t.status == ArenaStorage.Status.Active) {
            revert TaskNotInPhase(taskId, Phase.Settled, ArenaStorage.phase(t));
        }
        if (account == t.creator) return _claimCreator(taskId, t, account);
        TrainerRecord storage tr = _s.trainers[taskId][account];
        if (tr.commitment != 0) {
            if (tr.claimed) revert AlreadyClaimed(taskId, account);
            tr.claimed = true;
            (uint256 due, ClaimKind kind) = _trainerDue(taskId, t, tr);
            if (!tr.published && t.evalRevealed) _slashTrainerNonReveal(taskId, account);
            return _pay(taskId, account, kind, due, true);
        }
        ValidatorRecord storage vr = _s.validators[taskId][account];
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
        return _s.taskCount;
    }

    /// @inheritdoc IArenaTasks
    function getTask(uint256 taskId) external view returns (TaskView memory v) {
        ArenaStorage.Task storage t = _task(taskId);
        v.creator = t.creator;
        v.phase = ArenaStorage.phase(t);
        v.stage = t.stage;
        v.cancelReason = t.cancelReason;
        v.evalRevealed = t.evalRevealed;
        v.submissionStart = t.submissionStart;
        v.submissionEnd = t.submissionEnd;
        v.evalRevealEnd = t.evalRevealEnd;
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
        v.specCid = _s.specCids[taskId];
        v.evalCid = _s.evalCids[taskId];
    }

    /// @inheritdoc IArenaTasks
    function creationCost(uint256 rewardPool) public view returns (uint256 fee, uint256 bond, uint256 total) {
        fee = _config.get(ConfigKeys.TASK_CREATION_FEE);
        bond = _config.get(ConfigKeys.CREATOR_BOND);
        uint256 proportional = RewardMath.bpsOf(rewardPool, _config.get(ConfigKeys.CREATOR_BOND_BPS));
        if (proportional > bond) bond = proportional;
        total = rewardPool + fee + bond;
    }

    /// @inheritdoc IArenaTasks
    function phaseOf(uint256 taskId) external view returns (Phase) {
        return ArenaStorage.phase(_task(taskId));
    }

    /// @inheritdoc IArenaTasks
    function paramsOf(uint256 taskId) external view returns (TaskParams memory) {
        _task(taskId);
        return _s.params[taskId];
    }

    /// @inheritdoc IArenaTasks
    /// @dev During finalization the running totals (slashed, keeperBounty, and the treasury's share so far in
    /// protocolFee) are already visible.
    function settlementOf(uint256 taskId) external view returns (Settlement memory) {
        _task(taskId);
        return _s.settlements[taskId];
    }

    /// @inheritdoc IArenaTasks
    function submissionAt(uint256 taskId, uint256 index) external view returns (Submission memory) {
        _task(taskId);
        return _s.submissions[taskId][index];
    }

    /// @inheritdoc IArenaTasks
    function trainerRecord(uint256 taskId, address trainer) external view returns (TrainerRecord memory) {
        return _s.trainers[taskId][trainer];
    }

    /// @inheritdoc IArenaTasks
    function validatorsOf(uint256 taskId) external view returns (address[] memory list) {
        uint256 n = _task(taskId).validators;
        list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = _s.validatorAt[taskId][i];
        }
    }

    /// @inheritdoc IArenaTasks
    function validatorRecord(uint256 taskId, address validator)
        external
        view
        returns (ValidatorRecord memory)
    {
        return _s.validators[taskId][validator];
    }

    /// @inheritdoc IArenaTasks
    function scoresOf(uint256 taskId, address validator) external view returns (uint16[] memory scores) {
        ValidatorRecord storage r = _s.validators[taskId][validator];
        if (!r.revealed || r.unavailable) return scores;
        uint256 n = _s.tasks[taskId].published;
        scores = new uint16[](n);
        for (uint256 w; w < ScorePacking.wordCount(n); ++w) {
            ScorePacking.unpackInto(_s.scoreWords[taskId][ArenaStorage.scoreKey(r.index, w)], scores, w);
        }
    }

    /// @inheritdoc IArenaTasks
    function claimable(uint256 taskId, address account) external view returns (uint256 amount) {
        ArenaStorage.Task storage t = _s.tasks[taskId];
        if (t.creator == address(0) || t.status == ArenaStorage.Status.Active) return 0;
        if (account == t.creator) return t.creatorClaimed ? 0 : _s.settlements[taskId].creatorRefund;
        TrainerRecord storage tr = _s.trainers[taskId][account];
        if (tr.commitment != 0) {
            if (!tr.claimed) (amount,) = _trainerDue(taskId, t, tr);
            return amount;
        }
        ValidatorRecord storage vr = _s.validators[taskId][account];
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

    function _createTask(CreateTaskParams calldata p) private returns (uint256) {
        return ArenaCreate.create(_s, _token, _config, p);
    }

    // ─── joining ───────────────────────────────────────────────────────────────────────────────

    /// @dev Checks a first-time trainer and counts it; returns the stake to lock.
    function _joinAsTrainer(uint256 taskId, ArenaStorage.Task storage t) private returns (uint256 stake) {
        IStakingVault.Role role = _vault.roleOf(msg.sender);
        if (role != IStakingVault.Role.TrainingNode) {
            revert WrongRole(msg.sender, IStakingVault.Role.TrainingNode, role);
        }
        if (msg.sender == t.creator) revert RoleConflict(taskId, msg.sender);
        TaskParams storage p = _s.params[taskId];
        uint16 live = t.liveCommitments;
        if (live >= p.maxSubmissions) revert TooManySubmissions(taskId, p.maxSubmissions);
        stake = p.trainerStake;
        uint256 available = _vault.availableStake(msg.sender);
        if (available < stake) revert InsufficientStake(msg.sender, available, stake);
        t.liveCommitments = live + 1;
    }

    /// @dev Checks a first-time validator, records its lock and index; returns both, and the validator it evicted (a
    /// full set admits a strictly larger lock in place of the smallest one, so stake, not arrival, decides the set).
    function _joinAsValidator(uint256 taskId, ArenaStorage.Task storage t, ValidatorRecord storage r)
        private
        returns (uint256 lockAmount, uint16 index, address evicted)
    {
        if (!t.evalRevealed) revert EvalDataNotRevealed(taskId);
        TaskParams storage p = _s.params[taskId];
        if (t.published < p.minSubmissions) revert TooFewSubmissions(taskId, t.published, p.minSubmissions);
        IStakingVault.Role role = _vault.roleOf(msg.sender);
        if (role != IStakingVault.Role.Validator) {
            revert WrongRole(msg.sender, IStakingVault.Role.Validator, role);
        }
        if (msg.sender == t.creator) revert RoleConflict(taskId, msg.sender);
        uint256 available = _vault.availableStake(msg.sender);
        uint256 minimum = p.minValidatorStake == 0 ? 1 : p.minValidatorStake;
        if (available < minimum) revert InsufficientStake(msg.sender, available, minimum);
        lockAmount = available < p.validatorLockCap ? available : p.validatorLockCap;
        index = t.validators;
        if (index >= p.maxValidators) {
            (index, evicted) = _evictSmallest(taskId, index, lockAmount, p.maxValidators);
        } else {
            t.validators = index + 1;
        }
        _s.validatorAt[taskId][index] = msg.sender;
        r.lock = lockAmount.toUint128();
        r.index = index;
    }

    /// @dev A full set: the smallest lock (the latest of equals) leaves when `lockAmount` is strictly larger.
    function _evictSmallest(uint256 taskId, uint16 n, uint256 lockAmount, uint16 maxValidators)
        private
        returns (uint16 index, address evicted)
    {
        mapping(uint256 => address) storage at = _s.validatorAt[taskId];
        mapping(address => ValidatorRecord) storage records = _s.validators[taskId];
        uint256 smallest = type(uint256).max;
        for (uint16 j; j < n; ++j) {
            address a = at[j];
            uint256 l = records[a].lock;
            if (l <= smallest) {
                smallest = l;
                index = j;
                evicted = a;
            }
        }
        if (lockAmount <= smallest) revert TooManyValidators(taskId, maxValidators);
        delete records[evicted];
        emit ValidatorEvicted(taskId, evicted, msg.sender, smallest, lockAmount);
    }

    /// @dev Slashes a training node that committed and did not publish; the slash goes to the treasury (not to the
    /// creator or the other trainers, who could otherwise farm it).
    function _slashTrainerNonReveal(uint256 taskId, address account) private {
        TaskParams storage p = _s.params[taskId];
        uint256 amount = RewardMath.bpsOf(p.trainerStake, p.trainerNonRevealSlashBps);
        if (amount == 0) return;
        uint256 slashed = _vault.slash(taskId, account, amount);
        emit TrainerNonRevealSlashed(taskId, account, slashed);
        if (slashed != 0) _token.safeTransfer(_config.treasury(), slashed);
    }

    /// @dev Packs and stores revealed scores, 16 per slot; reverts on a score above 10000.
    function _storeScores(uint256 taskId, uint256 vIndex, uint16[] calldata scores) private {
        uint256 words = ScorePacking.wordCount(scores.length);
        for (uint256 w; w < words; ++w) {
            (uint256 word, uint256 maxScore) = ScorePacking.packCalldata(scores, w);
            if (maxScore > ScorePacking.MAX_SCORE) _revertOutOfRange(scores, w);
            _s.scoreWords[taskId][ArenaStorage.scoreKey(vIndex, w)] = word;
        }
    }

    function _revertOutOfRange(uint16[] calldata scores, uint256 w) private pure {
        for (uint256 i = w * ScorePacking.PER_WORD; i < scores.length; ++i) {
            if (scores[i] > ScorePacking.MAX_SCORE) revert ScoreOutOfRange(i, scores[i]);
        }
    }

    // ─── phases and cancellation ───────────────────────────────────────────────────────────────

    function _task(uint256 taskId) private view returns (ArenaStorage.Task storage t) {
        t = _s.tasks[taskId];
        if (t.creator == address(0)) revert UnknownTask(taskId);
    }

    function _taskIn(uint256 taskId, Phase expected) private view returns (ArenaStorage.Task storage t) {
        t = _task(taskId);
        Phase actual = ArenaStorage.phase(t);
        if (actual != expected) revert TaskNotInPhase(taskId, expected, actual);
    }

    // ─── claims ────────────────────────────────────────────────────────────────────────────────

    function _claimCreator(uint256 taskId, ArenaStorage.Task storage t, address account)
        private
        returns (uint256 refund)
    {
        if (t.creatorClaimed) revert AlreadyClaimed(taskId, account);
        refund = _s.settlements[taskId].creatorRefund;
        if (refund == 0) revert NothingToClaim(taskId, account);
        t.creatorClaimed = true;
        emit Claimed(taskId, account, ClaimKind.CreatorRefund, refund, 0);
        _token.safeTransfer(account, refund);
    }

    function _trainerDue(uint256 taskId, ArenaStorage.Task storage t, TrainerRecord storage tr)
        private
        view
        returns (uint256, ClaimKind)
    {
        if (!tr.published) return (0, ClaimKind.UnlockOnly);
        Settlement storage s = _s.settlements[taskId];
        if (t.status == ArenaStorage.Status.Cancelled) return (0, ClaimKind.UnlockOnly);
        uint256 rank = _s.submissions[taskId][tr.index].rank;
        uint256 decay = RewardMath.decayWad(_s.params[taskId].rankDecayBps);
        return (ArenaStorage.trainerReward(s, decay, rank), ClaimKind.TrainerReward);
    }

    function _validatorDue(uint256 taskId, ArenaStorage.Task storage t, ValidatorRecord storage r)
        private
        view
        returns (uint256, ClaimKind)
    {
        if (t.status != ArenaStorage.Status.Settled || r.outcome != ValidatorOutcome.Rewarded) {
            return (0, ClaimKind.UnlockOnly);
        }
        Settlement storage s = _s.settlements[taskId];
        uint256 weight = ArenaStorage.validatorWeight(r, _s.params[taskId].validatorTolerance);
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
