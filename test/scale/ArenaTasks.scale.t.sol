// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {console} from "forge-std/console.sol";

/// @notice SPEC §1.1 scale bound: a task with 256 submissions and 64 validators; every transaction of every step
/// stays under the EIP-7825 cap of 16,777,216 gas, and finalization in total stays under the 30M target (≈ 26.0M
/// measured: quickselect medians, assembly key/distance loops, per-batch distance write-back).
/// Finalize batch size: `STEPS` = 64 units per call (≈ 10 calls). Figures go to snapshots/ArenaTasksScale.json.
contract ArenaTasksScaleTest is ArenaBaseTest {
    uint256 internal constant TX_CAP = 16_777_216;
    uint256 internal constant FINALIZE_TOTAL_BUDGET = 30_000_000;
    uint256 internal constant N = 256;
    uint256 internal constant V = 64;
    uint256 internal constant STEPS = 64;

    uint256 internal maxGas;

    function _measure(string memory what, uint256 gasUsed) internal {
        assertLt(gasUsed, TX_CAP, what);
        if (gasUsed > maxGas) maxGas = gasUsed;
    }

    function _scores(uint256 v) internal pure returns (uint16[] memory s) {
        s = new uint16[](N);
        for (uint256 i; i < N; ++i) {
            uint256 truth = (i * 7919) % 9000 + 500;
            // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
            s[i] = uint16(truth + uint256(keccak256(abi.encode(v, i))) % 401 - 200);
        }
    }

    /// @dev The set is full: a larger lock evicts the smallest (the latest of 64 equal locks), one pass over the set.
    function _evict(uint256 id, address[] memory vs) internal returns (uint256 g) {
        address newcomer = _validatorWithStake(V, 2 * VALIDATOR_STAKE);
        bytes32 c = arena.scoresCommitmentOf(id, newcomer, _scores(V - 1), _salt(newcomer));
        vm.prank(newcomer);
        g = gasleft();
        arena.commitScores(id, c);
        g -= gasleft();
        _measure("commitScores (evicting)", g);
        assertEq(arena.validatorsOf(id)[V - 1], newcomer);
        vs[V - 1] = newcomer;
        console.log("commitScores evicting from 64", g);
        vm.snapshotValue("ArenaTasksScale", "commitScores_evict_64", g);
    }

    function test_scale_256x64() public {
        uint256 id = _createTask();
        address[] memory trainers = new address[](N);
        uint256 g;
        uint256 maxCommit;
        for (uint256 i; i < N; ++i) {
            trainers[i] = _trainerAt(i);
            bytes32 c = arena.submissionCommitmentOf(id, trainers[i], _cid(i), _salt(trainers[i]));
            vm.prank(trainers[i]);
            g = gasleft();
            arena.commitSubmission(id, c);
            g -= gasleft();
            _measure("commitSubmission", g);
            if (g > maxCommit) maxCommit = g;
        }
        _toPublish(id);
        _revealEval(id); // the eval data comes before the models
        uint256 maxReveal;
        for (uint256 i; i < N; ++i) {
            string memory cid = _cid(i);
            bytes32 salt = _salt(trainers[i]);
            vm.prank(trainers[i]);
            g = gasleft();
            arena.revealSubmission(id, cid, salt);
            g -= gasleft();
            _measure("revealSubmission", g);
            if (g > maxReveal) maxReveal = g;
        }
        _toCommit(id);
        address[] memory vs = new address[](V);
        uint256 maxScoreCommit;
        for (uint256 v; v < V; ++v) {
            vs[v] = _validatorAt(v);
            bytes32 c = arena.scoresCommitmentOf(id, vs[v], _scores(v), _salt(vs[v]));
            vm.prank(vs[v]);
            g = gasleft();
            arena.commitScores(id, c);
            g -= gasleft();
            _measure("commitScores", g);
            if (g > maxScoreCommit) maxScoreCommit = g;
        }
        _evict(id, vs);
        _toReveal(id);
        uint256 maxScoreReveal;
        for (uint256 v; v < V; ++v) {
            uint16[] memory s = _scores(v);
            bytes32 salt = _salt(vs[v]);
            vm.prank(vs[v]);
            g = gasleft();
            arena.revealScores(id, s, salt);
            g -= gasleft();
            _measure("revealScores", g);
            if (g > maxScoreReveal) maxScoreReveal = g;
        }
        _toFinalizing(id);
        uint256 total;
        uint256 maxFinalize;
        uint256 calls;
        bool done;
        while (!done) {
            vm.prank(keeper);
            g = gasleft();
            done = arena.finalize(id, STEPS);
            g -= gasleft();
            _measure("finalize", g);
            console.log("finalize call", calls, g);
            total += g;
            if (g > maxFinalize) maxFinalize = g;
            ++calls;
        }
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Settled));
        assertLe(total, FINALIZE_TOTAL_BUDGET, "finalize total");
        uint256 maxClaim;
        for (uint256 i; i < N; i += 51) {
            g = gasleft();
            arena.claim(id, trainers[i]);
            g -= gasleft();
            _measure("claim", g);
            if (g > maxClaim) maxClaim = g;
        }
        console.log("max commitSubmission", maxCommit);
        console.log("max revealSubmission", maxReveal);
        console.log("max commitScores", maxScoreCommit);
        console.log("max revealScores (256 scores)", maxScoreReveal);
        console.log("finalize calls (64 steps each)", calls);
        console.log("max finalize call", maxFinalize);
        console.log("finalize total", total);
        console.log("max claim", maxClaim);
        vm.snapshotValue("ArenaTasksScale", "max_commitSubmission", maxCommit);
        vm.snapshotValue("ArenaTasksScale", "max_revealSubmission", maxReveal);
        vm.snapshotValue("ArenaTasksScale", "max_commitScores", maxScoreCommit);
        vm.snapshotValue("ArenaTasksScale", "max_revealScores_256", maxScoreReveal);
        vm.snapshotValue("ArenaTasksScale", "max_finalize_call_64_steps", maxFinalize);
        vm.snapshotValue("ArenaTasksScale", "finalize_total", total);
        vm.snapshotValue("ArenaTasksScale", "finalize_calls", calls);
        vm.snapshotValue("ArenaTasksScale", "max_claim", maxClaim);
    }
}
