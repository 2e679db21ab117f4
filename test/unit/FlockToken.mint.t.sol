// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IFlockToken} from "../../contracts/interfaces/IFlockToken.sol";

contract FlockTokenMintTest is BaseTest {
    function test_mint_mintsAndEmits() public {
        vm.expectEmit(address(token));
        emit IFlockToken.Minted(address(this), trainer1, 5 * FLOCK);
        token.mint(trainer1, 5 * FLOCK);
        assertEq(token.balanceOf(trainer1), 5 * FLOCK);
        assertEq(token.totalSupply(), 5 * FLOCK);
    }

    function test_mint_upToTheCapExactly() public {
        token.mint(trainer1, token.CAP());
        assertEq(token.totalSupply(), 1e27);
        vm.expectRevert(abi.encodeWithSelector(IFlockToken.CapExceeded.selector, 1, 0));
        token.mint(trainer1, 1);
    }

    function test_mint_revertsAboveCap() public {
        token.mint(trainer1, 1e27 - 10);
        vm.expectRevert(abi.encodeWithSelector(IFlockToken.CapExceeded.selector, 11, 10));
        token.mint(trainer1, 11);
    }

    function test_mint_revertsWithoutMinterRole() public {
        bytes32 role = token.MINTER_ROLE();
        vm.prank(attacker);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, attacker, role)
        );
        token.mint(attacker, 1);
    }

    function test_mint_adminGrantsMinterRole() public {
        token.grantRole(token.MINTER_ROLE(), keeper);
        vm.prank(keeper);
        token.mint(keeper, 1);
        assertEq(token.balanceOf(keeper), 1);
    }

    function testFuzz_mint_neverExceedsCap(uint256 a, uint256 b) public {
        a = bound(a, 0, 1e27);
        token.mint(trainer1, a);
        b = bound(b, 0, type(uint128).max);
        if (b > 1e27 - a) {
            vm.expectRevert(abi.encodeWithSelector(IFlockToken.CapExceeded.selector, b, 1e27 - a));
        }
        token.mint(trainer2, b);
        assertLe(token.totalSupply(), token.CAP());
    }
}
