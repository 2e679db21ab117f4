// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";

contract ProtocolConfigSetTreasuryTest is BaseTest {
    function test_setTreasury_changesAndEmits() public {
        vm.expectEmit(address(config));
        emit IProtocolConfig.TreasurySet(treasury, keeper);
        config.setTreasury(keeper);
        assertEq(config.treasury(), keeper);
    }

    function test_setTreasury_revertsOnZero() public {
        vm.expectRevert(IProtocolConfig.ZeroAddress.selector);
        config.setTreasury(address(0));
    }

    function test_setTreasury_revertsForNonOwner() public {
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, attacker));
        config.setTreasury(attacker);
    }

    function test_ownership_isTwoStep() public {
        config.transferOwnership(keeper);
        assertEq(config.owner(), address(this), "still the owner until accepted");
        vm.prank(keeper);
        config.acceptOwnership();
        assertEq(config.owner(), keeper);
    }
}
