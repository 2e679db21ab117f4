// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {ConfigKeys} from "./libraries/ConfigKeys.sol";
import {StakeMath} from "./libraries/StakeMath.sol";

/// @title Operator pools: self-stake, delegation, commission, unbonding, locks, slashing and rewards
/// @notice See `IStakingVault`. `DEFAULT_ADMIN_ROLE` (the governance timelock) grants `MODULE_ROLE` to protocol modules.
/// @dev Storage: a pool takes three slots. Asset amounts are stored as uint96: they are bounded by the token's supply
/// (FLOCK is capped at 1e27 < 2^96 ≈ 7.9e28); every narrowing cast goes through SafeCast. `lock` touches only slot 0
/// of the pool and the lock's own slot. A lock is one uint256 per keccak256(module, id, operator): the top bit says it
/// exists (so a lock slashed down to zero can still be unlocked), bits 128..159 its sequence number in the pool, the
/// low 128 bits the amount.
/// Locks are numbered per pool (1, 2, …); `releasedThrough` is the longest released prefix, kept by a bitmap. A deposit
/// or an unbond request made while locks are outstanding remembers the newest one (`mark`): the deposit earns from, and
/// the unbond pays out after, the release of every lock up to its mark. So rewards go to the stake that was at risk,
/// and no stake leaves before the slash it stood behind.
contract StakingVault is AccessControl, ReentrancyGuardTransient, IStakingVault {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice The most distinct pools an account can ever hold shares in (vote lookups loop over them).
    uint256 public constant MAX_POOLS_PER_ACCOUNT = 32;

    struct PoolData {
        // slot 0 — everything `lock` needs
        Role role;
        uint16 commissionBps;
        uint40 commissionChangedAt;
        uint96 bondedAssets;
        uint96 lockedAssets;
        // slot 1
        uint128 totalShares;
        uint128 unbondingShares;
        // slot 2
        uint96 unbondingAssets;
        uint96 unclaimedCommission;
        // slot 3 — lock sequence, pending deposits, scheduled commission
        uint32 lockSeq;
        uint32 releasedThrough;
        uint96 pendingAssets;
        uint16 pendingCommissionBps;
        uint40 commissionEffectiveAt;
    }

    /// @inheritdoc IStakingVault
    bytes32 public constant MODULE_ROLE = keccak256("MODULE_ROLE");

    uint256 private constant _LOCK_EXISTS = 1 << 255;
    uint256 private constant _LOCK_AMOUNT_MASK = type(uint128).max;
    uint256 private constant _LOCK_SEQ_SHIFT = 128;

    IERC20 private immutable _TOKEN;
    IProtocolConfig private immutable _CONFIG;

    mapping(address operator => PoolData) private _pools;
    mapping(address operator => mapping(address account => uint256)) private _shares;
    mapping(bytes32 lockKey => uint256) private _locks;
    mapping(uint256 entryId => UnbondingEntry) private _entries;
    uint256 private _entryCount;
    /// @dev Bit `seq % 256` of word `seq / 256`: lock `seq` of the pool is released.
    mapping(address operator => mapping(uint256 word => uint256)) private _released;
    mapping(address operator => mapping(address account => PendingDeposit)) private _pending;
    // ─── vote checkpoints (timestamp clock): a pool's bonded assets and shares, an account's shares per pool ───
    mapping(address operator => Checkpoints.Trace208) private _bondedAt;
    mapping(address operator => Checkpoints.Trace208) private _totalSharesAt;
    mapping(address operator => mapping(address account => Checkpoints.Trace208)) private _sharesAt;
    mapping(address account => address[]) private _poolsOf;

    /// @param token_ the staked token (FLOCK)
    /// @param config_ the `ProtocolConfig`
    /// @param admin receives `DEFAULT_ADMIN_ROLE` (governance timelock in production)
    constructor(address token_, address config_, address admin) {
        _TOKEN = IERC20(token_);
        _CONFIG = IProtocolConfig(config_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ─── operators and delegators ──────────────────────────────────────────────────────────────

    /// @inheritdoc IStakingVault
    function register(Role role, uint16 commissionBps) external {
        if (role == Role.None) revert InvalidRole();
        PoolData storage pool = _pools[msg.sender];
        if (pool.role != Role.None) revert AlreadyRegistered(msg.sender);
        _checkCommission(commissionBps);
        pool.role = role;
        pool.commissionBps = commissionBps;
        pool.commissionChangedAt = block.timestamp.toUint40();
        emit OperatorRegistered(msg.sender, role, commissionBps);
    }

    /// @inheritdoc IStakingVault
    function stake(uint256 assets) external nonReentrant returns (uint256 shares) {
        return _deposit(msg.sender, msg.sender, assets);
    }

    /// @inheritdoc IStakingVault
    function delegate(address operator, uint256 assets) external nonReentrant returns (uint256 shares) {
        return _deposit(operator, msg.sender, assets);
    }

    /// @inheritdoc IStakingVault
    function delegateWithPermit(
        address operator,
        uint256 assets,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 shares) {
        // A failed permit (front-run, already used) is ignored: the transfer below fails anyway without allowance.
        try IERC20Permit(address(_TOKEN)).permit(msg.sender, address(this), assets, deadline, v, r, s) {}
            catch {}
        return _deposit(operator, msg.sender, assets);
    }

    /// @inheritdoc IStakingVault
    function setCommission(uint16 commissionBps) external {
        PoolData storage pool = _registeredPool(msg.sender);
        _checkCommission(commissionBps);
        _applyDueCommission(msg.sender, pool);
        uint256 readyAt = uint256(pool.commissionChangedAt) + _CONFIG.get(ConfigKeys.COMMISSION_COOLDOWN);
        if (block.timestamp < readyAt) revert CommissionCooldownActive(msg.sender, readyAt);
        uint16 oldBps = pool.commissionBps;
        pool.commissionChangedAt = block.timestamp.toUint40();
        pool.pendingCommissionBps = 0;
        pool.commissionEffectiveAt = 0;
        if (commissionBps <= oldBps) {
            pool.commissionBps = commissionBps;
            emit CommissionChanged(msg.sender, oldBps, commissionBps);
        } else {
            uint256 effectiveAt = block.timestamp + _CONFIG.get(ConfigKeys.UNBONDING_PERIOD);
            pool.pendingCommissionBps = commissionBps;
            pool.commissionEffectiveAt = effectiveAt.toUint40();
            emit CommissionIncreaseScheduled(msg.sender, oldBps, commissionBps, effectiveAt);
        }
    }

    /// @inheritdoc IStakingVault
    function activate(address operator, address account) external nonReentrant returns (uint256 shares) {
        PoolData storage pool = _pools[operator];
        PendingDeposit storage p = _pending[operator][account];
        if (p.assets == 0) revert ZeroAmount();
        if (p.mark > pool.releasedThrough) {
            revert PendingNotActive(operator, account, p.mark, pool.releasedThrough);
        }
        return _activate(operator, account, pool, p);
    }

    /// @inheritdoc IStakingVault
    function cancelPending(address operator) external nonReentrant returns (uint256 assets) {
        PendingDeposit storage p = _pending[operator][msg.sender];
        assets = p.assets;
        if (assets == 0) revert ZeroAmount();
        PoolData storage pool = _pools[operator];
        delete _pending[operator][msg.sender];
        // the pending total includes this deposit
        unchecked {
            pool.pendingAssets -= assets.toUint96();
        }
        emit PendingCancelled(operator, msg.sender, assets);
        _TOKEN.safeTransfer(msg.sender, assets);
    }

    /// @inheritdoc IStakingVault
    function requestUnbond(address operator, uint256 shares) external returns (uint256 entryId) {
        if (shares == 0) revert ZeroAmount();
        PoolData storage pool = _pools[operator];
        _tryActivate(operator, msg.sender, pool);
        uint256 owned = _shares[operator][msg.sender];
        if (shares > owned) revert InsufficientShares(operator, msg.sender, shares, owned);
        uint256 assets = StakeMath.toAssets(shares, pool.bondedAssets, pool.totalShares);
        uint256 available = _available(pool);
        if (assets > available) revert InsufficientUnlockedStake(operator, assets, available);
        uint32 lockMark = _outstandingMark(pool);
        if (msg.sender == operator && lockMark != 0) {
            uint256 remaining =
                StakeMath.toAssets(owned - shares, pool.bondedAssets - assets, pool.totalShares - shares);
            uint256 minimum = _CONFIG.get(ConfigKeys.MIN_OPERATOR_SELF_STAKE);
            if (remaining < minimum) revert SelfStakeTooLow(operator, remaining, minimum);
        }
        uint256 unbondingShares = StakeMath.toShares(assets, pool.unbondingAssets, pool.unbondingShares);
        if (unbondingShares == 0) revert ZeroShares();

        // shares ≤ owned ≤ totalShares and assets ≤ available ≤ bondedAssets (checked above).
        unchecked {
            _shares[operator][msg.sender] = owned - shares;
            pool.totalShares -= shares.toUint128();
            pool.bondedAssets -= assets.toUint96();
        }
        pool.unbondingAssets = (pool.unbondingAssets + assets).toUint96();
        pool.unbondingShares = (pool.unbondingShares + unbondingShares).toUint128();
        _checkpointPool(operator, pool);
        _checkpointAccount(operator, msg.sender);
        uint256 readyAt = block.timestamp + _CONFIG.get(ConfigKeys.UNBONDING_PERIOD);
        entryId = ++_entryCount;
        _entries[entryId] = UnbondingEntry({
            operator: operator,
            account: msg.sender,
            shares: unbondingShares.toUint128(), // ≤ pool.unbondingShares, a uint128 (checked by toUint128 above)
            readyAt: readyAt.toUint40(),
            withdrawn: false,
            lockMark: lockMark
        });
        emit UnbondRequested(
            entryId,
            operator,
            msg.sender,
            shares,
            assets,
            unbondingShares,
            readyAt,
            pool.bondedAssets,
            pool.totalShares
        );
    }

    /// @inheritdoc IStakingVault
    function withdraw(uint256 entryId) external nonReentrant returns (uint256 assets) {
        UnbondingEntry storage entry = _entries[entryId];
        if (entry.account == address(0)) revert UnknownEntry(entryId);
        if (entry.account != msg.sender) revert NotEntryOwner(entryId, msg.sender);
        if (entry.withdrawn) revert AlreadyWithdrawn(entryId);
        if (block.timestamp < entry.readyAt) revert UnbondingNotReady(entryId, entry.readyAt);

        address operator = entry.operator;
        PoolData storage pool = _pools[operator];
        if (entry.lockMark > pool.releasedThrough) {
            revert UnbondingLocked(entryId, entry.lockMark, pool.releasedThrough);
        }
        uint256 shares = entry.shares;
        assets = StakeMath.toAssets(shares, pool.unbondingAssets, pool.unbondingShares);
        entry.withdrawn = true;
        // The entry's shares are part of unbondingShares; toAssets of a part never exceeds unbondingAssets.
        unchecked {
            pool.unbondingShares -= shares.toUint128();
            pool.unbondingAssets -= assets.toUint96();
        }
        emit Withdrawn(entryId, operator, msg.sender, assets);
        if (assets != 0) _TOKEN.safeTransfer(msg.sender, assets);
    }

    /// @inheritdoc IStakingVault
    function claimCommission(address to) external nonReentrant returns (uint256 amount) {
        PoolData storage pool = _registeredPool(msg.sender);
        amount = pool.unclaimedCommission;
        if (amount == 0) revert ZeroAmount();
        pool.unclaimedCommission = 0;
        emit CommissionClaimed(msg.sender, to, amount);
        _TOKEN.safeTransfer(to, amount);
    }

    // ─── modules ───────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IStakingVault
    function lock(uint256 id, address operator, uint256 amount) external onlyRole(MODULE_ROLE) {
        if (amount == 0) revert ZeroAmount();
        PoolData storage pool = _registeredPool(operator);
        bytes32 key = _lockKey(msg.sender, id, operator);
        if (_locks[key] != 0) revert LockExists(msg.sender, id, operator);
        uint256 self = StakeMath.toAssets(_shares[operator][operator], pool.bondedAssets, pool.totalShares);
        uint256 minimum = _CONFIG.get(ConfigKeys.MIN_OPERATOR_SELF_STAKE);
        if (self < minimum) revert SelfStakeTooLow(operator, self, minimum);
        uint256 available = _available(pool);
        if (amount > available) revert InsufficientUnlockedStake(operator, amount, available);
        // amount ≤ available ≤ bonded − locked, so locked + amount ≤ bonded, a uint96.
        uint96 poolLocked;
        unchecked {
            poolLocked = pool.lockedAssets + amount.toUint96();
        }
        pool.lockedAssets = poolLocked;
        uint32 seq = pool.lockSeq + 1;
        pool.lockSeq = seq;
        _locks[key] = _LOCK_EXISTS | (uint256(seq) << _LOCK_SEQ_SHIFT) | amount;
        emit StakeLocked(msg.sender, id, operator, amount, poolLocked);
    }

    /// @inheritdoc IStakingVault
    function unlock(uint256 id, address operator) external returns (uint256 amount) {
        bytes32 key = _lockKey(msg.sender, id, operator);
        uint256 packed = _locks[key];
        if (packed == 0) revert LockNotFound(msg.sender, id, operator);
        amount = packed & _LOCK_AMOUNT_MASK;
        PoolData storage pool = _pools[operator];
        delete _locks[key];
        _release(operator, pool, ((packed >> _LOCK_SEQ_SHIFT) & type(uint32).max).toUint32());
        // lockedAssets is the sum of the pool's active locks, this one included.
        unchecked {
            pool.lockedAssets -= amount.toUint96();
        }
        emit StakeUnlocked(msg.sender, id, operator, amount, pool.lockedAssets);
    }

    /// @inheritdoc IStakingVault
    function slash(uint256 id, address operator, uint256 amount)
        external
        nonReentrant
        returns (uint256 slashed)
    {
        bytes32 key = _lockKey(msg.sender, id, operator);
        uint256 packed = _locks[key];
        if (packed == 0) revert LockNotFound(msg.sender, id, operator);
        uint256 locked = packed & _LOCK_AMOUNT_MASK;
        if (amount > locked) revert SlashExceedsLock(msg.sender, id, operator, amount, locked);
        if (amount == 0) return 0;

        PoolData storage pool = _pools[operator];
        uint256 fromBonded;
        uint256 fromUnbonding;
        (slashed, fromBonded, fromUnbonding) =
            StakeMath.splitSlash(amount, pool.bondedAssets, pool.unbondingAssets);
        // splitSlash caps each part at what the bucket holds; slashed ≤ amount ≤ this lock ≤ lockedAssets.
        unchecked {
            pool.bondedAssets -= fromBonded.toUint96();
            pool.unbondingAssets -= fromUnbonding.toUint96();
            pool.lockedAssets -= slashed.toUint96();
            _locks[key] = (packed & ~_LOCK_AMOUNT_MASK) | (locked - slashed);
        }
        if (fromBonded != 0) _checkpointPool(operator, pool);
        emit Slashed(msg.sender, id, operator, slashed, fromBonded, fromUnbonding, pool.bondedAssets);
        if (slashed != 0) _TOKEN.safeTransfer(msg.sender, slashed);
    }

    /// @inheritdoc IStakingVault
    function depositReward(address operator, uint256 amount) external nonReentrant {
        if (amount == 0) return;
        PoolData storage pool = _registeredPool(operator);
        _applyDueCommission(operator, pool);
        uint256 totalShares = pool.totalShares;
        uint256 bps = pool.commissionBps;
        uint256 max = _CONFIG.get(ConfigKeys.MAX_COMMISSION_BPS);
        if (bps > max) bps = max;
        (uint256 commission, uint256 toPool) = StakeMath.splitReward(amount, bps, totalShares);
        pool.unclaimedCommission = (pool.unclaimedCommission + commission).toUint96();
        uint96 poolAssets = (pool.bondedAssets + toPool).toUint96();
        pool.bondedAssets = poolAssets;
        _checkpointPool(operator, pool);
        emit RewardDeposited(operator, msg.sender, amount, commission, poolAssets, totalShares);
        _TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IStakingVault
    function token() external view returns (address) {
        return address(_TOKEN);
    }

    /// @inheritdoc IStakingVault
    function config() external view returns (address) {
        return address(_CONFIG);
    }

    /// @inheritdoc IStakingVault
    function poolOf(address operator) external view returns (Pool memory) {
        PoolData storage p = _pools[operator];
        return Pool({
            role: p.role,
            commissionBps: p.commissionBps,
            commissionChangedAt: p.commissionChangedAt,
            bondedAssets: p.bondedAssets,
            totalShares: p.totalShares,
            lockedAssets: p.lockedAssets,
            unbondingAssets: p.unbondingAssets,
            unbondingShares: p.unbondingShares,
            unclaimedCommission: p.unclaimedCommission,
            lockSeq: p.lockSeq,
            releasedThrough: p.releasedThrough,
            pendingAssets: p.pendingAssets,
            pendingCommissionBps: p.pendingCommissionBps,
            commissionEffectiveAt: p.commissionEffectiveAt
        });
    }

    /// @inheritdoc IStakingVault
    function roleOf(address operator) external view returns (Role) {
        return _pools[operator].role;
    }

    /// @inheritdoc IStakingVault
    function sharesOf(address operator, address account) external view returns (uint256) {
        return _shares[operator][account];
    }

    /// @inheritdoc IStakingVault
    function assetsOf(address operator, address account) public view returns (uint256) {
        PoolData storage pool = _pools[operator];
        return StakeMath.toAssets(_shares[operator][account], pool.bondedAssets, pool.totalShares);
    }

    /// @inheritdoc IStakingVault
    function selfStake(address operator) external view returns (uint256) {
        return assetsOf(operator, operator);
    }

    /// @inheritdoc IStakingVault
    function availableStake(address operator) external view returns (uint256) {
        return _available(_pools[operator]);
    }

    /// @inheritdoc IStakingVault
    function lockOf(address module, uint256 id, address operator) external view returns (uint256) {
        return _locks[_lockKey(module, id, operator)] & _LOCK_AMOUNT_MASK;
    }

    /// @inheritdoc IStakingVault
    function unbondingEntry(uint256 entryId) external view returns (UnbondingEntry memory) {
        return _entries[entryId];
    }

    /// @inheritdoc IStakingVault
    function unbondingAssetsOf(uint256 entryId) external view returns (uint256) {
        UnbondingEntry storage entry = _entries[entryId];
        if (entry.withdrawn) return 0;
        PoolData storage pool = _pools[entry.operator];
        return StakeMath.toAssets(entry.shares, pool.unbondingAssets, pool.unbondingShares);
    }

    /// @inheritdoc IStakingVault
    function previewDelegate(address operator, uint256 assets) external view returns (uint256 shares) {
        PoolData storage pool = _pools[operator];
        return StakeMath.toShares(assets, pool.bondedAssets, pool.totalShares);
    }

    /// @inheritdoc IStakingVault
    function unbondingCount() external view returns (uint256) {
        return _entryCount;
    }

    /// @inheritdoc IStakingVault
    function pendingOf(address operator, address account)
        external
        view
        returns (PendingDeposit memory deposit, bool activatable)
    {
        deposit = _pending[operator][account];
        activatable = deposit.assets != 0 && deposit.mark <= _pools[operator].releasedThrough;
    }

    /// @inheritdoc IStakingVault
    function effectiveCommission(address operator) external view returns (uint16 bps) {
        PoolData storage pool = _pools[operator];
        bps = pool.commissionBps;
        uint256 at = pool.commissionEffectiveAt;
        if (at != 0 && block.timestamp >= at) bps = pool.pendingCommissionBps;
        uint256 max = _CONFIG.get(ConfigKeys.MAX_COMMISSION_BPS);
        if (bps > max) bps = max.toUint16(); // max < bps, a uint16
    }

    /// @inheritdoc IStakingVault
    function clock() public view returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @inheritdoc IStakingVault
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc IStakingVault
    function getVotes(address account) external view returns (uint256 votes) {
        address[] storage pools = _poolsOf[account];
        for (uint256 i; i < pools.length; ++i) {
            address op = pools[i];
            PoolData storage pool = _pools[op];
            votes += StakeMath.toAssets(_shares[op][account], pool.bondedAssets, pool.totalShares);
        }
    }

    /// @inheritdoc IStakingVault
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256 votes) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        uint48 t = timepoint.toUint48(); // < clock(), a uint48
        address[] storage pools = _poolsOf[account];
        for (uint256 i; i < pools.length; ++i) {
            address op = pools[i];
            uint256 shares = _sharesAt[op][account].upperLookupRecent(t);
            if (shares == 0) continue;
            votes += StakeMath.toAssets(
                shares, _bondedAt[op].upperLookupRecent(t), _totalSharesAt[op].upperLookupRecent(t)
            );
        }
    }

    /// @inheritdoc IStakingVault
    function poolsOf(address account) external view returns (address[] memory) {
        return _poolsOf[account];
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────

    /// @dev Records the pool's bonded assets and total shares at this second (the share price for votes).
    function _checkpointPool(address operator, PoolData storage pool) private {
        uint48 t = clock();
        _bondedAt[operator].push(t, pool.bondedAssets);
        _totalSharesAt[operator].push(t, pool.totalShares);
    }

    /// @dev Records `account`'s shares in `operator`'s pool at this second; the first time, adds the pool to its list.
    function _checkpointAccount(address operator, address account) private {
        Checkpoints.Trace208 storage h = _sharesAt[operator][account];
        if (h.length() == 0) {
            address[] storage pools = _poolsOf[account];
            if (pools.length >= MAX_POOLS_PER_ACCOUNT) revert TooManyPools(account, MAX_POOLS_PER_ACCOUNT);
            pools.push(operator);
        }
        h.push(clock(), _shares[operator][account].toUint208());
    }

    function _deposit(address operator, address account, uint256 assets) private returns (uint256 shares) {
        PoolData storage pool = _registeredPool(operator);
        if (assets == 0) revert ZeroAmount();
        uint256 minimum = _CONFIG.get(ConfigKeys.MIN_DELEGATION);
        if (assets < minimum) revert DelegationTooSmall(assets, minimum);
        _tryActivate(operator, account, pool);
        uint32 mark = _outstandingMark(pool);
        if (mark != 0) {
            // a lock is outstanding: the deposit waits until it (and every older one) is released
            PendingDeposit storage p = _pending[operator][account];
            uint128 pendingAssets = (p.assets + assets).toUint128();
            p.assets = pendingAssets;
            p.mark = mark;
            uint96 poolPending = (pool.pendingAssets + assets).toUint96();
            pool.pendingAssets = poolPending;
            emit DepositPending(operator, account, assets, mark, pendingAssets);
            _TOKEN.safeTransferFrom(account, address(this), assets);
            return 0;
        }
        shares = _mint(operator, account, pool, assets);
        _TOKEN.safeTransferFrom(account, address(this), assets);
    }

    /// @dev Mints shares for `assets` already held by the vault (a new deposit or an activated pending one).
    function _mint(address operator, address account, PoolData storage pool, uint256 assets)
        private
        returns (uint256 shares)
    {
        shares = StakeMath.toShares(assets, pool.bondedAssets, pool.totalShares);
        if (shares == 0) revert ZeroShares();
        uint96 poolAssets = (pool.bondedAssets + assets).toUint96();
        uint128 poolShares = (pool.totalShares + shares).toUint128();
        pool.bondedAssets = poolAssets;
        pool.totalShares = poolShares;
        // Σ accounts' shares == totalShares, which did not overflow above.
        unchecked {
            _shares[operator][account] += shares;
        }
        _checkpointPool(operator, pool);
        _checkpointAccount(operator, account);
        emit Delegated(operator, account, assets, shares, poolAssets, poolShares);
    }

    /// @dev Converts a pending deposit whose locks are all released (checked by the caller) into shares.
    function _activate(address operator, address account, PoolData storage pool, PendingDeposit storage p)
        private
        returns (uint256 shares)
    {
        uint256 assets = p.assets;
        delete _pending[operator][account];
        // the pending total includes this deposit
        unchecked {
            pool.pendingAssets -= assets.toUint96();
        }
        shares = _mint(operator, account, pool, assets);
    }

    /// @dev Activates `account`'s pending deposit when it can be (no revert otherwise).
    function _tryActivate(address operator, address account, PoolData storage pool) private {
        PendingDeposit storage p = _pending[operator][account];
        if (p.assets != 0 && p.mark <= pool.releasedThrough) _activate(operator, account, pool, p);
    }

    /// @dev The newest lock when some lock is outstanding, else 0.
    function _outstandingMark(PoolData storage pool) private view returns (uint32) {
        uint32 seq = pool.lockSeq;
        return seq > pool.releasedThrough ? seq : 0;
    }

    /// @dev Marks lock `seq` released and advances `releasedThrough` over the released prefix.
    function _release(address operator, PoolData storage pool, uint32 seq) private {
        mapping(uint256 => uint256) storage bits = _released[operator];
        uint256 through = pool.releasedThrough;
        if (seq != through + 1) {
            bits[seq >> 8] |= uint256(1) << (seq & 0xff);
            return;
        }
        // seq is the next one: advance over it and every already-released lock after it
        uint256 next = seq + 1;
        uint256 last = pool.lockSeq;
        while (next <= last) {
            uint256 word = bits[next >> 8];
            if (word & (uint256(1) << (next & 0xff)) == 0) break;
            ++next;
        }
        pool.releasedThrough = (next - 1).toUint32(); // ≤ lockSeq, a uint32
    }

    /// @dev Applies a scheduled commission increase once it is due.
    function _applyDueCommission(address operator, PoolData storage pool) private {
        uint256 at = pool.commissionEffectiveAt;
        if (at == 0 || block.timestamp < at) return;
        uint16 oldBps = pool.commissionBps;
        uint16 newBps = pool.pendingCommissionBps;
        pool.commissionBps = newBps;
        pool.pendingCommissionBps = 0;
        pool.commissionEffectiveAt = 0;
        emit CommissionChanged(operator, oldBps, newBps);
    }

    function _registeredPool(address operator) private view returns (PoolData storage pool) {
        pool = _pools[operator];
        if (pool.role == Role.None) revert NotRegistered(operator);
    }

    function _checkCommission(uint16 commissionBps) private view {
        uint256 max = _CONFIG.get(ConfigKeys.MAX_COMMISSION_BPS);
        if (commissionBps > max) revert CommissionTooHigh(commissionBps, max);
    }

    function _available(PoolData storage pool) private view returns (uint256) {
        uint256 bonded = pool.bondedAssets;
        uint256 locked = pool.lockedAssets;
        // guarded by the comparison.
        unchecked {
            return bonded > locked ? bonded - locked : 0;
        }
    }

    function _lockKey(address module, uint256 id, address operator) private pure returns (bytes32 key) {
        return keccak256(abi.encode(module, id, operator));
    }
}
