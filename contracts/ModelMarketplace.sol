// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IArenaTasks} from "./interfaces/IArenaTasks.sol";
import {IModelLineage} from "./interfaces/IModelLineage.sol";
import {IModelMarketplace} from "./interfaces/IModelMarketplace.sol";
import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "./libraries/ConfigKeys.sol";
import {ModelCid} from "./libraries/ModelCid.sol";
import {RewardMath} from "./libraries/RewardMath.sol";

/// @title ModelMarketplace
/// @notice See `IModelMarketplace`.
/// @dev Storage: a listing's first slot holds everything `buy` reads (terms, fee, status); its accumulator has a slot
/// of its own; an account's shares, claimed revenue and access expiry share one slot per listing.
contract ModelMarketplace is IModelMarketplace, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @inheritdoc IModelMarketplace
    uint256 public constant SHARES = 1e9;
    /// @inheritdoc IModelMarketplace
    uint256 public constant ACC_SCALE = 1e18;
    /// @notice Smallest price per period (1e-6 FLOCK): the dust of a purchase (< 1e9 base units) stays below 0.1%.
    uint256 public constant MIN_PRICE = 1e12;
    /// @notice Shortest access period.
    uint256 public constant MIN_PERIOD = 60;
    /// @notice Longest access period.
    uint256 public constant MAX_PERIOD = 365 days;
    /// @notice Most periods one purchase may buy.
    uint256 public constant MAX_PERIODS = 1000;

    uint256 private constant _BPS = 10_000;

    struct Listing {
        // slot 0: what `buy` reads
        uint96 price;
        uint32 period;
        uint16 feeBps;
        bool active;
        uint40 pendingAt;
        uint32 contributors;
        uint8 depth;
        ListingSource source;
        // slot 1
        uint96 pendingPrice;
        uint32 pendingPeriod;
        // slot 2: what `buy` writes (never zero once listed: `listedAt` keeps the slot warm for the first purchase)
        uint128 accPerShare;
        uint88 fees;
        uint40 listedAt;
        address lister;
        uint256 sourceId;
        bytes32 modelDigest;
        string modelCid;
        string licenseCid;
    }

    struct Account {
        uint32 shares;
        uint40 expiry;
        uint128 claimed;
    }

    /// @dev The split parameters read once per `list`, and what the split has assigned so far.
    struct SplitContext {
        uint256 listingId;
        uint256 creatorBps;
        uint256 validatorBps;
        uint256 royaltyBps;
        uint256 maxDepth;
        uint32 contributors;
        uint8 depth;
    }

    /// @dev Accounts and their weights within one part of a split.
    struct Weights {
        address[] accounts;
        uint256[] w;
        uint256 sum;
    }

    /// @dev One lineage level: the model `depth` levels up, and its share units of the listing.
    struct Level {
        uint8 depth;
        ListingSource source;
        uint256 sourceId;
    }

    IERC20 private immutable _token;
    IProtocolConfig private immutable _config;
    IArenaTasks private immutable _arena;

    address private _alliance;
    uint256 private _listingCount;
    mapping(uint256 listingId => Listing) private _listings;
    mapping(uint256 listingId => mapping(address account => Account)) private _accounts;
    mapping(bytes32 sourceKey => uint256 listingId) private _bySource;

    /// @param token_ FLOCK
    /// @param config_ the `ProtocolConfig` (split parameters, fee, terms delay, treasury)
    /// @param arena_ the `ArenaTasks` whose settled tasks can be listed
    /// @param alliance_ the FL Alliance (zero until it is deployed; governance sets it with `setAlliance`)
    /// @param owner_ governance (the timelock)
    constructor(address token_, address config_, address arena_, address alliance_, address owner_)
        Ownable(owner_)
    {
        if (token_ == address(0) || config_ == address(0) || arena_ == address(0)) revert ZeroAddress();
        _token = IERC20(token_);
        _config = IProtocolConfig(config_);
        _arena = IArenaTasks(arena_);
        if (alliance_ != address(0)) {
            _alliance = alliance_;
            emit AllianceSet(address(0), alliance_);
        }
    }

    // ─── listing ───────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IModelMarketplace
    function list(ListParams calldata p) external nonReentrant returns (uint256 listingId) {
        _checkTerms(p.price, p.period);
        if (bytes(p.licenseCid).length == 0) revert EmptyLicense();
        bytes32 key = _sourceKey(p.source, p.sourceId);
        if (_bySource[key] != 0) revert AlreadyListed(p.source, p.sourceId, _bySource[key]);
        bytes32 digest = _checkLister(p);
        listingId = ++_listingCount;
        _bySource[key] = listingId;
        SplitContext memory c = _context(listingId);
        Level memory top = Level({depth: 0, source: p.source, sourceId: p.sourceId});
        if (p.source == ListingSource.ArenaTask) _splitArena(c, top, SHARES, digest);
        else _splitAlliance(c, top, SHARES, digest);

        _store(listingId, p, digest, c);
    }

    /// @inheritdoc IModelMarketplace
    function setTerms(uint256 listingId, uint96 price, uint32 period) external {
        Listing storage l = _listingAdmin(listingId);
        _checkTerms(price, period);
        (uint96 curPrice, uint32 curPeriod) = _terms(l);
        // a due scheduled change is in force: make it the current terms before replacing it
        l.price = curPrice;
        l.period = curPeriod;
        uint40 effectiveAt = uint40(block.timestamp);
        if (price <= curPrice && period >= curPeriod) {
            l.price = price;
            l.period = period;
            l.pendingAt = 0;
            l.pendingPrice = 0;
            l.pendingPeriod = 0;
        } else {
            effectiveAt = (block.timestamp + _config.get(ConfigKeys.MARKET_TERMS_DELAY)).toUint40();
            l.pendingPrice = price;
            l.pendingPeriod = period;
            l.pendingAt = effectiveAt;
        }
        emit TermsSet(listingId, price, period, effectiveAt);
    }

    /// @inheritdoc IModelMarketplace
    function setActive(uint256 listingId, bool active) external {
        Listing storage l = _listingAdmin(listingId);
        l.active = active;
        emit ListingActiveSet(listingId, active);
    }

    // ─── access ────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IModelMarketplace
    function buy(uint256 listingId, uint256 periods) external nonReentrant returns (uint40 expiry) {
        return _buy(listingId, periods);
    }

    /// @inheritdoc IModelMarketplace
    function buyWithPermit(
        uint256 listingId,
        uint256 periods,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint40 expiry) {
        uint256 cost = priceOf(listingId, periods);
        // a failed permit (e.g. front-run) is ignored: the transfer still needs the allowance
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), cost, deadline, v, r, s) {}
            catch {}
        return _buy(listingId, periods);
    }

    // ─── revenue ───────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IModelMarketplace
    function claim(uint256 listingId, address account) external nonReentrant returns (uint256 amount) {
        amount = _claim(listingId, account);
        if (amount == 0) revert NothingToClaim(listingId, account);
        _token.safeTransfer(account, amount);
    }

    /// @inheritdoc IModelMarketplace
    function claimMany(uint256[] calldata listingIds, address account)
        external
        nonReentrant
        returns (uint256 amount)
    {
        for (uint256 i; i < listingIds.length; ++i) {
            amount += _claim(listingIds[i], account);
        }
        if (amount == 0) revert NothingToClaim(listingIds.length == 0 ? 0 : listingIds[0], account);
        _token.safeTransfer(account, amount);
    }

    /// @inheritdoc IModelMarketplace
    function sweep(uint256[] calldata listingIds) external nonReentrant returns (uint256 amount) {
        for (uint256 i; i < listingIds.length; ++i) {
            Listing storage l = _listing(listingIds[i]);
            amount += l.fees;
            l.fees = 0;
        }
        if (amount == 0) revert NothingToSweep();
        address treasury = _config.treasury();
        emit TreasurySwept(treasury, amount);
        _token.safeTransfer(treasury, amount);
    }

    // ─── governance ────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IModelMarketplace
    function setAlliance(address alliance_) external onlyOwner {
        if (alliance_ == address(0)) revert ZeroAddress();
        emit AllianceSet(_alliance, alliance_);
        _alliance = alliance_;
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IModelMarketplace
    function listingCount() external view returns (uint256) {
        return _listingCount;
    }

    /// @inheritdoc IModelMarketplace
    function getListing(uint256 listingId) external view returns (ListingView memory v) {
        Listing storage l = _listing(listingId);
        (v.price, v.period) = _terms(l);
        if (l.pendingAt > block.timestamp) {
            v.pendingPrice = l.pendingPrice;
            v.pendingPeriod = l.pendingPeriod;
            v.pendingAt = l.pendingAt;
        }
        v.lister = l.lister;
        v.source = l.source;
        v.active = l.active;
        v.feeBps = l.feeBps;
        v.contributors = l.contributors;
        v.depth = l.depth;
        v.listedAt = l.listedAt;
        v.sourceId = l.sourceId;
        v.accPerShare = l.accPerShare;
        v.distributed = uint256(l.accPerShare) * SHARES / ACC_SCALE;
        v.fees = l.fees;
        v.modelDigest = l.modelDigest;
        v.modelCid = l.modelCid;
        v.licenseCid = l.licenseCid;
    }

    /// @inheritdoc IModelMarketplace
    function listingOf(ListingSource source, uint256 sourceId) public view returns (uint256) {
        return _bySource[_sourceKey(source, sourceId)];
    }

    /// @inheritdoc IModelMarketplace
    function termsOf(uint256 listingId) external view returns (uint96 price, uint32 period) {
        return _terms(_listing(listingId));
    }

    /// @inheritdoc IModelMarketplace
    function priceOf(uint256 listingId, uint256 periods) public view returns (uint256 cost) {
        (uint96 price,) = _terms(_listing(listingId));
        if (periods == 0 || periods > MAX_PERIODS) revert InvalidPeriods(periods);
        return uint256(price) * periods;
    }

    /// @inheritdoc IModelMarketplace
    function hasAccess(uint256 listingId, address account) external view returns (bool) {
        return block.timestamp < _accounts[listingId][account].expiry;
    }

    /// @inheritdoc IModelMarketplace
    function expiryOf(uint256 listingId, address account) external view returns (uint40) {
        return _accounts[listingId][account].expiry;
    }

    /// @inheritdoc IModelMarketplace
    function sharesOf(uint256 listingId, address account) external view returns (uint256) {
        return _accounts[listingId][account].shares;
    }

    /// @inheritdoc IModelMarketplace
    function claimedOf(uint256 listingId, address account) external view returns (uint256) {
        return _accounts[listingId][account].claimed;
    }

    /// @inheritdoc IModelMarketplace
    function claimable(uint256 listingId, address account) external view returns (uint256) {
        Account storage a = _accounts[listingId][account];
        return _earned(a, _listings[listingId].accPerShare) - a.claimed;
    }

    /// @inheritdoc IModelMarketplace
    function treasuryAccrued() external view returns (uint256 amount) {
        for (uint256 id = 1; id <= _listingCount; ++id) {
            amount += _listings[id].fees;
        }
    }

    /// @inheritdoc IModelMarketplace
    function alliance() external view returns (address) {
        return _alliance;
    }

    // ─── internals: access and revenue ─────────────────────────────────────────────────────────

    /// @dev O(1): one accumulator update, one treasury accrual, one expiry write, one transfer.
    function _buy(uint256 listingId, uint256 periods) private returns (uint40 expiry) {
        Listing storage l = _listings[listingId];
        (uint96 price, uint32 period) = _terms(l);
        if (period == 0) revert UnknownListing(listingId);
        if (!l.active) revert ListingInactive(listingId);
        if (periods == 0 || periods > MAX_PERIODS) revert InvalidPeriods(periods);
        uint256 cost = uint256(price) * periods;
        // whole base units per share unit: the accumulator never rounds per account
        uint256 perShare = (cost - cost * l.feeBps / _BPS) / SHARES;
        uint256 toTreasury = cost - perShare * SHARES;
        // one slot write; both revert rather than wrap (see the interface's warning on their widths)
        l.accPerShare = (l.accPerShare + perShare * ACC_SCALE).toUint128();
        l.fees = (l.fees + toTreasury).toUint88();
        Account storage a = _accounts[listingId][msg.sender];
        uint256 newExpiry = Math.max(a.expiry, block.timestamp) + periods * period;
        if (newExpiry > type(uint40).max) revert ExpiryOverflow(newExpiry);
        // forge-lint: disable-next-line(unsafe-typecast) checked against type(uint40).max above
        expiry = uint40(newExpiry);
        a.expiry = expiry;
        emit AccessPurchased(listingId, msg.sender, periods, cost, toTreasury, expiry);
        _token.safeTransferFrom(msg.sender, address(this), cost);
    }

    /// @dev Marks what `account` earned from `listingId` as claimed and returns the difference (0 when nothing).
    function _claim(uint256 listingId, address account) private returns (uint256 amount) {
        Listing storage l = _listing(listingId);
        Account storage a = _accounts[listingId][account];
        uint256 earned = _earned(a, l.accPerShare);
        amount = earned - a.claimed;
        if (amount == 0) return 0;
        a.claimed = earned.toUint128();
        emit RevenueClaimed(listingId, account, amount);
    }

    /// @dev Exact: every accumulator step is a whole number of base units per share unit times ACC_SCALE.
    function _earned(Account storage a, uint256 accPerShare) private view returns (uint256) {
        return uint256(a.shares) * accPerShare / ACC_SCALE;
    }

    /// @dev The terms in force now: the scheduled ones once due.
    function _terms(Listing storage l) private view returns (uint96 price, uint32 period) {
        uint256 pendingAt = l.pendingAt;
        if (pendingAt != 0 && block.timestamp >= pendingAt) return (l.pendingPrice, l.pendingPeriod);
        return (l.price, l.period);
    }

    // ─── internals: listing ────────────────────────────────────────────────────────────────────

    /// @dev Checks the caller may list the source and the CID is its model; returns the model's digest.
    function _checkLister(ListParams calldata p) private view returns (bytes32 digest) {
        address creator;
        if (p.source == ListingSource.ArenaTask) {
            IArenaTasks.TaskView memory t = _arena.getTask(p.sourceId);
            if (t.phase != IArenaTasks.Phase.Settled) revert TaskNotSettled(p.sourceId);
            creator = t.creator;
            digest = ModelCid.digestOf(p.modelCid);
        } else if (p.source == ListingSource.Alliance) {
            creator = _allianceCreator(p.sourceId);
            digest = keccak256(bytes(p.modelCid));
        } else {
            revert InvalidSource();
        }
        if (msg.sender != creator && msg.sender != owner()) {
            revert NotLister(p.source, p.sourceId, msg.sender);
        }
    }

    /// @dev Writes a new listing and emits `Listed`.
    function _store(uint256 listingId, ListParams calldata p, bytes32 digest, SplitContext memory c) private {
        Listing storage l = _listings[listingId];
        uint16 feeBps = _config.get(ConfigKeys.MARKET_FEE_BPS).toUint16();
        l.price = p.price;
        l.period = p.period;
        l.feeBps = feeBps;
        l.active = true;
        l.contributors = c.contributors;
        l.depth = c.depth;
        l.source = p.source;
        l.listedAt = uint40(block.timestamp);
        l.lister = msg.sender;
        l.sourceId = p.sourceId;
        l.modelDigest = digest;
        l.modelCid = p.modelCid;
        l.licenseCid = p.licenseCid;
        emit Listed(
            listingId,
            msg.sender,
            p.source,
            p.sourceId,
            p.modelCid,
            p.licenseCid,
            p.price,
            p.period,
            feeBps,
            c.contributors,
            c.depth
        );
    }

    /// @dev The split parameters in force now.
    function _context(uint256 listingId) private view returns (SplitContext memory c) {
        bytes32[] memory keys = new bytes32[](4);
        keys[0] = ConfigKeys.MARKET_CREATOR_BPS;
        keys[1] = ConfigKeys.MARKET_VALIDATOR_BPS;
        keys[2] = ConfigKeys.MARKET_ROYALTY_BPS;
        keys[3] = ConfigKeys.MARKET_MAX_LINEAGE_DEPTH;
        uint256[] memory v = _config.getMany(keys);
        c = SplitContext({
            listingId: listingId,
            creatorBps: v[0],
            validatorBps: v[1],
            royaltyBps: v[2],
            maxDepth: v[3],
            contributors: 0,
            depth: 0
        });
    }

    /// @dev Assigns `budget` share units over a settled Arena task: creator, rewarded validators, paid trainers. At
    /// depth 0 the rank-0 submission must be paid and its digest must be `digest`.
    function _splitArena(SplitContext memory c, Level memory lv, uint256 budget, bytes32 digest) private {
        IArenaTasks.TaskView memory t = _arena.getTask(lv.sourceId);
        if (t.phase != IArenaTasks.Phase.Settled) revert TaskNotSettled(lv.sourceId);
        (Weights memory tr, bytes32 winner) = _trainerWeights(lv.sourceId, t.published);
        if (lv.depth == 0) {
            if (tr.sum == 0) revert NoWinner(lv.sourceId);
            if (winner != digest) revert WrongModel(ListingSource.ArenaTask, lv.sourceId, winner, digest);
        }
        Weights memory va = _validatorWeights(lv.sourceId);
        uint256 creatorPart = budget * c.creatorBps / _BPS;
        uint256 validatorPart = va.sum == 0 ? 0 : (budget - creatorPart) * c.validatorBps / _BPS;
        uint256 trainerPart = budget - creatorPart - validatorPart;
        if (tr.sum == 0) (creatorPart, trainerPart) = (creatorPart + trainerPart, 0);
        _credit(c, lv, t.creator, creatorPart, ShareRole.Creator);
        _distribute(c, lv, va, validatorPart, ShareRole.Validator);
        _distribute(c, lv, tr, trainerPart, ShareRole.Trainer);
        _linked(c, lv, budget);
    }

    /// @dev Assigns `budget` share units over a completed alliance: the royalty to its parent's lineage (recursively,
    /// up to the depth cap), then its creator and its contributors.
    function _splitAlliance(SplitContext memory c, Level memory lv, uint256 budget, bytes32 digest) private {
        IModelLineage.Lineage memory ln = _lineage(lv.sourceId);
        bytes32 finalDigest = keccak256(bytes(ln.finalModelCid));
        if (lv.depth == 0 && finalDigest != digest) {
            revert WrongModel(ListingSource.Alliance, lv.sourceId, finalDigest, digest);
        }
        bool up = ln.source != IModelLineage.LineageSource.Cid && lv.depth < c.maxDepth && c.royaltyBps != 0;
        uint256 parentPart = up ? budget * c.royaltyBps / _BPS : 0;
        uint256 own = budget - parentPart;
        Weights memory co = _contributorWeights(ln);
        uint256 creatorPart = co.sum == 0 ? own : own * c.creatorBps / _BPS;
        _credit(c, lv, _allianceCreator(lv.sourceId), creatorPart, ShareRole.Creator);
        _distribute(c, lv, co, own - creatorPart, ShareRole.Contributor);
        _linked(c, lv, own);
        if (parentPart == 0) return;
        Level memory parent = Level({
            depth: lv.depth + 1,
            source: ln.source == IModelLineage.LineageSource.ArenaTask
                ? ListingSource.ArenaTask
                : ListingSource.Alliance,
            sourceId: ln.parentId
        });
        if (parent.depth > c.depth) c.depth = parent.depth;
        if (parent.source == ListingSource.ArenaTask) _splitArena(c, parent, parentPart, 0);
        else _splitAlliance(c, parent, parentPart, 0);
    }

    /// @dev The paid trainers of a settled task and their reward weights (rank r: decay^r), and the rank-0 digest.
    function _trainerWeights(uint256 taskId, uint256 published)
        private
        view
        returns (Weights memory tr, bytes32 winner)
    {
        IArenaTasks.Settlement memory st = _arena.settlementOf(taskId);
        uint256 decay = RewardMath.decayWad(_arena.paramsOf(taskId).rankDecayBps);
        tr.accounts = new address[](published);
        tr.w = new uint256[](published);
        for (uint256 i; i < published; ++i) {
            IArenaTasks.Submission memory s = _arena.submissionAt(taskId, i);
            if (s.rank >= st.paidTrainers) continue;
            tr.accounts[i] = s.trainer;
            tr.w[i] = RewardMath.rankWeight(decay, s.rank);
            tr.sum += tr.w[i];
            if (s.rank == 0) winner = s.cidHash;
        }
    }

    /// @dev The rewarded validators of a settled task and their reward weights: lock × (tolerance − distance + 1).
    function _validatorWeights(uint256 taskId) private view returns (Weights memory va) {
        uint256 tolerance = _arena.paramsOf(taskId).validatorTolerance;
        va.accounts = _arena.validatorsOf(taskId);
        va.w = new uint256[](va.accounts.length);
        for (uint256 i; i < va.accounts.length; ++i) {
            IArenaTasks.ValidatorRecord memory r = _arena.validatorRecord(taskId, va.accounts[i]);
            if (r.outcome != IArenaTasks.ValidatorOutcome.Rewarded) continue;
            va.w[i] = uint256(r.lock) * (tolerance - r.distance + 1);
            va.sum += va.w[i];
        }
    }

    /// @dev An alliance's contributors weighted by their recorded shares.
    function _contributorWeights(IModelLineage.Lineage memory ln) private pure returns (Weights memory co) {
        co.accounts = ln.contributors;
        co.w = new uint256[](ln.contributors.length);
        for (uint256 i; i < co.w.length; ++i) {
            co.w[i] = ln.sharesBps[i];
            co.sum += co.w[i];
        }
    }

    /// @dev Splits `part` over `g.accounts` pro rata to `g.w` (rounded down); the remainder goes to the largest weight.
    function _distribute(
        SplitContext memory c,
        Level memory lv,
        Weights memory g,
        uint256 part,
        ShareRole role
    ) private {
        if (part == 0 || g.sum == 0) return;
        uint256 n = g.accounts.length;
        uint256[] memory amounts = new uint256[](n);
        uint256 given;
        uint256 lead;
        for (uint256 i; i < n; ++i) {
            if (g.w[i] > g.w[lead]) lead = i;
            amounts[i] = Math.mulDiv(part, g.w[i], g.sum);
            given += amounts[i];
        }
        amounts[lead] += part - given;
        for (uint256 i; i < n; ++i) {
            _credit(c, lv, g.accounts[i], amounts[i], role);
        }
    }

    /// @dev Records lineage level `lv` of the listing, whose own contributors received `shares` share units.
    function _linked(SplitContext memory c, Level memory lv, uint256 shares) private {
        emit LineageLinked(
            c.listingId, lv.depth, lv.source, lv.sourceId, shares, listingOf(lv.source, lv.sourceId)
        );
    }

    /// @dev Adds `shares` share units to `account` (counting it as a contributor the first time).
    function _credit(SplitContext memory c, Level memory lv, address account, uint256 shares, ShareRole role)
        private
    {
        if (shares == 0) return;
        Account storage a = _accounts[c.listingId][account];
        if (a.shares == 0) ++c.contributors;
        // the shares of a listing sum to SHARES = 1e9 < 2^32
        a.shares += shares.toUint32();
        emit RevenueShareAssigned(c.listingId, account, role, lv.depth, lv.source, lv.sourceId, shares);
    }

    /// @dev A completed alliance's lineage (reverts when no alliance is set or it has not completed).
    function _lineage(uint256 allianceId) private view returns (IModelLineage.Lineage memory ln) {
        address a = _alliance;
        if (a == address(0)) revert AllianceNotSet();
        ln = IModelLineage(a).lineageOf(allianceId);
        if (bytes(ln.finalModelCid).length == 0) revert AllianceNotCompleted(allianceId);
    }

    /// @dev The creator of an alliance: the first field of `getAlliance`'s returned struct (a dynamic tuple, so the
    /// return data is an offset word followed by the struct's head, whose first word is `creator`).
    function _allianceCreator(uint256 allianceId) private view returns (address creator) {
        address a = _alliance;
        if (a == address(0)) revert AllianceNotSet();
        (bool ok, bytes memory ret) =
            a.staticcall(abi.encodeWithSignature("getAlliance(uint256)", allianceId));
        if (!ok || ret.length < 64) revert AllianceNotCompleted(allianceId);
        uint256 offset = abi.decode(ret, (uint256));
        if (ret.length < offset + 32) revert AllianceNotCompleted(allianceId);
        uint256 word;
        assembly ("memory-safe") {
            word := mload(add(add(ret, 0x20), offset))
        }
        // forge-lint: disable-next-line(unsafe-typecast) the ABI encodes an address in the low 20 bytes of its word
        creator = address(uint160(word));
    }

    function _checkTerms(uint256 price, uint256 period) private pure {
        if (price < MIN_PRICE || period < MIN_PERIOD || period > MAX_PERIOD) {
            revert InvalidTerms(price, period);
        }
    }

    function _listing(uint256 listingId) private view returns (Listing storage l) {
        l = _listings[listingId];
        if (l.period == 0) revert UnknownListing(listingId);
    }

    function _listingAdmin(uint256 listingId) private view returns (Listing storage l) {
        l = _listing(listingId);
        if (msg.sender != l.lister && msg.sender != owner()) revert NotListingAdmin(listingId, msg.sender);
    }

    function _sourceKey(ListingSource source, uint256 sourceId) private pure returns (bytes32) {
        return keccak256(abi.encode(source, sourceId));
    }
}
