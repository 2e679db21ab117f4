// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice The FL Alliance's keys: defaults, bounds and the rules between them.
contract ProtocolConfigAllianceTest is BaseTest {
    function test_alliance_defaults() public view {
        assertEq(config.get(ConfigKeys.FL_MIN_STAKE), 1000 * FLOCK);
        assertEq(config.get(ConfigKeys.FL_LOCK_CAP), 100_000 * FLOCK);
        assertEq(config.get(ConfigKeys.FL_MAX_PARTICIPANTS), 64);
        assertEq(config.get(ConfigKeys.FL_MAX_PROPOSERS), 16);
        assertEq(config.get(ConfigKeys.FL_MAX_ROUNDS), 100);
        assertEq(config.get(ConfigKeys.FL_PROPOSER_SHARE_BPS), 7000);
        assertEq(config.get(ConfigKeys.FL_EXCLUSION_RATIO_BPS), 6000);
        assertEq(config.get(ConfigKeys.FL_POISON_SLASH_BPS), 2000);
        assertEq(config.get(ConfigKeys.FL_NON_REVEAL_SLASH_BPS), 500);
        assertEq(config.get(ConfigKeys.FL_DEVIATION_SLASH_BPS), 1000);
        assertEq(config.get(ConfigKeys.FL_MINORITY_SLASH_BPS), 0);
        assertEq(config.get(ConfigKeys.FL_VOTER_TOLERANCE), 1000);
        assertEq(config.get(ConfigKeys.FL_SLASH_TOLERANCE), 2500);
    }

    function test_alliance_bounds() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ParameterOutOfBounds.selector, ConfigKeys.FL_MAX_PROPOSERS, 32, 1, 31
            )
        );
        config.set(ConfigKeys.FL_MAX_PROPOSERS, 32);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ParameterOutOfBounds.selector, ConfigKeys.FL_MAX_PARTICIPANTS, 65, 2, 64
            )
        );
        config.set(ConfigKeys.FL_MAX_PARTICIPANTS, 65);
    }

    function test_alliance_consistency() public {
        _inconsistent(ConfigKeys.FL_MIN_STAKE, 200_000 * FLOCK);
        _inconsistent(ConfigKeys.FL_LOCK_CAP, 10 * FLOCK);
        _inconsistent(ConfigKeys.FL_VOTER_TOLERANCE, 3000);
        _inconsistent(ConfigKeys.FL_SLASH_TOLERANCE, 500);
        _inconsistent(ConfigKeys.FL_MAX_PARTICIPANTS, 16);
        config.set(ConfigKeys.FL_MAX_PARTICIPANTS, 17);
        _inconsistent(ConfigKeys.FL_MAX_PROPOSERS, 17);
        config.set(ConfigKeys.FL_MAX_PROPOSERS, 16);
        config.set(ConfigKeys.FL_SLASH_TOLERANCE, 1000);
        config.set(ConfigKeys.FL_VOTER_TOLERANCE, 1000); // equal is fine
    }

    function _inconsistent(bytes32 key, uint256 value) internal {
        vm.expectRevert(abi.encodeWithSelector(IProtocolConfig.InconsistentParameters.selector, key, value));
        config.set(key, value);
    }
}
