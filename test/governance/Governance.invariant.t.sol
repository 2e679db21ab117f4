// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {Deploy} from "../../script/Deploy.s.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {IProtocolConfig} from "../../contracts/interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "../../contracts/libraries/ConfigKeys.sol";

/// @notice Random holders stake, delegate, unbond, withdraw, move and delegate FLOCK, a module locks, slashes and pays
/// rewards, time passes — and random callers (every actor, the deployer script, the module) try every admin
/// power the protocol has. Counts each attempt that went through.
contract GovernanceHandler is Test {
    Deploy.Deployed internal d;
    address[4] internal holders;
    address[2] internal pools;
    address internal deployer;
    uint256 internal lockSeq;
    uint256[] internal entries;
    mapping(uint256 => address) internal entryOwner;

    uint256 public privilegedCallsThatWorked;
    uint256 public privilegedAttempts;
    uint256 public stakingCalls;
    uint256 public slashes;
    /// a past second and the sum of every holder's votes then (compared with getPastTotalSupply later)
    uint256 public lastTimepoint;

    constructor(
        Deploy.Deployed memory d_,
        address[4] memory holders_,
        address[2] memory pools_,
        address deployer_
    ) {
        d = d_;
        holders = holders_;
        pools = pools_;
        deployer = deployer_;
        d.token.approve(address(d.vault), type(uint256).max);
    }

    function accounts() public view returns (address[] memory a) {
        a = new address[](7);
        for (uint256 i; i < 4; ++i) {
            a[i] = holders[i];
        }
        a[4] = pools[0];
        a[5] = pools[1];
        a[6] = address(this);
    }

    // ── staking and tokens ──────────────────────────────────────────────────────────────────────────────────────

    function delegateStake(uint256 who, uint256 pool, uint256 amount) external {
        address a = holders[who % 4];
        amount = bound(amount, 1e18, 5000e18);
        if (d.token.balanceOf(a) < amount) return;
        vm.prank(a);
        try d.vault.delegate(pools[pool % 2], amount) {
            ++stakingCalls;
        } catch {}
    }

    function activate(uint256 who, uint256 pool) external {
        vm.prank(holders[who % 4]);
        try d.vault.activate(pools[pool % 2], holders[who % 4]) {
            ++stakingCalls;
        } catch {}
    }

    function requestUnbond(uint256 who, uint256 pool, uint256 fraction) external {
        address a = holders[who % 4];
        address p = pools[pool % 2];
        uint256 shares = d.vault.sharesOf(p, a) * bound(fraction, 1, 100) / 100;
        if (shares == 0) return;
        vm.prank(a);
        try d.vault.requestUnbond(p, shares) returns (uint256 id) {
            entries.push(id);
            entryOwner[id] = a;
            ++stakingCalls;
        } catch {}
    }

    function withdraw(uint256 which) external {
        if (entries.length == 0) return;
        uint256 id = entries[which % entries.length];
        vm.prank(entryOwner[id]);
        try d.vault.withdraw(id) {
            ++stakingCalls;
        } catch {}
    }

    function transfer(uint256 from, uint256 to, uint256 amount) external {
        address a = holders[from % 4];
        amount = bound(amount, 0, d.token.balanceOf(a));
        vm.prank(a);
        d.token.transfer(holders[to % 4], amount);
    }

    function tokenDelegate(uint256 who, uint256 to) external {
        vm.prank(holders[who % 4]);
        d.token.delegate(accounts()[to % 7]);
    }

    /// the module (this handler, given MODULE_ROLE by a governance decision in setUp) locks, slashes and unlocks
    function lockSlashUnlock(uint256 pool, uint256 lockFraction, uint256 slashFraction) external {
        address p = pools[pool % 2];
        uint256 avail = d.vault.availableStake(p);
        uint256 amount = avail * bound(lockFraction, 0, 100) / 100;
        if (amount == 0) return;
        uint256 id = ++lockSeq;
        // a lock the vault refuses (e.g. it would take the operator's minimum self-stake) is not an error here
        try d.vault.lock(id, p, amount) {}
        catch {
            return;
        }
        uint256 cut = amount * bound(slashFraction, 0, 100) / 100;
        if (cut > 0) {
            d.vault.slash(id, p, cut);
            ++slashes;
        }
        d.vault.unlock(id, p);
    }

    function reward(uint256 pool, uint256 amount) external {
        amount = bound(amount, 0, d.token.balanceOf(address(this)));
        if (amount == 0) return;
        try d.vault.depositReward(pools[pool % 2], amount) {} catch {}
    }

    function warp(uint256 seconds_) external {
        lastTimepoint = block.timestamp;
        vm.warp(block.timestamp + bound(seconds_, 1, 8 days));
    }

    // ── every admin power, tried by a caller that is not the timelock ──────────────────────────────────────────

    function tryPower(uint256 callerSeed, uint256 which, uint256 value) external {
        // (not the governor: a contract cannot be impersonated, and it is the timelock's proposer by design)
        address[8] memory callers =
            [holders[0], holders[1], holders[2], holders[3], pools[0], pools[1], deployer, address(this)];
        address caller = callers[callerSeed % 8];
        ++privilegedAttempts;
        vm.startPrank(caller);
        bool ok;
        uint256 w = which % 12;
        if (w == 0) {
            (ok,) = address(d.config)
                .call(abi.encodeCall(IProtocolConfig.set, (ConfigKeys.PROTOCOL_FEE_BPS, value % 2000)));
        } else if (w == 1) {
            (ok,) = address(d.config).call(abi.encodeCall(IProtocolConfig.setTreasury, (caller)));
        } else if (w == 2) {
            (ok,) = address(d.config).call(abi.encodeWithSignature("transferOwnership(address)", caller));
        } else if (w == 3) {
            (ok,) = address(d.vault)
                .call(abi.encodeCall(IAccessControl.grantRole, (d.vault.MODULE_ROLE(), caller)));
        } else if (w == 4) {
            (ok,) = address(d.vault)
                .call(abi.encodeCall(IAccessControl.revokeRole, (d.vault.MODULE_ROLE(), address(d.arena))));
        } else if (w == 5) {
            (ok,) = address(d.vault)
                .call(abi.encodeCall(IAccessControl.grantRole, (d.vault.DEFAULT_ADMIN_ROLE(), caller)));
        } else if (w == 6) {
            (ok,) = address(d.token)
                .call(abi.encodeCall(IAccessControl.grantRole, (d.token.MINTER_ROLE(), caller)));
        } else if (w == 7) {
            (ok,) =
                address(d.token).call(abi.encodeWithSignature("mint(address,uint256)", caller, value % 1e24));
        } else if (w == 8) {
            (ok,) = address(d.timelock)
                .call(abi.encodeCall(IAccessControl.grantRole, (d.timelock.PROPOSER_ROLE(), caller)));
        } else if (w == 9) {
            (ok,) = address(d.timelock)
                .call(
                    abi.encodeWithSignature(
                        "schedule(address,uint256,bytes,bytes32,bytes32,uint256)",
                        address(d.config),
                        0,
                        abi.encodeCall(IProtocolConfig.set, (ConfigKeys.PROTOCOL_FEE_BPS, 0)),
                        bytes32(0),
                        bytes32(value),
                        2 days
                    )
                );
        } else if (w == 10) {
            (ok,) = address(d.governor)
                .call(abi.encodeWithSignature("setVotingDelay(uint48)", uint48(value % 1e6)));
        } else {
            (ok,) = address(d.governor)
                .call(abi.encodeWithSignature("updateQuorumNumerator(uint256)", value % 100));
        }
        vm.stopPrank();
        if (ok) ++privilegedCallsThatWorked;
    }
}

