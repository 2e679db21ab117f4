// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {FlockVotes} from "../../contracts/governance/FlockVotes.sol";

/// @notice Vault vote checkpoints and the token + vault sum: random sequences of deposits, delegations, unbonds,
/// withdrawals, slashes, rewards and transfers never count a FLOCK twice (Σ votes ≤ supply, now and at every past
/// checkpoint), and a past lookup returns what `getVotes` said at that time.
contract VotesFuzzTest is BaseTest {
    FlockVotes internal votes;
    address[3] internal actors;
    address[2] internal pools;
    uint256 internal lockId;

    function setUp() public override {
        super.setUp();
        votes = new FlockVotes(address(token), address(vault));
        vault.grantRole(vault.MODULE_ROLE(), _module);
        vm.prank(_module);
        token.approve(address(vault), type(uint256).max);
        actors = [makeAddr("a0"), makeAddr("a1"), makeAddr("a2")];
        pools = [validator1, validator2];
        _registerAndStake(pools[0], IStakingVault.Role.Validator, 10_000e18);
        _registerAndStake(pools[1], IStakingVault.Role.Validator, 10_000e18);
        for (uint256 i; i < 3; ++i) {
            _fund(actors[i], 100_000e18);
            vm.prank(actors[i]);
            token.delegate(actors[i]);
        }
        vm.prank(pools[0]);
        token.delegate(pools[0]);
    }

    function _sumVotes() internal view returns (uint256 sum) {
        for (uint256 i; i < 3; ++i) {
            sum += votes.getVotes(actors[i]);
        }
        sum += votes.getVotes(pools[0]) + votes.getVotes(pools[1]) + votes.getVotes(_module);
    }

    function testFuzz_votesNeverDoubleCount(uint256 seed) public {
        uint256[] memory times = new uint256[](24);
        uint256[] memory seen = new uint256[](24);
        for (uint256 step; step < 24; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            address a = actors[r % 3];
            address p = pools[(r >> 8) % 2];
            uint256 amount = 1e18 + (r >> 16) % 20_000e18;
            uint256 op = (r >> 128) % 6;
            if (op == 0) {
                vm.prank(a);
                vault.delegate(p, amount);
            } else if (op == 1) {
                uint256 sh = vault.sharesOf(p, a);
                if (sh > 1e6) {
                    vm.prank(a);
                    try vault.requestUnbond(p, sh / 2) {} catch {}
                }
            } else if (op == 2) {
                ++lockId;
                uint256 avail = vault.availableStake(p);
                if (avail > 1e18) {
                    vm.startPrank(_module);
                    vault.lock(lockId, p, avail / 2);
                    vault.slash(lockId, p, avail / 10);
                    vault.unlock(lockId, p);
                    vm.stopPrank();
                }
            } else if (op == 3) {
                _fundModule(amount);
                vm.prank(_module);
                vault.depositReward(p, amount);
            } else if (op == 4) {
                vm.prank(a);
                token.transfer(actors[(r >> 32) % 3], amount / 4);
            } else {
                vm.prank(a);
                token.burn(amount / 100);
            }
            assertLe(_sumVotes(), token.totalSupply());
            times[step] = block.timestamp;
            // remember what actor 0 had at this second; compared once time has moved on
            seen[step] = votes.getVotes(actors[0]);
            vm.warp(block.timestamp + 1 + (r >> 200) % 1 days);
        }
        for (uint256 step; step < 24; ++step) {
            assertEq(votes.getPastVotes(actors[0], times[step]), seen[step]);
            uint256 sum;
            for (uint256 i; i < 3; ++i) {
                sum += votes.getPastVotes(actors[i], times[step]);
            }
            assertLe(sum, votes.getPastTotalSupply(times[step]));
        }
    }
}
