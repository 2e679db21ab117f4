// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {console} from "forge-std/console.sol";
import {ArenaTasks} from "../../../contracts/ArenaTasks.sol";
import {IArenaTasks} from "../../../contracts/interfaces/IArenaTasks.sol";
import {FlockToken} from "../../../contracts/FlockToken.sol";
import {IStakingVault} from "../../../contracts/interfaces/IStakingVault.sol";

/// @notice Drives tasks through their lifecycle with only valid calls (fail_on_revert = true). One task runs at a
/// time; when it ends (settled or cancelled), the next `create` starts another.
contract ArenaHandler is Test {
    ArenaTasks public arena;
    FlockToken public token;
    IStakingVault public vault;
    address public creator;
    address public keeper;
    address[] public trainers;
    address[] public validators;

    uint256[] public taskIds;
    mapping(uint256 => mapping(address => uint256)) public claimCount;
    mapping(uint256 => uint256) public paidOut; // claims paid (rewards, bond shares, creator refund)
    mapping(uint256 => uint256) public lockedTotal; // Σ stake locked in the task
    mapping(uint256 => uint8) public lastPhase;
    mapping(uint256 => mapping(address => uint16[])) internal _scores;
    bool public forbiddenTransitionSeen;
    mapping(bytes32 => uint256) public calls;

    constructor(
        ArenaTasks arena_,
        FlockToken token_,
        IStakingVault vault_,
        address creator_,
        address keeper_,
        address[] memory t,
        address[] memory v
    ) {
        arena = arena_;
        token = token_;
        vault = vault_;
        creator = creator_;
        keeper = keeper_;
        trainers = t;
        validators = v;
    }

    function salt(address who) public pure returns (bytes32) {
        return keccak256(abi.encode("inv", who));
    }

    function taskCount() external view returns (uint256) {
        return taskIds.length;
    }

    function actors() external view returns (address[] memory all) {
        all = new address[](trainers.length + validators.length + 1);
        for (uint256 i; i < trainers.length; ++i) {
            all[i] = trainers[i];
        }
        for (uint256 i; i < validators.length; ++i) {
            all[trainers.length + i] = validators[i];
        }
        all[all.length - 1] = creator;
    }

    function _current() internal view returns (uint256 id, IArenaTasks.Phase ph) {
        if (taskIds.length == 0) return (0, IArenaTasks.Phase.Settled);
        id = taskIds[taskIds.length - 1];
        ph = arena.phaseOf(id);
    }

    function _after() internal {
        for (uint256 i; i < taskIds.length; ++i) {
            uint256 id = taskIds[i];
            uint8 now_ = uint8(arena.phaseOf(id));
            uint8 before = lastPhase[id];
            bool terminal =
                before == uint8(IArenaTasks.Phase.Settled) || before == uint8(IArenaTasks.Phase.Cancelled);
            if ((terminal && now_ != before) || (!terminal && now_ < before)) forbiddenTransitionSeen = true;
            lastPhase[id] = now_;
        }
    }

    /// @dev Every action lets 20 seconds pass, so a run of 256 calls crosses whole lifecycles.
    function _tick() internal {
        vm.warp(block.timestamp + 20);
    }

    // ─── actions ───────────────────────────────────────────────────────────────────────────────

    function create(uint256 poolSeed) external {
        _tick();
        (, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Settled && ph != IArenaTasks.Phase.Cancelled) return;
        IArenaTasks.CreateTaskParams memory p;
        p.specCid = "bafyspec";
        p.evalCommitment = arena.evalCommitmentOf(creator, "bafyeval", salt(creator));
        p.rewardPool = uint128(bound(poolSeed, 100e18, 50_000e18));
        p.submissionWindow = 10 minutes;
        p.publishWindow = 10 minutes;
        p.commitWindow = 10 minutes;
        p.revealWindow = 10 minutes;
        p.minScore = 5000;
        p.spamScore = 1000;
        vm.prank(creator);
        taskIds.push(arena.createTask(p));
        ++calls["create"];
        _after();
    }

    function commitSubmission(uint256 who, uint256 cidSeed) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Submission) return;
        address t = trainers[bound(who, 0, trainers.length - 1)];
        string memory cid = string.concat("bafy", vm.toString(id), "-", vm.toString(bound(cidSeed, 0, 1e9)));
        bool first = arena.trainerRecord(id, t).commitment == 0;
        if (first && vault.availableStake(t) < arena.paramsOf(id).trainerStake) return;
        bytes32 c = arena.submissionCommitmentOf(id, t, cid, salt(t));
        vm.prank(t);
        arena.commitSubmission(id, c);
        if (first) lockedTotal[id] += arena.paramsOf(id).trainerStake;
        _lastCid[id][t] = cid;
        ++calls["commitSubmission"];
        _after();
    }

    mapping(uint256 => mapping(address => string)) internal _lastCid;

    function revealSubmission(uint256 who) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Publish) return;
        address t = trainers[bound(who, 0, trainers.length - 1)];
        IArenaTasks.TrainerRecord memory r = arena.trainerRecord(id, t);
        if (r.commitment == 0 || r.published) return;
        vm.prank(t);
        arena.revealSubmission(id, _lastCid[id][t], salt(t));
        ++calls["revealSubmission"];
        _after();
    }

    function revealEval(uint256 skip) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Publish || arena.getTask(id).evalRevealed || skip % 5 == 0) return;
        vm.prank(creator);
        arena.revealEvalData(id, "bafyeval", salt(creator));
        ++calls["revealEval"];
        _after();
    }

    function commitScores(uint256 who, uint256 noise) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Commit) return;
        IArenaTasks.TaskView memory tv = arena.getTask(id);
        if (!tv.evalRevealed || tv.published < arena.paramsOf(id).minSubmissions) return;
        uint256 vi = bound(who, 0, validators.length - 1);
        address v = validators[vi];
        bool first = arena.validatorRecord(id, v).commitment == 0;
        if (first && vault.availableStake(v) < arena.paramsOf(id).minValidatorStake) return;
        uint16[] memory s = new uint16[](tv.published);
        for (uint256 i; i < s.length; ++i) {
            // validator 0 is a liar; the others score truth ± 50
            uint256 truth = (i * 3331) % 9000 + 500;
            s[i] = vi == 0
                ? uint16(10_000 - truth)
                : uint16(truth + uint256(keccak256(abi.encode(noise, i))) % 101 - 50);
        }
        _scores[id][v] = s;
        bytes32 c = arena.scoresCommitmentOf(id, v, s, salt(v));
        vm.prank(v);
        arena.commitScores(id, c);
        if (first) lockedTotal[id] += arena.validatorRecord(id, v).lock;
        ++calls["commitScores"];
        _after();
    }

    function revealScores(uint256 who) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Reveal) return;
        address v = validators[bound(who, 0, validators.length - 1)];
        IArenaTasks.ValidatorRecord memory r = arena.validatorRecord(id, v);
        if (r.commitment == 0 || r.revealed) return;
        vm.prank(v);
        arena.revealScores(id, _scores[id][v], salt(v));
        ++calls["revealScores"];
        _after();
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 3 minutes));
        ++calls["warp"];
        _after();
    }

    function finalize(uint256 steps) external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph != IArenaTasks.Phase.Finalizing) return;
        vm.prank(keeper);
        arena.finalize(id, bound(steps, 1, 8));
        ++calls["finalize"];
        _after();
    }

    function cancel() external {
        _tick();
        (uint256 id, IArenaTasks.Phase ph) = _current();
        if (ph == IArenaTasks.Phase.Settled || ph == IArenaTasks.Phase.Cancelled || taskIds.length == 0) {
            return;
        }
        IArenaTasks.TaskView memory tv = arena.getTask(id);
        IArenaTasks.TaskParams memory p = arena.paramsOf(id);
        if (tv.stage != IArenaTasks.Stage.None || block.timestamp < tv.publishEnd) return;
        bool due = !tv.evalRevealed || tv.published < p.minSubmissions
            || (block.timestamp >= tv.revealEnd && tv.revealed < p.minReveals);
        if (!due) return;
        arena.cancel(id);
        ++calls["cancel"];
        _after();
    }

    function claim(uint256 taskSeed, uint256 who) external {
        _tick();
        if (taskIds.length == 0) return;
        uint256 id = taskIds[bound(taskSeed, 0, taskIds.length - 1)];
        IArenaTasks.Phase ph = arena.phaseOf(id);
        if (ph != IArenaTasks.Phase.Settled && ph != IArenaTasks.Phase.Cancelled) return;
        address[] memory all = this.actors();
        address a = all[bound(who, 0, all.length - 1)];
        if (claimCount[id][a] != 0 || !_hasClaim(id, a)) return;
        uint256 amount = arena.claim(id, a);
        claimCount[id][a] += 1;
        paidOut[id] += amount;
        ++calls["claim"];
        _after();
    }

    function _hasClaim(uint256 id, address a) internal view returns (bool) {
        if (a == creator) return arena.claimable(id, a) != 0;
        return arena.trainerRecord(id, a).commitment != 0 || arena.validatorRecord(id, a).commitment != 0;
    }

    function scoresOf(uint256 id, address v) external view returns (uint16[] memory) {
        return _scores[id][v];
    }

    function printCalls() external view {
        string[10] memory names = [
            "create",
            "commitSubmission",
            "revealSubmission",
            "revealEval",
            "commitScores",
            "revealScores",
            "warp",
            "finalize",
            "cancel",
            "claim"
        ];
        for (uint256 i; i < names.length; ++i) {
            console.log(names[i], calls[bytes32(bytes(names[i]))]);
        }
    }
}
