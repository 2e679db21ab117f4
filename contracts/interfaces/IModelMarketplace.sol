// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AI Marketplace: FLOCK buys access to finished models; revenue flows down each model's lineage
/// @notice
/// 1. `list`: the creator of a settled Arena task lists its winning model (rank 0, paid), or the creator of a
///    completed FL Alliance lists its final model — or governance (the owner) lists either. One listing per source.
///    The listing carries a price in FLOCK per access period, the period (seconds) and a license CID.
/// 2. The **revenue split is fixed at listing** from the lineage the chain recorded, as `SHARES` (1e9) share units
///    over accounts (`sharesOf`), summing to exactly `SHARES`:
///    - an Arena task: `MARKET_CREATOR_BPS` to the task creator; of the rest, `MARKET_VALIDATOR_BPS` to the rewarded
///      validators by their reward weight (lock × (tolerance − distance + 1)) and the remainder to the paid training
///      nodes by their reward weight (rank r ∝ decay^r) — the same weights the task's rewards used;
///    - an alliance: `MARKET_ROYALTY_BPS` to its parent's lineage (an Arena task's split, or the parent alliance's,
///      recursively, at most `MARKET_MAX_LINEAGE_DEPTH` levels up; the last level keeps the royalty of its own
///      parent), then `MARKET_CREATOR_BPS` of its own part to the alliance's creator and the rest to its contributors
///      by their recorded shares. The ancestors together receive exactly `MARKET_ROYALTY_BPS` of the revenue.
///    A part with nobody to receive it goes to the next one (validators → trainers, contributors → creator), so no
///    revenue is ever unassigned; each part's rounding remainder goes to its member with the largest weight.
/// 3. `buy(listingId, periods)` (or `buyWithPermit`) pulls `price × periods` FLOCK and extends the buyer's access
///    expiry: from max(expiry, now) by `periods × period`. Of the payment, `feeBps` (`MARKET_FEE_BPS` fixed at
///    listing) is the protocol fee; the rest is distributed through the listing's per-share accumulator
///    `accPerShare` (FLOCK base units per share unit, scaled by `ACC_SCALE` = 1e18) in whole base units per share
///    unit: the largest multiple of `SHARES` not above it; the remainder (< 1e9 base units, "dust") goes to the
///    treasury with the fee. `buy` costs O(1) whatever the number of contributors.
/// 4. `claim(listingId, account)` (anyone, for anyone) pays `sharesOf × accPerShare / ACC_SCALE − claimedOf` to the
///    account's wallet. `sweep(listingIds)` (anyone) sends the listings' accrued fees and dust to
///    `ProtocolConfig.treasury()`. Fees accrue per listing, in the slot `buy` writes anyway, so a purchase writes
///    three slots: the accumulator with the fees, the buyer's expiry, and the token balances.
///
/// Conservation, to the wei: Σ paid = Σ claimable + Σ claimed + fees + dust, and the contract's FLOCK balance is
/// Σ claimable + `treasuryAccrued` (tests: `test/invariant/ModelMarketplace.invariant.t.sol`).
///
/// Terms (`setTerms`): a price decrease with a period no shorter applies at once; any other change (a price increase, a
/// shorter period) is scheduled and applies `MARKET_TERMS_DELAY` later, so a buyer's transaction cannot be
/// front-run by a price rise. Changes never touch access already bought. `setActive(false)` stops new purchases;
/// access already bought runs to its expiry.
/// @dev Warning: access is `block.timestamp < expiryOf`: at the expiry second it has ended. Off-chain gateways
/// compare with their own clock, which may differ from the next block's timestamp by a few seconds.
/// @dev Warning: the lineage is read from `ArenaTasks` and from the alliance contract governance set
/// (`setAlliance`); both are trusted for ranks, judgements, contributors and shares. A later governance change of
/// the split parameters applies only to later listings.
/// @dev Warning: a listing's accumulator is a uint128 (it overflows after ~3.4e29 base units of revenue, 340 times
/// the FLOCK cap) and its unswept fees a uint88 (~3.1e26): a purchase that would overflow either reverts; anyone can
/// `sweep` the fees to unblock it.
/// @dev Warning: an account whose share rounds below one unit (weight below 1e-9 of its part) gets nothing; its part
/// goes to the part's member with the largest weight. Share units are fixed forever: a contributor later slashed elsewhere keeps them.
interface IModelMarketplace {
    /// @notice What a listing sells.
    enum ListingSource {
        None,
        ArenaTask,
        Alliance
    }