/// @notice Governance invariants on the deployed wiring (script/Deploy.s.sol): staked FLOCK never counts twice
/// (Σ voting power ≤ supply, now and at past timepoints), and no address other than the timelock changes any
/// parameter, role, module or governance setting, whatever the sequence.
contract GovernanceInvariantTest is Test {
    Deploy internal script;
    Deploy.Deployed internal d;
    GovernanceHandler internal handler;
    bytes32[6] internal keys = [
        ConfigKeys.PROTOCOL_FEE_BPS,
        ConfigKeys.UNBONDING_PERIOD,
        ConfigKeys.MIN_VALIDATOR_STAKE,
        ConfigKeys.SLASH_TOLERANCE,
        ConfigKeys.MAX_VALIDATORS,
        ConfigKeys.CREATOR_BOND
    ];
    uint256[6] internal values;
    uint256 internal votingDelay;
    uint256 internal quorumNumerator;

    function setUp() public {
        vm.warp(1_700_000_000);
        script = new Deploy();
        d = script.deploy(
            address(script), true, Deploy.GovSettings(1 days, 5 days, 1000e18, 4, 2 days, 2 days)
        );
        address[4] memory holders = [makeAddr("h0"), makeAddr("h1"), makeAddr("h2"), makeAddr("h3")];
        address[2] memory pools = [makeAddr("pool0"), makeAddr("pool1")];
        handler = new GovernanceHandler(d, holders, pools, address(script));
        vm.startPrank(address(script));
        for (uint256 i; i < 4; ++i) {
            d.token.mint(holders[i], 50_000e18);
        }
        for (uint256 i; i < 2; ++i) {
            d.token.mint(pools[i], 50_000e18);
        }
        d.token.mint(address(handler), 20_000e18);
        // the devnet faucet role goes too: from here on the deployer is one more caller without power
        d.token.renounceRole(d.token.MINTER_ROLE(), address(script));
        vm.stopPrank();
        for (uint256 i; i < 2; ++i) {
            vm.startPrank(pools[i]);
            d.token.approve(address(d.vault), type(uint256).max);
            d.vault.register(IStakingVault.Role.Validator, 500);
            d.vault.stake(20_000e18);
            d.token.delegate(pools[i]);
            vm.stopPrank();
        }
        for (uint256 i; i < 4; ++i) {
            vm.startPrank(holders[i]);
            d.token.approve(address(d.vault), type(uint256).max);
            d.token.delegate(holders[i]);
            vm.stopPrank();
        }
        // governance admits the handler as a module (what an executed proposal does)
        vm.startPrank(address(d.timelock));
        d.vault.grantRole(d.vault.MODULE_ROLE(), address(handler));
        vm.stopPrank();
        for (uint256 i; i < keys.length; ++i) {
            values[i] = d.config.get(keys[i]);
        }
        votingDelay = d.governor.votingDelay();
        quorumNumerator = d.governor.quorumNumerator();
        vm.warp(block.timestamp + 1);
        targetContract(address(handler));
    }

    /// All of them after every call (CI's 100,000-call campaign runs this one).
    function invariant_all() public view {
        invariant_votesNeverExceedSupply();
        invariant_pastVotesNeverExceedPastSupply();
        invariant_onlyTheTimelockHoldsPower();
    }

    function invariant_votesNeverExceedSupply() public view {
        address[] memory a = handler.accounts();
        uint256 sum;
        for (uint256 i; i < a.length; ++i) {
            sum += d.votes.getVotes(a[i]);
        }
        assertLe(sum, d.token.totalSupply(), "sum of voting power <= supply");
    }

    function invariant_pastVotesNeverExceedPastSupply() public view {
        uint256 t = handler.lastTimepoint();
        if (t == 0 || t >= block.timestamp) return;
        address[] memory a = handler.accounts();
        uint256 sum;
        for (uint256 i; i < a.length; ++i) {
            sum += d.votes.getPastVotes(a[i], t);
        }
        assertLe(sum, d.votes.getPastTotalSupply(t), "sum of past voting power <= past supply");
    }

    function invariant_onlyTheTimelockHoldsPower() public view {
        assertEq(
            handler.privilegedCallsThatWorked(),
            0,
            "an admin power worked for a caller other than the timelock"
        );
        for (uint256 i; i < keys.length; ++i) {
            assertEq(d.config.get(keys[i]), values[i], "a parameter changed without governance");
        }
        assertEq(d.config.owner(), address(d.timelock));
        assertEq(d.config.treasury(), address(d.timelock));
        assertTrue(d.vault.hasRole(d.vault.MODULE_ROLE(), address(d.arena)), "the Arena lost its module role");
        assertEq(d.governor.votingDelay(), votingDelay);
        assertEq(d.governor.quorumNumerator(), quorumNumerator);
        address[] memory a = handler.accounts();
        for (uint256 i; i < a.length; ++i) {
            assertFalse(d.vault.hasRole(d.vault.DEFAULT_ADMIN_ROLE(), a[i]));
            assertFalse(d.token.hasRole(d.token.MINTER_ROLE(), a[i]));
            assertFalse(d.timelock.hasRole(d.timelock.PROPOSER_ROLE(), a[i]));
        }
    }

    /// every run exercised both sides: staking moved votes, and admin powers were tried
    function afterInvariant() public view {
        assertGt(handler.privilegedAttempts(), 0, "the run tried admin powers");
        assertGt(handler.stakingCalls(), 0, "the run moved staked votes");
    }
}
