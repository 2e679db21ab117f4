// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IFlockToken} from "./interfaces/IFlockToken.sol";

/// @title FLOCK, the protocol token
/// @notice See `IFlockToken`. The admin (`DEFAULT_ADMIN_ROLE`) grants `MINTER_ROLE`; in production the admin is the
/// governance timelock.
contract FlockToken is ERC20, ERC20Permit, ERC20Votes, AccessControl, IFlockToken {
    /// @inheritdoc IFlockToken
    uint256 public constant CAP = 1e27;
    /// @inheritdoc IFlockToken
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @param admin receives `DEFAULT_ADMIN_ROLE` (governance timelock in production, the deployer on a devnet)
    constructor(address admin) ERC20("FLock", "FLOCK") ERC20Permit("FLock") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IFlockToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        uint256 remaining = CAP - totalSupply();
        if (amount > remaining) revert CapExceeded(amount, remaining);
        _mint(to, amount);
        emit Minted(msg.sender, to, amount);
    }

    /// @inheritdoc IFlockToken
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    /// @notice Governance counts time in seconds (ERC-6372): L2 block numbers are a poor clock.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372: the clock is the block timestamp.
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