    /// @notice Why an account holds revenue shares (one `RevenueShareAssigned` per account, role and lineage level).
    enum ShareRole {
        None,
        Trainer,
        Validator,
        Creator,
        Contributor
    }

    /// @notice Arguments of `list`.
    /// @param source an Arena task or an alliance
    /// @param sourceId the task or alliance id
    /// @param modelCid the model's CID: the Arena winner's canonical CID (its digest must equal the submission's
    /// `cidHash`), or the alliance's `finalModelCid` (byte-equal)
    /// @param licenseCid the license text on IPFS (non-empty)
    /// @param price FLOCK base units per period (≥ `MIN_PRICE`)
    /// @param period seconds of access per period (in [`MIN_PERIOD`, `MAX_PERIOD`])
    struct ListParams {
        ListingSource source;
        uint256 sourceId;
        string modelCid;
        string licenseCid;
        uint96 price;
        uint32 period;
    }

    /// @notice A listing as the views return it.
    /// @param lister who listed it (and may change its terms and status, as may the owner)
    /// @param price the price in force now, per period
    /// @param period the period in force now, seconds
    /// @param pendingPrice a scheduled price (0 when none or already in force)
    /// @param pendingPeriod the scheduled period
    /// @param pendingAt when the scheduled terms apply (0 when none or already in force)
    /// @param feeBps the protocol fee of every purchase (fixed at listing)
    /// @param contributors the number of accounts holding shares
    /// @param depth the number of ancestor levels paid royalties
    /// @param accPerShare FLOCK base units distributed per share unit × `ACC_SCALE`
    /// @param distributed FLOCK distributed to shareholders in total (`accPerShare × SHARES / ACC_SCALE`)
    /// @param fees fees and dust accrued to the treasury and not yet swept
    /// @param modelDigest the sha2-256 digest of an Arena model's CID; keccak256 of an alliance model's CID string
    struct ListingView {
        address lister;
        ListingSource source;
        bool active;
        uint96 price;
        uint32 period;
        uint96 pendingPrice;
        uint32 pendingPeriod;
        uint40 pendingAt;
        uint16 feeBps;
        uint32 contributors;
        uint8 depth;
        uint40 listedAt;
        uint256 sourceId;
        uint256 accPerShare;
        uint256 distributed;
        uint256 fees;
        bytes32 modelDigest;
        string modelCid;
        string licenseCid;
    }

    // ─── errors ────────────────────────────────────────────────────────────────────────────────
    /// @notice Thrown when `listingId` does not exist.
    error UnknownListing(uint256 listingId);
    /// @notice Thrown when a zero address is given where an address is needed.
    error ZeroAddress();
    /// @notice Thrown when listing with `ListingSource.None`.
    error InvalidSource();
    /// @notice Thrown when the source already has a listing.
    error AlreadyListed(ListingSource source, uint256 sourceId, uint256 listingId);
    /// @notice Thrown when the caller is neither the source's creator nor the owner.
    error NotLister(ListingSource source, uint256 sourceId, address caller);
    /// @notice Thrown when the caller is neither the listing's lister nor the owner.
    error NotListingAdmin(uint256 listingId, address caller);
    /// @notice Thrown when the Arena task is not settled.
    error TaskNotSettled(uint256 taskId);
    /// @notice Thrown when the settled task has no paid winner.
    error NoWinner(uint256 taskId);
    /// @notice Thrown when the given model CID is not the source's model.
    /// @param expected the source model's digest (an Arena winner's `cidHash`; keccak256 of an alliance's final CID)
    /// @param given the digest of the CID the lister gave
    error WrongModel(ListingSource source, uint256 sourceId, bytes32 expected, bytes32 given);
    /// @notice Thrown when listing an alliance while no alliance contract is set.
    error AllianceNotSet();
    /// @notice Thrown when the alliance has not completed.
    error AllianceNotCompleted(uint256 allianceId);
    /// @notice Thrown on an empty license CID.
    error EmptyLicense();
    /// @notice Thrown when the price is below `MIN_PRICE` or the period outside [`MIN_PERIOD`, `MAX_PERIOD`].
    error InvalidTerms(uint256 price, uint256 period);
    /// @notice Thrown when `periods` is 0 or above `MAX_PERIODS`.
    error InvalidPeriods(uint256 periods);
    /// @notice Thrown when buying from an inactive listing.
    error ListingInactive(uint256 listingId);
    /// @notice Thrown when a claim has nothing to pay.
    error NothingToClaim(uint256 listingId, address account);
    /// @notice Thrown when the new expiry would not fit the 40-bit timestamp.
    error ExpiryOverflow(uint256 expiry);
    /// @notice Thrown when `sweep` has nothing to send.
    error NothingToSweep();

