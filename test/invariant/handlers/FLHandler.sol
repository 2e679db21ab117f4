// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {console} from "forge-std/console.sol";

import {FLAlliance} from "../../../contracts/FLAlliance.sol";
import {FlockToken} from "../../../contracts/FlockToken.sol";
import {IFLAlliance} from "../../../contracts/interfaces/IFLAlliance.sol";
import {IStakingVault} from "../../../contracts/interfaces/IStakingVault.sol";

/// @notice Drives alliances through their lifecycle with only valid calls (fail_on_revert = true). One alliance runs
/// at a time (6 members, 2 proposers, 3 rounds); when it is over, `create` starts another. Each action acts only in the
/// phase it belongs to, for a member for which the call is valid (scores close to the others', or wild for a third of
/// the seeds; accept or reject as fuzzed; some members never act, so non-reveal slashes happen); `warp` moves to the
/// next window boundary; `advance` starts, settles and completes; `claim` claims for anyone.
contract FLHandler is Test {
    FLAlliance public alliance;
    FlockToken public token;
    IStakingVault public vault;
    address public creator;
    address[] public members;

    uint256[] public ids;
    /// ghosts
    mapping(uint256 => mapping(address => uint256)) public unlockCount;
    mapping(uint256 => mapping(uint16 => uint256)) public settleCount;
    uint256 public poolsIn;
    uint256 public refundsOut;
    uint256 public rewardsOut;
    uint256 public slashesIn;
    mapping(bytes32 => uint256) public calls;

    constructor(FLAlliance a, FlockToken t, IStakingVault v, address c, address[] memory m) {
        alliance = a;
        token = t;
        vault = v;
        creator = c;
        members = m;
    }

    function idsLength() external view returns (uint256) {
        return ids.length;
    }

    function membersOf() external view returns (address[] memory) {
        return members;
    }

    function _live() internal view returns (uint256 id, bool ok) {
        if (ids.length == 0) return (0, false);
        id = ids[ids.length - 1];
        IFLAlliance.AllianceStatus s = alliance.getAlliance(id).status;
        ok = s == IFLAlliance.AllianceStatus.Joining || s == IFLAlliance.AllianceStatus.Running;
    }

    function _salt(uint256 id, uint16 round, address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("inv", id, round, who));
    }

    // ─── actions ───────────────────────────────────────────────────────────────────────────────

    function create(uint256 seed) external {
        (, bool live) = _live();
        if (live) return;
        IFLAlliance.CreateParams memory p;
        p.source = IFLAlliance.ModelSource.Cid;
        p.startCid = "bafystart";
        p.rewardPool = uint128(bound(seed, 100e18, 50_000e18));
        p.minStake = 1000e18;
        p.rounds = 3;
        p.minParticipants = 3;
        p.maxParticipants = 6;
        p.proposersPerRound = 2;
        p.rule = IFLAlliance.AggregationRule.TrimmedMean;
        p.ruleParam = 2000;
        p.windows = IFLAlliance.Windows(60, 60, 60, 60, 60, 60, 60);
        vm.prank(creator);
        ids.push(alliance.createAlliance(p));
        poolsIn += p.rewardPool;
        ++calls["create"];
    }

    /// @dev Joins up to `count` members (from `who` on) with fuzzed stakes; the alliance starts early once full.
    function join(uint256 who, uint256 amount, uint8 count) external {
        (uint256 id, bool live) = _live();
        if (!live || alliance.getAlliance(id).status != IFLAlliance.AllianceStatus.Joining) return;
        if (block.timestamp >= alliance.getAlliance(id).joinEnd) return;
        for (uint256 k; k < bound(count, 1, 6); ++k) {
            address m = members[(who % 1024 + k) % members.length];
            if (alliance.memberOf(id, m).joined || alliance.getAlliance(id).participants == 6) continue;
            uint256 stake = bound(uint256(keccak256(abi.encode(amount, k))), 1000e18, 5000e18);
            if (vault.availableStake(m) < stake) continue;
            vm.prank(m);
            alliance.join(id, uint128(stake));
            ++calls["join"];
        }
    }

    /// @dev Acts for up to 3 members from `who` on.
    function commitUpdate(uint256 who, bool silent) external {
        for (uint256 k; k < 3; ++k) {
            _commitUpdate(who % 1024 + k, silent);
        }
    }

    function _commitUpdate(uint256 who, bool silent) internal {
        (uint256 id, uint16 round, bool ok) = _inPhase(IFLAlliance.RoundPhase.UpdateCommit);
        if (!ok || silent) return;
        address m = _pick(id, round, who, true);
        if (m == address(0) || alliance.entryOf(id, round, m).updateCommitment != 0) return;
        bytes32 c = alliance.updateCommitmentOf(id, round, m, _cid(id, round, m), 100, _salt(id, round, m));
        vm.prank(m);
        alliance.commitUpdate(id, c);
        ++calls["commitUpdate"];
    }

    /// @dev Acts for up to 3 members from `who` on.
    function revealUpdate(uint256 who) external {
        for (uint256 k; k < 3; ++k) {
            _revealUpdate(who % 1024 + k);
        }
    }

    function _revealUpdate(uint256 who) internal {
        (uint256 id, uint16 round, bool ok) = _inPhase(IFLAlliance.RoundPhase.UpdateReveal);
        if (!ok) return;
        address m = _pick(id, round, who, true);
        if (m == address(0)) return;
        IFLAlliance.Entry memory e = alliance.entryOf(id, round, m);
        if (e.updateCommitment == 0 || e.updateRevealed) return;
        vm.prank(m);
        alliance.revealUpdate(id, _cid(id, round, m), 100, _salt(id, round, m));
        ++calls["revealUpdate"];
    }

    /// @dev Acts for up to 3 members from `who` on.
    function commitScores(uint256 who, uint256 scoreSeed) external {
        for (uint256 k; k < 3; ++k) {
            _commitScores(who % 1024 + k, scoreSeed);
        }
    }

    function _commitScores(uint256 who, uint256 scoreSeed) internal {
        (uint256 id, uint16 round, bool ok) = _inPhase(IFLAlliance.RoundPhase.ScoreCommit);
        if (!ok) return;
        address m = _pick(id, round, who, false);
        if (alliance.entryOf(id, round, m).scoresCommitment != 0) return;
        bytes32 c =
            alliance.scoresCommitmentOf(id, round, m, _scores(id, round, m, scoreSeed), _salt(id, round, m));
        vm.prank(m);
        alliance.commitScores(id, c);
        ++calls["commitScores"];
    }

    mapping(uint256 => mapping(uint16 => mapping(address => uint256))) internal _scoreSeed;

    function _scores(uint256 id, uint16 round, address m, uint256 seed) internal returns (uint16[] memory s) {
        if (_scoreSeed[id][round][m] == 0) _scoreSeed[id][round][m] = seed | 1;
        return scoresFor(id, round, m);
    }

    function scoresFor(uint256 id, uint16 round, address m) public view returns (uint16[] memory s) {
        uint256 n = 1 + alliance.getRound(id, round).updateReveals;
        uint256 seed = _scoreSeed[id][round][m];
        s = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            // honest-ish voters agree within a few hundred; a third of the seeds give wild scores
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            s[i] = uint16(
                seed % 3 == 0
                    ? r % 10_001
                    : 7000 + (uint256(keccak256(abi.encode(id, round, i))) % 2000) + r % 300
            );
        }
    }

    /// @dev Acts for up to 3 members from `who` on.
    function revealScores(uint256 who) external {
        for (uint256 k; k < 3; ++k) {
            _revealScores(who % 1024 + k);
        }
    }

    function _revealScores(uint256 who) internal {
        (uint256 id, uint16 round, bool ok) = _inPhase(IFLAlliance.RoundPhase.ScoreReveal);
        if (!ok) return;
        address m = _pick(id, round, who, false);
        IFLAlliance.Entry memory e = alliance.entryOf(id, round, m);
        if (e.scoresCommitment == 0 || e.scoresRevealed) return;
        uint16[] memory scores = scoresFor(id, round, m);
        vm.prank(m);
        alliance.revealScores(id, scores, _salt(id, round, m));
        ++calls["revealScores"];
    }

    /// @dev Acts for up to 3 members from `who` on.
    function commitVote(uint256 who, bool accept) external {
        for (uint256 k; k < 3; ++k) {
            _commitVote(who % 1024 + k, accept);
        }
    }

    function _commitVote(uint256 who, bool accept) internal {
        (uint256 id, uint16 round, bool ok) = _inPhase(IFLAlliance.RoundPhase.VoteCommit);
        if (!ok) return;
        address m = _pick(id, round, who, false);
        IFLAlliance.Entry memory e = alliance.entryOf(id, round, m);
        if (!e.scoresRevealed || e.voteCommitment != 0) return;
        _accepts[id][round][m] = accept;
        bytes32 c = alliance.voteCommitmentOf(id, round, m, accept, "bafycandidate", _salt(id, round, m));
        vm.prank(m);
        alliance.commitVote(id, c);
        ++calls["commitVote"];
    }

    mapping(uint256 => mapping(uint16 => mapping(address => bool))) internal _accepts;

    /// @dev Acts for up to 3 members from `who` on.
    function revealVote(uint256 who) external {
        for (uint256 k; k < 3; ++k) {
            _revealVote(who % 1024 + k);
        }
    }

    function _revealVote(uint256 who) internal {
        (uint256 id, uint16 round, bool ok) = _inPhase(IFLAlliance.RoundPhase.VoteReveal);
        if (!ok) return;
        address m = _pick(id, round, who, false);
        IFLAlliance.Entry memory e = alliance.entryOf(id, round, m);
        if (e.voteCommitment == 0 || e.voteRevealed) return;
        vm.prank(m);
        alliance.revealVote(id, _accepts[id][round][m], "bafycandidate", _salt(id, round, m));
        ++calls["revealVote"];
    }

    /// @dev Moves time to the next window boundary (joining or the live round's phase).
    function warp(uint8 coin) external {
        (uint256 id, bool live) = _live();
        if (!live || coin % 4 != 0) return; // mostly let the members act first
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        uint256 to = a.status == IFLAlliance.AllianceStatus.Joining
            ? a.joinEnd
            : alliance.getRound(id, a.round).phaseEnd;
        if (to > block.timestamp) vm.warp(to);
        ++calls["warp"];
    }

    function advance() external {
        (uint256 id, bool live) = _live();
        if (!live) return;
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        if (a.status == IFLAlliance.AllianceStatus.Joining) {
            if (block.timestamp < a.joinEnd && a.participants < a.maxParticipants) return;
        } else if (alliance.getRound(id, a.round).phase != IFLAlliance.RoundPhase.Ended) {
            return;
        }
        alliance.advance(id);
        if (a.status == IFLAlliance.AllianceStatus.Running) {
            ++settleCount[id][a.round];
            slashesIn += alliance.getRound(id, a.round).slashed;
        }
        ++calls["advance"];
    }

    function claim(uint256 who) external {
        if (ids.length == 0) return;
        uint256 id = ids[who % ids.length];
        address[] memory all = alliance.participantsOf(id);
        address account = who % 7 == 0 ? creator : (all.length == 0 ? creator : all[(who / 7) % all.length]);
        if (account == creator && alliance.claimable(id, creator) == 0) return;
        IFLAlliance.Member memory m = alliance.memberOf(id, account);
        IFLAlliance.AllianceStatus s = alliance.getAlliance(id).status;
        bool over = s == IFLAlliance.AllianceStatus.Completed || s == IFLAlliance.AllianceStatus.Cancelled;
        bool release = over && m.joined && !m.unlocked;
        if (alliance.claimable(id, account) == 0 && !release) return;
        uint256 refund = account == creator && over ? alliance.claimable(id, account) - m.pending : 0;
        alliance.claim(id, account);
        rewardsOut += m.pending;
        refundsOut += refund;
        if (release) ++unlockCount[id][account];
        ++calls["claim"];
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────

    function _inPhase(IFLAlliance.RoundPhase p) internal view returns (uint256 id, uint16 round, bool ok) {
        bool live;
        (id, live) = _live();
        if (!live) return (id, 0, false);
        IFLAlliance.AllianceView memory a = alliance.getAlliance(id);
        if (a.status != IFLAlliance.AllianceStatus.Running) return (id, 0, false);
        round = a.round;
        ok = alliance.getRound(id, round).phase == p;
    }

    /// @dev A participant (a proposer of the round when `proposer`); zero when none fits.
    function _pick(uint256 id, uint16 round, uint256 who, bool proposer) internal view returns (address) {
        if (proposer) {
            address[] memory ps = alliance.getRound(id, round).proposers;
            return ps.length == 0 ? address(0) : ps[who % ps.length];
        }
        address[] memory all = alliance.participantsOf(id);
        return all[who % all.length];
    }

    function _cid(uint256 id, uint16 round, address m) internal pure returns (string memory) {
        return
            string.concat(
                "bafyupdate-", vm.toString(id), "-", vm.toString(uint256(round)), "-", vm.toString(m)
            );
    }

    function logCalls() external view {
        string[11] memory names = [
            "create",
            "join",
            "commitUpdate",
            "revealUpdate",
            "commitScores",
            "revealScores",
            "commitVote",
            "revealVote",
            "warp",
            "advance",
            "claim"
        ];
        for (uint256 i; i < names.length; ++i) {
            console.log(names[i], calls[bytes32(bytes(names[i]))]);
        }
    }
}
