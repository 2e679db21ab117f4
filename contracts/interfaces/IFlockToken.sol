// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title FLOCK, the protocol token
/// @notice ERC20 with EIP-2612 permit and ERC20Votes checkpoints (delegate to vote), capped at 1,000,000,000 FLOCK.
/// Pays rewards, is staked and delegated in the `StakingVault`, buys model access and governs `ProtocolConfig`.
/// @dev Warning: only holders of `MINTER_ROLE` (the emissions / treasury role, granted by governance) can mint, and
/// never beyond `CAP`. Anyone may burn their own tokens. Voting power follows `delegate`, not balances.
interface IFlockToken is IERC20 {
    /// @notice A mint would take the total supply above the hard cap.
    /// @param requested the amount asked for
    /// @param remaining what can still be minted
    error CapExceeded(uint256 requested, uint256 remaining);

    /// @notice Tokens were minted by a minter.
    /// @param minter the `MINTER_ROLE` holder that minted
    /// @param to the receiver
    /// @param amount the amount minted (18 decimals)
    event Minted(address indexed minter, address indexed to, uint256 amount);

    /// @notice The hard cap on the total supply: 1e9 FLOCK (1e27 base units).
    function CAP() external view returns (uint256);

    /// @notice The role allowed to mint.
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice Mints `amount` to `to`.
    /// @dev Reverts with `CapExceeded` above the cap, and for callers without `MINTER_ROLE`.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's tokens.
    function burn(uint256 amount) external;
}