    // ─── events ────────────────────────────────────────────────────────────────────────────────
    /// @notice A model was listed.
    /// @param listingId the new listing (ids count from 1)
    /// @param lister the caller (source creator or owner)
    /// @param source what is listed
    /// @param sourceId the task or alliance id
    /// @param modelCid the model's CID
    /// @param licenseCid the license's CID
    /// @param price FLOCK base units per period
    /// @param period seconds of access per period
    /// @param feeBps the protocol fee of every purchase
    /// @param contributors the number of accounts that received shares
    /// @param depth the number of ancestor levels paid royalties
    event Listed(
        uint256 indexed listingId,
        address indexed lister,
        ListingSource source,
        uint256 indexed sourceId,
        string modelCid,
        string licenseCid,
        uint256 price,
        uint32 period,
        uint16 feeBps,
        uint32 contributors,
        uint8 depth
    );
    /// @notice `account` received `shares` share units of `listingId` as `role` of the model `depth` levels up its
    /// lineage (0 = the listed model itself), identified by (`source`, `sourceId`). An account may receive several.
    event RevenueShareAssigned(
        uint256 indexed listingId,
        address indexed account,
        ShareRole role,
        uint8 depth,
        ListingSource source,
        uint256 sourceId,
        uint256 shares
    );
    /// @notice A lineage level of `listingId`: the model `depth` levels up (0 = itself) is (`source`, `sourceId`),
    /// its contributors hold `shares` share units of the listing, and `parentListingId` is that model's own listing
    /// (0 when not listed). One per level, from depth 0 up.
    event LineageLinked(
        uint256 indexed listingId,
        uint8 depth,
        ListingSource source,
        uint256 sourceId,
        uint256 shares,
        uint256 parentListingId
    );
    /// @notice The terms were changed: `price` and `period` apply from `effectiveAt` (now for a decrease).
    event TermsSet(uint256 indexed listingId, uint256 price, uint32 period, uint40 effectiveAt);
    /// @notice The listing was (de)activated.
    event ListingActiveSet(uint256 indexed listingId, bool active);
    /// @notice `buyer` paid `cost` for `periods` periods; `toTreasury` of it (fee + dust) accrued to the treasury, the
    /// rest was distributed; its access now runs until `expiry` (exclusive).
    event AccessPurchased(
        uint256 indexed listingId,
        address indexed buyer,
        uint256 periods,
        uint256 cost,
        uint256 toTreasury,
        uint40 expiry
    );
    /// @notice `account` was paid `amount` of its revenue from `listingId`.
    event RevenueClaimed(uint256 indexed listingId, address indexed account, uint256 amount);
    /// @notice The accrued fees and dust were sent to the treasury.
    event TreasurySwept(address indexed treasury, uint256 amount);
    /// @notice Governance set the alliance contract the marketplace reads lineages from.
    event AllianceSet(address indexed previous, address indexed alliance);

