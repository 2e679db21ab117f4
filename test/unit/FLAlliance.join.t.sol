// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

contract FLAllianceJoinTest is FLBaseTest {
    function test_join_locksStake() public {
        uint256 id = _create(_params(3, 5, 2));
        address m = _member(0);
        vm.prank(m);
        alliance.join(id, FL_STAKE);
        assertEq(vault.lockOf(address(alliance), id, m), FL_STAKE);
        IFLAlliance.Member memory mem = alliance.memberOf(id, m);
        assertTrue(mem.joined);
        assertEq(mem.stake, FL_STAKE);
        assertEq(alliance.participantsOf(id)[0], m);
    }

    function test_join_reverts() public {
        uint256 id = _create(_params(3, 3, 2));
        address outsider = makeAddr("outsider");
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NotOperator.selector, outsider));
        alliance.join(id, FL_STAKE);

        address m = _member(0);
        vm.prank(m);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.InvalidStake.selector, 10e18, 1000e18, 100_000e18));
        alliance.join(id, 10e18);
        vm.prank(m);
        alliance.join(id, FL_STAKE);
        vm.prank(m);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.AlreadyJoined.selector, id, m));
        alliance.join(id, FL_STAKE);

        address poor = _member(1);
        vm.prank(poor);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.InsufficientUnlockedStake.selector, poor, 20_000e18, FL_STAKE
            )
        );
        alliance.join(id, 20_000e18);

        vm.prank(_member(1));
        alliance.join(id, FL_STAKE);
        vm.prank(_member(2));
        alliance.join(id, FL_STAKE);
        vm.prank(_member(3));
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.AllianceFull.selector, id, 3));
        alliance.join(id, FL_STAKE);
    }

    function test_join_revertsAfterJoinWindow() public {
        uint256 id = _create(_params(3, 5, 2));
        vm.warp(block.timestamp + FL_WINDOW);
        address m = _member(0);
        vm.prank(m);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.JoiningClosed.selector, id, block.timestamp));
        alliance.join(id, FL_STAKE);
    }

    function test_advance_cancelsWithTooFewAndReleasesLocks() public {
        uint256 id = _create(_params(3, 5, 2));
        address m = _member(0);
        vm.prank(m);
        alliance.join(id, FL_STAKE);
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NothingToAdvance.selector, id));
        alliance.advance(id);
        vm.warp(block.timestamp + FL_WINDOW);
        alliance.advance(id);
        assertEq(uint8(alliance.getAlliance(id).status), uint8(IFLAlliance.AllianceStatus.Cancelled));
        assertEq(alliance.claimable(id, creator), FL_POOL);
        uint256 before = token.balanceOf(creator);
        alliance.claim(id, creator);
        assertEq(token.balanceOf(creator), before + FL_POOL);
        alliance.claim(id, m);
        assertEq(vault.lockOf(address(alliance), id, m), 0);
        assertEq(vault.poolOf(m).lockedAssets, 0, "lock released");
        vm.expectRevert(abi.encodeWithSelector(IFLAlliance.NothingToClaim.selector, id, m));
        alliance.claim(id, m);
    }

    function test_advance_startsEarlyWhenFull() public {
        uint256 id = _running(2, 2, _kinds(4));
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        assertEq(uint8(a.status), uint8(IFLAlliance.AllianceStatus.Running));
        assertEq(a.round, 1);
        IFLAlliance.RoundView memory r = alliance.getRound(id, 1);
        assertEq(r.proposers.length, 2);
        assertLt(uint160(r.proposers[0]), uint160(r.proposers[1]), "sorted");
        assertEq(r.voterCount, 4, "everyone votes");
        assertEq(uint8(r.phase), uint8(IFLAlliance.RoundPhase.UpdateCommit));
        assertEq(uint8(alliance.roleOf(id, 1, r.proposers[0])), uint8(IFLAlliance.AllianceRole.Proposer));
    }
}
