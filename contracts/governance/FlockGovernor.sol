// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {
    GovernorCountingSimple
} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {
    GovernorPreventLateQuorum
} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {
    GovernorTimelockControl
} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title FLock governance: staked and held FLOCK vote; the timelock executes
/// @notice An OpenZeppelin Governor whose voting power is `FlockVotes` (wallet FLOCK, as delegated on the token, plus
/// FLOCK bonded in the `StakingVault`, counted for its staker), on a **timestamp** clock (ERC-6372 `mode=timestamp`).
/// Proposals pass with a simple majority of for over against and a quorum of for + abstain votes; a passed proposal is
/// queued in the `TimelockController`, which owns every admin power of the protocol, and executed after its delay by
/// anyone. A quorum reached late extends the vote (`GovernorPreventLateQuorum`). Every setting (delay, period,
/// threshold, quorum, late-quorum extension, timelock) can be changed only by governance itself.
/// @dev Defaults used by `script/Deploy.s.sol` (anchored on Compound, Uniswap and ENS): voting delay 1 day, voting
/// period 5 days, proposal threshold 1,000,000 FLOCK (0.1% of the cap), quorum 4% of the supply at the proposal's
/// snapshot, late-quorum extension 2 days, timelock delay 2 days.
contract FlockGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    GovernorPreventLateQuorum
{
    /// @param votes_ the `FlockVotes` adapter
    /// @param timelock_ the `TimelockController` this governor proposes to (and that owns the protocol)
    /// @param votingDelay_ seconds between a proposal and the start of its vote (its snapshot time)
    /// @param votingPeriod_ seconds a vote lasts
    /// @param proposalThreshold_ votes needed to propose
    /// @param quorumPercent_ quorum as a percentage of the total supply at the snapshot
    /// @param lateQuorumExtension_ seconds a vote is extended when quorum is reached late
    constructor(
        IVotes votes_,
        TimelockController timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent_,
        uint48 lateQuorumExtension_
    )
        Governor("FLock Governor")
        GovernorSettings(votingDelay_, votingPeriod_, proposalThreshold_)
        GovernorVotes(votes_)
        GovernorVotesQuorumFraction(quorumPercent_)
        GovernorTimelockControl(timelock_)
        GovernorPreventLateQuorum(lateQuorumExtension_)
    {}

    // ─── the overrides Solidity requires between the extensions ─────────────────────────────────

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint)
        public
        view
        override(Governor, GovernorVotesQuorumFraction)
        returns (uint256)
    {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalDeadline(uint256 proposalId)
        public
        view
        override(Governor, GovernorPreventLateQuorum)
        returns (uint256)
    {
        return super.proposalDeadline(proposalId);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
