// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {console} from "forge-std/console.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Hot-path gas, snapshotted into snapshots/ArenaTasks.json (`vm.snapshotGasLastCall`).
contract ArenaTasksGasTest is ArenaBaseTest {
    function test_gas_hotPaths() public {
        uint256 id = _createTask();
        address[] memory trainers = new address[](64);
        for (uint256 i; i < 64; ++i) {
            trainers[i] = _trainerAt(i);
            bytes32 c = arena.submissionCommitmentOf(id, trainers[i], _cid(i), _salt(trainers[i]));
            vm.prank(trainers[i]);
            arena.commitSubmission(id, c);
            if (i == 1) {
                console.log(
                    "commitSubmission (first)", vm.snapshotGasLastCall("ArenaTasks", "commitSubmission")
                );
            }
        }
        bytes32 c2 = arena.submissionCommitmentOf(id, trainers[0], "x", _salt(trainers[0]));
        vm.prank(trainers[0]);
        arena.commitSubmission(id, c2);
        console.log(
            "commitSubmission (replace)", vm.snapshotGasLastCall("ArenaTasks", "commitSubmission_replace")
        );
        _commitSubmission(id, trainers[0], _cid(0));
        _toPublish(id);
        // the eval data comes before the models
        _revealEval(id);
        console.log("revealEvalData", vm.snapshotGasLastCall("ArenaTasks", "revealEvalData"));
        for (uint256 i; i < 64; ++i) {
            _revealSubmission(id, trainers[i], _cid(i));
            if (i == 1) {
                console.log("revealSubmission", vm.snapshotGasLastCall("ArenaTasks", "revealSubmission"));
            }
        }
        _toCommit(id);
        uint16[] memory s = new uint16[](64);
        for (uint256 i; i < 64; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
            s[i] = uint16(4000 + i * 50);
        }
        address[] memory vs = new address[](3);
        for (uint256 v; v < 3; ++v) {
            vs[v] = _validatorAt(v);
            _commitScores(id, vs[v], s);
            if (v == 1) {
                console.log("commitScores (first)", vm.snapshotGasLastCall("ArenaTasks", "commitScores"));
            }
        }
        _toReveal(id);
        for (uint256 v; v < 3; ++v) {
            _revealScores(id, vs[v], s);
            if (v == 1) {
                console.log("revealScores (64)", vm.snapshotGasLastCall("ArenaTasks", "revealScores_64"));
            }
        }
        _toFinalizing(id);
        _finalizeAll(id);
        console.log("finalize (3 x 64, one call)", vm.snapshotGasLastCall("ArenaTasks", "finalize_3x64"));
        // trainer 63 scored highest: rank 0, a reward deposit into its pool + the unlock
        assertGt(arena.claimable(id, trainers[63]), 0);
        arena.claim(id, trainers[63]);
        console.log("claim (trainer, rewarded)", vm.snapshotGasLastCall("ArenaTasks", "claim_trainer"));
        // trainer 5 scored below minScore: the unlock only
        assertEq(arena.claimable(id, trainers[5]), 0);
        arena.claim(id, trainers[5]);
        console.log(
            "claim (trainer, unlock only)", vm.snapshotGasLastCall("ArenaTasks", "claim_trainer_unlockOnly")
        );
        arena.claim(id, vs[1]);
        console.log("claim (validator)", vm.snapshotGasLastCall("ArenaTasks", "claim_validator"));
        // the bond, held until settlement
        arena.claim(id, creator);
        console.log("claim (creator bond)", vm.snapshotGasLastCall("ArenaTasks", "claim_creator"));
    }

    /// @dev The defences' own paths: a model displaced by its earlier committer, a trainer slashed for not publishing,
    /// a full validator set evicting its smallest lock.
    function test_gas_defences() public {
        _setParam(ConfigKeys.MIN_REVEALS, 1);
        _setParam(ConfigKeys.MAX_VALIDATORS, 3);
        uint256 id = _createTask();
        address[] memory t = new address[](4);
        for (uint256 i; i < 4; ++i) {
            t[i] = _trainerAt(i);
        }
        _commitSubmission(id, t[0], _cid(0));
        _commitSubmission(id, t[1], _cid(0)); // a copier
        _commitSubmission(id, t[2], _cid(2));
        _commitSubmission(id, t[3], _cid(3)); // stays silent
        _toPublish(id);
        _revealEval(id);
        _revealSubmission(id, t[1], _cid(0));
        _revealSubmission(id, t[0], _cid(0));
        console.log(
            "revealSubmission (displacing)", vm.snapshotGasLastCall("ArenaTasks", "revealSubmission_displace")
        );
        _revealSubmission(id, t[2], _cid(2));
        _toCommit(id);
        uint16[] memory s = new uint16[](2);
        s[0] = 9000;
        s[1] = 7000;
        for (uint256 v; v < 3; ++v) {
            _commitScores(id, _validatorAt(v), s);
        }
        address big = _validatorWithStake(3, 2 * VALIDATOR_STAKE);
        _commitScores(id, big, s);
        console.log("commitScores (evicting, 3)", vm.snapshotGasLastCall("ArenaTasks", "commitScores_evict"));
        _toReveal(id);
        _revealScores(id, big, s);
        _revealScores(id, _validatorAt(0), s);
        _toFinalizing(id);
        _finalizeAll(id);
        arena.claim(id, t[3]);
        console.log(
            "claim (trainer, non-reveal slash)",
            vm.snapshotGasLastCall("ArenaTasks", "claim_trainer_nonRevealSlash")
        );
    }
}
