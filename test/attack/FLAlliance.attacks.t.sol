// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {FLBaseTest} from "../utils/FLBaseTest.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";

/// @notice Each attack on the FL Alliance played over a whole alliance (6 rounds, 8 participants, 3 proposers per
/// round, roles drawn by the contract): the attacker's FLOCK payoff (rewards in, slashes out, in its own vault
/// position) ends below what the same accounts earn playing honestly from the same state.
contract FLAllianceAttacksTest is FLBaseTest {
    uint16 internal constant ROUNDS = 6;
    uint16 internal constant PROPOSERS = 3;
    uint256 internal constant N = 8;

    /// @dev Plays the alliance twice from the same state: once with everyone honest, once with `kinds`. The attacker
    /// (every non-honest index together: one entity) must end below what the same accounts earn by playing honestly
    /// (the honest participant in the same seat: roles are drawn, and a proposer's seat pays more than a voter's, so
    /// the mean of the others is printed but is not the yardstick).
    function _attack(string memory name, Kind[] memory kinds) internal returns (uint256 id) {
        uint256 snap = vm.snapshotState();
        _running(ROUNDS, PROPOSERS, _kinds(N));
        _playAll(1);
        int256 counterfactual = _sumOver(kinds);
        vm.revertToState(snap);

        id = _running(ROUNDS, PROPOSERS, kinds);
        _playAll(id);
        (int256 mean, int256 min) = _honestPayoffs();
        int256 attacker = _sumOver(kinds);
        console.log("attack:", name);
        console.log("  honest payoff, mean / lowest (FLOCK wei):", _str(mean), _str(min));
        console.log("  the same accounts played honestly (FLOCK wei):", _str(counterfactual));
        console.log("  attacker payoff (FLOCK wei):", _str(attacker));
        for (uint256 i; i < people.length; ++i) {
            if (kindOf[people[i]] == Kind.Honest) continue;
            console.log("    account", i, "rounds as proposer:", timesProposer[people[i]]);
            console.log("    account payoff:", _str(_payoff(people[i])));
        }
        assertLt(attacker, counterfactual, "the attacker earns less than by playing honestly");
        _assertConserved(id);
    }

    /// @dev The summed payoff of the accounts whose kind in `kinds` is not Honest.
    function _sumOver(Kind[] memory kinds) internal view returns (int256 sum) {
        for (uint256 i; i < kinds.length; ++i) {
            if (kinds[i] != Kind.Honest) sum += _payoff(people[i]);
        }
    }

    function _str(int256 v) internal pure returns (string memory) {
        return v < 0 ? string.concat("-", vm.toString(uint256(-v))) : vm.toString(uint256(v));
    }

    function _assertConserved(uint256 id) internal view {
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        assertEq(a.remaining, 0, "pool fully distributed or refunded");
        assertEq(
            token.balanceOf(address(alliance)),
            alliance.claimable(id, creator),
            "alliance holds only the refund"
        );
    }

    function _with(Kind attacker, uint256 count) internal pure returns (Kind[] memory k) {
        k = new Kind[](N);
        for (uint256 i; i < count; ++i) {
            k[N - 1 - i] = attacker;
        }
    }

    /// A proposer sending poisoned updates (label-flipped or scaled sign-flipped: the honest voters score them far
    /// below the global model) is excluded and slashed every time it proposes.
    function test_attack_poisoner() public {
        uint256 id = _attack("poisoner", _with(Kind.Poisoner, 1));
        address p = people[N - 1];
        assertGt(timesProposer[p], 0, "the poisoner proposed");
        assertGt(alliance.memberOf(id, p).slashed, 0, "the poisoner was slashed");
        assertEq(alliance.memberOf(id, p).proposerEarned, 0, "the poisoner earned nothing as a proposer");
        assertLt(_payoff(p), 0, "the poisoner lost more than it earned as a voter");
    }

    /// A free-rider sends a zero update (no training): the voters score it 0 (the keeper's norm rule), so it is
    /// excluded and slashed like a poisoner.
    function test_attack_freeRider() public {
        uint256 id = _attack("free-rider", _with(Kind.FreeRider, 1));
        assertEq(
            alliance.memberOf(id, people[N - 1]).proposerEarned,
            0,
            "the free-rider earned nothing as a proposer"
        );
        assertLt(_payoff(people[N - 1]), 0, "the free-rider lost more than it earned as a voter");
    }

    /// A proposer that wants to copy another's update can only reveal what it committed to before any reveal: the
    /// copied CID does not match, so it ends as a non-revealer and is slashed.
    function test_attack_copyUpdate() public {
        uint256 id = _attack("copier", _with(Kind.Copier, 1));
        assertGt(alliance.memberOf(id, people[N - 1]).slashed, 0, "the copier was slashed for not revealing");
    }

    /// A vote-follower waits for the revealed votes to follow the majority: the vote commit window is closed by then,
    /// so it never votes and is slashed as a non-revealer.
    function test_attack_voteFollowing() public {
        _attack("vote-follower", _with(Kind.Late, 1));
    }

    /// Committing and never revealing (to hide a bad update or to grind the next seed) is slashed.
    function test_attack_nonReveal() public {
        _attack("non-revealer", _with(Kind.Silent, 1));
        assertLt(_payoff(people[N - 1]), 0, "the non-revealer only loses");
    }

    /// A voter that scores and votes at random is far from the consensus: unpaid, and slashed above the tolerance.
    function test_attack_randomVoter() public {
        _attack("random voter", _with(Kind.Random, 1));
    }

    /// Sybil voters: one attacker splits its stake into 3 identities that collude (score the attackers' updates 10000,
    /// honest ones 0, accept a poisoned candidate) with a poisoner. Stake, not identities, decides: the poisoned
    /// candidate is never accepted and the colluders are deviation-slashed.
    function test_attack_sybilVotersWithPoisoner() public {
        Kind[] memory k = _with(Kind.Colluder, 3);
        k[0] = Kind.Poisoner;
        uint256 id = _attack("sybil voters (3 colluding identities + a poisoner)", k);
        for (uint16 r = 1; r <= ROUNDS; ++r) {
            IFLAlliance.RoundView memory rv = alliance.getRound(id, r);
            if (rv.outcome == IFLAlliance.RoundOutcome.Accepted) {
                assertEq(rv.candidateCid, _candidate(r), "only the honest candidate is ever accepted");
            }
        }
    }
}
