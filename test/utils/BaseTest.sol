// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {FlockToken} from "../../contracts/FlockToken.sol";
import {ProtocolConfig} from "../../contracts/ProtocolConfig.sol";
import {StakingVault} from "../../contracts/StakingVault.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Deploys FlockToken, ProtocolConfig and StakingVault with this test contract as admin, minter and config
/// owner, and names the actors. Extend it (`ArenaBaseTest`) by overriding `setUp` and calling `super.setUp()`.
abstract contract BaseTest is Test {
    uint256 internal constant FLOCK = 1e18;
    uint256 internal constant BPS = 10_000;

    // ─── contracts ─────────────────────────────────────────────────────────────────────────────
    FlockToken internal token;
    ProtocolConfig internal config;
    StakingVault internal vault;

    // ─── actors ────────────────────────────────────────────────────────────────────────────────
    address internal treasury = makeAddr("treasury");
    address internal creator = makeAddr("creator");
    address internal trainer1 = makeAddr("trainer1");
    address internal trainer2 = makeAddr("trainer2");
    address internal trainer3 = makeAddr("trainer3");
    address internal trainer4 = makeAddr("trainer4");
    address internal trainer5 = makeAddr("trainer5");
    address internal validator1 = makeAddr("validator1");
    address internal validator2 = makeAddr("validator2");
    address internal validator3 = makeAddr("validator3");
    address internal validator4 = makeAddr("validator4");
    address internal validator5 = makeAddr("validator5");
    address internal validator6 = makeAddr("validator6");
    address internal delegator1 = makeAddr("delegator1");
    address internal delegator2 = makeAddr("delegator2");
    address internal keeper = makeAddr("keeper");
    address internal attacker = makeAddr("attacker");
    /// @dev A bare address holding MODULE_ROLE, to drive lock/unlock/slash/depositReward directly.
    address internal _module = makeAddr("module");

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        _deployToken();
        _deployConfig();
        _deployVault();
        _labelContracts();
    }

    // ─── deployments ───────────────────────────────────────────────────────────────────────────

    function _deployToken() internal virtual {
        token = new FlockToken(address(this));
        token.grantRole(token.MINTER_ROLE(), address(this));
    }

    function _deployConfig() internal virtual {
        config = new ProtocolConfig(address(this), treasury);
    }

    function _deployVault() internal virtual {
        vault = new StakingVault(address(token), address(config), address(this));
        vault.grantRole(vault.MODULE_ROLE(), _module);
        vm.prank(_module);
        token.approve(address(vault), type(uint256).max);
    }

    function _labelContracts() internal virtual {
        vm.label(address(token), "FlockToken");
        vm.label(address(config), "ProtocolConfig");
        vm.label(address(vault), "StakingVault");
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────

    /// @dev Mints `amount` to `who` and approves the vault for everything `who` holds.
    function _fund(address who, uint256 amount) internal virtual {
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(vault), type(uint256).max);
    }

    /// @dev Funds `who`, registers it with `role` (commission 0 unless registered before) and self-stakes `amount`.
    function _registerAndStake(address who, IStakingVault.Role role, uint256 amount)
        internal
        virtual
        returns (uint256 shares)
    {
        return _registerAndStake(who, role, 0, amount);
    }

    /// @dev As above with a commission.
    function _registerAndStake(address who, IStakingVault.Role role, uint16 commissionBps, uint256 amount)
        internal
        virtual
        returns (uint256 shares)
    {
        _fund(who, amount);
        vm.startPrank(who);
        if (vault.roleOf(who) == IStakingVault.Role.None) vault.register(role, commissionBps);
        shares = vault.stake(amount);
        vm.stopPrank();
    }

    /// @dev Funds `who` and delegates `amount` to `operator`.
    function _delegate(address who, address operator, uint256 amount)
        internal
        virtual
        returns (uint256 shares)
    {
        _fund(who, amount);
        vm.prank(who);
        shares = vault.delegate(operator, amount);
    }

    /// @dev Sets a config parameter as its owner (this test).
    function _setParam(bytes32 key, uint256 value) internal virtual {
        config.set(key, value);
    }

    /// @dev The current value of a config parameter.
    function _param(bytes32 key) internal view returns (uint256) {
        return config.get(key);
    }

    /// @dev Mints `amount` to the module actor (its vault approval is already set).
    function _fundModule(uint256 amount) internal virtual {
        token.mint(_module, amount);
    }

    /// @dev The current UNBONDING_PERIOD.
    function _unbondingPeriod() internal view returns (uint256) {
        return config.get(ConfigKeys.UNBONDING_PERIOD);
    }
}
