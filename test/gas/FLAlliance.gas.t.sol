// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice FLAlliance gas, snapshotted into snapshots/FLAlliance.json (`vm.snapshotGasLastCall`): the hot paths of one
/// round, and the bound of every call at the largest alliance the config allows (64 participants, 31 proposers, half of
/// them slashed in the round).
contract FLAllianceGasTest is FLBaseTest {
    uint256 internal constant EIP7825_TX_GAS_CAP = 16_777_216;

    function _snap(string memory name) internal {
        console.log(name, vm.snapshotGasLastCall("FLAlliance", name));
    }

    function test_gas_hotPaths() public {
        uint256 id = _create(_params(2, 8, 3));
        _snap("createAlliance");
        for (uint256 i; i < 8; ++i) {
            address m = _member(i);
            people.push(m);
            vm.prank(m);
            alliance.join(id, FL_STAKE);
            if (i == 1) _snap("join");
        }
        alliance.advance(id);
        _snap("advance (start: roles of 8)");
        uint16 round = 1;
        address[] memory proposers = alliance.getRound(id, round).proposers;
        for (uint256 i; i < proposers.length; ++i) {
            bytes32 c = alliance.updateCommitmentOf(
                id, round, proposers[i], _updateCid(round, proposers[i]), 100, _salt(id, round, proposers[i])
            );
            vm.prank(proposers[i]);
            alliance.commitUpdate(id, c);
            if (i == 0) _snap("commitUpdate");
        }
        for (uint256 i; i < proposers.length; ++i) {
            vm.prank(proposers[i]);
            alliance.revealUpdate(id, _updateCid(round, proposers[i]), 100, _salt(id, round, proposers[i]));
            if (i == 0) _snap("revealUpdate");
        }
        address[] memory cols = _columns(id, round);
        for (uint256 i; i < people.length; ++i) {
            uint16[] memory s = _scoresOf(id, round, people[i], cols);
            bytes32 c = alliance.scoresCommitmentOf(id, round, people[i], s, _salt(id, round, people[i]));
            vm.prank(people[i]);
            alliance.commitScores(id, c);
            if (i == 0) _snap("commitScores");
        }
        for (uint256 i; i < people.length; ++i) {
            uint16[] memory s = _scoresOf(id, round, people[i], cols);
            vm.prank(people[i]);
            alliance.revealScores(id, s, _salt(id, round, people[i]));
            if (i == 0) _snap("revealScores (4 scores)");
        }
        for (uint256 i; i < people.length; ++i) {
            bytes32 c = alliance.voteCommitmentOf(
                id, round, people[i], true, _candidate(round), _salt(id, round, people[i])
            );
            vm.prank(people[i]);
            alliance.commitVote(id, c);
            if (i == 0) _snap("commitVote");
        }
        for (uint256 i; i < people.length; ++i) {
            vm.prank(people[i]);
            alliance.revealVote(id, true, _candidate(round), _salt(id, round, people[i]));
            if (i == 0) _snap("revealVote (first: stores the candidate CID)");
            if (i == 1) _snap("revealVote");
        }
        alliance.advance(id);
        _snap("advance (settle 8 participants, 3 updates + start the next round)");
        alliance.claim(id, people[0]);
        _snap("claim (reward into the pool, alliance running)");
    }

    function test_gas_boundAtMaxSize() public {
        _setParam(ConfigKeys.FL_MAX_PROPOSERS, 31);
        Kind[] memory k = _kinds(64);
        for (uint256 i = 1; i < 64; i += 2) {
            k[i] = Kind.Silent; // 32 participants slashed for not revealing
        }
        uint256 id = _running(2, 31, k);
        _playRound(id);
        uint256 settle =
            vm.snapshotGasLastCall("FLAlliance", "advance (settle 64 participants x 31 proposers)");
        console.log("advance, settle 64 participants x 31 proposers, 32 slashed:", settle);
        IFLAlliance.RoundView memory r = alliance.getRound(id, 1);
        assertEq(r.proposerCount, 31);
        assertGt(r.slashed, 0);
        assertLt(settle, EIP7825_TX_GAS_CAP, "settling the largest round fits one transaction");
        _playRound(id);
        for (uint256 i; i < people.length; ++i) {
            alliance.claim(id, people[i]);
            assertLt(vm.lastCallGas().gasTotalUsed, EIP7825_TX_GAS_CAP);
        }
    }
}
