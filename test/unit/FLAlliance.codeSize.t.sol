// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";

/// @notice EIP-170: FLAlliance and its external libraries (FLCreate, FLRounds: deployed contracts too) fit 24,576 bytes.
contract FLAllianceCodeSizeTest is FLBaseTest {
    uint256 internal constant EIP170_LIMIT = 24_576;

    function test_codeSize_fitsEip170WithAMargin() public view {
        assertLe(address(alliance).code.length, EIP170_LIMIT - 2048, "FLAlliance (with a 2 KiB margin)");
        assertLe(vm.getDeployedCode("FLRounds.sol:FLRounds").length, EIP170_LIMIT, "FLRounds");
        assertLe(vm.getDeployedCode("FLCreate.sol:FLCreate").length, EIP170_LIMIT, "FLCreate");
    }
}
