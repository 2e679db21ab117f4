// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @title Benchmark helper (test only, never deployed outside a local chain)
/// @notice Makes many real `StakingVault.delegate` calls in one transaction, so the indexer benchmark gets tens of
/// thousands of real protocol events (a `Transfer` and a `Delegated` per call) in a few blocks.
contract BenchDelegator {
    /// @notice Delegates `assets` to each of `operators`, `rounds` times, from this contract's own tokens.
    function delegateMany(
        IStakingVault vault,
        IERC20 token,
        address[] calldata operators,
        uint256 assets,
        uint256 rounds
    ) external {
        if (token.allowance(address(this), address(vault)) < type(uint128).max) {
            token.approve(address(vault), type(uint256).max);
        }
        for (uint256 r; r < rounds; ++r) {
            for (uint256 i; i < operators.length; ++i) {
                vault.delegate(operators[i], assets);
            }
        }
    }
}
