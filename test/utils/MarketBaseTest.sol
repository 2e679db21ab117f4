// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {ArenaBaseTest} from "./ArenaBaseTest.sol";
import {LineageAlliance} from "./LineageAlliance.sol";
import {ModelMarketplace} from "../../contracts/ModelMarketplace.sol";
import {IModelLineage} from "../../contracts/interfaces/IModelLineage.sol";
import {IModelMarketplace} from "../../contracts/interfaces/IModelMarketplace.sol";

/// @notice ArenaBaseTest + a ModelMarketplace (this test is its owner, i.e. governance), an alliance lineage stand-in,
/// buyers, and helpers that settle a task, list its winner and buy access.
abstract contract MarketBaseTest is ArenaBaseTest {
    uint96 internal constant PRICE = 10e18;
    uint32 internal constant PERIOD = 30 days;
    string internal constant LICENSE = "bafylicense";
    string internal constant FL_CID = "bafyflfinalmodel";

    ModelMarketplace internal market;
    LineageAlliance internal alliance;

    address internal buyer1 = makeAddr("buyer1");
    address internal buyer2 = makeAddr("buyer2");
    address internal flCreator = makeAddr("flCreator");

    function setUp() public virtual override {
        super.setUp();
        alliance = new LineageAlliance();
        market = new ModelMarketplace(
            address(token), address(config), address(arena), address(alliance), address(this)
        );
        vm.label(address(market), "ModelMarketplace");
        vm.label(address(alliance), "LineageAlliance");
    }

    // ─── sources ───────────────────────────────────────────────────────────────────────────────

    /// @dev A settled task: `nTrainers` models (trainer i scored 9000 − 10·i by every validator, so trainer 0 wins and
    /// all are paid) and `nValidators` agreeing validators (all rewarded).
    function _settledTask(uint256 nTrainers, uint256 nValidators)
        internal
        returns (uint256 taskId, address[] memory trainers, address[] memory validators)
    {
        (taskId, trainers) = _taskInCommit(nTrainers);
        uint16[] memory row = new uint16[](nTrainers);
        for (uint256 i; i < nTrainers; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) i < 256: 9000 − 10·i > 0
            row[i] = uint16(9000 - 10 * i);
        }
        uint16[][] memory rows = new uint16[][](nValidators);
        for (uint256 v; v < nValidators; ++v) {
            rows[v] = row;
        }
        validators = _scoreAll(taskId, rows, _allTrue(nValidators));
        _finalizeAll(taskId);
    }

    /// @dev Records alliance `id` (completed, final model FL_CID + id) refining `parentSource`/`parentId`.
    function _completedAlliance(
        uint256 id,
        IModelLineage.LineageSource parentSource,
        uint256 parentId,
        address[] memory contributors,
        uint16[] memory sharesBps
    ) internal returns (string memory finalCid) {
        finalCid = string.concat(FL_CID, vm.toString(id));
        alliance.record(id, flCreator, parentSource, parentId, finalCid, contributors, sharesBps);
    }

    // ─── marketplace ───────────────────────────────────────────────────────────────────────────

    function _params(IModelMarketplace.ListingSource source, uint256 id, string memory cid)
        internal
        pure
        returns (IModelMarketplace.ListParams memory p)
    {
        p = IModelMarketplace.ListParams({
            source: source, sourceId: id, modelCid: cid, licenseCid: LICENSE, price: PRICE, period: PERIOD
        });
    }

    /// @dev The task creator lists the task's winner (trainer 0's model) at PRICE per PERIOD.
    function _listTask(uint256 taskId) internal returns (uint256 listingId) {
        vm.prank(creator);
        listingId = market.list(_params(IModelMarketplace.ListingSource.ArenaTask, taskId, _cid(0)));
    }

    /// @dev Mints what `periods` cost to `who`, approves and buys.
    function _buy(address who, uint256 listingId, uint256 periods) internal returns (uint40 expiry) {
        uint256 cost = market.priceOf(listingId, periods);
        token.mint(who, cost);
        vm.startPrank(who);
        token.approve(address(market), cost);
        expiry = market.buy(listingId, periods);
        vm.stopPrank();
    }

    function _one(uint256 listingId) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = listingId;
    }

    /// @dev Σ shares over `accounts` (each counted once: callers pass distinct accounts).
    function _sharesSum(uint256 listingId, address[] memory accounts) internal view returns (uint256 sum) {
        for (uint256 i; i < accounts.length; ++i) {
            sum += market.sharesOf(listingId, accounts[i]);
        }
    }

    function _claimableSum(uint256 listingId, address[] memory accounts) internal view returns (uint256 sum) {
        for (uint256 i; i < accounts.length; ++i) {
            sum += market.claimable(listingId, accounts[i]);
        }
    }

    /// @dev `trainers ++ validators ++ [creator]`.
    function _everyone(address[] memory trainers, address[] memory validators)
        internal
        view
        returns (address[] memory all)
    {
        all = new address[](trainers.length + validators.length + 1);
        for (uint256 i; i < trainers.length; ++i) {
            all[i] = trainers[i];
        }
        for (uint256 i; i < validators.length; ++i) {
            all[trainers.length + i] = validators[i];
        }
        all[all.length - 1] = creator;
    }

    function _printFlock(string memory label, int256 amount) internal pure {
        int256 abs = amount < 0 ? -amount : amount;
        int256 frac = abs % 1e18 / 1e14;
        string memory pad = frac < 10 ? "000" : frac < 100 ? "00" : frac < 1000 ? "0" : "";
        console.log(
            string.concat(
                "  ",
                label,
                ": ",
                amount < 0 ? "-" : "",
                vm.toString(abs / 1e18),
                ".",
                pad,
                vm.toString(frac),
                " FLOCK"
            )
        );
    }
}
