// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {Deploy} from "../../script/Deploy.s.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";
import {FlockVotes} from "../../contracts/governance/FlockVotes.sol";
import {LineageAlliance} from "../utils/LineageAlliance.sol";

/// @notice Governance end to end on the deployed wiring: staked FLOCK votes, a parameter change goes propose → vote →
/// queue → execute through the timelock, running tasks keep their snapshot, and nothing but the timelock holds power.
contract GovernanceTest is Test {
    Deploy internal script;
    Deploy.Deployed internal d;
    address internal alice = makeAddr("alice"); // stakes
    address internal bob = makeAddr("bob"); // holds and delegates on the token
    address internal carol = makeAddr("carol"); // a small holder

    function setUp() public {
        vm.warp(1_700_000_000);
        script = new Deploy();
        d = script.deploy(
            address(script),
            true,
            Deploy.GovSettings({
                votingDelay: 1 days,
                votingPeriod: 5 days,
                threshold: 1000e18,
                quorumPercent: 4,
                lateQuorum: 2 days,
                timelockDelay: 2 days
            })
        );
        _mint(alice, 100_000e18);
        _mint(bob, 40_000e18);
        _mint(carol, 500e18);
        vm.startPrank(alice);
        d.token.approve(address(d.vault), type(uint256).max);
        d.vault.register(IStakingVault.Role.Validator, 0);
        d.vault.stake(60_000e18);
        vm.stopPrank();
        vm.prank(bob);
        d.token.delegate(bob);
        vm.warp(block.timestamp + 1);
    }

    function _mint(address to, uint256 amount) internal {
        vm.prank(address(script));
        d.token.mint(to, amount);
    }

    function _proposeSet(address proposer, bytes32 key, uint256 value, string memory description)
        internal
        returns (uint256 id, address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        targets[0] = address(d.config);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(IProtocolConfig.set, (key, value));
        vm.prank(proposer);
        id = d.governor.propose(targets, values, calldatas, description);
    }

    function _pass(uint256 id, address[] memory t, uint256[] memory v, bytes[] memory c, string memory desc)
        internal
    {
        vm.warp(d.governor.proposalSnapshot(id) + 1);
        vm.prank(alice);
        d.governor.castVoteWithReason(id, 1, "stakers want it");
        vm.prank(bob);
        d.governor.castVote(id, 0);
        vm.warp(d.governor.proposalDeadline(id) + 1);
        assertEq(uint8(d.governor.state(id)), uint8(IGovernor.ProposalState.Succeeded));
        d.governor.queue(t, v, c, keccak256(bytes(desc)));
        vm.warp(block.timestamp + 2 days);
    }

    function test_clockIsTimestamp() public view {
        assertEq(d.governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(d.governor.clock(), uint48(block.timestamp));
        assertEq(d.votes.CLOCK_MODE(), "mode=timestamp");
    }

    function test_stakedFlockVotes() public view {
        // alice's 60,000 FLOCK are in the vault and still vote; her 40,000 in the wallet are not delegated
        assertEq(d.votes.getVotes(alice), 60_000e18);
        assertEq(d.votes.getVotes(bob), 40_000e18);
        assertEq(d.votes.getPastVotes(alice, block.timestamp - 1), 60_000e18);
        assertEq(d.token.getVotes(address(d.vault)), 0);
    }

    function test_lifecycle_changesAParameter_runningTaskKeepsItsSnapshot() public {
        bytes32 key = ConfigKeys.NON_REVEAL_SLASH_BPS;
        string memory desc = "Raise the non-reveal slash to 20%";
        (uint256 id, address[] memory t, uint256[] memory v, bytes[] memory c) =
            _proposeSet(alice, key, 2000, desc);
        // a task created while the proposal runs keeps the old value
        uint256 before = _createTask(keccak256("before"));
        _pass(id, t, v, c, desc);
        d.governor.execute(t, v, c, keccak256(bytes(desc)));
        assertEq(uint8(d.governor.state(id)), uint8(IGovernor.ProposalState.Executed));
        assertEq(d.config.get(key), 2000);
        uint256 afterId = _createTask(keccak256("after"));
        assertEq(d.arena.paramsOf(before).nonRevealSlashBps, 1000);
        assertEq(d.arena.paramsOf(afterId).nonRevealSlashBps, 2000);
        (uint256 against, uint256 forVotes,) = d.governor.proposalVotes(id);
        assertEq(forVotes, 60_000e18);
        assertEq(against, 40_000e18);
    }

    /// The FL Alliance plugs into the marketplace by a governance proposal (`setAlliance`), nothing else.
    function test_governancePlugsTheAllianceIntoTheMarketplace() public {
        address alliance = address(new LineageAlliance());
        string memory desc = "Plug the FL Alliance into the marketplace";
        address[] memory t = new address[](1);
        t[0] = address(d.market);
        uint256[] memory v = new uint256[](1);
        bytes[] memory c = new bytes[](1);
        c[0] = abi.encodeCall(d.market.setAlliance, (alliance));
        vm.prank(alice);
        uint256 id = d.governor.propose(t, v, c, desc);
        _pass(id, t, v, c, desc);
        d.governor.execute(t, v, c, keccak256(bytes(desc)));
        assertEq(d.market.alliance(), alliance);
    }

    function test_outOfBoundsProposalFailsAtExecutionAndChangesNothing() public {
        bytes32 key = ConfigKeys.PROTOCOL_FEE_BPS;
        string memory desc = "An out-of-bounds fee";
        (uint256 id, address[] memory t, uint256[] memory v, bytes[] memory c) =
            _proposeSet(alice, key, 9000, desc);
        _pass(id, t, v, c, desc);
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolConfig.ParameterOutOfBounds.selector, key, 9000, 0, 2000)
        );
        d.governor.execute(t, v, c, keccak256(bytes(desc)));
        assertEq(d.config.get(key), 500);
        assertEq(uint8(d.governor.state(id)), uint8(IGovernor.ProposalState.Queued));
    }

    function test_belowThresholdCannotPropose() public {
        vm.prank(carol);
        d.token.delegate(carol);
        vm.warp(block.timestamp + 1);
        address[] memory t = new address[](1);
        uint256[] memory v = new uint256[](1);
        bytes[] memory c = new bytes[](1);
        t[0] = address(d.config);
        c[0] = abi.encodeCall(IProtocolConfig.set, (ConfigKeys.PROTOCOL_FEE_BPS, 600));
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorInsufficientProposerVotes.selector, carol, 500e18, 1000e18
            )
        );
        d.governor.propose(t, v, c, "too small");
    }

    function test_unbondingAndSlashingReduceVotes() public {
        uint256 shares = d.vault.sharesOf(alice, alice);
        vm.prank(alice);
        d.vault.requestUnbond(alice, shares / 2);
        assertApproxEqAbs(d.votes.getVotes(alice), 30_000e18, 1e9);
        // slashing: a module locks and slashes 10%
        address module = makeAddr("module");
        bytes32 role = d.vault.MODULE_ROLE();
        vm.prank(address(d.timelock));
        d.vault.grantRole(role, module);
        vm.prank(module);
        d.vault.lock(1, alice, 10_000e18);
        uint256 bondedBefore = d.vault.poolOf(alice).bondedAssets;
        vm.prank(module);
        d.vault.slash(1, alice, 10_000e18);
        uint256 lostFromBonded = bondedBefore - d.vault.poolOf(alice).bondedAssets;
        assertApproxEqAbs(d.votes.getVotes(alice), 30_000e18 - lostFromBonded, 1e9);
        // a revoked module can still release its lock
        vm.prank(address(d.timelock));
        d.vault.revokeRole(role, module);
        vm.prank(module);
        d.vault.unlock(1, alice);
        vm.prank(module);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, module, role)
        );
        d.vault.lock(2, alice, 1e18);
    }

    function test_voteDelegationHappensOnTheToken() public {
        vm.expectRevert(FlockVotes.DelegateOnTheToken.selector);
        d.votes.delegate(bob);
    }

    /// Nobody but the timelock can change a parameter, the treasury, a role or a governance setting.
    function testFuzz_onlyTheTimelockHoldsPower(address caller) public {
        vm.assume(caller != address(d.timelock));
        bytes32 module = d.vault.MODULE_ROLE();
        bytes32 admin = d.vault.DEFAULT_ADMIN_ROLE();
        bytes32 minter = d.token.MINTER_ROLE();
        bytes32 proposer = d.timelock.PROPOSER_ROLE();
        vm.startPrank(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        d.config.set(ConfigKeys.PROTOCOL_FEE_BPS, 600);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        d.config.setTreasury(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, admin)
        );
        d.vault.grantRole(module, caller);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, admin)
        );
        d.vault.revokeRole(module, address(d.arena));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, admin)
        );
        d.token.grantRole(minter, caller);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, admin)
        );
        d.timelock.grantRole(proposer, caller);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
        d.governor.setVotingDelay(1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        d.market.setAlliance(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        d.market.transferOwnership(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, proposer)
        );
        d.timelock.schedule(address(d.config), 0, "", 0, 0, 2 days);
        vm.stopPrank();
    }

    /// After the deployment every role ever granted is held by a contract of the protocol (or is the open executor
    /// role), never by the deployer or another EOA — except the devnet faucet's MINTER_ROLE when asked for.
    function test_deploy_leavesNoRoleWithTheDeployerOrAnyEOA() public {
        Deploy s = new Deploy();
        vm.recordLogs();
        Deploy.Deployed memory x =
            s.deploy(address(s), false, Deploy.GovSettings(1 days, 5 days, 1_000_000e18, 4, 2 days, 2 days));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 granted = keccak256("RoleGranted(bytes32,address,address)");
        uint256 checked;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics.length == 0 || logs[i].topics[0] != granted) continue;
            bytes32 role = logs[i].topics[1];
            address account = address(uint160(uint256(logs[i].topics[2])));
            if (!IAccessControl(logs[i].emitter).hasRole(role, account)) continue;
            ++checked;
            assertTrue(account != address(s), "the deployer kept a role");
            assertTrue(account == address(0) || account.code.length > 0, "an EOA holds a role");
        }
        assertGt(checked, 5);
        assertEq(x.config.owner(), address(x.timelock));
        assertEq(x.config.treasury(), address(x.timelock));
        assertEq(x.market.owner(), address(x.timelock));
        assertEq(x.market.pendingOwner(), address(0));
        assertEq(x.market.alliance(), address(x.alliance));
        assertTrue(x.timelock.hasRole(x.timelock.DEFAULT_ADMIN_ROLE(), address(x.timelock)));
        assertFalse(x.token.hasRole(x.token.MINTER_ROLE(), address(s)));
    }

    function _createTask(bytes32 salt) internal returns (uint256) {
        IArenaTasks.CreateTaskParams memory p;
        p.specCid = "spec";
        p.evalCommitment = d.arena.evalCommitmentOf(carol, "eval", salt);
        p.rewardPool = 100e18;
        p.submissionWindow = 1 days;
        p.publishWindow = 1 days;
        p.commitWindow = 1 days;
        p.revealWindow = 1 days;
        p.minScore = 5000;
        p.spamScore = 1000;
        (,, uint256 total) = d.arena.creationCost(p.rewardPool);
        _mint(carol, total);
        vm.startPrank(carol);
        d.token.approve(address(d.arena), total);
        uint256 id = d.arena.createTask(p);
        vm.stopPrank();
        return id;
    }
}
