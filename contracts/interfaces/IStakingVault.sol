// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Operator pools: self-stake, delegation, commission, unbonding, locks, slashing and rewards
/// @notice Every participant of the protocol is an *operator* with one pool and one role (training node or validator).
/// The operator self-stakes into its pool; anyone may delegate to a pool and receives pool shares. Pool assets move
/// with the pool: a reward paid into a pool raises the value of every share (after the operator's commission, which is
/// credited to the operator and claimed separately); a slash lowers it.
///
/// Authorised protocol modules (holders of `MODULE_ROLE`: ArenaTasks, later FLAlliance and the Marketplace) lock part of
/// a pool while it is at risk in a task (`lock`), release it (`unlock`), take a slash out of a locked amount (`slash`)
/// and pay rewards in (`depositReward`). A lock is keyed by (module, id, operator).
///
/// Unbonding: `requestUnbond` burns shares and moves their value into the pool's unbonding bucket, withdrawable by the
/// requester after `UNBONDING_PERIOD`. Only unlocked stake can be unbonded (bonded − locked), so a locked stake cannot
/// leave while its task runs.
/// @dev Warning: slashing is trusted to `MODULE_ROLE` holders only, and is bounded by the module's own lock: a module can
/// never take more than it locked. A slash hits the whole pool pro-rata, operator and delegators alike, *including the
/// pool's unbonding bucket* (funds still waiting for their period are slashable until withdrawn).
/// @dev Warning: a delegator trusts the operator: the operator's misbehaviour slashes the delegator's share, and the
/// operator may change its commission (at most `MAX_COMMISSION_BPS`, at most once per `COMMISSION_COOLDOWN`).
/// @dev Warning: asset amounts are stored as uint96 (FLOCK's cap 1e27 < 2^96); a pool can never hold more.
/// @dev Share math uses a virtual offset (1e3 shares per base unit at an empty pool) so that the first depositor cannot
/// inflate the share price; rounding always favours the pool.
interface IStakingVault {
    /// @notice The role of an operator, fixed at registration.
    enum Role {
        None,
        TrainingNode,
        Validator
    }

    /// @notice A pool's accounting (all amounts FLOCK base units).
    /// @param role the operator's role
    /// @param commissionBps the operator's cut of rewards paid into the pool
    /// @param commissionChangedAt when the commission was last changed (registration counts)
    /// @param bondedAssets assets backing the pool's shares
    /// @param totalShares shares outstanding
    /// @param lockedAssets the sum of the pool's active locks (always ≤ bondedAssets)
    /// @param unbondingAssets assets waiting in the pool's unbonding bucket (slashable)
    /// @param unbondingShares claims on the unbonding bucket
    /// @param unclaimedCommission the operator's commission, not yet claimed
    /// @param lockSeq the number of locks ever taken on the pool (each lock's sequence number is its rank)
    /// @param releasedThrough every lock with a sequence number up to this one is released
    /// @param pendingAssets deposits waiting for the locks that were outstanding when they arrived
    /// @param pendingCommissionBps a scheduled commission increase (0 with commissionEffectiveAt 0: none)
    /// @param commissionEffectiveAt when the scheduled increase takes effect
    struct Pool {
        Role role;
        uint16 commissionBps;
        uint40 commissionChangedAt;
        uint128 bondedAssets;
        uint128 totalShares;
        uint128 lockedAssets;
        uint128 unbondingAssets;
        uint128 unbondingShares;
        uint128 unclaimedCommission;
        uint32 lockSeq;
        uint32 releasedThrough;
        uint128 pendingAssets;
        uint16 pendingCommissionBps;
        uint40 commissionEffectiveAt;
    }

    /// @notice A deposit made while locks were outstanding on the pool: it is not a share yet (it earns nothing and
    /// cannot be locked or slashed) until every lock up to `mark` is released; it can be taken back at any time.
    /// @param assets the amount waiting
    /// @param mark the newest lock outstanding at the latest deposit
    struct PendingDeposit {
        uint128 assets;
        uint32 mark;
    }

    /// @notice One unbond request.
    /// @param operator the pool
    /// @param account the requester (receives the assets)
    /// @param shares claims on the pool's unbonding bucket
    /// @param readyAt first timestamp at which `withdraw` succeeds
    /// @param withdrawn whether it has been withdrawn
    /// @param lockMark the newest lock outstanding on the pool when the entry was created (0: none): the entry stays
    /// slashable, and cannot be withdrawn, until every lock up to it is released
    struct UnbondingEntry {
        address operator;
        address account;
        uint128 shares;
        uint40 readyAt;
        bool withdrawn;
        uint32 lockMark;
    }

