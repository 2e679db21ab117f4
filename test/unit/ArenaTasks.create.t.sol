// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";

contract ArenaTasksCreateTest is ArenaBaseTest {
    function test_createTask_storesTaskAndMovesFunds() public {
        uint256 before = token.balanceOf(creator);
        uint256 id = _createTask();
        assertEq(id, 1);
        assertEq(arena.taskCount(), 1);
        IArenaTasks.TaskView memory t = arena.getTask(id);
        assertEq(t.creator, creator);
        assertEq(t.submissionEnd, block.timestamp + WINDOW);
        assertEq(t.revealEnd, block.timestamp + 4 * WINDOW);
        assertEq(t.specCid, SPEC_CID);
        assertEq(t.evalRevealEnd, block.timestamp + WINDOW + WINDOW / 2);
        assertEq(uint8(t.phase), uint8(IArenaTasks.Phase.Submission));
        // the bond is max(CREATOR_BOND 100, CREATOR_BOND_BPS 10% of the pool) = 1000 FLOCK
        assertEq(t.bond, 1000e18);
        assertEq(before - token.balanceOf(creator), POOL + 10e18 + 1000e18);
        assertEq(token.balanceOf(treasury), 10e18);
        assertEq(token.balanceOf(address(arena)), POOL + 1000e18);
        IArenaTasks.TaskParams memory p = arena.paramsOf(id);
        assertEq(p.trainerStake, 1000e18);
        assertEq(p.maxSubmissions, 256);
        assertEq(p.minScore, 5000);
    }

    function test_createTask_futureStartIsCreatedPhase() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.submissionStart = uint40(block.timestamp + 100);
        vm.prank(creator);
        uint256 id = arena.createTask(p);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Created));
        vm.warp(block.timestamp + 99);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Created));
        vm.warp(block.timestamp + 1);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Submission));
    }

    function test_createTask_revertsOnBadInput() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.specCid = "";
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTasks.EmptyCid.selector));
        p = _defaultParams();
        p.evalCommitment = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTasks.ZeroCommitment.selector));
        p = _defaultParams();
        p.rewardPool = 1;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTasks.RewardPoolTooSmall.selector, 1, 100e18));
        p = _defaultParams();
        p.spamScore = 6000;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTasks.InvalidScoreBounds.selector, 5000, 6000));
        p = _defaultParams();
        p.minScore = 10_001;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTasks.InvalidScoreBounds.selector, 10_001, 1000));
        p = _defaultParams();
        p.submissionStart = uint40(block.timestamp - 1);
        _expectCreateRevert(
            p,
            abi.encodeWithSelector(
                IArenaTasks.InvalidStartTime.selector, block.timestamp - 1, block.timestamp
            )
        );
        p = _defaultParams();
        p.revealWindow = 59;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTasks.InvalidWindow.selector, 59, 60, 5 days));
        p = _defaultParams();
        p.commitWindow = 5 days + 1;
        _expectCreateRevert(
            p, abi.encodeWithSelector(IArenaTasks.InvalidWindow.selector, 5 days + 1, 60, 5 days)
        );
    }

    function _expectCreateRevert(IArenaTasks.CreateTaskParams memory p, bytes memory err) internal {
        vm.prank(creator);
        vm.expectRevert(err);
        arena.createTask(p);
    }

    function test_createTaskWithPermit_usesPermit() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitCreator");
        (,, uint256 total) = arena.creationCost(POOL);
        assertEq(total, POOL + 10e18 + 1000e18);
        token.mint(signer, total);
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                token.DOMAIN_SEPARATOR(),
                keccak256(
                    abi.encode(
                        keccak256(
                            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                        ),
                        signer,
                        address(arena),
                        total,
                        token.nonces(signer),
                        block.timestamp
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        vm.prank(signer);
        uint256 id = arena.createTaskWithPermit(p, block.timestamp, v, r, s);
        assertEq(arena.getTask(id).creator, signer);
        assertEq(token.balanceOf(signer), 0);
    }

    function test_cancelBeforeStart_refundsPoolAndBond() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.submissionStart = uint40(block.timestamp + 100);
        vm.prank(creator);
        uint256 id = arena.createTask(p);
        vm.warp(block.timestamp + 99); // last second of Created
        vm.prank(creator);
        arena.cancelBeforeStart(id);
        assertEq(uint8(arena.phaseOf(id)), uint8(IArenaTasks.Phase.Cancelled));
        assertEq(arena.claimable(id, creator), POOL + _bond());
        uint256 before = token.balanceOf(creator);
        arena.claim(id, creator);
        assertEq(token.balanceOf(creator) - before, POOL + _bond());
        assertEq(token.balanceOf(address(arena)), 0);
        assertEq(token.balanceOf(treasury), 10e18, "only the fee");
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.AlreadyClaimed.selector, id, creator));
        arena.claim(id, creator);
    }

    function test_cancelBeforeStart_revertsAtStartAndForOthers() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.submissionStart = uint40(block.timestamp + 100);
        vm.prank(creator);
        uint256 id = arena.createTask(p);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.NotCreator.selector, id, attacker));
        arena.cancelBeforeStart(id);
        vm.warp(block.timestamp + 100);
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IArenaTasks.TaskNotInPhase.selector,
                id,
                IArenaTasks.Phase.Created,
                IArenaTasks.Phase.Submission
            )
        );
        arena.cancelBeforeStart(id);
    }

    function test_views_revertForUnknownTask() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.UnknownTask.selector, 1));
        arena.getTask(1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTasks.UnknownTask.selector, 1));
        arena.phaseOf(1);
    }

    // ─── bond and eval commitment (issue 8, item 3 and "bind the eval-data commitment") ────────

    function test_creationCost_bondIsTheLargerOfFlatAndPoolShare() public view {
        (uint256 fee, uint256 bond, uint256 total) = arena.creationCost(100e18);
        assertEq(fee, 10e18);
        assertEq(bond, 100e18, "10% of 100 is below the flat 100");
        assertEq(total, 210e18);
        (, bond,) = arena.creationCost(1000e18);
        assertEq(bond, 100e18, "equal at 1000");
        (, bond,) = arena.creationCost(1000e18 + 10);
        assertEq(bond, 100e18 + 1);
        (, bond,) = arena.creationCost(1_000_000e18);
        assertEq(bond, 100_000e18);
    }

    function test_createTask_takesTheBondOfCreationCost() public {
        _setParam(ConfigKeys.CREATOR_BOND_BPS, 2500);
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.rewardPool = 40_000e18;
        (uint256 fee, uint256 bond, uint256 total) = arena.creationCost(p.rewardPool);
        assertEq(bond, 10_000e18);
        uint256 before = token.balanceOf(creator);
        uint256 start = block.timestamp;
        vm.expectEmit(address(arena));
        emit IArenaTasks.TaskCreated(
            1,
            creator,
            SPEC_CID,
            p.evalCommitment,
            p.rewardPool,
            fee,
            bond,
            uint40(start),
            uint40(start + WINDOW),
            uint40(start + 2 * WINDOW),
            uint40(start + 3 * WINDOW),
            uint40(start + 4 * WINDOW)
        );
        vm.prank(creator);
        uint256 id = arena.createTask(p);
        assertEq(before - token.balanceOf(creator), total);
        assertEq(arena.getTask(id).bond, bond);
        // a flat bond only
        _setParam(ConfigKeys.CREATOR_BOND_BPS, 0);
        (, bond,) = arena.creationCost(p.rewardPool);
        assertEq(bond, 100e18);
    }

    function test_createTask_evalRevealEndIsHalfThePublishWindow() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        p.publishWindow = 61;
        vm.prank(creator);
        uint256 id = arena.createTask(p);
        IArenaTasks.TaskView memory t = arena.getTask(id);
        assertEq(t.evalRevealEnd, t.submissionEnd + 30, "rounded down");
        assertEq(t.publishEnd, t.submissionEnd + 61);
    }

    function test_createTask_revertsOnAReusedEvalCommitment() public {
        IArenaTasks.CreateTaskParams memory p = _defaultParams();
        vm.prank(creator);
        uint256 id = arena.createTask(p);
        _expectCreateRevert(
            p, abi.encodeWithSelector(IArenaTasks.EvalCommitmentReused.selector, p.evalCommitment)
        );
        // still refused after the first task is over
        vm.warp(arena.getTask(id).evalRevealEnd);
        arena.cancel(id);
        _expectCreateRevert(
            p, abi.encodeWithSelector(IArenaTasks.EvalCommitmentReused.selector, p.evalCommitment)
        );
        // a fresh salt is accepted
        p.evalCommitment = arena.evalCommitmentOf(creator, EVAL_CID, keccak256("fresh"));
        vm.prank(creator);
        assertEq(arena.createTask(p), 2);
    }
}

import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";
