// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "../utils/ArenaBaseTest.sol";

/// @notice EIP-170: every deployed contract's runtime code is at most 24,576 bytes (ArenaTasks' margin is kept by
/// its external libraries ArenaCreate and ArenaFinalize, which are deployed contracts too).
contract ArenaTasksCodeSizeTest is ArenaBaseTest {
    uint256 internal constant EIP170_LIMIT = 24_576;

    function test_codeSize_everyDeployedContractFitsEip170() public view {
        assertLe(address(arena).code.length, EIP170_LIMIT, "ArenaTasks");
        assertLe(address(vault).code.length, EIP170_LIMIT, "StakingVault");
        assertLe(address(token).code.length, EIP170_LIMIT, "FlockToken");
        assertLe(address(config).code.length, EIP170_LIMIT, "ProtocolConfig");
        assertLe(vm.getDeployedCode("ArenaFinalize.sol:ArenaFinalize").length, EIP170_LIMIT, "ArenaFinalize");
        assertLe(vm.getDeployedCode("ArenaCreate.sol:ArenaCreate").length, EIP170_LIMIT, "ArenaCreate");
    }

    function test_codeSize_arenaKeepsAMargin() public view {
        // headroom for fixes without another split
        assertLe(address(arena).code.length, EIP170_LIMIT - 4096, "ArenaTasks margin");
    }
}
