// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBaseTest} from "./ArenaBaseTest.sol";
import {FLAlliance} from "../../contracts/FLAlliance.sol";
import {IFLAlliance} from "../../contracts/interfaces/IFLAlliance.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @notice ArenaBaseTest + a deployed FLAlliance (module of the vault), participants, and a round player that acts
/// out each participant's behaviour (`Kind`) in whatever role the seed gives it.
abstract contract FLBaseTest is ArenaBaseTest {
    uint32 internal constant FL_WINDOW = 1 hours;
    uint128 internal constant FL_POOL = 60_000e18;
    uint128 internal constant FL_STAKE = 10_000e18;
    uint16 internal constant GLOBAL_SCORE = 8000;
    uint16 internal constant HONEST_SCORE = 7800;

    /// @dev How a participant behaves. As a proposer: Honest/Colluder/Random/Late send a good update; Poisoner an
    /// update the honest voters score low; FreeRider a zero update (scored 0: the keeper's norm rule); Silent commits
    /// and never reveals; Copier tries to reveal an honest proposer's CID. As a voter: Colluder scores the attackers'
    /// updates 10000 and the honest ones 0 and accepts a poisoned candidate; Random scores and votes at random;
    /// Late tries to commit its vote after seeing the reveals; Silent commits scores and never reveals; every other
    /// kind votes honestly.
    enum Kind {
        Honest,
        Poisoner,
        FreeRider,
        Silent,
        Copier,
        Colluder,
        Random,
        Late
    }

    FLAlliance internal alliance;
    address[] internal people;
    mapping(address => Kind) internal kindOf;
    mapping(address => uint256) internal startStake;
    mapping(address => uint256) internal timesProposer;

    function setUp() public virtual override {
        super.setUp();
        alliance = new FLAlliance(address(token), address(config), address(vault), address(arena));
        vault.grantRole(vault.MODULE_ROLE(), address(alliance));
        vm.label(address(alliance), "FLAlliance");
        vm.prank(creator);
        token.approve(address(alliance), type(uint256).max);
        vm.prevrandao(bytes32(uint256(42)));
    }

    // ─── participants and alliances ────────────────────────────────────────────────────────────

    /// @dev Participant i: a registered operator (even i training node, odd i validator) with `FL_STAKE` self-stake.
    function _member(uint256 i) internal returns (address a) {
        a = makeAddr(string.concat("member", vm.toString(i)));
        if (vault.roleOf(a) == IStakingVault.Role.None) {
            _registerAndStake(
                a, i % 2 == 0 ? IStakingVault.Role.TrainingNode : IStakingVault.Role.Validator, FL_STAKE
            );
        }
    }

    function _windows() internal pure returns (IFLAlliance.Windows memory w) {
        w = IFLAlliance.Windows(FL_WINDOW, FL_WINDOW, FL_WINDOW, FL_WINDOW, FL_WINDOW, FL_WINDOW, FL_WINDOW);
    }

    function _params(uint16 rounds, uint16 n, uint16 proposers)
        internal
        pure
        returns (IFLAlliance.CreateParams memory p)
    {
        p.source = IFLAlliance.ModelSource.Cid;
        p.startCid = "bafystart";
        p.rewardPool = FL_POOL;
        p.minStake = 1000e18;
        p.rounds = rounds;
        p.minParticipants = proposers + 1;
        p.maxParticipants = n;
        p.proposersPerRound = proposers;
        p.rule = IFLAlliance.AggregationRule.FedAvg;
        p.ruleParam = 1000;
        p.windows = _windows();
    }

    function _create(IFLAlliance.CreateParams memory p) internal returns (uint256 id) {
        vm.prank(creator);
        id = alliance.createAlliance(p);
    }

    /// @dev Creates an alliance, lets `kinds.length` members join with `FL_STAKE` (the alliance fills up) and starts it.
    function _running(uint16 rounds, uint16 proposers, Kind[] memory kinds) internal returns (uint256 id) {
        // forge-lint: disable-next-line(unsafe-typecast)
        id = _create(_params(rounds, uint16(kinds.length), proposers));
        for (uint256 i; i < kinds.length; ++i) {
            address m = _member(i);
            people.push(m);
            kindOf[m] = kinds[i];
            startStake[m] = vault.selfStake(m);
            vm.prank(m);
            alliance.join(id, FL_STAKE);
        }
        alliance.advance(id);
    }

    function _kinds(uint256 n) internal pure returns (Kind[] memory k) {
        k = new Kind[](n);
    }

    // ─── phases ────────────────────────────────────────────────────────────────────────────────

    function _round(uint256 id) internal view returns (uint16) {
        return alliance.getAlliance(id).round;
    }

    function _phase(uint256 id) internal view returns (IFLAlliance.RoundPhase) {
        return alliance.getRound(id, _round(id)).phase;
    }

    /// @dev Warps window by window until the round is in `target` (or has ended).
    function _toPhase(uint256 id, IFLAlliance.RoundPhase target) internal {
        IFLAlliance.RoundView memory r = alliance.getRound(id, _round(id));
        while (r.phase != target && r.phase < IFLAlliance.RoundPhase.Ended) {
            vm.warp(r.phaseEnd);
            r = alliance.getRound(id, _round(id));
        }
    }

    // ─── what each behaviour sends ─────────────────────────────────────────────────────────────

    function _salt(uint256 id, uint16 round, address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("fl-salt", id, round, who));
    }

    function _updateCid(uint16 round, address who) internal pure returns (string memory) {
        return string.concat("bafyupdate-", vm.toString(uint256(round)), "-", vm.toString(who));
    }

    function _candidate(uint16 round) internal pure returns (string memory) {
        return string.concat("bafycandidate-", vm.toString(uint256(round)));
    }

    function _isAttacker(Kind k) internal pure returns (bool) {
        return k == Kind.Poisoner || k == Kind.FreeRider || k == Kind.Colluder;
    }

    /// @dev What an honest voter scores a proposer's update alone.
    function _honestScore(address proposer) internal view returns (uint16) {
        Kind k = kindOf[proposer];
        if (k == Kind.Poisoner) return 2000;
        if (k == Kind.FreeRider) return 0;
        return HONEST_SCORE;
    }

    function _scoresOf(uint256 id, uint16 round, address voter, address[] memory columns)
        internal
        view
        returns (uint16[] memory s)
    {
        s = new uint16[](1 + columns.length);
        Kind k = kindOf[voter];
        s[0] = GLOBAL_SCORE;
        for (uint256 j; j < columns.length; ++j) {
            if (columns[j] == voter && _isAttacker(k)) {
                s[1 + j] = 10_000; // an attacker praises its own update
            } else if (k == Kind.Colluder) {
                s[1 + j] = _isAttacker(kindOf[columns[j]]) ? 10_000 : 0;
            } else if (k == Kind.Random) {
                s[1 + j] = uint16(uint256(keccak256(abi.encode(id, round, voter, j))) % 10_001);
            } else {
                s[1 + j] = _honestScore(columns[j]);
            }
        }
        if (k == Kind.Random) s[0] = uint16(uint256(keccak256(abi.encode(id, round, voter))) % 10_001);
    }

    function _voteOf(uint16 round, address voter) internal view returns (bool accept, string memory cid) {
        Kind k = kindOf[voter];
        if (k == Kind.Colluder) return (true, "bafypoisoned");
        if (k == Kind.Random) {
            return (uint256(keccak256(abi.encode(round, voter))) % 2 == 0, _candidate(round));
        }
        return (true, _candidate(round));
    }

    // ─── one round ─────────────────────────────────────────────────────────────────────────────

    /// @dev Plays the current round with everyone's behaviour and settles it. Returns the round played.
    function _playRound(uint256 id) internal returns (uint16 round) {
        round = _round(id);
        IFLAlliance.RoundView memory r = alliance.getRound(id, round);
        _proposersAct(id, round, r.proposers);
        address[] memory columns = _columns(id, round);
        address[] memory voters = _voters(id, round);
        _votersScore(id, round, voters, columns);
        _votersVote(id, round, voters);
        _toPhase(id, IFLAlliance.RoundPhase.Ended);
        vm.prank(keeper);
        alliance.advance(id);
    }

    function _proposersAct(uint256 id, uint16 round, address[] memory proposers) internal {
        for (uint256 i; i < proposers.length; ++i) {
            address p = proposers[i];
            ++timesProposer[p];
            bytes32 c =
                alliance.updateCommitmentOf(id, round, p, _updateCid(round, p), 100, _salt(id, round, p));
            vm.prank(p);
            alliance.commitUpdate(id, c);
        }
        _toPhase(id, IFLAlliance.RoundPhase.UpdateReveal);
        for (uint256 i; i < proposers.length; ++i) {
            address p = proposers[i];
            Kind k = kindOf[p];
            if (k == Kind.Silent) continue;
            if (k == Kind.Copier) {
                _tryCopy(id, round, p, proposers);
                continue;
            }
            vm.prank(p);
            alliance.revealUpdate(id, _updateCid(round, p), 100, _salt(id, round, p));
        }
        _toPhase(id, IFLAlliance.RoundPhase.ScoreCommit);
    }

    /// @dev A copier reveals the CID of an honest proposer that revealed: its commitment does not match.
    function _tryCopy(uint256 id, uint16 round, address copier, address[] memory proposers) internal {
        for (uint256 j; j < proposers.length; ++j) {
            if (kindOf[proposers[j]] != Kind.Honest) continue;
            vm.prank(copier);
            vm.expectRevert(
                abi.encodeWithSelector(IFLAlliance.CommitmentMismatch.selector, id, round, copier)
            );
            alliance.revealUpdate(id, _updateCid(round, proposers[j]), 100, _salt(id, round, copier));
            return;
        }
    }

    function _votersScore(uint256 id, uint16 round, address[] memory voters, address[] memory columns)
        internal
    {
        if (_phase(id) != IFLAlliance.RoundPhase.ScoreCommit) return;
        for (uint256 i; i < voters.length; ++i) {
            uint16[] memory s = _scoresOf(id, round, voters[i], columns);
            bytes32 c = alliance.scoresCommitmentOf(id, round, voters[i], s, _salt(id, round, voters[i]));
            vm.prank(voters[i]);
            alliance.commitScores(id, c);
        }
        _toPhase(id, IFLAlliance.RoundPhase.ScoreReveal);
        for (uint256 i; i < voters.length; ++i) {
            if (kindOf[voters[i]] == Kind.Silent) continue;
            uint16[] memory s = _scoresOf(id, round, voters[i], columns);
            vm.prank(voters[i]);
            alliance.revealScores(id, s, _salt(id, round, voters[i]));
        }
    }

    function _votersVote(uint256 id, uint16 round, address[] memory voters) internal {
        _toPhase(id, IFLAlliance.RoundPhase.VoteCommit);
        if (_phase(id) != IFLAlliance.RoundPhase.VoteCommit) return;
        for (uint256 i; i < voters.length; ++i) {
            Kind k = kindOf[voters[i]];
            if (k == Kind.Silent || k == Kind.Late) continue;
            (bool accept, string memory cid) = _voteOf(round, voters[i]);
            bytes32 c =
                alliance.voteCommitmentOf(id, round, voters[i], accept, cid, _salt(id, round, voters[i]));
            vm.prank(voters[i]);
            alliance.commitVote(id, c);
        }
        _toPhase(id, IFLAlliance.RoundPhase.VoteReveal);
        for (uint256 i; i < voters.length; ++i) {
            Kind k = kindOf[voters[i]];
            if (k == Kind.Silent) continue;
            if (k == Kind.Late) {
                // it would follow the revealed majority, but the commit window is closed
                vm.prank(voters[i]);
                vm.expectRevert();
                alliance.commitVote(id, bytes32(uint256(1)));
                continue;
            }
            (bool accept, string memory cid) = _voteOf(round, voters[i]);
            if (_phase(id) != IFLAlliance.RoundPhase.VoteReveal) break;
            vm.prank(voters[i]);
            alliance.revealVote(id, accept, cid, _salt(id, round, voters[i]));
        }
    }

    /// @dev The round's columns: proposers that revealed, ascending.
    function _columns(uint256 id, uint16 round) internal view returns (address[] memory cols) {
        IFLAlliance.RoundView memory r = alliance.getRound(id, round);
        uint256 n;
        for (uint256 i; i < r.proposers.length; ++i) {
            if (r.revealedMask & (1 << i) != 0) ++n;
        }
        cols = new address[](n);
        uint256 k;
        for (uint256 i; i < r.proposers.length; ++i) {
            if (r.revealedMask & (1 << i) != 0) cols[k++] = r.proposers[i];
        }
    }

    /// @dev Everyone votes, proposers included.
    function _voters(uint256 id, uint16) internal view returns (address[] memory) {
        return alliance.participantsOf(id);
    }

    // ─── payoffs ───────────────────────────────────────────────────────────────────────────────

    /// @dev Plays every remaining round, then claims for everyone.
    function _playAll(uint256 id) internal {
        while (alliance.getAlliance(id).status == IFLAlliance.AllianceStatus.Running) {
            _playRound(id);
        }
        for (uint256 i; i < people.length; ++i) {
            alliance.claim(id, people[i]);
        }
    }

    /// @dev What `who`'s own position gained or lost over the alliance (rewards in, slashes out), FLOCK base units.
    function _payoff(address who) internal view returns (int256) {
        return int256(vault.selfStake(who)) - int256(startStake[who]);
    }

    /// @dev The mean payoff of the honest participants, and the lowest.
    function _honestPayoffs() internal view returns (int256 mean, int256 min) {
        int256 sum;
        uint256 n;
        min = type(int256).max;
        for (uint256 i; i < people.length; ++i) {
            if (kindOf[people[i]] != Kind.Honest) continue;
            int256 p = _payoff(people[i]);
            sum += p;
            ++n;
            if (p < min) min = p;
        }
        mean = sum / int256(n);
    }
}
