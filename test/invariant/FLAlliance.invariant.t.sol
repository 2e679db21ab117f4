// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {FLHandler} from "./handlers/FLHandler.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";

/// @notice The invariants of test/invariant/README.md, section "FLAlliance" (assertion messages = README strings).
contract FLAllianceInvariantTest is FLBaseTest {
    FLHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory m = new address[](7);
        for (uint256 i; i < 7; ++i) {
            m[i] = _member(i);
            _fund(m[i], 1_000_000e18);
            vm.prank(m[i]);
            vault.stake(1_000_000e18); // enough free stake for many alliances whose locks are not yet released
        }
        token.mint(creator, 100_000_000e18);
        handler = new FLHandler(alliance, token, vault, creator, m);
        targetContract(address(handler));
    }

    function _owed(uint256 id) internal view returns (uint256 owed) {
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        owed = a.remaining;
        address[] memory parts = alliance.participantsOf(id);
        for (uint256 j; j < parts.length; ++j) {
            owed += alliance.memberOf(id, parts[j]).pending;
        }
        bool over = a.status == IFLAlliance.AllianceStatus.Completed
            || a.status == IFLAlliance.AllianceStatus.Cancelled;
        if (over && !a.creatorClaimed) owed += a.creatorRefund;
    }

    /// All of them after every call (CI's 100,000-call campaign runs this one).
    function invariant_all() public view {
        invariant_tokensConserved();
        invariant_locksReleasedOnce();
        invariant_oneOutcomePerRound();
    }

    /// 1
    function invariant_tokensConserved() public view {
        uint256 owed;
        for (uint256 i; i < handler.idsLength(); ++i) {
            owed += _owed(handler.ids(i));
        }
        uint256 balance = token.balanceOf(address(alliance));
        assertEq(balance, owed, "FLOCK conserved: the alliance holds exactly what it owes");
        assertEq(
            handler.poolsIn() + handler.slashesIn(),
            balance + handler.rewardsOut() + handler.refundsOut() + token.balanceOf(treasury),
            "FLOCK conserved: pools + slashes = held + rewards + refunds + treasury"
        );
    }

    /// 2
    function invariant_locksReleasedOnce() public view {
        for (uint256 i; i < handler.idsLength(); ++i) {
            uint256 id = handler.ids(i);
            address[] memory parts = alliance.participantsOf(id);
            for (uint256 j; j < parts.length; ++j) {
                IFLAlliance.Member memory m = alliance.memberOf(id, parts[j]);
                uint256 lock = vault.lockOf(address(alliance), id, parts[j]);
                assertLe(handler.unlockCount(id, parts[j]), 1, "a lock is released exactly once");
                if (m.unlocked) assertEq(lock, 0, "a lock is released exactly once");
                else assertEq(lock, m.stake, "a member's vault lock equals its stake until released");
            }
        }
    }

    /// 3
    function invariant_oneOutcomePerRound() public view {
        for (uint256 i; i < handler.idsLength(); ++i) {
            uint256 id = handler.ids(i);
            IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
            for (uint16 r = 1; r <= a.round; ++r) {
                assertLe(handler.settleCount(id, r), 1, "one outcome per round");
                IFLAlliance.RoundView memory rv = alliance.getRound(id, r);
                bool settled = r < a.round || a.status == IFLAlliance.AllianceStatus.Completed;
                if (settled) {
                    assertEq(uint8(rv.phase), uint8(IFLAlliance.RoundPhase.Settled), "one outcome per round");
                    assertTrue(rv.outcome != IFLAlliance.RoundOutcome.None, "one outcome per round");
                } else {
                    assertEq(uint8(rv.outcome), uint8(IFLAlliance.RoundOutcome.None), "one outcome per round");
                }
            }
        }
    }

    function afterInvariant() public view {
        handler.logCalls();
    }
}