    // ─── errors ────────────────────────────────────────────────────────────────────────────────
    error ZeroAmount();
    error InvalidRole();
    error AlreadyRegistered(address operator);
    error NotRegistered(address operator);
    error CommissionTooHigh(uint256 bps, uint256 max);
    error CommissionCooldownActive(address operator, uint256 readyAt);
    error DelegationTooSmall(uint256 assets, uint256 minimum);
    error InsufficientShares(address operator, address account, uint256 requested, uint256 available);
    error InsufficientUnlockedStake(address operator, uint256 requested, uint256 available);
    error UnbondingNotReady(uint256 entryId, uint256 readyAt);
    error NotEntryOwner(uint256 entryId, address caller);
    error AlreadyWithdrawn(uint256 entryId);
    error UnknownEntry(uint256 entryId);
    error LockExists(address module, uint256 id, address operator);
    error LockNotFound(address module, uint256 id, address operator);
    error SlashExceedsLock(address module, uint256 id, address operator, uint256 amount, uint256 locked);
    error ZeroShares();
    error UnbondingLocked(uint256 entryId, uint256 lockMark, uint256 releasedThrough);
    error SelfStakeTooLow(address operator, uint256 selfStake, uint256 minimum);
    error FutureLookup(uint256 timepoint, uint256 clock);
    error TooManyPools(address account, uint256 max);
    error PendingNotActive(address operator, address account, uint256 mark, uint256 releasedThrough);

    // ─── events ────────────────────────────────────────────────────────────────────────────────
    /// @notice An operator registered its pool.
    event OperatorRegistered(address indexed operator, Role role, uint16 commissionBps);
    /// @notice An operator's commission changed (a decrease at once, a scheduled increase when it takes effect).
    event CommissionChanged(address indexed operator, uint16 oldBps, uint16 newBps);
    /// @notice An operator scheduled a commission increase; it applies to rewards from `effectiveAt` on.
    event CommissionIncreaseScheduled(
        address indexed operator, uint16 currentBps, uint16 newBps, uint256 effectiveAt
    );
    /// @notice `account` deposited `assets` into `operator`'s pool while locks up to `mark` were outstanding: the
    /// deposit waits (earns nothing, cannot be locked or slashed) until they are released.
    event DepositPending(
        address indexed operator, address indexed account, uint256 assets, uint256 mark, uint256 pendingTotal
    );
    /// @notice `account` took back a pending deposit.
    event PendingCancelled(address indexed operator, address indexed account, uint256 assets);
    /// @notice `account` added `assets` to `operator`'s pool (self-stake when account == operator) for `shares`.
    /// @param poolAssets the pool's bonded assets after the deposit
    /// @param poolShares the pool's total shares after the deposit
    event Delegated(
        address indexed operator,
        address indexed account,
        uint256 assets,
        uint256 shares,
        uint256 poolAssets,
        uint256 poolShares
    );
    /// @notice `account` burned `shares` of `operator`'s pool worth `assets`, now unbonding until `readyAt`.
    /// @param unbondingShares the claims on the unbonding bucket the entry holds
    /// @param poolAssets the pool's bonded assets after
    /// @param poolShares the pool's total shares after
    event UnbondRequested(
        uint256 indexed entryId,
        address indexed operator,
        address indexed account,
        uint256 shares,
        uint256 assets,
        uint256 unbondingShares,
        uint256 readyAt,
        uint256 poolAssets,
        uint256 poolShares
    );
    /// @notice An unbonding entry paid out `assets` (less than requested if the pool was slashed meanwhile).
    event Withdrawn(
        uint256 indexed entryId, address indexed operator, address indexed account, uint256 assets
    );
    /// @notice `module` locked `amount` of `operator`'s pool under `id` (e.g. a task id).
    /// @param poolLocked the pool's total locked assets after
    event StakeLocked(
        address indexed module,
        uint256 indexed id,
        address indexed operator,
        uint256 amount,
        uint256 poolLocked
    );
    /// @notice `module` released what remained of its lock `id` on `operator`'s pool.
    event StakeUnlocked(
        address indexed module,
        uint256 indexed id,
        address indexed operator,
        uint256 amount,
        uint256 poolLocked
    );
    /// @notice `module` slashed `amount` out of its lock `id` on `operator`'s pool; the tokens went to the module.
    /// @param fromBonded the part taken from bonded assets (lowers the share price)
    /// @param fromUnbonding the part taken from the unbonding bucket
    /// @param poolAssets the pool's bonded assets after
    event Slashed(
        address indexed module,
        uint256 indexed id,
        address indexed operator,
        uint256 amount,
        uint256 fromBonded,
        uint256 fromUnbonding,
        uint256 poolAssets
    );
    /// @notice `module` paid `amount` into `operator`'s pool; `commission` of it was credited to the operator.
    /// @param poolAssets the pool's bonded assets after
    /// @param poolShares the pool's total shares (unchanged by rewards)
    event RewardDeposited(
        address indexed operator,
        address indexed module,
        uint256 amount,
        uint256 commission,
        uint256 poolAssets,
        uint256 poolShares
    );
    /// @notice The operator claimed its accumulated commission.
    event CommissionClaimed(address indexed operator, address indexed to, uint256 amount);

