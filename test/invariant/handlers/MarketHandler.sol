// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {console} from "forge-std/console.sol";

import {FlockToken} from "../../../contracts/FlockToken.sol";
import {ModelMarketplace} from "../../../contracts/ModelMarketplace.sol";

/// @notice Drives the ModelMarketplace with valid calls only (`fail_on_revert = true`): buyers buy 1–12 periods of
/// either listing, anyone claims for a shareholder that has something to claim, the treasury is swept, listers change
/// terms (decreases at once, increases scheduled), and time passes. Impossible actions are skipped and counted.
contract MarketHandler is CommonBase, StdCheats, StdUtils {
    FlockToken internal immutable _token;
    ModelMarketplace internal immutable _market;

    uint256[] internal _listings;
    address[] internal _listers;
    address[] internal _buyers;
    address[] internal _holders;

    // ─── ghosts ────────────────────────────────────────────────────────────────────────────────
    uint256 public ghostPaid;
    uint256 public ghostClaimed;
    uint256 public ghostSwept;
    /// @notice set if a purchase ever lowered a buyer's expiry
    bool public ghostExpiryShrank;
    mapping(uint256 listingId => mapping(address buyer => uint40)) public ghostExpiry;

    // ─── call counters ─────────────────────────────────────────────────────────────────────────
    string[] internal _names;
    mapping(string => uint256) internal _calls;
    mapping(string => uint256) internal _skips;

    constructor(
        FlockToken token_,
        ModelMarketplace market_,
        uint256[] memory listings_,
        address[] memory listers_,
        address[] memory buyers_,
        address[] memory holders_
    ) {
        _token = token_;
        _market = market_;
        _listings = listings_;
        _listers = listers_;
        _buyers = buyers_;
        _holders = holders_;
        _names = ["buy", "claim", "sweep", "setTerms", "warp"];
    }

    // ─── actions ───────────────────────────────────────────────────────────────────────────────

    function buy(uint256 buyerSeed, uint256 listingSeed, uint256 periods) external {
        address who = _buyers[buyerSeed % _buyers.length];
        uint256 id = _listings[listingSeed % _listings.length];
        periods = bound(periods, 1, 12);
        uint256 cost = _market.priceOf(id, periods);
        _token.mint(who, cost);
        vm.startPrank(who);
        _token.approve(address(_market), cost);
        uint40 before = _market.expiryOf(id, who);
        uint40 expiry = _market.buy(id, periods);
        vm.stopPrank();
        if (expiry < before || expiry < ghostExpiry[id][who]) ghostExpiryShrank = true;
        ghostExpiry[id][who] = expiry;
        ghostPaid += cost;
        ++_calls["buy"];
    }

    function claim(uint256 holderSeed, uint256 listingSeed) external {
        address who = _holders[holderSeed % _holders.length];
        uint256 id = _listings[listingSeed % _listings.length];
        if (_market.claimable(id, who) == 0) {
            ++_skips["claim"];
            return;
        }
        ghostClaimed += _market.claim(id, who);
        ++_calls["claim"];
    }

    function sweep() external {
        if (_market.treasuryAccrued() == 0) {
            ++_skips["sweep"];
            return;
        }
        ghostSwept += _market.sweep(_listings);
        ++_calls["sweep"];
    }

    function setTerms(uint256 listingSeed, uint256 price, uint256 period) external {
        uint256 i = listingSeed % _listings.length;
        // forge-lint: disable-next-line(unsafe-typecast) bounded below 2^96 and 2^32
        uint96 p = uint96(bound(price, 1e12, 1000e18));
        // forge-lint: disable-next-line(unsafe-typecast) bounded below 2^32
        uint32 d = uint32(bound(period, 60, 365 days));
        vm.prank(_listers[i]);
        _market.setTerms(_listings[i], p, d);
        ++_calls["setTerms"];
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 40 days));
        ++_calls["warp"];
    }

    // ─── views for the invariants ──────────────────────────────────────────────────────────────

    function listings() external view returns (uint256[] memory) {
        return _listings;
    }

    function buyers() external view returns (address[] memory) {
        return _buyers;
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function totalCalls() public view returns (uint256 total) {
        for (uint256 i; i < _names.length; ++i) {
            total += _calls[_names[i]];
        }
    }

    function logCounts() external view {
        for (uint256 i; i < _names.length; ++i) {
            console.log(_names[i], _calls[_names[i]], "skipped", _skips[_names[i]]);
        }
    }
}
