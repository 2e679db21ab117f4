// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {ArenaTasks} from "../../contracts/ArenaTasks.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {Cids} from "./Cids.sol";

/// @notice BaseTest + a deployed ArenaTasks (module of the vault) and helpers that drive a task through its phases.
abstract contract ArenaBaseTest is BaseTest {
    uint32 internal constant WINDOW = 1 days;
    uint128 internal constant POOL = 10_000e18;
    uint256 internal constant TRAINER_STAKE = 5000e18;
    uint256 internal constant VALIDATOR_STAKE = 50_000e18;
    string internal constant SPEC_CID = "bafyspec";
    string internal constant EVAL_CID = "bafyeval";
    bytes32 internal constant EVAL_SALT = keccak256("eval-salt");

    ArenaTasks internal arena;

    function setUp() public virtual override {
        super.setUp();
        arena = new ArenaTasks(address(token), address(config), address(vault));
        vault.grantRole(vault.MODULE_ROLE(), address(arena));
        vm.label(address(arena), "ArenaTasks");
        token.mint(creator, 1_000_000e18);
        vm.prank(creator);
        token.approve(address(arena), type(uint256).max);
    }

    // ─── actors ────────────────────────────────────────────────────────────────────────────────

    function _trainerAt(uint256 i) internal returns (address a) {
        a = makeAddr(string.concat("arenaTrainer", vm.toString(i)));
        if (vault.roleOf(a) == IStakingVault.Role.None) {
            _registerAndStake(a, IStakingVault.Role.TrainingNode, TRAINER_STAKE);
        }
    }

    function _validatorAt(uint256 i) internal returns (address a) {
        a = makeAddr(string.concat("arenaValidator", vm.toString(i)));
        if (vault.roleOf(a) == IStakingVault.Role.None) {
            _registerAndStake(a, IStakingVault.Role.Validator, VALIDATOR_STAKE);
        }
    }

    /// @dev Validator `i` (as `_validatorAt`) registered with `stake` instead of VALIDATOR_STAKE; call before its first use.
    function _validatorWithStake(uint256 i, uint256 stake) internal returns (address a) {
        a = makeAddr(string.concat("arenaValidator", vm.toString(i)));
        if (vault.roleOf(a) == IStakingVault.Role.None) {
            _registerAndStake(a, IStakingVault.Role.Validator, stake);
        }
    }

    // ─── task creation ─────────────────────────────────────────────────────────────────────────

    function _defaultParams() internal view returns (IArenaTasks.CreateTaskParams memory p) {
        p.specCid = SPEC_CID;
        // eval commitments cannot be reused: the first task uses EVAL_SALT, later ones a salt derived from their id
        p.evalCommitment = arena.evalCommitmentOf(creator, EVAL_CID, _evalSalt(arena.taskCount() + 1));
        p.rewardPool = POOL;
        p.submissionStart = 0;
        p.submissionWindow = WINDOW;
        p.publishWindow = WINDOW;
        p.commitWindow = WINDOW;
        p.revealWindow = WINDOW;
        p.minScore = 5000;
        p.spamScore = 1000;
    }

    function _createTask() internal returns (uint256 taskId) {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        vm.prank(creator);
        taskId = arena.createTask(p);
    }

    // ─── phases ────────────────────────────────────────────────────────────────────────────────

    function _toPublish(uint256 taskId) internal {
        vm.warp(arena.getTask(taskId).submissionEnd);
    }

    function _toCommit(uint256 taskId) internal {
        vm.warp(arena.getTask(taskId).publishEnd);
    }

    function _toReveal(uint256 taskId) internal {
        vm.warp(arena.getTask(taskId).commitEnd);
    }

    function _toFinalizing(uint256 taskId) internal {
        vm.warp(arena.getTask(taskId).revealEnd);
    }

    // ─── participants ──────────────────────────────────────────────────────────────────────────

    function _cid(uint256 i) internal pure returns (string memory) {
        return Cids.model(i);
    }

    function _salt(address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", who));
    }

    function _commitSubmission(uint256 taskId, address trainer, string memory cid) internal {
        bytes32 c = arena.submissionCommitmentOf(taskId, trainer, cid, _salt(trainer));
        vm.prank(trainer);
        arena.commitSubmission(taskId, c);
    }

    function _revealSubmission(uint256 taskId, address trainer, string memory cid) internal {
        vm.prank(trainer);
        arena.revealSubmission(taskId, cid, _salt(trainer));
    }

    /// @dev The eval-data salt `_defaultParams` commits to for task `taskId`.
    function _evalSalt(uint256 taskId) internal pure returns (bytes32) {
        return taskId == 1 ? EVAL_SALT : keccak256(abi.encode(EVAL_SALT, taskId));
    }

    function _revealEval(uint256 taskId) internal {
        vm.prank(creator);
        arena.revealEvalData(taskId, EVAL_CID, _evalSalt(taskId));
    }

    function _toEvalRevealEnd(uint256 taskId) internal {
        vm.warp(arena.getTask(taskId).evalRevealEnd);
    }

    function _commitScores(uint256 taskId, address validator, uint16[] memory scores) internal {
        bytes32 c = arena.scoresCommitmentOf(taskId, validator, scores, _salt(validator));
        vm.prank(validator);
        arena.commitScores(taskId, c);
    }

    function _revealScores(uint256 taskId, address validator, uint16[] memory scores) internal {
        vm.prank(validator);
        arena.revealScores(taskId, scores, _salt(validator));
    }

    /// @dev Creates a task, commits `nTrainers` submissions, reveals the eval data, publishes them; ends in Commit.
    function _taskInCommit(uint256 nTrainers) internal returns (uint256 taskId, address[] memory trainers) {
        taskId = _createTask();
        trainers = new address[](nTrainers);
        for (uint256 i; i < nTrainers; ++i) {
            trainers[i] = _trainerAt(i);
            _commitSubmission(taskId, trainers[i], _cid(i));
        }
        _toPublish(taskId);
        _revealEval(taskId);
        for (uint256 i; i < nTrainers; ++i) {
            _revealSubmission(taskId, trainers[i], _cid(i));
        }
        _toCommit(taskId);
    }

    /// @dev The bond `createTask` takes for the default pool.
    function _bond() internal view returns (uint256 bond) {
        (, bond,) = arena.creationCost(POOL);
    }

    /// @dev Commits `scores[v]` for validator v, then reveals those with `reveals[v]`; ends in Finalizing.
    function _scoreAll(uint256 taskId, uint16[][] memory scores, bool[] memory reveals)
        internal
        returns (address[] memory validators)
    {
        validators = new address[](scores.length);
        for (uint256 v; v < scores.length; ++v) {
            validators[v] = _validatorAt(v);
            _commitScores(taskId, validators[v], scores[v]);
        }
        _toReveal(taskId);
        for (uint256 v; v < scores.length; ++v) {
            if (reveals[v]) _revealScores(taskId, validators[v], scores[v]);
        }
        _toFinalizing(taskId);
    }

    function _allTrue(uint256 n) internal pure returns (bool[] memory b) {
        b = new bool[](n);
        for (uint256 i; i < n; ++i) {
            b[i] = true;
        }
    }

    function _row(uint16 a, uint16 b, uint16 c) internal pure returns (uint16[] memory r) {
        r = new uint16[](3);
        r[0] = a;
        r[1] = b;
        r[2] = c;
    }

    function _finalizeAll(uint256 taskId) internal {
        vm.prank(keeper);
        arena.finalize(taskId, type(uint256).max);
    }
}
