// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";

/// @dev The vote-checkpoint reads of the vault (see `IStakingVault`).
interface IStakedVotes {
    function getVotes(address account) external view returns (uint256);
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256);
}

/// @title Voting power for FLock governance: FLOCK held (as delegated on the token) + FLOCK bonded in the vault
/// @notice `getPastVotes(a, t)` = the token's `getPastVotes(a, t)` (wallet FLOCK delegated to `a`) + the vault's
/// `getPastVotes(a, t)` (the value at `t` of `a`'s own shares in every pool: self-stake and delegations, counted for the
/// staker, not the operator). Staking therefore never costs governance rights; unbonding (the shares are burned when
/// the unbond is requested) and slashing (the share price drops) reduce them. A pending deposit (made while its pool
/// had a lock outstanding) counts once it becomes shares.
/// No FLOCK is counted twice: a token is either in a wallet, where only the token's checkpoints count it (for its
/// holder's delegate), or in the vault, whose own token balance has no delegate (the vault never delegates, so its
/// wallet votes are 0) and which counts it once for the owner of the shares. Hence Σ votes ≤ total supply, which is the
/// quorum's base (`getPastTotalSupply` = the token's). Both sources use the same timestamp clock.
/// @dev Delegation happens on the token (`FlockToken.delegate`) for wallet FLOCK; vault votes cannot be delegated, so
/// `delegate` and `delegateBySig` revert.
contract FlockVotes is IVotes, IERC6372 {
    /// @notice Thrown by `delegate` / `delegateBySig`: delegate wallet votes on the token.
    error DelegateOnTheToken();

    /// @notice The FLOCK token (ERC-5805, timestamp clock).
    IVotes public immutable TOKEN;
    /// @notice The staking vault (its vote checkpoints).
    IStakedVotes public immutable VAULT;

    constructor(address token_, address vault_) {
        TOKEN = IVotes(token_);
        VAULT = IStakedVotes(vault_);
    }

    /// @inheritdoc IERC6372
    function clock() public view returns (uint48) {
        return IERC6372(address(TOKEN)).clock();
    }

    /// @inheritdoc IERC6372
    function CLOCK_MODE() external view returns (string memory) {
        return IERC6372(address(TOKEN)).CLOCK_MODE();
    }

    /// @inheritdoc IVotes
    function getVotes(address account) external view returns (uint256) {
        return TOKEN.getVotes(account) + VAULT.getVotes(account);
    }

    /// @inheritdoc IVotes
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return TOKEN.getPastVotes(account, timepoint) + VAULT.getPastVotes(account, timepoint);
    }

    /// @inheritdoc IVotes
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return TOKEN.getPastTotalSupply(timepoint);
    }

    /// @inheritdoc IVotes
    function delegates(address account) external view returns (address) {
        return TOKEN.delegates(account);
    }

    /// @inheritdoc IVotes
    function delegate(address) external pure {
        revert DelegateOnTheToken();
    }

    /// @inheritdoc IVotes
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) external pure {
        revert DelegateOnTheToken();
    }
}