    // ─── operators and delegators ──────────────────────────────────────────────────────────────
    /// @notice Registers the caller as an operator with `role` and an initial commission.
    function register(Role role, uint16 commissionBps) external;

    /// @notice Self-stakes `assets` into the caller's own pool (the caller must be registered).
    /// @dev Deposits (here and in `delegate`) made while a lock is outstanding on the pool become a `PendingDeposit`
    /// (0 shares now): rewards of a lock go only to the stake that was at risk under it.
    /// @return shares the pool shares minted
    function stake(uint256 assets) external returns (uint256 shares);

    /// @notice Delegates `assets` to `operator`'s pool; the caller receives pool shares.
    function delegate(address operator, uint256 assets) external returns (uint256 shares);

    /// @notice `delegate` with an EIP-2612 permit for the vault, in one transaction.
    /// @dev A permit that fails (e.g. front-run) is ignored if the allowance is already sufficient.
    function delegateWithPermit(
        address operator,
        uint256 assets,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 shares);

    /// @notice Changes the caller's commission (at most `MAX_COMMISSION_BPS`, once per `COMMISSION_COOLDOWN`). A
    /// decrease applies at once; an increase is scheduled and applies after `UNBONDING_PERIOD`, so delegators can leave
    /// first. Rewards never pay more commission than the `MAX_COMMISSION_BPS` of the moment they are paid.
    function setCommission(uint16 commissionBps) external;

    /// @notice Turns `account`'s pending deposit in `operator`'s pool into shares once every
    /// lock it waited for is released. Anyone may call it.
    /// @return shares the shares minted
    function activate(address operator, address account) external returns (uint256 shares);

    /// @notice Sends the caller's pending deposit in `operator`'s pool back to it.
    function cancelPending(address operator) external returns (uint256 assets);

    /// @notice Burns `shares` of the caller's position in `operator`'s pool and starts their unbonding.
    /// @dev Reverts with `InsufficientUnlockedStake` when the value exceeds the pool's unlocked stake, `ZeroShares`
    /// when the shares are worth nothing, `SelfStakeTooLow` when the operator would leave less than
    /// `MIN_OPERATOR_SELF_STAKE` while a lock is outstanding. The value rounds down (dust stays in the pool). An entry
    /// created while locks are outstanding is withdrawable only once they are all released (`lockMark`).
    /// @return entryId the unbonding entry to `withdraw` later
    function requestUnbond(address operator, uint256 shares) external returns (uint256 entryId);

    /// @notice Pays out an unbonding entry of the caller once `readyAt` has passed and the locks it stood behind are
    /// released (`UnbondingLocked` before).
    /// @dev Warning: at exactly `readyAt` the withdrawal succeeds; one second earlier it reverts.
    function withdraw(uint256 entryId) external returns (uint256 assets);

    /// @notice Sends the caller's (an operator's) accumulated commission to `to`.
    function claimCommission(address to) external returns (uint256 amount);

    // ─── modules ───────────────────────────────────────────────────────────────────────────────
    /// @notice Locks `amount` of `operator`'s unlocked stake under (msg.sender, id, operator). `MODULE_ROLE` only.
    /// @dev Reverts with `ZeroAmount`, `NotRegistered`, `LockExists` (one lock per key until unlocked),
    /// `SelfStakeTooLow` (the operator's own stake is below `MIN_OPERATOR_SELF_STAKE`) or `InsufficientUnlockedStake`
    /// (amount > bonded − locked).
    function lock(uint256 id, address operator, uint256 amount) external;

    /// @notice Releases what remains of the caller's lock `id` on `operator`. Any caller: a lock is keyed by the
    /// module that took it, so only that module can release it — even after its `MODULE_ROLE` was revoked (removing a
    /// module stops new locks and never strands the old ones).
    /// @return amount the amount released
    function unlock(uint256 id, address operator) external returns (uint256 amount);

