// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {ProtocolConfig} from "../../contracts/ProtocolConfig.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract ProtocolConfigConstructorTest is BaseTest {
    function _allKeys() internal pure returns (bytes32[50] memory k) {
        k = [
            ConfigKeys.UNBONDING_PERIOD,
            ConfigKeys.COMMISSION_COOLDOWN,
            ConfigKeys.MAX_COMMISSION_BPS,
            ConfigKeys.MIN_DELEGATION,
            ConfigKeys.MIN_OPERATOR_SELF_STAKE,
            ConfigKeys.MIN_TRAINER_STAKE,
            ConfigKeys.MIN_VALIDATOR_STAKE,
            ConfigKeys.VALIDATOR_LOCK_CAP,
            ConfigKeys.TASK_CREATION_FEE,
            ConfigKeys.CREATOR_BOND,
            ConfigKeys.CREATOR_BOND_BPS,
            ConfigKeys.MIN_REWARD_POOL,
            ConfigKeys.PROTOCOL_FEE_BPS,
            ConfigKeys.KEEPER_BOUNTY_BPS,
            ConfigKeys.VALIDATOR_SHARE_BPS,
            ConfigKeys.SLASH_TREASURY_BPS,
            ConfigKeys.MIN_WINDOW,
            ConfigKeys.MAX_WINDOW,
            ConfigKeys.MAX_SUBMISSIONS,
            ConfigKeys.MAX_VALIDATORS,
            ConfigKeys.MIN_SUBMISSIONS,
            ConfigKeys.MIN_REVEALS,
            ConfigKeys.MIN_REVEALED_STAKE,
            ConfigKeys.VALIDATOR_TOLERANCE,
            ConfigKeys.SLASH_TOLERANCE,
            ConfigKeys.DEVIATION_SLASH_BPS,
            ConfigKeys.MAX_SCORE_DEVIATION,
            ConfigKeys.NON_REVEAL_SLASH_BPS,
            ConfigKeys.SPAM_SLASH_BPS,
            ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS,
            ConfigKeys.RANK_DECAY_BPS,
            ConfigKeys.MARKET_FEE_BPS,
            ConfigKeys.MARKET_CREATOR_BPS,
            ConfigKeys.MARKET_VALIDATOR_BPS,
            ConfigKeys.MARKET_ROYALTY_BPS,
            ConfigKeys.MARKET_MAX_LINEAGE_DEPTH,
            ConfigKeys.MARKET_TERMS_DELAY,
            ConfigKeys.FL_MIN_STAKE,
            ConfigKeys.FL_LOCK_CAP,
            ConfigKeys.FL_MAX_PARTICIPANTS,
            ConfigKeys.FL_MAX_PROPOSERS,
            ConfigKeys.FL_MAX_ROUNDS,
            ConfigKeys.FL_PROPOSER_SHARE_BPS,
            ConfigKeys.FL_EXCLUSION_RATIO_BPS,
            ConfigKeys.FL_POISON_SLASH_BPS,
            ConfigKeys.FL_NON_REVEAL_SLASH_BPS,
            ConfigKeys.FL_DEVIATION_SLASH_BPS,
            ConfigKeys.FL_MINORITY_SLASH_BPS,
            ConfigKeys.FL_VOTER_TOLERANCE,
            ConfigKeys.FL_SLASH_TOLERANCE
        ];
    }

    function test_constructor_registersEveryConfigKeyInOrder() public view {
        bytes32[50] memory expected = _allKeys();
        bytes32[] memory registered = config.keys();
        assertEq(registered.length, expected.length);
        for (uint256 i; i < expected.length; ++i) {
            assertEq(registered[i], expected[i]);
            assertEq(keccak256(bytes(config.nameOf(registered[i]))), registered[i], "key == keccak256(name)");
            (uint256 min, uint256 max) = config.bounds(registered[i]);
            uint256 value = config.get(registered[i]);
            assertTrue(min <= value && value <= max, "default within bounds");
        }
    }

    function test_constructor_defaults() public view {
        assertEq(config.get(ConfigKeys.UNBONDING_PERIOD), 21 days);
        assertEq(config.get(ConfigKeys.COMMISSION_COOLDOWN), 1 days);
        assertEq(config.get(ConfigKeys.MAX_COMMISSION_BPS), 5000);
        assertEq(config.get(ConfigKeys.MIN_DELEGATION), 1 * FLOCK);
        assertEq(config.get(ConfigKeys.MIN_OPERATOR_SELF_STAKE), 100 * FLOCK);
        assertEq(config.get(ConfigKeys.MIN_TRAINER_STAKE), 1000 * FLOCK);
        assertEq(config.get(ConfigKeys.MIN_VALIDATOR_STAKE), 3000 * FLOCK);
        assertEq(config.get(ConfigKeys.VALIDATOR_LOCK_CAP), 1_000_000 * FLOCK);
        assertEq(config.get(ConfigKeys.TASK_CREATION_FEE), 10 * FLOCK);
        assertEq(config.get(ConfigKeys.CREATOR_BOND), 100 * FLOCK);
        assertEq(config.get(ConfigKeys.CREATOR_BOND_BPS), 1000);
        assertEq(config.get(ConfigKeys.MIN_REWARD_POOL), 100 * FLOCK);
        assertEq(config.get(ConfigKeys.PROTOCOL_FEE_BPS), 500);
        assertEq(config.get(ConfigKeys.KEEPER_BOUNTY_BPS), 50);
        assertEq(config.get(ConfigKeys.VALIDATOR_SHARE_BPS), 3000);
        assertEq(config.get(ConfigKeys.SLASH_TREASURY_BPS), 1000);
        assertEq(config.get(ConfigKeys.MIN_WINDOW), 60);
        assertEq(config.get(ConfigKeys.MAX_WINDOW), 5 days);
        assertEq(config.get(ConfigKeys.MAX_SUBMISSIONS), 256);
        assertEq(config.get(ConfigKeys.MAX_VALIDATORS), 64);
        assertEq(config.get(ConfigKeys.MIN_SUBMISSIONS), 2);
        assertEq(config.get(ConfigKeys.MIN_REVEALS), 3);
        assertEq(config.get(ConfigKeys.MIN_REVEALED_STAKE), 10_000 * FLOCK);
        assertEq(config.get(ConfigKeys.VALIDATOR_TOLERANCE), 1000);
        assertEq(config.get(ConfigKeys.SLASH_TOLERANCE), 2000);
        assertEq(config.get(ConfigKeys.DEVIATION_SLASH_BPS), 1000);
        assertEq(config.get(ConfigKeys.MAX_SCORE_DEVIATION), 2500);
        assertEq(config.get(ConfigKeys.NON_REVEAL_SLASH_BPS), 1000);
        assertEq(config.get(ConfigKeys.SPAM_SLASH_BPS), 500);
        assertEq(config.get(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS), 1000);
        assertEq(config.get(ConfigKeys.RANK_DECAY_BPS), 5000);
        (uint256 min, uint256 max) = config.bounds(ConfigKeys.RANK_DECAY_BPS);
        assertEq(min, 1);
        assertEq(max, 10_000);
        (min, max) = config.bounds(ConfigKeys.VALIDATOR_LOCK_CAP);
        assertEq(min, 1 * FLOCK);
        assertEq(max, 1e9 * FLOCK);
        (min, max) = config.bounds(ConfigKeys.MIN_WINDOW);
        assertEq(min, 2, "publishWindow / 2 must leave the eval reveal at least one second");
        assertEq(max, 30 days);
        assertEq(config.owner(), address(this));
        assertEq(config.treasury(), treasury);
    }

    function test_constructor_emitsParameterRegisteredForEachKey() public {
        vm.recordLogs();
        ProtocolConfig fresh = new ProtocolConfig(address(this), treasury);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 registered;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] != IProtocolConfig.ParameterRegistered.selector) continue;
            (string memory name, uint256 value,,) =
                abi.decode(logs[i].data, (string, uint256, uint256, uint256));
            assertEq(logs[i].topics[1], keccak256(bytes(name)));
            assertEq(value, fresh.get(logs[i].topics[1]));
            ++registered;
        }
        assertEq(registered, 50);
    }

    function test_constructor_emitsFirstRegistration() public {
        vm.expectEmit();
        emit IProtocolConfig.ParameterRegistered(
            ConfigKeys.UNBONDING_PERIOD, "UNBONDING_PERIOD", 21 days, 1 hours, 90 days
        );
        new ProtocolConfig(address(this), treasury);
    }

    function test_constructor_revertsOnZeroTreasury() public {
        vm.expectRevert(IProtocolConfig.ZeroAddress.selector);
        new ProtocolConfig(address(this), address(0));
    }
}
