// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Every tunable number of the protocol
/// @notice A key → value store with per-key bounds (keys are listed in `ConfigKeys`), plus the treasury address.
/// Owned by the governance timelock; every change emits `ParameterSet` with the old and new value so the indexer keeps
/// the history. Modules read values when an object is created (a task snapshots its parameters at creation), so a
/// change never alters the rules of something already running.
/// @dev Warning: the owner (the timelock) is trusted to pick sane values within the bounds; the bounds themselves are
/// fixed at deployment and guard only against nonsense (a fee above 100%, a window of zero).
interface IProtocolConfig {
    /// @notice The key was never registered.
    error UnknownParameter(bytes32 key);
    /// @notice The value is outside the key's bounds.
    error ParameterOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);
    /// @notice A key was registered twice, or with min > max.
    error InvalidParameterDefinition(bytes32 key);
    /// @notice The zero address where an address is needed.
    error ZeroAddress();
    /// @notice The value would break a rule between keys: PROTOCOL_FEE_BPS + KEEPER_BOUNTY_BPS ≤ 10000,
    /// VALIDATOR_TOLERANCE ≤ SLASH_TOLERANCE, MIN_WINDOW ≤ MAX_WINDOW, MIN_VALIDATOR_STAKE ≤ VALIDATOR_LOCK_CAP,
    /// FL_MIN_STAKE ≤ FL_LOCK_CAP, FL_VOTER_TOLERANCE ≤ FL_SLASH_TOLERANCE, FL_MAX_PROPOSERS < FL_MAX_PARTICIPANTS.
    error InconsistentParameters(bytes32 key, uint256 value);

    /// @notice A parameter was registered (at deployment), with its bounds and first value.
    /// @param key keccak256 of `name`
    /// @param name the human-readable name, e.g. "PROTOCOL_FEE_BPS"
    /// @param value the initial value
    /// @param min the smallest allowed value
    /// @param max the largest allowed value
    event ParameterRegistered(bytes32 indexed key, string name, uint256 value, uint256 min, uint256 max);
    /// @notice A parameter changed.
    /// @param key the parameter
    /// @param name its name
    /// @param oldValue the value before
    /// @param newValue the value now in force
    event ParameterSet(bytes32 indexed key, string name, uint256 oldValue, uint256 newValue);
    /// @notice The treasury address changed.
    event TreasurySet(address indexed oldTreasury, address indexed newTreasury);

    /// @notice The value of `key`; reverts with `UnknownParameter` for an unregistered key.
    function get(bytes32 key) external view returns (uint256);

    /// @notice The values of several keys at once (same order).
    function getMany(bytes32[] calldata keys) external view returns (uint256[] memory values);

    /// @notice The bounds of `key`.
    function bounds(bytes32 key) external view returns (uint256 min, uint256 max);

    /// @notice Every registered key, in registration order.
    function keys() external view returns (bytes32[] memory);

    /// @notice The name a key was registered with.
    function nameOf(bytes32 key) external view returns (string memory);

    /// @notice Sets `key` to `value` (owner only), within bounds.
    function set(bytes32 key, uint256 value) external;

    /// @notice Where protocol fees and the treasury share of slashes go.
    function treasury() external view returns (address);

    /// @notice Sets the treasury (owner only).
    function setTreasury(address newTreasury) external;
}
