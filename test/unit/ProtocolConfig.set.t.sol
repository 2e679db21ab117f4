// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

contract ProtocolConfigSetTest is BaseTest {
    function test_set_changesValueAndEmits() public {
        vm.expectEmit(address(config));
        emit IProtocolConfig.ParameterSet(ConfigKeys.UNBONDING_PERIOD, "UNBONDING_PERIOD", 21 days, 28 days);
        config.set(ConfigKeys.UNBONDING_PERIOD, 28 days);
        assertEq(config.get(ConfigKeys.UNBONDING_PERIOD), 28 days);
    }

    function test_set_atBothBounds() public {
        config.set(ConfigKeys.UNBONDING_PERIOD, 90 days);
        assertEq(config.get(ConfigKeys.UNBONDING_PERIOD), 90 days);
        // the lower bound (1 hour) is below 4 × the smallest MAX_WINDOW (1 hour): the cross-key rule decides there
        config.set(ConfigKeys.MIN_WINDOW, 60);
        config.set(ConfigKeys.MAX_WINDOW, 1 hours);
        config.set(ConfigKeys.UNBONDING_PERIOD, 4 hours);
        assertEq(config.get(ConfigKeys.UNBONDING_PERIOD), 4 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.UNBONDING_PERIOD, 1 hours
            )
        );
        config.set(ConfigKeys.UNBONDING_PERIOD, 1 hours);
        config.set(ConfigKeys.MIN_WINDOW, 2);
        assertEq(config.get(ConfigKeys.MIN_WINDOW), 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ParameterOutOfBounds.selector, ConfigKeys.MIN_WINDOW, 1, 2, 30 days
            )
        );
        config.set(ConfigKeys.MIN_WINDOW, 1);
    }

    function test_set_revertsOutOfBounds() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ParameterOutOfBounds.selector,
                ConfigKeys.UNBONDING_PERIOD,
                1 hours - 1,
                1 hours,
                90 days
            )
        );
        config.set(ConfigKeys.UNBONDING_PERIOD, 1 hours - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ParameterOutOfBounds.selector, ConfigKeys.PROTOCOL_FEE_BPS, 2001, 0, 2000
            )
        );
        config.set(ConfigKeys.PROTOCOL_FEE_BPS, 2001);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ParameterOutOfBounds.selector,
                ConfigKeys.MAX_SUBMISSIONS,
                type(uint256).max,
                1,
                256
            )
        );
        config.set(ConfigKeys.MAX_SUBMISSIONS, type(uint256).max);
    }

    function test_set_revertsForUnknownKey() public {
        bytes32 key = keccak256("NOPE");
        vm.expectRevert(abi.encodeWithSelector(IProtocolConfig.UnknownParameter.selector, key));
        config.set(key, 1);
    }

    function test_set_revertsForNonOwner() public {
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, attacker));
        config.set(ConfigKeys.UNBONDING_PERIOD, 1 days);
    }

    function test_set_toleranceOrdering() public {
        config.set(ConfigKeys.VALIDATOR_TOLERANCE, 2000); // == SLASH_TOLERANCE is fine
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.VALIDATOR_TOLERANCE, 2001
            )
        );
        config.set(ConfigKeys.VALIDATOR_TOLERANCE, 2001);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.SLASH_TOLERANCE, 1999
            )
        );
        config.set(ConfigKeys.SLASH_TOLERANCE, 1999);
    }

    function test_set_windowOrdering() public {
        config.set(ConfigKeys.MAX_WINDOW, 1 days);
        config.set(ConfigKeys.MIN_WINDOW, 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MIN_WINDOW, 1 days + 1
            )
        );
        config.set(ConfigKeys.MIN_WINDOW, 1 days + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_WINDOW, 1 days - 1
            )
        );
        config.set(ConfigKeys.MAX_WINDOW, 1 days - 1);
    }

    function test_set_validatorStakeOrdering() public {
        config.set(ConfigKeys.VALIDATOR_LOCK_CAP, 3000 * FLOCK);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector,
                ConfigKeys.VALIDATOR_LOCK_CAP,
                3000 * FLOCK - 1
            )
        );
        config.set(ConfigKeys.VALIDATOR_LOCK_CAP, 3000 * FLOCK - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector,
                ConfigKeys.MIN_VALIDATOR_STAKE,
                3000 * FLOCK + 1
            )
        );
        config.set(ConfigKeys.MIN_VALIDATOR_STAKE, 3000 * FLOCK + 1);
    }

    function test_set_submissionCountOrdering() public {
        config.set(ConfigKeys.MAX_SUBMISSIONS, 2); // == MIN_SUBMISSIONS is fine
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_SUBMISSIONS, 1
            )
        );
        config.set(ConfigKeys.MAX_SUBMISSIONS, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MIN_SUBMISSIONS, 3
            )
        );
        config.set(ConfigKeys.MIN_SUBMISSIONS, 3);
        config.set(ConfigKeys.MIN_SUBMISSIONS, 1);
        config.set(ConfigKeys.MAX_SUBMISSIONS, 1);
        assertEq(config.get(ConfigKeys.MAX_SUBMISSIONS), 1);
    }

    function test_set_revealCountOrdering() public {
        config.set(ConfigKeys.MAX_VALIDATORS, 3); // == MIN_REVEALS is fine
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_VALIDATORS, 2
            )
        );
        config.set(ConfigKeys.MAX_VALIDATORS, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MIN_REVEALS, 4)
        );
        config.set(ConfigKeys.MIN_REVEALS, 4);
        config.set(ConfigKeys.MIN_REVEALS, 1);
        config.set(ConfigKeys.MAX_VALIDATORS, 1);
        assertEq(config.get(ConfigKeys.MAX_VALIDATORS), 1);
    }

    /// @dev Withholding a reveal never costs less than revealing the worst deviation (issue 8, item 8).
    function test_set_nonRevealAtLeastDeviation() public {
        // defaults: NON_REVEAL 1000 == DEVIATION 1000
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.NON_REVEAL_SLASH_BPS, 999
            )
        );
        config.set(ConfigKeys.NON_REVEAL_SLASH_BPS, 999);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.DEVIATION_SLASH_BPS, 1001
            )
        );
        config.set(ConfigKeys.DEVIATION_SLASH_BPS, 1001);
        config.set(ConfigKeys.NON_REVEAL_SLASH_BPS, 2000);
        config.set(ConfigKeys.DEVIATION_SLASH_BPS, 2000);
        assertEq(config.get(ConfigKeys.DEVIATION_SLASH_BPS), 2000);
    }

    function test_set_trainerNonRevealAtLeastSpam() public {
        // defaults: TRAINER_NON_REVEAL 1000 ≥ SPAM 500
        config.set(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS, 500);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS, 499
            )
        );
        config.set(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS, 499);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.SPAM_SLASH_BPS, 501
            )
        );
        config.set(ConfigKeys.SPAM_SLASH_BPS, 501);
        config.set(ConfigKeys.SPAM_SLASH_BPS, 0);
        config.set(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS, 0);
        assertEq(config.get(ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS), 0);
    }

    /// @dev UNBONDING_PERIOD ≥ 4 × MAX_WINDOW, checked from both keys (defaults: 21 days ≥ 4 × 5 days).
    function test_set_unbondingOutlastsTheLongestTask() public {
        config.set(ConfigKeys.UNBONDING_PERIOD, 20 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.UNBONDING_PERIOD, 20 days - 1
            )
        );
        config.set(ConfigKeys.UNBONDING_PERIOD, 20 days - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_WINDOW, 5 days + 1
            )
        );
        config.set(ConfigKeys.MAX_WINDOW, 5 days + 1);
        config.set(ConfigKeys.MAX_WINDOW, 4 days);
        config.set(ConfigKeys.UNBONDING_PERIOD, 16 days);
        assertEq(config.get(ConfigKeys.UNBONDING_PERIOD), 16 days);
        // MAX_WINDOW still checks MIN_WINDOW as well
        config.set(ConfigKeys.MIN_WINDOW, 4 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.InconsistentParameters.selector, ConfigKeys.MAX_WINDOW, 4 days - 1
            )
        );
        config.set(ConfigKeys.MAX_WINDOW, 4 days - 1);
    }

    /// @dev Every default satisfies every cross-key rule: re-setting each key to its own value is accepted.
    function test_set_defaultsAreConsistent() public {
        bytes32[] memory keys = config.keys();
        for (uint256 i; i < keys.length; ++i) {
            config.set(keys[i], config.get(keys[i]));
        }
    }

    /// @dev The fee bounds (≤ 2000 + ≤ 500) cannot reach 10000 today; the rule still guards future bounds. Check that
    /// the sum at both maxima is accepted.
    function test_set_feeAndBountyAtMaxima() public {
        config.set(ConfigKeys.PROTOCOL_FEE_BPS, 2000);
        config.set(ConfigKeys.KEEPER_BOUNTY_BPS, 500);
        assertEq(config.get(ConfigKeys.PROTOCOL_FEE_BPS) + config.get(ConfigKeys.KEEPER_BOUNTY_BPS), 2500);
    }

    function testFuzz_set_withinBoundsOrReverts(uint256 index, uint256 value) public {
        bytes32[] memory keys = config.keys();
        bytes32 key = keys[bound(index, 0, keys.length - 1)];
        (uint256 min, uint256 max) = config.bounds(key);
        value = bound(value, min, max);
        try config.set(key, value) {
            assertEq(config.get(key), value);
        } catch (bytes memory reason) {
            assertEq(
                keccak256(reason),
                keccak256(abi.encodeWithSelector(IProtocolConfig.InconsistentParameters.selector, key, value))
            );
        }
    }
}
