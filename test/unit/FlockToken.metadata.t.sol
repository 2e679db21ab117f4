// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";

/// @notice Metadata, permit and votes: the parts FlockToken composes from OpenZeppelin.
contract FlockTokenMetadataTest is BaseTest {
    function test_metadata_nameSymbolDecimalsCap() public view {
        assertEq(token.name(), "FLock");
        assertEq(token.symbol(), "FLOCK");
        assertEq(token.decimals(), 18);
        assertEq(token.CAP(), 1e27);
        assertEq(token.MINTER_ROLE(), keccak256("MINTER_ROLE"));
        assertTrue(token.hasRole(token.DEFAULT_ADMIN_ROLE(), address(this)));
    }

    function test_metadata_permitSetsAllowance() public {
        uint256 key = 0xB0B;
        address owner = vm.addr(key);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                ),
                owner,
                keeper,
                7,
                0,
                block.timestamp
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
        token.permit(owner, keeper, 7, block.timestamp, v, r, s);
        assertEq(token.allowance(owner, keeper), 7);
        assertEq(token.nonces(owner), 1);
    }

    function test_metadata_votesFollowDelegation() public {
        token.mint(trainer1, 100 * FLOCK);
        assertEq(token.getVotes(trainer1), 0, "no votes until delegated");
        vm.prank(trainer1);
        token.delegate(trainer1);
        assertEq(token.getVotes(trainer1), 100 * FLOCK);
        vm.prank(trainer1);
        assertTrue(token.transfer(trainer2, 40 * FLOCK));
        assertEq(token.getVotes(trainer1), 60 * FLOCK);
        // the governance clock is the timestamp (ERC-6372 mode=timestamp)
        assertEq(token.CLOCK_MODE(), "mode=timestamp");
        vm.warp(block.timestamp + 1);
        assertEq(token.getPastTotalSupply(block.timestamp - 1), 100 * FLOCK);
    }

    function test_metadata_supportsAccessControlInterface() public view {
        assertTrue(token.supportsInterface(0x7965db0b)); // IAccessControl
    }
}
