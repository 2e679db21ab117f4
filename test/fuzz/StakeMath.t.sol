// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {StakeMath} from "../../contracts/libraries/StakeMath.sol";

/// @notice Properties of the pure share, slash and reward math. Amounts are bounded by FLOCK's cap (1e27).
contract StakeMathFuzzTest is Test {
    uint256 internal constant CAP = 1e27;

    /// @dev A reachable pool: assets ≤ cap; shares at most 1e3 per unit of what was ever deposited (slashes can lower
    /// assets below that, which only makes shares cheaper).
    function _pool(uint256 assets, uint256 shares) internal pure returns (uint256, uint256) {
        assets = bound(assets, 0, CAP);
        shares = bound(shares, 0, CAP * 1e3);
        return (assets, shares);
    }

    function testFuzz_toShares_depositThenRedeemNeverReturnsMore(
        uint256 assets,
        uint256 deposit,
        uint256 shares
    ) public pure {
        (assets, shares) = _pool(assets, shares);
        deposit = bound(deposit, 0, CAP);
        uint256 minted = StakeMath.toShares(deposit, assets, shares);
        uint256 back = StakeMath.toAssets(minted, assets + deposit, shares + minted);
        assertLe(back, deposit, "deposit then redeem never returns more than deposited");
    }

    function testFuzz_toShares_roundsInFavourOfPool(uint256 assets, uint256 deposit, uint256 shares)
        public
        pure
    {
        (assets, shares) = _pool(assets, shares);
        deposit = bound(deposit, 1, CAP);
        uint256 minted = StakeMath.toShares(deposit, assets, shares);
        // minted / (shares + V) ≤ deposit / (assets + 1): the new shares are never worth more than paid
        assertLe(minted * (assets + 1), deposit * (shares + StakeMath.VIRTUAL_SHARES));
        // and one more share would be too many
        assertGt((minted + 1) * (assets + 1), deposit * (shares + StakeMath.VIRTUAL_SHARES));
    }

    function testFuzz_toAssets_redeemAllNeverExceedsPool(uint256 assets, uint256 shares) public pure {
        (assets, shares) = _pool(assets, shares);
        assertLe(StakeMath.toAssets(shares, assets, shares), assets);
    }

    function testFuzz_toAssets_partsNeverExceedWhole(uint256 assets, uint256 shares, uint256 part)
        public
        pure
    {
        (assets, shares) = _pool(assets, shares);
        part = bound(part, 0, shares);
        uint256 a = StakeMath.toAssets(part, assets, shares);
        uint256 b = StakeMath.toAssets(shares - part, assets, shares);
        assertLe(a + b, StakeMath.toAssets(shares, assets, shares) + 1);
        assertLe(a + b, assets);
    }

    function testFuzz_splitSlash_sumsExactly(uint256 amount, uint256 bonded, uint256 unbonding) public pure {
        bonded = bound(bonded, 0, CAP);
        unbonding = bound(unbonding, 0, CAP - bonded);
        amount = bound(amount, 0, CAP);
        (uint256 slashed, uint256 fromBonded, uint256 fromUnbonding) =
            StakeMath.splitSlash(amount, bonded, unbonding);
        assertEq(fromBonded + fromUnbonding, slashed, "slash pro-rata split sums exactly to the amount");
        assertEq(slashed, amount < bonded + unbonding ? amount : bonded + unbonding);
        assertLe(fromBonded, bonded);
        assertLe(fromUnbonding, unbonding);
    }

    function testFuzz_splitSlash_isProRata(uint256 amount, uint256 bonded, uint256 unbonding) public pure {
        bonded = bound(bonded, 1, CAP - 1);
        unbonding = bound(unbonding, 1, CAP - bonded);
        amount = bound(amount, 0, bonded + unbonding);
        (, uint256 fromBonded, uint256 fromUnbonding) = StakeMath.splitSlash(amount, bonded, unbonding);
        // fromBonded is the floor of amount·bonded/total, fromUnbonding its complement (≤ 1 unit of rounding)
        uint256 total = bonded + unbonding;
        assertLe(fromBonded * total, amount * bonded);
        assertLe(fromUnbonding * total, amount * unbonding + total);
    }

    function testFuzz_splitReward_sumsExactly(uint256 amount, uint256 bps, uint256 shares) public pure {
        amount = bound(amount, 0, CAP);
        bps = bound(bps, 0, StakeMath.BPS);
        shares = bound(shares, 0, CAP * 1e3);
        (uint256 commission, uint256 toPool) = StakeMath.splitReward(amount, bps, shares);
        assertEq(commission + toPool, amount, "reward commission split sums exactly");
        if (shares == 0) assertEq(commission, amount);
        else assertEq(commission, amount * bps / StakeMath.BPS);
    }

    function test_splitSlash_emptyPool() public pure {
        (uint256 slashed, uint256 b, uint256 u) = StakeMath.splitSlash(5, 0, 0);
        assertEq(slashed + b + u, 0);
    }
}
