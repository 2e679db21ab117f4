// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

import {ArenaTasks} from "../contracts/ArenaTasks.sol";
import {FLAlliance} from "../contracts/FLAlliance.sol";
import {FlockToken} from "../contracts/FlockToken.sol";
import {ModelMarketplace} from "../contracts/ModelMarketplace.sol";
import {ProtocolConfig} from "../contracts/ProtocolConfig.sol";
import {StakingVault} from "../contracts/StakingVault.sol";
import {FlockGovernor} from "../contracts/governance/FlockGovernor.sol";
import {FlockVotes} from "../contracts/governance/FlockVotes.sol";

/// @title Deploys and wires the protocol under governance, and writes the deployments JSON the TypeScript side reads
/// @notice After this script the `TimelockController` is the only admin of everything: owner of `ProtocolConfig`
/// and of the `ModelMarketplace`, admin of the `StakingVault` (module roles) and of `FlockToken` (minter role), the
/// treasury, and its own admin. The `FlockGovernor` is its sole proposer and canceller; anyone may execute a queued
/// operation after the delay. The deployer keeps **no** role — except, on a devnet only, `MINTER_ROLE` behind
/// `FLOCK_DEVNET_MINTER=1` (a faucet).
/// Environment:
///   FLOCK_DEPLOYMENTS_OUT      where to write the JSON (default deployments/<chainId>.json; must be under deployments/
///                              or a path allowed by foundry.toml's fs_permissions)
///   FLOCK_DEVNET_MINTER        1: the deployer keeps MINTER_ROLE (devnet faucet); never in production
///   FLOCK_GOV_VOTING_DELAY     seconds (default 1 day)
///   FLOCK_GOV_VOTING_PERIOD    seconds (default 5 days)
///   FLOCK_GOV_THRESHOLD        proposal threshold in FLOCK base units (default 1,000,000 FLOCK)
///   FLOCK_GOV_QUORUM_PERCENT   quorum, % of the supply at the snapshot (default 4)
///   FLOCK_GOV_LATE_QUORUM      late-quorum vote extension, seconds (default 2 days)
///   FLOCK_GOV_TIMELOCK_DELAY   seconds (default 2 days)
/// Run: forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key $KEY
contract Deploy is Script {
    struct Deployed {
        FlockToken token;
        ProtocolConfig config;
        StakingVault vault;
        ArenaTasks arena;
        FLAlliance alliance;
        FlockVotes votes;
        TimelockController timelock;
        FlockGovernor governor;
        uint256 startBlock;
        ModelMarketplace market;
    }

    struct GovSettings {
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 threshold;
        uint256 quorumPercent;
        uint48 lateQuorum;
        uint256 timelockDelay;
    }

    function run() external returns (Deployed memory d) {
        address deployer = msg.sender;
        bool devnetMinter = vm.envOr("FLOCK_DEVNET_MINTER", uint256(0)) == 1;
        GovSettings memory g = GovSettings({
            votingDelay: uint48(vm.envOr("FLOCK_GOV_VOTING_DELAY", uint256(1 days))),
            votingPeriod: uint32(vm.envOr("FLOCK_GOV_VOTING_PERIOD", uint256(5 days))),
            threshold: vm.envOr("FLOCK_GOV_THRESHOLD", uint256(1_000_000e18)),
            quorumPercent: vm.envOr("FLOCK_GOV_QUORUM_PERCENT", uint256(4)),
            lateQuorum: uint48(vm.envOr("FLOCK_GOV_LATE_QUORUM", uint256(2 days))),
            timelockDelay: vm.envOr("FLOCK_GOV_TIMELOCK_DELAY", uint256(2 days))
        });

        uint256 startBlock = block.number;
        vm.startBroadcast();
        d = deploy(deployer, devnetMinter, g);
        vm.stopBroadcast();
        d.startBlock = startBlock;
        _write(d, deployer);
    }

    /// @notice Deploys and wires everything; `deployer` is the broadcasting account (it holds temporary admin roles
    /// during this call and renounces every one of them before returning).
    function deploy(address deployer, bool devnetMinter, GovSettings memory g)
        public
        returns (Deployed memory d)
    {
        // the timelock administers itself once the deployer renounces its temporary admin role below
        d.timelock = new TimelockController(g.timelockDelay, new address[](0), new address[](0), deployer);
        address tl = address(d.timelock);
        d.token = new FlockToken(deployer);
        d.config = new ProtocolConfig(tl, tl);
        d.vault = new StakingVault(address(d.token), address(d.config), deployer);
        d.arena = new ArenaTasks(address(d.token), address(d.config), address(d.vault));
        d.alliance = new FLAlliance(address(d.token), address(d.config), address(d.vault), address(d.arena));
        d.votes = new FlockVotes(address(d.token), address(d.vault));
        d.governor = new FlockGovernor(
            IVotes(address(d.votes)),
            d.timelock,
            g.votingDelay,
            g.votingPeriod,
            g.threshold,
            g.quorumPercent,
            g.lateQuorum
        );
        // the marketplace lists Arena winners and completed FL Alliance models (governance may move it to another
        // alliance contract with `setAlliance`)
        d.market = new ModelMarketplace(
            address(d.token), address(d.config), address(d.arena), address(d.alliance), tl
        );

        // modules
        d.vault.grantRole(d.vault.MODULE_ROLE(), address(d.arena));
        d.vault.grantRole(d.vault.MODULE_ROLE(), address(d.alliance));
        // the governor proposes and cancels; anyone executes
        d.timelock.grantRole(d.timelock.PROPOSER_ROLE(), address(d.governor));
        d.timelock.grantRole(d.timelock.CANCELLER_ROLE(), address(d.governor));
        d.timelock.grantRole(d.timelock.EXECUTOR_ROLE(), address(0));
        // every admin power to the timelock, none left with the deployer
        if (devnetMinter) d.token.grantRole(d.token.MINTER_ROLE(), deployer);
        d.token.grantRole(d.token.DEFAULT_ADMIN_ROLE(), tl);
        d.token.renounceRole(d.token.DEFAULT_ADMIN_ROLE(), deployer);
        d.vault.grantRole(d.vault.DEFAULT_ADMIN_ROLE(), tl);
        d.vault.renounceRole(d.vault.DEFAULT_ADMIN_ROLE(), deployer);
        d.timelock.renounceRole(d.timelock.DEFAULT_ADMIN_ROLE(), deployer);
    }

    function _write(Deployed memory d, address deployer) internal {
        string memory path = vm.envOr(
            "FLOCK_DEPLOYMENTS_OUT", string.concat("deployments/", vm.toString(block.chainid), ".json")
        );
        string memory c = "contracts";
        vm.serializeAddress(c, "FlockToken", address(d.token));
        vm.serializeAddress(c, "ProtocolConfig", address(d.config));
        vm.serializeAddress(c, "StakingVault", address(d.vault));
        vm.serializeAddress(c, "FLAlliance", address(d.alliance));
        vm.serializeAddress(c, "FlockVotes", address(d.votes));
        vm.serializeAddress(c, "TimelockController", address(d.timelock));
        vm.serializeAddress(c, "FlockGovernor", address(d.governor));
        vm.serializeAddress(c, "ModelMarketplace", address(d.market));
        string memory contractsJson = vm.serializeAddress(c, "ArenaTasks", address(d.arena));

        string memory j = "deployments";
        vm.serializeUint(j, "chainId", block.chainid);
        vm.serializeUint(j, "startBlock", d.startBlock);
        vm.serializeAddress(j, "deployer", deployer);
        vm.serializeAddress(j, "treasury", address(d.timelock));
        string memory json = vm.serializeString(j, "contracts", contractsJson);
        vm.writeJson(json, path);
        console2.log("deployments written to", path);
    }
}
