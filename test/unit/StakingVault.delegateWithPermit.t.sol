// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract StakingVaultDelegateWithPermitTest is BaseTest {
    uint256 internal ownerKey = 0xA11CE;
    address internal owner;

    function setUp() public override {
        super.setUp();
        owner = vm.addr(ownerKey);
        _registerAndStake(validator1, IStakingVault.Role.Validator, 3000 * FLOCK);
        token.mint(owner, 1000 * FLOCK);
    }

    function _sign(uint256 value, uint256 deadline) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 typehash =
            keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
        bytes32 structHash =
            keccak256(abi.encode(typehash, owner, address(vault), value, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(ownerKey, digest);
    }

    function test_delegateWithPermit_delegatesInOneCall() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(100 * FLOCK, block.timestamp + 1 hours);
        vm.prank(owner);
        uint256 shares = vault.delegateWithPermit(validator1, 100 * FLOCK, block.timestamp + 1 hours, v, r, s);
        assertEq(vault.sharesOf(validator1, owner), shares);
        assertEq(token.balanceOf(owner), 900 * FLOCK);
        assertEq(token.nonces(owner), 1);
    }

    function test_delegateWithPermit_toleratesFrontRunPermit() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(100 * FLOCK, block.timestamp + 1 hours);
        // someone submits the permit first: the signature is now used
        token.permit(owner, address(vault), 100 * FLOCK, block.timestamp + 1 hours, v, r, s);
        vm.prank(owner);
        uint256 shares = vault.delegateWithPermit(validator1, 100 * FLOCK, block.timestamp + 1 hours, v, r, s);
        assertGt(shares, 0);
        assertEq(token.balanceOf(owner), 900 * FLOCK);
    }

    function test_delegateWithPermit_revertsWhenPermitFailsAndNoAllowance() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(100 * FLOCK, block.timestamp - 1); // expired
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(vault), 0, 100 * FLOCK
            )
        );
        vault.delegateWithPermit(validator1, 100 * FLOCK, block.timestamp - 1, v, r, s);
    }
}