    // ─── listing ───────────────────────────────────────────────────────────────────────────────
    /// @notice Lists a settled task's winning model or a completed alliance's final model; fixes its revenue split.
    /// @dev O(contributors over the lineage levels): one storage slot per account; bounded by the Arena's 256
    /// submissions and 64 validators and the alliance's participant cap per level.
    function list(ListParams calldata p) external returns (uint256 listingId);

    /// @notice Changes the price and period (lister or owner): at once for a decrease (price no higher, period no
    /// shorter), else after `MARKET_TERMS_DELAY`. Replaces any scheduled change.
    function setTerms(uint256 listingId, uint96 price, uint32 period) external;

    /// @notice Stops or resumes purchases (lister or owner). Access already bought is unaffected.
    function setActive(uint256 listingId, bool active) external;

    // ─── access ────────────────────────────────────────────────────────────────────────────────
    /// @notice Pays `priceOf(listingId, periods)` and extends the caller's access by `periods` periods.
    /// @return expiry the caller's new expiry (exclusive, unix seconds)
    function buy(uint256 listingId, uint256 periods) external returns (uint40 expiry);

    /// @notice `buy` with an EIP-2612 permit of exactly `priceOf(listingId, periods)` (a failed permit is ignored:
    /// the payment then needs an allowance, so a buyer never pays more than it signed).
    function buyWithPermit(
        uint256 listingId,
        uint256 periods,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint40 expiry);

    // ─── revenue ───────────────────────────────────────────────────────────────────────────────
    /// @notice Pays `account` (to its wallet) what it can claim from `listingId`. Anyone, for anyone.
    function claim(uint256 listingId, address account) external returns (uint256 amount);

    /// @notice `claim` over several listings; listings with nothing to pay are skipped (reverts if all are empty).
    function claimMany(uint256[] calldata listingIds, address account) external returns (uint256 amount);

    /// @notice Sends the fees and dust accrued by `listingIds` to `ProtocolConfig.treasury()`. Anyone.
    function sweep(uint256[] calldata listingIds) external returns (uint256 amount);

    // ─── governance ────────────────────────────────────────────────────────────────────────────
    /// @notice Sets the FL Alliance contract whose final models can be listed (owner only).
    function setAlliance(address alliance) external;

    // ─── views ─────────────────────────────────────────────────────────────────────────────────
    /// @notice Share units of every listing (1e9).
    function SHARES() external view returns (uint256);
    /// @notice Scaling of `accPerShare` (1e18).
    function ACC_SCALE() external view returns (uint256);
    /// @notice The number of listings (ids are 1..listingCount).
    function listingCount() external view returns (uint256);
    /// @notice A listing.
    function getListing(uint256 listingId) external view returns (ListingView memory);
    /// @notice The listing of a source (0 when not listed).
    function listingOf(ListingSource source, uint256 sourceId) external view returns (uint256);
    /// @notice The price and period in force now.
    function termsOf(uint256 listingId) external view returns (uint96 price, uint32 period);
    /// @notice What `buy(listingId, periods)` costs now.
    function priceOf(uint256 listingId, uint256 periods) external view returns (uint256 cost);
    /// @notice Whether `account` may use the model now: `block.timestamp < expiryOf(listingId, account)`.
    function hasAccess(uint256 listingId, address account) external view returns (bool);
    /// @notice When `account`'s access ends (exclusive; 0 = never bought). It only grows.
    function expiryOf(uint256 listingId, address account) external view returns (uint40);
    /// @notice `account`'s share units of `listingId`.
    function sharesOf(uint256 listingId, address account) external view returns (uint256);
    /// @notice What `account` was paid from `listingId` so far.
    function claimedOf(uint256 listingId, address account) external view returns (uint256);
    /// @notice What `claim(listingId, account)` would pay now.
    function claimable(uint256 listingId, address account) external view returns (uint256);
    /// @notice Fees and dust accrued over every listing and not yet swept (a view over all listings: O(listings)).
    function treasuryAccrued() external view returns (uint256);
    /// @notice The alliance contract lineages are read from (zero until governance sets it).
    function alliance() external view returns (address);
}
