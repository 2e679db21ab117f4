// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {console} from "forge-std/console.sol";

import {FlockToken} from "../../../contracts/FlockToken.sol";
import {ProtocolConfig} from "../../../contracts/ProtocolConfig.sol";
import {StakingVault} from "../../../contracts/StakingVault.sol";
import {IStakingVault} from "../../../contracts/interfaces/IStakingVault.sol";
import {ConfigKeys} from "../../../contracts/libraries/ConfigKeys.sol";
import {StakeMath} from "../../../contracts/libraries/StakeMath.sol";

/// @notice Drives the StakingVault with valid calls only (`fail_on_revert = true`): every input is bounded into its
/// valid range, and an action that is impossible in the current state is skipped and counted as such.
/// Operators are `actors[0..5]` (three training nodes, three validators); `actors[6..7]` are pure delegators.
/// A single module address does lock / unlock / slash / depositReward.
contract VaultHandler is CommonBase, StdCheats, StdUtils {
    struct ActiveLock {
        address operator;
        uint256 id;
    }

    uint256 internal constant FLOCK = 1e18;
    uint256 internal constant OPERATORS = 6;

    FlockToken internal immutable _token;
    StakingVault internal immutable _vault;
    ProtocolConfig internal immutable _config;
    address internal immutable _module;

    address[] internal _actors;
    ActiveLock[] internal _activeLocks;
    uint256 internal _nextLockId;
    uint256[] internal _entryIds;

    // ─── ghosts ────────────────────────────────────────────────────────────────────────────────
    uint256 public ghostMinted;
    uint256 public ghostBurned;
    uint256 public ghostSlashed;
    /// @notice set if a lock was ever taken above the pool's bonded − locked at that time
    bool public ghostLockAboveStake;
    /// @notice set if a slash ever returned more than the lock it came from held
    bool public ghostSlashAboveLock;
    mapping(uint256 entryId => uint256) public ghostWithdrawals;
    mapping(address operator => uint256) public ghostLocked;
    /// @notice the handler's own lock ids outstanding on the entry's pool when the entry was created
    mapping(uint256 entryId => uint256[]) internal _entryLocks;
    /// @notice set if an entry was ever withdrawn while a lock outstanding at its creation was still active
    bool public ghostWithdrawnUnderLock;
    /// @notice attempts to withdraw an entry still held by a lock (each one reverted with UnbondingLocked)
    uint256 public ghostLockedWithdrawRefused;
    /// @notice set if a lock, unlock or slash ever changed a pending deposit (or the pool's pending total)
    bool public ghostPendingTouched;
    /// @notice set if `cancelPending` ever returned other than the pending amount it showed
    bool public ghostPendingMispaid;
    /// @notice deposits that waited as pending (a lock was outstanding)
    uint256 public ghostPendingDeposits;
    /// @notice unbonding entries created while a lock was outstanding (lockMark != 0)
    uint256 public ghostEntriesUnderLock;

    // ─── call counters ─────────────────────────────────────────────────────────────────────────
    string[] internal _names;
    mapping(string => uint256) internal _calls;
    mapping(string => uint256) internal _skips;

    constructor(
        FlockToken token_,
        StakingVault vault_,
        ProtocolConfig config_,
        address module_,
        address[] memory actors_
    ) {
        _token = token_;
        _vault = vault_;
        _config = config_;
        _module = module_;
        _actors = actors_;
        for (uint256 i; i < actors_.length; ++i) {
            vm.prank(actors_[i]);
            token_.approve(address(vault_), type(uint256).max);
        }
        vm.prank(module_);
        token_.approve(address(vault_), type(uint256).max);
    }

    modifier counted(string memory name) {
        if (_calls[name] == 0 && _skips[name] == 0) _names.push(name);
        _;
    }

    // ─── operators and delegators ──────────────────────────────────────────────────────────────

    function register(uint256 opSeed, bool validator, uint256 bps) external counted("register") {
        address op = _operator(opSeed);
        if (_vault.roleOf(op) != IStakingVault.Role.None) return _skip("register");
        bps = _bound(bps, 0, _config.get(ConfigKeys.MAX_COMMISSION_BPS));
        IStakingVault.Role role = validator ? IStakingVault.Role.Validator : IStakingVault.Role.TrainingNode;
        vm.prank(op);
        // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
        _vault.register(role, uint16(bps));
        _hit("register");
    }

    function stake(uint256 opSeed, uint256 assets) external counted("stake") {
        address op = _operator(opSeed);
        if (_vault.roleOf(op) == IStakingVault.Role.None) {
            // an unregistered operator registers first (as a training node for even seeds, a validator for odd)
            vm.prank(op);
            _vault.register(
                opSeed % 2 == 0 ? IStakingVault.Role.TrainingNode : IStakingVault.Role.Validator, 0
            );
        }
        assets = _depositAmount(op, assets);
        if (assets == 0) return _skip("stake");
        _mint(op, assets);
        vm.prank(op);
        if (_vault.stake(assets) == 0) ++ghostPendingDeposits;
        _hit("stake");
    }

    function delegate(uint256 actorSeed, uint256 opSeed, uint256 assets) external counted("delegate") {
        address account = _actor(actorSeed);
        address op = _registeredOperator(opSeed);
        assets = _depositAmount(op, assets);
        if (assets == 0) return _skip("delegate");
        _mint(account, assets + assets / 10); // the change stays in the wallet (for `burn`)
        vm.prank(account);
        if (_vault.delegate(op, assets) == 0) ++ghostPendingDeposits;
        _hit("delegate");
    }

    /// @notice Takes back a pending deposit (any account, any pool that has one).
    function cancelPending(uint256 actorSeed, uint256 opSeed) external counted("cancelPending") {
        (address account, address op) = _pendingHolder(actorSeed, opSeed, false);
        if (account == address(0)) return _skip("cancelPending");
        (IStakingVault.PendingDeposit memory d,) = _vault.pendingOf(op, account);
        uint256 balance = _token.balanceOf(account);
        vm.prank(account);
        uint256 back = _vault.cancelPending(op);
        if (back != d.assets || _token.balanceOf(account) - balance != d.assets) ghostPendingMispaid = true;
        _hit("cancelPending");
    }

    /// @notice Activates a pending deposit whose locks are all released (called by a third party).
    function activate(uint256 actorSeed, uint256 opSeed) external counted("activate") {
        (address account, address op) = _pendingHolder(actorSeed, opSeed, true);
        if (account == address(0)) return _skip("activate");
        (IStakingVault.PendingDeposit memory d,) = _vault.pendingOf(op, account);
        IStakingVault.Pool memory p = _vault.poolOf(op);
        if (StakeMath.toShares(d.assets, p.bondedAssets, p.totalShares) == 0) return _skip("activate");
        _vault.activate(op, account);
        _hit("activate");
    }

    function setCommission(uint256 opSeed, uint256 bps) external counted("setCommission") {
        address op = _registeredOperator(opSeed);
        IStakingVault.Pool memory p = _vault.poolOf(op);
        uint256 readyAt = uint256(p.commissionChangedAt) + _config.get(ConfigKeys.COMMISSION_COOLDOWN);
        // forge-lint: disable-next-line(block-timestamp) the handler mirrors the vault's own cooldown check
        if (p.role == IStakingVault.Role.None || block.timestamp < readyAt) return _skip("setCommission");
        bps = _bound(bps, 0, _config.get(ConfigKeys.MAX_COMMISSION_BPS));
        vm.prank(op);
        // forge-lint: disable-next-line(unsafe-typecast) test values are bounded
        _vault.setCommission(uint16(bps));
        _hit("setCommission");
    }

    function requestUnbond(uint256 actorSeed, uint256 opSeed, uint256 shares)
        external
        counted("requestUnbond")
    {
        (address account, address op) = _holder(actorSeed, opSeed);
        uint256 owned = _vault.sharesOf(op, account);
        if (owned == 0) return _skip("requestUnbond");
        IStakingVault.Pool memory p = _vault.poolOf(op);
        // the most shares whose value fits in the unlocked stake
        uint256 available = _vault.availableStake(op);
        uint256 fitting = StakeMath.toShares(available, p.bondedAssets, p.totalShares);
        uint256 maxShares = owned < fitting ? owned : fitting;
        if (account == op && p.lockSeq > p.releasedThrough) {
            // an operator keeps MIN_OPERATOR_SELF_STAKE while a lock is outstanding (with a 2-share margin)
            uint256 keep = StakeMath.toShares(
                _config.get(ConfigKeys.MIN_OPERATOR_SELF_STAKE), p.bondedAssets, p.totalShares
            );
            uint256 free = owned > keep + 2 ? owned - keep - 2 : 0;
            if (free < maxShares) maxShares = free;
        }
        if (maxShares == 0) return _skip("requestUnbond");
        // at least ~1 FLOCK of shares (at the opening price) when possible: tiny share counts round to 0 assets
        shares = _bound(shares, maxShares < 1e21 ? maxShares : 1e21, maxShares);
        uint256 assets = StakeMath.toAssets(shares, p.bondedAssets, p.totalShares);
        if (assets == 0 || StakeMath.toShares(assets, p.unbondingAssets, p.unbondingShares) == 0) {
            return _skip("requestUnbond");
        }
        vm.prank(account);
        uint256 entryId = _vault.requestUnbond(op, shares);
        _entryIds.push(entryId);
        for (uint256 i; i < _activeLocks.length; ++i) {
            if (_activeLocks[i].operator == op) _entryLocks[entryId].push(_activeLocks[i].id);
        }
        if (_vault.unbondingEntry(entryId).lockMark != 0) ++ghostEntriesUnderLock;
        _hit("requestUnbond");
    }

    function withdraw(uint256 entrySeed, bool waitIfNeeded) external counted("withdraw") {
        if (_entryIds.length == 0) return _skip("withdraw");
        uint256 n = _entryIds.length;
        uint256 start = _bound(entrySeed, 0, n - 1);
        uint256 entryId = _entryIds[start];
        for (uint256 i = 1; i < n && !_withdrawable(entryId); ++i) {
            entryId = _entryIds[(start + i) % n];
        }
        IStakingVault.UnbondingEntry memory e = _vault.unbondingEntry(entryId);
        if (!_withdrawable(entryId)) return _skip("withdraw");
        if (block.timestamp < e.readyAt) {
            if (!waitIfNeeded) return _skip("withdraw");
            vm.warp(e.readyAt); // the boundary second itself must succeed
        }
        if (_heldByALock(entryId)) ghostWithdrawnUnderLock = true;
        vm.prank(e.account);
        _vault.withdraw(entryId);
        ++ghostWithdrawals[entryId];
        _hit("withdraw");
    }

    /// @notice Tries to withdraw an open entry that a lock outstanding at its creation still holds (waiting for
    /// `readyAt` if needed): it must revert with UnbondingLocked.
    function withdrawLocked(uint256 entrySeed) external counted("withdrawLocked") {
        uint256 n = _entryIds.length;
        if (n == 0) return _skip("withdrawLocked");
        uint256 start = _bound(entrySeed, 0, n - 1);
        uint256 entryId;
        bool found;
        for (uint256 i; i < n && !found; ++i) {
            entryId = _entryIds[(start + i) % n];
            found = !_vault.unbondingEntry(entryId).withdrawn && _heldByALock(entryId);
        }
        if (!found) return _skip("withdrawLocked");
        IStakingVault.UnbondingEntry memory e = _vault.unbondingEntry(entryId);
        if (block.timestamp < e.readyAt) vm.warp(e.readyAt);
        vm.prank(e.account);
        try _vault.withdraw(entryId) {
            ghostWithdrawnUnderLock = true;
            ++ghostWithdrawals[entryId];
        } catch (bytes memory err) {
            if (bytes4(err) != IStakingVault.UnbondingLocked.selector) ghostWithdrawnUnderLock = true;
            ++ghostLockedWithdrawRefused;
        }
        _hit("withdrawLocked");
    }

    function claimCommission(uint256 opSeed) external counted("claimCommission") {
        address op = _operator(opSeed);
        for (uint256 i; i < OPERATORS && _vault.poolOf(op).unclaimedCommission == 0; ++i) {
            op = _operator(opSeed % OPERATORS + i);
        }
        if (_vault.roleOf(op) == IStakingVault.Role.None || _vault.poolOf(op).unclaimedCommission == 0) {
            return _skip("claimCommission");
        }
        vm.prank(op);
        _vault.claimCommission(op);
        _hit("claimCommission");
    }

    function burn(uint256 actorSeed, uint256 amount) external counted("burn") {
        address account = _actor(actorSeed);
        uint256 balance = _token.balanceOf(account);
        if (balance == 0) return _skip("burn");
        amount = _bound(amount, 1, balance);
        vm.prank(account);
        _token.burn(amount);
        ghostBurned += amount;
        _hit("burn");
    }

    function warp(uint256 seconds_) external counted("warp") {
        vm.warp(block.timestamp + _bound(seconds_, 1, 10 days));
        _hit("warp");
    }

    // ─── module ────────────────────────────────────────────────────────────────────────────────

    function lock(uint256 opSeed, uint256 amount) external counted("lock") {
        address op = _operator(opSeed);
        for (uint256 i; i < OPERATORS && !_lockable(op); ++i) {
            op = _operator(opSeed % OPERATORS + i);
        }
        uint256 available = _vault.availableStake(op);
        if (!_lockable(op)) return _skip("lock");
        uint256 pendingBefore = _pendingSum(op);
        // at most half of the free stake, so that unbonding stays possible most of the time
        amount = _bound(amount, 1, available > 1 ? available / 2 : 1);
        IStakingVault.Pool memory p = _vault.poolOf(op);
        if (p.lockedAssets + amount > p.bondedAssets) ghostLockAboveStake = true;
        uint256 id = ++_nextLockId;
        vm.prank(_module);
        _vault.lock(id, op, amount);
        _activeLocks.push(ActiveLock(op, id));
        ghostLocked[op] += amount;
        if (_pendingSum(op) != pendingBefore) ghostPendingTouched = true;
        _hit("lock");
    }

    function unlock(uint256 lockSeed) external counted("unlock") {
        if (_activeLocks.length == 0) return _skip("unlock");
        uint256 i = _bound(lockSeed, 0, _activeLocks.length - 1);
        ActiveLock memory l = _activeLocks[i];
        uint256 pendingBefore = _pendingSum(l.operator);
        vm.prank(_module);
        uint256 released = _vault.unlock(l.id, l.operator);
        if (_pendingSum(l.operator) != pendingBefore) ghostPendingTouched = true;
        ghostLocked[l.operator] -= released;
        _activeLocks[i] = _activeLocks[_activeLocks.length - 1];
        _activeLocks.pop();
        _hit("unlock");
    }

    function slash(uint256 lockSeed, uint256 amount) external counted("slash") {
        if (_activeLocks.length == 0) return _skip("slash");
        ActiveLock memory l = _activeLocks[_bound(lockSeed, 0, _activeLocks.length - 1)];
        uint256 before = _vault.lockOf(_module, l.id, l.operator);
        amount = _bound(amount, 0, before);
        uint256 pendingBefore = _pendingSum(l.operator);
        vm.prank(_module);
        uint256 slashed = _vault.slash(l.id, l.operator, amount);
        if (_pendingSum(l.operator) != pendingBefore) ghostPendingTouched = true;
        if (slashed > before) ghostSlashAboveLock = true;
        ghostSlashed += slashed;
        ghostLocked[l.operator] -= slashed;
        _hit("slash");
    }

    function depositReward(uint256 opSeed, uint256 amount) external counted("depositReward") {
        address op = _registeredOperator(opSeed);
        if (_vault.roleOf(op) == IStakingVault.Role.None) return _skip("depositReward");
        amount = _bound(amount, 1, 100_000 * FLOCK);
        _mint(_module, amount);
        vm.prank(_module);
        _vault.depositReward(op, amount);
        _hit("depositReward");
    }

    // ─── views for the invariants ──────────────────────────────────────────────────────────────

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function operators() external view returns (address[] memory ops) {
        ops = new address[](OPERATORS);
        for (uint256 i; i < OPERATORS; ++i) {
            ops[i] = _actors[i];
        }
    }

    function entryIds() external view returns (uint256[] memory) {
        return _entryIds;
    }

    function activeLocks() external view returns (ActiveLock[] memory) {
        return _activeLocks;
    }

    function entryLocks(uint256 entryId) external view returns (uint256[] memory) {
        return _entryLocks[entryId];
    }

    /// @notice Whether a lock outstanding when `entryId` was created is still active (per the handler's own records).
    function heldByALock(uint256 entryId) external view returns (bool) {
        return _heldByALock(entryId);
    }

    function module() external view returns (address) {
        return _module;
    }

    function logCounts() external view {
        console.log("VaultHandler calls (done / skipped):");
        for (uint256 i; i < _names.length; ++i) {
            console.log(string.concat("  ", _names[i]), _calls[_names[i]], _skips[_names[i]]);
        }
    }

    function totalCalls() external view returns (uint256 total) {
        for (uint256 i; i < _names.length; ++i) {
            total += _calls[_names[i]];
        }
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────

    function _operator(uint256 seed) internal view returns (address) {
        return _actors[(seed % OPERATORS)];
    }

    /// @dev The first (account, operator) pair from the seeds on (wrapping) where the account holds unlocked shares.
    function _holder(uint256 actorSeed, uint256 opSeed) internal view returns (address account, address op) {
        uint256 n = _actors.length;
        for (uint256 a; a < n; ++a) {
            account = _actors[(actorSeed % n + a) % n];
            for (uint256 o; o < OPERATORS; ++o) {
                op = _operator(opSeed % OPERATORS + o);
                if (_vault.sharesOf(op, account) != 0 && _vault.availableStake(op) != 0) {
                    return (account, op);
                }
            }
        }
        return (_actor(actorSeed), _operator(opSeed));
    }

    /// @dev The first registered operator from `seed` on (wrapping), or `_operator(seed)` if none is registered.
    function _registeredOperator(uint256 seed) internal view returns (address op) {
        for (uint256 i; i < OPERATORS; ++i) {
            op = _operator(seed % OPERATORS + i);
            if (_vault.roleOf(op) != IStakingVault.Role.None) return op;
        }
        return _operator(seed);
    }

    function _heldByALock(uint256 entryId) internal view returns (bool) {
        uint256[] storage ids = _entryLocks[entryId];
        for (uint256 i; i < ids.length; ++i) {
            for (uint256 j; j < _activeLocks.length; ++j) {
                if (_activeLocks[j].id == ids[i]) return true;
            }
        }
        return false;
    }

    /// @dev Open, ready or not, and released through its lock mark.
    function _withdrawable(uint256 entryId) internal view returns (bool) {
        IStakingVault.UnbondingEntry memory e = _vault.unbondingEntry(entryId);
        return !e.withdrawn && e.lockMark <= _vault.poolOf(e.operator).releasedThrough;
    }

    /// @dev Registered, with free stake and the operator self-stake a lock requires.
    function _lockable(address op) internal view returns (bool) {
        return _vault.roleOf(op) != IStakingVault.Role.None && _vault.availableStake(op) != 0
            && _vault.selfStake(op) >= _config.get(ConfigKeys.MIN_OPERATOR_SELF_STAKE);
    }

    /// @dev The pool's pending total plus every actor's pending deposit in it.
    function _pendingSum(address op) internal view returns (uint256 sum) {
        sum = _vault.poolOf(op).pendingAssets;
        for (uint256 i; i < _actors.length; ++i) {
            (IStakingVault.PendingDeposit memory d,) = _vault.pendingOf(op, _actors[i]);
            sum += d.assets;
        }
    }

    /// @dev The first (account, operator) pair from the seeds on with a pending deposit (activatable when asked).
    function _pendingHolder(uint256 actorSeed, uint256 opSeed, bool activatable)
        internal
        view
        returns (address, address)
    {
        uint256 n = _actors.length;
        for (uint256 a; a < n; ++a) {
            address account = _actors[(actorSeed % n + a) % n];
            for (uint256 o; o < OPERATORS; ++o) {
                address op = _operator(opSeed % OPERATORS + o);
                (IStakingVault.PendingDeposit memory d, bool ok) = _vault.pendingOf(op, account);
                if (d.assets != 0 && (!activatable || ok)) return (account, op);
            }
        }
        return (address(0), address(0));
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev A valid deposit for `op`'s pool, or 0 when none is possible (unregistered, or it would mint no shares).
    function _depositAmount(address op, uint256 assets) internal view returns (uint256) {
        if (_vault.roleOf(op) == IStakingVault.Role.None) return 0;
        uint256 minimum = _config.get(ConfigKeys.MIN_DELEGATION);
        assets = _bound(assets, minimum == 0 ? 1 : minimum, 1_000_000 * FLOCK);
        if (_vault.previewDelegate(op, assets) == 0) return 0;
        return assets;
    }

    function _mint(address to, uint256 amount) internal {
        _token.mint(to, amount);
        ghostMinted += amount;
    }

    function _hit(string memory name) internal {
        ++_calls[name];
    }

    function _skip(string memory name) internal {
        ++_skips[name];
    }
}
