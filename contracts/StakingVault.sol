// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {ConfigKeys} from "./libraries/ConfigKeys.sol";
import {StakeMath} from "./libraries/StakeMath.sol";

/// @title Operator pools: self-stake, delegation, commission, unbonding, locks, slashing and rewards
/// @notice See `IStakingVault`. `DEFAULT_ADMIN_ROLE` (the governance timelock) grants `MODULE_ROLE` to protocol modules.
/// @dev Storage: a pool takes three slots. Asset amounts are stored as uint96: they are bounded by the token's supply
/// (FLOCK is capped at 1e27 < 2^96 ≈ 7.9e28); every narrowing cast goes through SafeCast. `lock` touches only slot 0
/// of the pool and the lock's own slot. A lock is one uint256 per keccak256(module, id, operator): the top bit says it
/// exists (so a lock slashed down to zero can still be unlocked), the low 128 bits hold the amount.
contract StakingVault is AccessControl, ReentrancyGuardTransient, IStakingVault {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

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
    }

    /// @inheritdoc IStakingVault
    bytes32 public constant MODULE_ROLE = keccak256("MODULE_ROLE");

    uint256 private constant _LOCK_EXISTS = 1 << 255;
    uint256 private constant _LOCK_AMOUNT_MASK = type(uint128).max;

    IERC20 private immutable _TOKEN;
    IProtocolConfig private immutable _CONFIG;

    mapping(address operator => PoolData) private _pools;
    mapping(address operator => mapping(address account => uint256)) private _shares;
    mapping(bytes32 lockKey => uint256) private _locks;
    mapping(uint256 entryId => UnbondingEntry) private _entries;
    uint256 private _entryCount;

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
        pool.commissionChangedAt = uint40(block.timestamp);
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
        uint256 readyAt = uint256(pool.commissionChangedAt) + _CONFIG.get(ConfigKeys.COMMISSION_COOLDOWN);
        if (block.timestamp < readyAt) revert CommissionCooldownActive(msg.sender, readyAt);
        uint16 oldBps = pool.commissionBps;
        pool.commissionBps = commissionBps;
        pool.commissionChangedAt = uint40(block.timestamp);
        emit CommissionChanged(msg.sender, oldBps, commissionBps);
    }

    /// @inheritdoc IStakingVault
    function requestUnbond(address operator, uint256 shares) external returns (uint256 entryId) {
        if (shares == 0) revert ZeroAmount();
        uint256 owned = _shares[operator][msg.sender];
        if (shares > owned) revert InsufficientShares(operator, msg.sender, shares, owned);
        PoolData storage pool = _pools[operator];
        uint256 assets = StakeMath.toAssets(shares, pool.bondedAssets, pool.totalShares);
        uint256 available = _available(pool);
        if (assets > available) revert InsufficientUnlockedStake(operator, assets, available);
        uint256 unbondingShares = StakeMath.toShares(assets, pool.unbondingAssets, pool.unbondingShares);
        if (unbondingShares == 0) revert ZeroShares();

        // shares ≤ owned ≤ totalShares and assets ≤ available ≤ bondedAssets (checked above).
        unchecked {
            _shares[operator][msg.sender] = owned - shares;
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.totalShares -= uint128(shares);
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.bondedAssets -= uint96(assets);
        }
        pool.unbondingAssets = (pool.unbondingAssets + assets).toUint96();
        pool.unbondingShares = (pool.unbondingShares + unbondingShares).toUint128();
        uint256 readyAt = block.timestamp + _CONFIG.get(ConfigKeys.UNBONDING_PERIOD);
        entryId = ++_entryCount;
        _entries[entryId] = UnbondingEntry({
            operator: operator,
            account: msg.sender,
            // forge-lint: disable-next-line(unsafe-typecast)
            shares: uint128(unbondingShares), // ≤ pool.unbondingShares, a uint128 (checked by toUint128 above)
            readyAt: readyAt.toUint40(),
            withdrawn: false
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
        uint256 shares = entry.shares;
        assets = StakeMath.toAssets(shares, pool.unbondingAssets, pool.unbondingShares);
        entry.withdrawn = true;
        // The entry's shares are part of unbondingShares; toAssets of a part never exceeds unbondingAssets.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.unbondingShares -= uint128(shares);
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.unbondingAssets -= uint96(assets);
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
        uint256 available = _available(pool);
        if (amount > available) revert InsufficientUnlockedStake(operator, amount, available);
        // amount ≤ available ≤ bonded − locked, so locked + amount ≤ bonded, a uint96.
        uint96 poolLocked;
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            poolLocked = pool.lockedAssets + uint96(amount);
        }
        pool.lockedAssets = poolLocked;
        _locks[key] = _LOCK_EXISTS | amount;
        emit StakeLocked(msg.sender, id, operator, amount, poolLocked);
    }

    /// @inheritdoc IStakingVault
    function unlock(uint256 id, address operator) external onlyRole(MODULE_ROLE) returns (uint256 amount) {
        bytes32 key = _lockKey(msg.sender, id, operator);
        uint256 packed = _locks[key];
        if (packed == 0) revert LockNotFound(msg.sender, id, operator);
        amount = packed & _LOCK_AMOUNT_MASK;
        PoolData storage pool = _pools[operator];
        delete _locks[key];
        // lockedAssets is the sum of the pool's active locks, this one included.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.lockedAssets -= uint96(amount);
        }
        emit StakeUnlocked(msg.sender, id, operator, amount, pool.lockedAssets);
    }

    /// @inheritdoc IStakingVault
    function slash(uint256 id, address operator, uint256 amount)
        external
        onlyRole(MODULE_ROLE)
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
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.bondedAssets -= uint96(fromBonded);
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.unbondingAssets -= uint96(fromUnbonding);
            // forge-lint: disable-next-line(unsafe-typecast)
            pool.lockedAssets -= uint96(slashed);
            _locks[key] = _LOCK_EXISTS | (locked - slashed);
        }
        emit Slashed(msg.sender, id, operator, slashed, fromBonded, fromUnbonding, pool.bondedAssets);
        if (slashed != 0) _TOKEN.safeTransfer(msg.sender, slashed);
    }

    /// @inheritdoc IStakingVault
    function depositReward(address operator, uint256 amount) external onlyRole(MODULE_ROLE) nonReentrant {
        if (amount == 0) return;
        PoolData storage pool = _registeredPool(operator);
        uint256 totalShares = pool.totalShares;
        (uint256 commission, uint256 toPool) = StakeMath.splitReward(amount, pool.commissionBps, totalShares);
        pool.unclaimedCommission = (pool.unclaimedCommission + commission).toUint96();
        uint96 poolAssets = (pool.bondedAssets + toPool).toUint96();
        pool.bondedAssets = poolAssets;
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
            unclaimedCommission: p.unclaimedCommission
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

    // ─── internals ─────────────────────────────────────────────────────────────────────────────

    function _deposit(address operator, address account, uint256 assets) private returns (uint256 shares) {
        PoolData storage pool = _registeredPool(operator);
        if (assets == 0) revert ZeroAmount();
        uint256 minimum = _CONFIG.get(ConfigKeys.MIN_DELEGATION);
        if (assets < minimum) revert DelegationTooSmall(assets, minimum);
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
        emit Delegated(operator, account, assets, shares, poolAssets, poolShares);
        _TOKEN.safeTransferFrom(account, address(this), assets);
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