    /// @notice Slashes up to `amount` out of the caller's lock `id` on `operator` and sends it to the caller.
    /// The lock shrinks by the slashed amount. Only the module that took the lock (keyed by the caller), including a
    /// module whose role was revoked since: it can finish judging what it locked, never touch anything else.
    /// @dev If the pool holds less than `amount` (it was slashed elsewhere meanwhile) the slash takes what there is.
    /// `amount == 0` is a no-op returning 0 (no event), so a module may pass `lock · bps / 10000` without a guard.
    /// The lock stays registered even when slashed down to 0: `unlock` still succeeds (releasing 0), and the same
    /// (module, id, operator) cannot be locked again.
    /// @return slashed the amount actually taken
    function slash(uint256 id, address operator, uint256 amount) external returns (uint256 slashed);

    /// @notice Pulls `amount` from the caller and pays it into `operator`'s pool (commission to the operator). Any
    /// caller (it only gives: a removed module can still pay its claims).
    /// @dev `amount == 0` is a no-op (no event). The commission rounds down; a pool with no shares takes it all as
    /// commission. Reverts with `NotRegistered` for an unregistered operator.
    function depositReward(address operator, uint256 amount) external;

    // ─── views ─────────────────────────────────────────────────────────────────────────────────
    /// @notice The module role.
    function MODULE_ROLE() external view returns (bytes32);
    /// @notice The staked token.
    function token() external view returns (address);
    /// @notice The `ProtocolConfig` the vault reads UNBONDING_PERIOD, COMMISSION_COOLDOWN, MAX_COMMISSION_BPS and
    /// MIN_DELEGATION from (at call time: a change applies to later calls, not to existing entries).
    function config() external view returns (address);
    /// @notice A pool's accounting.
    function poolOf(address operator) external view returns (Pool memory);
    /// @notice An operator's role (None when unregistered).
    function roleOf(address operator) external view returns (Role);
    /// @notice `account`'s shares in `operator`'s pool.
    function sharesOf(address operator, address account) external view returns (uint256);
    /// @notice What `account`'s shares in `operator`'s pool are worth now.
    function assetsOf(address operator, address account) external view returns (uint256);
    /// @notice The operator's own position's worth.
    function selfStake(address operator) external view returns (uint256);
    /// @notice The pool's bonded assets not under a lock: bonded − locked.
    /// @dev locked ≤ bonded always holds: a lock needs free stake, an unbond only frees unlocked value, and a slash
    /// lowers the locked total by the whole amount while taking only the bonded part of it from bonded assets.
    function availableStake(address operator) external view returns (uint256);
    /// @notice The amount of lock (module, id, operator).
    function lockOf(address module, uint256 id, address operator) external view returns (uint256);
    /// @notice An unbonding entry.
    function unbondingEntry(uint256 entryId) external view returns (UnbondingEntry memory);
    /// @notice What an unbonding entry would pay now.
    function unbondingAssetsOf(uint256 entryId) external view returns (uint256);
    /// @notice Shares that `assets` would buy in `operator`'s pool now.
    function previewDelegate(address operator, uint256 assets) external view returns (uint256 shares);
    /// @notice Number of unbonding entries ever created (ids are 1..count).
    function unbondingCount() external view returns (uint256);
    /// @notice `account`'s pending deposit in `operator`'s pool, and whether `activate` would succeed now.
    function pendingOf(address operator, address account)
        external
        view
        returns (PendingDeposit memory deposit, bool activatable);
    /// @notice The governance clock (ERC-6372): the block timestamp.
    function clock() external view returns (uint48);
    /// @notice ERC-6372 clock description: `mode=timestamp`.
    function CLOCK_MODE() external view returns (string memory);
    /// @notice `account`'s voting power from the vault now: what its own shares in every pool are worth (self-stake and
    /// delegations count for the staker; pending deposits and unbonding entries do not).
    function getVotes(address account) external view returns (uint256);
    /// @notice `getVotes(account)` at a past `timepoint` (a timestamp strictly before now; `FutureLookup` otherwise),
    /// from checkpoints of the account's shares and of each pool's share price.
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256);
    /// @notice The pools `account` has ever held shares in (at most `MAX_POOLS_PER_ACCOUNT`).
    function poolsOf(address account) external view returns (address[] memory);
    /// @notice The commission a reward paid now would take (the scheduled increase once due, capped by the maximum).
    function effectiveCommission(address operator) external view returns (uint16);
}
