// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {console} from "forge-std/console.sol";

import {MarketBaseTest} from "../utils/MarketBaseTest.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";
import {IArenaTasks} from "../../contracts/interfaces/IArenaTasks.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @notice The marketplace's attacks (README.md beside this file, "ModelMarketplace"): each asserts the attack fails
/// and prints the attacker's FLOCK payoff next to an honest participant's. A payoff is the change of everything the
/// actor holds: wallet + its own position in its vault pool + marketplace revenue it can claim.
contract ModelMarketplaceAttacksTest is MarketBaseTest {
    using SafeCast for uint256;

    function _worth(address a, uint256 listingId) internal view returns (int256) {
        uint256 inVault = vault.roleOf(a) == IStakingVault.Role.None ? 0 : vault.assetsOf(a, a);
        uint256 revenue = listingId == 0 ? 0 : market.claimable(listingId, a);
        return (token.balanceOf(a) + inVault + revenue).toInt256();
    }

    function _report(string memory title, int256 attacker, int256 honest) internal pure {
        console.log(title);
        _printFlock("attacker", attacker);
        _printFlock("honest", honest);
    }

    /// M1: list a task someone else created (to become the lister), or list a losing model as the winner.
    function test_attackM1_listingSomeoneElsesModel() public {
        (uint256 taskId, address[] memory trainers,) = _settledTask(3, 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelMarketplace.NotLister.selector,
                IModelMarketplace.ListingSource.ArenaTask,
                taskId,
                attacker
            )
        );
        vm.prank(attacker);
        market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(0)));
        // the creator itself cannot pass off a losing model as the winner
        vm.expectRevert();
        vm.prank(creator);
        market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(2)));

        uint256 id = _listTask(taskId);
        _buy(buyer1, id, 5);
        int256 attackerPayoff = _worth(attacker, id);
        int256 honest = int256(market.claimable(id, trainers[0]));
        _report("M1 listing someone else's model", attackerPayoff, honest);
        assertEq(attackerPayoff, 0);
        assertLt(attackerPayoff, honest);
    }

    /// M2: an attacker runs 10 sybil training nodes with junk models in the winner's task, hoping to hold shares of
    /// the listing. Shares follow the task's rewards: unpaid models get none, and the junk is slashed as spam.
    function test_attackM2_sybilContributorsDiluting() public {
        uint256 taskId = _createTask();
        address honest = _trainerAt(0);
        address[] memory sybils = new address[](10);
        _commitSubmission(taskId, honest, _cid(0));
        for (uint256 i; i < 10; ++i) {
            sybils[i] = _trainerAt(100 + i);
            _commitSubmission(taskId, sybils[i], _cid(100 + i));
        }
        _toPublish(taskId);
        _revealEval(taskId);
        _revealSubmission(taskId, honest, _cid(0));
        for (uint256 i; i < 10; ++i) {
            _revealSubmission(taskId, sybils[i], _cid(100 + i));
        }
        _toCommit(taskId);
        uint16[] memory row = new uint16[](11);
        row[0] = 9000;
        for (uint256 i = 1; i < 11; ++i) {
            row[i] = 500; // junk: below the spam score
        }
        uint16[][] memory rows = new uint16[][](3);
        (rows[0], rows[1], rows[2]) = (row, row, row);
        int256 sybilsBefore;
        for (uint256 i; i < 10; ++i) {
            sybilsBefore += _worth(sybils[i], 0);
        }
        int256 honestBefore = _worth(honest, 0);
        _scoreAll(taskId, rows, _allTrue(3));
        _finalizeAll(taskId);
        for (uint256 i; i < 10; ++i) {
            arena.claim(taskId, sybils[i]);
        }
        arena.claim(taskId, honest);
        uint256 id = _listTask(taskId);
        _buy(buyer1, id, 10);

        int256 sybilsAfter;
        for (uint256 i; i < 10; ++i) {
            assertEq(market.sharesOf(id, sybils[i]), 0, "a sybil holds no share");
            sybilsAfter += _worth(sybils[i], id);
        }
        int256 attackerPayoff = sybilsAfter - sybilsBefore;
        int256 honestPayoff = _worth(honest, id) - honestBefore;
        _report("M2 sybil contributors diluting (10 junk models)", attackerPayoff, honestPayoff);
        assertLt(attackerPayoff, 0);
        assertLt(attackerPayoff, honestPayoff);
    }

    /// M3: a contributor claims twice (two calls, or the same listing twice in one claimMany).
    function test_attackM3_claimingTwice() public {
        (uint256 taskId, address[] memory trainers,) = _settledTask(3, 3);
        uint256 id = _listTask(taskId);
        _buy(buyer1, id, 4);
        address cheat = trainers[1];
        address honest = trainers[2];
        uint256 first = market.claim(id, cheat);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.NothingToClaim.selector, id, cheat));
        market.claim(id, cheat);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (id, id, id);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.NothingToClaim.selector, id, cheat));
        market.claimMany(ids, cheat);
        uint256 honestClaim = market.claimMany(ids, honest);
        // what its shares entitle it to, once
        uint256 distributed = market.getListing(id).distributed;
        int256 extra =
            first.toInt256() - (market.sharesOf(id, cheat) * distributed / market.SHARES()).toInt256();
        _report("M3 claiming twice (paid beyond its share)", extra, honestClaim.toInt256());
        assertEq(extra, 0);
        assertLt(extra, honestClaim.toInt256());
        assertEq(market.claimable(id, cheat), 0);
    }

    /// M4: the lister watches the mempool and raises the price 10x in front of a buyer's purchase.
    function test_attackM4_frontRunningAPriceChange() public {
        (uint256 taskId,,) = _settledTask(3, 3);
        uint256 id = _listTask(taskId);
        // the buyer approved generously (an infinite approval is common)
        token.mint(buyer1, 1000e18);
        vm.prank(buyer1);
        token.approve(address(market), type(uint256).max);
        int256 creatorBefore = _worth(creator, id);
        // front-run: the price rise is scheduled, not applied
        vm.prank(creator);
        market.setTerms(id, 10 * PRICE, PERIOD);
        vm.prank(buyer1);
        market.buy(id, 1);
        assertEq(token.balanceOf(buyer1), 1000e18 - PRICE, "the buyer paid the announced price");
        int256 gained = _worth(creator, id) - creatorBefore;
        int256 honestGain = int256(market.claimable(id, creator));
        int256 extra = gained - honestGain;
        _report("M4 front-running a price change (creator's extra revenue)", extra, honestGain);
        assertEq(extra, 0);
        assertLt(extra, honestGain);
    }

    /// M5: buy at "zero supply": before anyone holds shares, or when a part of the split has nobody (no validator
    /// rewarded). In reward-per-share designs that revenue is lost or captured by the first staker; here shares are
    /// fixed at listing, a part with nobody goes to the next part, and the attacker (a buyer) can never hold shares.
    function test_attackM5_buyingAtZeroSupply() public {
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(2, 3);
        uint256 id = _listTask(taskId);
        // the first purchase, the second the listing exists
        _buy(attacker, id, 1);
        int256 attackerPayoff = int256(market.claimable(id, attacker)) - int256(uint256(PRICE));
        assertEq(market.sharesOf(id, attacker), 0);
        address[] memory all = _everyone(trainers, validators);
        assertEq(_claimableSum(id, all) + market.treasuryAccrued(), PRICE, "nothing lost, nothing captured");
        int256 honest = int256(market.claimable(id, trainers[1]));
        _report("M5 buying at zero supply (attacker's revenue minus its price)", attackerPayoff, honest);
        assertEq(attackerPayoff, -int256(uint256(PRICE)));
        assertLt(attackerPayoff, honest);
        assertEq(uint8(arena.phaseOf(taskId)), uint8(IArenaTasks.Phase.Settled));
    }

    /// M6: buy with a tiny price so the split rounds everyone to 0 and the buyer's payment leaks, or renew to shrink
    /// another buyer's expiry. A price is at least MIN_PRICE (1e12): the rounding dust (< 1e9) goes to the treasury;
    /// an account's expiry can only be extended, and only by its own purchase.
    function test_attackM6_dustAndExpiryGriefing() public {
        (uint256 taskId, address[] memory trainers, address[] memory validators) = _settledTask(2, 3);
        uint256 id = _listTask(taskId);
        vm.expectRevert(abi.encodeWithSelector(IModelMarketplace.InvalidTerms.selector, 1e9, PERIOD));
        vm.prank(creator);
        market.setTerms(id, 1e9, PERIOD);
        vm.prank(creator);
        market.setTerms(id, 1e12, 60);
        vm.warp(block.timestamp + 1 days);
        uint40 victim = _buy(buyer1, id, 1000);
        _buy(attacker, id, 1);
        assertEq(market.expiryOf(id, buyer1), victim, "another buyer's purchase never touches an expiry");
        uint256 paid = 1000 * 1e12 + 1e12;
        address[] memory all = _everyone(trainers, validators);
        assertEq(_claimableSum(id, all) + market.treasuryAccrued(), paid);
        assertLt(market.treasuryAccrued() - paid * 500 / 10_000, 2e9, "dust below 1e9 per purchase");
        _report("M6 dust and expiry griefing (attacker's revenue minus its price)", -int256(1e12), 0);
    }
}
