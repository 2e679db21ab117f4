// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";

import {ArenaTasks} from "../contracts/ArenaTasks.sol";
import {FLAlliance} from "../contracts/FLAlliance.sol";
import {FlockToken} from "../contracts/FlockToken.sol";
import {ProtocolConfig} from "../contracts/ProtocolConfig.sol";
import {StakingVault} from "../contracts/StakingVault.sol";

/// @title Deploys and wires the protocol, and writes the deployments JSON the TypeScript side reads
/// @notice Environment:
///   FLOCK_DEPLOYMENTS_OUT  where to write the JSON (default deployments/<chainId>.json; must be under deployments/ or
///                          a path allowed by foundry.toml's fs_permissions)
///   FLOCK_TREASURY         treasury address (default: the deployer)
///   FLOCK_ADMIN            who receives the admin roles and the config ownership (default: the deployer; the
///                          governance timelock in production)
///   FLOCK_DEVNET_MINTER    if set to 1, the deployer keeps MINTER_ROLE (devnet faucet); never in production
/// Run: forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key $KEY
contract Deploy is Script {
    struct Deployed {
        FlockToken token;
        ProtocolConfig config;
        StakingVault vault;
        ArenaTasks arena;
        FLAlliance alliance;
        uint256 startBlock;
    }

    function run() external returns (Deployed memory d) {
        address deployer = msg.sender;
        address treasury = vm.envOr("FLOCK_TREASURY", deployer);
        address admin = vm.envOr("FLOCK_ADMIN", deployer);
        bool devnetMinter = vm.envOr("FLOCK_DEVNET_MINTER", uint256(0)) == 1;

        d.startBlock = block.number;
        vm.startBroadcast();
        d = _deploy(deployer, treasury, d.startBlock);
        _wire(d, deployer, admin, devnetMinter);
        vm.stopBroadcast();

        _write(d, deployer, treasury);
    }

    function _deploy(address deployer, address treasury, uint256 startBlock)
        internal
        returns (Deployed memory d)
    {
        d.startBlock = startBlock;
        d.token = new FlockToken(deployer);
        d.config = new ProtocolConfig(deployer, treasury);
        d.vault = new StakingVault(address(d.token), address(d.config), deployer);
        d.arena = new ArenaTasks(address(d.token), address(d.config), address(d.vault));
        d.alliance = new FLAlliance(address(d.token), address(d.config), address(d.vault), address(d.arena));
    }

    function _wire(Deployed memory d, address deployer, address admin, bool devnetMinter) internal {
        d.vault.grantRole(d.vault.MODULE_ROLE(), address(d.arena));
        d.vault.grantRole(d.vault.MODULE_ROLE(), address(d.alliance));
        if (devnetMinter) d.token.grantRole(d.token.MINTER_ROLE(), deployer);
        if (admin != deployer) {
            d.token.grantRole(d.token.DEFAULT_ADMIN_ROLE(), admin);
            d.token.renounceRole(d.token.DEFAULT_ADMIN_ROLE(), deployer);
            d.vault.grantRole(d.vault.DEFAULT_ADMIN_ROLE(), admin);
            d.vault.renounceRole(d.vault.DEFAULT_ADMIN_ROLE(), deployer);
            d.config.transferOwnership(admin); // Ownable2Step: the admin accepts
        }
    }

    function _write(Deployed memory d, address deployer, address treasury) internal {
        string memory path = vm.envOr(
            "FLOCK_DEPLOYMENTS_OUT", string.concat("deployments/", vm.toString(block.chainid), ".json")
        );
        string memory c = "contracts";
        vm.serializeAddress(c, "FlockToken", address(d.token));
        vm.serializeAddress(c, "ProtocolConfig", address(d.config));
        vm.serializeAddress(c, "StakingVault", address(d.vault));
        vm.serializeAddress(c, "ArenaTasks", address(d.arena));
        string memory contractsJson = vm.serializeAddress(c, "FLAlliance", address(d.alliance));

        string memory j = "deployments";
        vm.serializeUint(j, "chainId", block.chainid);
        vm.serializeUint(j, "startBlock", d.startBlock);
        vm.serializeAddress(j, "deployer", deployer);
        vm.serializeAddress(j, "treasury", treasury);
        string memory json = vm.serializeString(j, "contracts", contractsJson);
        vm.writeJson(json, path);
        console2.log("deployments written to", path);
    }
}
