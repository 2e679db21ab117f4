// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract FLAllianceCreateTest is FLBaseTest {
    function test_create_pullsPoolAndSnapshotsParams() public {
        uint256 before = token.balanceOf(creator);
        uint256 id = _create(_params(3, 5, 2));
        assertEq(id, 1);
        assertEq(token.balanceOf(creator), before - FL_POOL);
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        assertEq(uint8(a.status), uint8(IFLAlliance.AllianceStatus.Joining));
        assertEq(a.globalCid, "bafystart");
        assertEq(a.remaining, FL_POOL);
        assertEq(a.joinEnd, block.timestamp + FL_WINDOW);
        assertEq(alliance.paramsOf(id).exclusionRatioBps, 6000);
        _setParam(ConfigKeys.FL_EXCLUSION_RATIO_BPS, 5000);
        assertEq(alliance.paramsOf(id).exclusionRatioBps, 6000, "a running alliance keeps its parameters");
    }

    function test_create_revertsOnBadShape() public {
        IFLAlliance.CreateParams memory p = _params(3, 5, 2);
        p.minParticipants = 2; // needs more than the proposers
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.InvalidShape.selector, 3, 2, 5, 2));
        alliance.createAlliance(p);
        p = _params(0, 5, 2);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.InvalidShape.selector, 0, 3, 5, 2));
        alliance.createAlliance(p);
        p = _params(3, 65, 2);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.InvalidShape.selector, 3, 3, 65, 2));
        alliance.createAlliance(p);
    }

    function test_create_revertsOnBadRuleParam() public {
        IFLAlliance.CreateParams memory p = _params(3, 5, 2);
        p.rule = IFLAlliance.AggregationRule.TrimmedMean;
        p.ruleParam = 5000;
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFLAlliance.InvalidRuleParam.selector, IFLAlliance.AggregationRule.TrimmedMean, 5000
            )
        );
        alliance.createAlliance(p);
        p.rule = IFLAlliance.AggregationRule.Median;
        p.ruleParam = 1;
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFLAlliance.InvalidRuleParam.selector, IFLAlliance.AggregationRule.Median, 1
            )
        );
        alliance.createAlliance(p);
        p.rule = IFLAlliance.AggregationRule.FedAvg;
        p.ruleParam = 0;
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFLAlliance.InvalidRuleParam.selector, IFLAlliance.AggregationRule.FedAvg, 0
            )
        );
        alliance.createAlliance(p);
    }

    function test_create_revertsOnBadWindowPoolStakeCid() public {
        IFLAlliance.CreateParams memory p = _params(3, 5, 2);
        p.windows.scoreReveal = 10;
        vm.prank(creator);
        uint256 maxWindow = config.get(ConfigKeys.MAX_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.InvalidWindow.selector, 10, 60, maxWindow));
        alliance.createAlliance(p);
        p = _params(3, 5, 2);
        p.rewardPool = 1e18;
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.RewardPoolTooSmall.selector, 1e18, 100e18));
        alliance.createAlliance(p);
        p = _params(3, 5, 2);
        p.minStake = 1e18;
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(IFLAlliance.InvalidMinStake.selector, 1e18, 1000e18, 100_000e18)
        );
        alliance.createAlliance(p);
        p = _params(3, 5, 2);
        p.startCid = "";
        vm.prank(creator);
        vm.expectRevert(IFLAlliance.InvalidStartCid.selector);
        alliance.createAlliance(p);
    }

    function test_create_fromArenaWinner() public {
        (uint256 taskId, address winner) = _settledArenaTask();
        IFLAlliance.CreateParams memory p = _params(3, 5, 2);
        p.source = IFLAlliance.ModelSource.ArenaTask;
        p.parentId = taskId;
        p.startCid = _cid(1); // the best-scored model
        uint256 id = _create(p);
        IFLAlliance.Lineage memory l = alliance.lineageOf(id);
        assertEq(l.parentContributor, winner);
        assertEq(l.parentCid, _cid(1));
        assertEq(l.parentId, taskId);
        assertEq(l.finalModelCid, "", "not completed yet");

        p.startCid = _cid(0); // not the winner
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NotArenaWinner.selector, taskId, _cid(0)));
        alliance.createAlliance(p);
    }

    function test_create_revertsOnUnsettledArenaTask() public {
        uint256 taskId = _createTask();
        IFLAlliance.CreateParams memory p = _params(3, 5, 2);
        p.source = IFLAlliance.ModelSource.ArenaTask;
        p.parentId = taskId;
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NotArenaWinner.selector, taskId, "bafystart"));
        alliance.createAlliance(p);
    }

    function test_create_fromCompletedAlliance() public {
        uint256 parent = _running(1, 2, _kinds(4));
        IFLAlliance.CreateParams memory p = _params(2, 5, 2);
        p.source = IFLAlliance.ModelSource.Alliance;
        p.parentId = parent;
        p.startCid = "";
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.ParentNotCompleted.selector, parent));
        alliance.createAlliance(p);
        _playRound(parent);
        uint256 id = _create(p);
        assertEq(alliance.getAlliance(id).startCid, _candidate(1), "starts from the parent's final model");
    }

    /// @dev A settled Arena task of 2 submissions in which submission 1 (cid 1) won.
    function _settledArenaTask() internal returns (uint256 taskId, address winner) {
        address[] memory trainers;
        (taskId, trainers) = _taskInCommit(2);
        uint16[][] memory s = new uint16[][](3);
        for (uint256 v; v < 3; ++v) {
            s[v] = new uint16[](2);
            s[v][0] = 6000;
            s[v][1] = 9000;
        }
        _scoreAll(taskId, s, _allTrue(3));
        _finalizeAll(taskId);
        assertEq(uint8(arena.phaseOf(taskId)), uint8(IArenaTasks.Phase.Settled));
        winner = trainers[1];
    }
}
