// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BaseTest} from "../utils/BaseTest.sol";

contract FlockTokenBurnTest is BaseTest {
    function test_burn_burnsOwnTokens() public {
        token.mint(trainer1, 10 * FLOCK);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(trainer1, address(0), 4 * FLOCK);
        vm.prank(trainer1);
        token.burn(4 * FLOCK);
        assertEq(token.balanceOf(trainer1), 6 * FLOCK);
        assertEq(token.totalSupply(), 6 * FLOCK);
    }

    function test_burn_freesRoomUnderTheCap() public {
        token.mint(trainer1, token.CAP());
        vm.prank(trainer1);
        token.burn(1);
        token.mint(trainer2, 1);
        assertEq(token.totalSupply(), token.CAP());
    }

    function test_burn_revertsAboveBalance() public {
        token.mint(trainer1, 1);
        vm.prank(trainer1);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, trainer1, 1, 2)
        );
        token.burn(2);
    }
}
