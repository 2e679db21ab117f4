// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract ProtocolConfigViewsTest is BaseTest {
    function test_getMany_returnsInOrder() public view {
        bytes32[] memory keys = new bytes32[](3);
        keys[0] = ConfigKeys.MIN_REVEALS;
        keys[1] = ConfigKeys.UNBONDING_PERIOD;
        keys[2] = ConfigKeys.MIN_REVEALS;
        uint256[] memory values = config.getMany(keys);
        assertEq(values.length, 3);
        assertEq(values[0], 3);
        assertEq(values[1], 21 days);
        assertEq(values[2], 3);
    }

    function test_unknownKey_revertsEverywhere() public {
        bytes32 key = keccak256("UNKNOWN");
        bytes memory err = abi.encodeWithSelector(IProtocolConfig.UnknownParameter.selector, key);
        vm.expectRevert(err);
        config.get(key);
        vm.expectRevert(err);
        config.bounds(key);
        vm.expectRevert(err);
        config.nameOf(key);
        bytes32[] memory keys = new bytes32[](1);
        keys[0] = key;
        vm.expectRevert(err);
        config.getMany(keys);
    }

    function test_nameOf_returnsRegisteredName() public view {
        assertEq(config.nameOf(ConfigKeys.SPAM_SLASH_BPS), "SPAM_SLASH_BPS");
    }
}
