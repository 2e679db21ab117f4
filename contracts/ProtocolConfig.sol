// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {ConfigKeys} from "./libraries/ConfigKeys.sol";

/// @title Every tunable number of the protocol
/// @notice See `IProtocolConfig`. All keys of `ConfigKeys` are registered in the constructor with their defaults and
/// bounds; nothing can be registered later.
contract ProtocolConfig is Ownable2Step, IProtocolConfig {
    /// @dev One slot per key for the hot `get` path (value + registered flag), one for the bounds.
    struct Param {
        uint128 value;
        bool registered;
        uint128 min;
        uint128 max;
    }

    uint256 private constant _FLOCK = 1e18;
    uint256 private constant _BPS = 10_000;
    /// @dev A task's life is four windows; UNBONDING_PERIOD must outlast it (checked both ways).
    uint256 private constant _TASK_WINDOWS = 4;

    mapping(bytes32 key => Param) private _params;
    mapping(bytes32 key => string) private _names;
    bytes32[] private _keys;
    address private _treasury;

    /// @param owner_ the governance timelock in production, the deployer on a devnet
    /// @param treasury_ where protocol fees and the treasury share of slashes go
    constructor(address owner_, address treasury_) Ownable(owner_) {
        if (treasury_ == address(0)) revert ZeroAddress();
        _treasury = treasury_;
        emit TreasurySet(address(0), treasury_);
        _registerStaking();
        _registerArenaEconomics();
        _registerArenaWindows();
        _registerArenaConsensus();
        _registerMarketplace();
        _registerAlliance();
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IProtocolConfig
    function get(bytes32 key) public view returns (uint256) {
        Param storage p = _params[key];
        if (!p.registered) revert UnknownParameter(key);
        return p.value;
    }

    /// @inheritdoc IProtocolConfig
    function getMany(bytes32[] calldata keys_) external view returns (uint256[] memory values) {
        values = new uint256[](keys_.length);
        for (uint256 i; i < keys_.length; ++i) {
            values[i] = get(keys_[i]);
        }
    }

    /// @inheritdoc IProtocolConfig
    function bounds(bytes32 key) external view returns (uint256 min, uint256 max) {
        Param storage p = _params[key];
        if (!p.registered) revert UnknownParameter(key);
        return (p.min, p.max);
    }

    /// @inheritdoc IProtocolConfig
    function keys() external view returns (bytes32[] memory) {
        return _keys;
    }

    /// @inheritdoc IProtocolConfig
    function nameOf(bytes32 key) external view returns (string memory) {
        if (!_params[key].registered) revert UnknownParameter(key);
        return _names[key];
    }

    /// @inheritdoc IProtocolConfig
    function treasury() external view returns (address) {
        return _treasury;
    }

    // ─── owner ─────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IProtocolConfig
    function set(bytes32 key, uint256 value) external onlyOwner {
        Param storage p = _params[key];
        if (!p.registered) revert UnknownParameter(key);
        if (value < p.min || value > p.max) revert ParameterOutOfBounds(key, value, p.min, p.max);
        _checkConsistency(key, value);
        uint256 oldValue = p.value;
        p.value = SafeCast.toUint128(value); // ≤ p.max, a uint128: never reverts

        emit ParameterSet(key, _names[key], oldValue, value);
    }

    /// @inheritdoc IProtocolConfig
    function setTreasury(address newTreasury) external onlyOwner {
        if (newTreasury == address(0)) revert ZeroAddress();
        address oldTreasury = _treasury;
        _treasury = newTreasury;
        emit TreasurySet(oldTreasury, newTreasury);
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────

    /// @dev Reverts with `InconsistentParameters` when `key = value` would break a rule between two keys.
    function _checkConsistency(bytes32 key, uint256 value) private view {
        bool ok = true;
        if (key == ConfigKeys.PROTOCOL_FEE_BPS) {
            ok = value + _params[ConfigKeys.KEEPER_BOUNTY_BPS].value <= _BPS;
        } else if (key == ConfigKeys.KEEPER_BOUNTY_BPS) {
            ok = value + _params[ConfigKeys.PROTOCOL_FEE_BPS].value <= _BPS;
        } else if (key == ConfigKeys.VALIDATOR_TOLERANCE) {
            ok = value <= _params[ConfigKeys.SLASH_TOLERANCE].value;
        } else if (key == ConfigKeys.SLASH_TOLERANCE) {
            ok = value >= _params[ConfigKeys.VALIDATOR_TOLERANCE].value;
        } else if (key == ConfigKeys.MIN_WINDOW) {
            ok = value <= _params[ConfigKeys.MAX_WINDOW].value;
        } else if (key == ConfigKeys.MIN_VALIDATOR_STAKE) {
            ok = value <= _params[ConfigKeys.VALIDATOR_LOCK_CAP].value;
        } else if (key == ConfigKeys.VALIDATOR_LOCK_CAP) {
            ok = value >= _params[ConfigKeys.MIN_VALIDATOR_STAKE].value;
        } else if (key == ConfigKeys.MIN_SUBMISSIONS) {
            ok = value <= _params[ConfigKeys.MAX_SUBMISSIONS].value;
        } else if (key == ConfigKeys.MAX_SUBMISSIONS) {
            ok = value >= _params[ConfigKeys.MIN_SUBMISSIONS].value;
        } else if (key == ConfigKeys.MIN_REVEALS) {
            ok = value <= _params[ConfigKeys.MAX_VALIDATORS].value;
        } else if (key == ConfigKeys.MAX_VALIDATORS) {
            ok = value >= _params[ConfigKeys.MIN_REVEALS].value;
        } else if (key == ConfigKeys.NON_REVEAL_SLASH_BPS) {
            ok = value >= _params[ConfigKeys.DEVIATION_SLASH_BPS].value;
        } else if (key == ConfigKeys.DEVIATION_SLASH_BPS) {
            ok = value <= _params[ConfigKeys.NON_REVEAL_SLASH_BPS].value;
        } else if (key == ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS) {
            ok = value >= _params[ConfigKeys.SPAM_SLASH_BPS].value;
        } else if (key == ConfigKeys.SPAM_SLASH_BPS) {
            ok = value <= _params[ConfigKeys.TRAINER_NON_REVEAL_SLASH_BPS].value;
        } else if (key == ConfigKeys.UNBONDING_PERIOD) {
            ok = value >= _TASK_WINDOWS * _params[ConfigKeys.MAX_WINDOW].value;
        } else if (key == ConfigKeys.MAX_WINDOW) {
            ok = value >= _params[ConfigKeys.MIN_WINDOW].value
                && _TASK_WINDOWS * value <= _params[ConfigKeys.UNBONDING_PERIOD].value;
        } else {
            ok = _allianceConsistent(key, value);
        }
        if (!ok) revert InconsistentParameters(key, value);
    }

    function _register(string memory name, uint256 value, uint256 min, uint256 max) private {
        bytes32 key = keccak256(bytes(name));
        if (_params[key].registered || min > max || max > type(uint128).max || value < min || value > max) {
            revert InvalidParameterDefinition(key);
        }
        // all three ≤ max ≤ type(uint128).max, checked above
        _params[key] = Param({
            value: SafeCast.toUint128(value),
            registered: true,
            min: SafeCast.toUint128(min),
            max: SafeCast.toUint128(max)
        });
        _names[key] = name;
        _keys.push(key);
        emit ParameterRegistered(key, name, value, min, max);
    }

    function _registerStaking() private {
        _register("UNBONDING_PERIOD", 21 days, 1 hours, 90 days);
        _register("COMMISSION_COOLDOWN", 1 days, 0, 30 days);
        _register("MAX_COMMISSION_BPS", 5000, 0, _BPS);
        _register("MIN_DELEGATION", 1 * _FLOCK, 0, 1e6 * _FLOCK);
        _register("MIN_OPERATOR_SELF_STAKE", 100 * _FLOCK, 0, 1e8 * _FLOCK);
    }

    function _registerArenaEconomics() private {
        _register("MIN_TRAINER_STAKE", 1000 * _FLOCK, 1 * _FLOCK, 1e8 * _FLOCK);
        _register("MIN_VALIDATOR_STAKE", 3000 * _FLOCK, 1 * _FLOCK, 1e8 * _FLOCK);
        _register("VALIDATOR_LOCK_CAP", 1_000_000 * _FLOCK, 1 * _FLOCK, 1e9 * _FLOCK);
        _register("TASK_CREATION_FEE", 10 * _FLOCK, 0, 1e6 * _FLOCK);
        _register("CREATOR_BOND", 100 * _FLOCK, 0, 1e7 * _FLOCK);
        _register("CREATOR_BOND_BPS", 1000, 0, _BPS);
        _register("MIN_REWARD_POOL", 100 * _FLOCK, 0, 1e9 * _FLOCK);
        _register("PROTOCOL_FEE_BPS", 500, 0, 2000);
        _register("KEEPER_BOUNTY_BPS", 50, 0, 500);
        _register("VALIDATOR_SHARE_BPS", 3000, 0, _BPS);
        _register("SLASH_TREASURY_BPS", 1000, 0, _BPS);
    }

    function _registerArenaWindows() private {
        _register("MIN_WINDOW", 60, 2, 30 days);
        _register("MAX_WINDOW", 5 days, 1 hours, 365 days);
        _register("MAX_SUBMISSIONS", 256, 1, 256);
        _register("MAX_VALIDATORS", 64, 1, 64);
        _register("MIN_SUBMISSIONS", 2, 1, 256);
        _register("MIN_REVEALS", 3, 1, 64);
        _register("MIN_REVEALED_STAKE", 10_000 * _FLOCK, 0, 1e9 * _FLOCK);
    }

    function _registerArenaConsensus() private {
        _register("VALIDATOR_TOLERANCE", 1000, 0, _BPS);
        _register("SLASH_TOLERANCE", 2000, 0, _BPS);
        _register("DEVIATION_SLASH_BPS", 1000, 0, _BPS);
        _register("MAX_SCORE_DEVIATION", 2500, 0, 10_000);
        _register("NON_REVEAL_SLASH_BPS", 1000, 0, _BPS);
        _register("SPAM_SLASH_BPS", 500, 0, _BPS);
        _register("TRAINER_NON_REVEAL_SLASH_BPS", 1000, 0, _BPS);
        _register("RANK_DECAY_BPS", 5000, 1, _BPS);
    }

    function _registerMarketplace() private {
        _register("MARKET_FEE_BPS", 500, 0, 2000);
        _register("MARKET_CREATOR_BPS", 1000, 0, 5000);
        _register("MARKET_VALIDATOR_BPS", 2000, 0, 5000);
        _register("MARKET_ROYALTY_BPS", 1000, 0, 5000);
        _register("MARKET_MAX_LINEAGE_DEPTH", 3, 0, 4);
        _register("MARKET_TERMS_DELAY", 1 days, 0, 30 days);
    }

    function _registerAlliance() private {
        _register("FL_MIN_STAKE", 1000 * _FLOCK, 1 * _FLOCK, 1e8 * _FLOCK);
        _register("FL_LOCK_CAP", 100_000 * _FLOCK, 1 * _FLOCK, 1e9 * _FLOCK);
        _register("FL_MAX_PARTICIPANTS", 64, 2, 64);
        _register("FL_MAX_PROPOSERS", 16, 1, 31);
        _register("FL_MAX_ROUNDS", 100, 1, 1000);
        _register("FL_PROPOSER_SHARE_BPS", 7000, 0, _BPS);
        _register("FL_EXCLUSION_RATIO_BPS", 6000, 0, _BPS);
        _register("FL_POISON_SLASH_BPS", 2000, 0, _BPS);
        _register("FL_NON_REVEAL_SLASH_BPS", 500, 0, _BPS);
        _register("FL_DEVIATION_SLASH_BPS", 1000, 0, _BPS);
        _register("FL_MINORITY_SLASH_BPS", 0, 0, _BPS);
        _register("FL_VOTER_TOLERANCE", 1000, 0, _BPS);
        _register("FL_SLASH_TOLERANCE", 2500, 0, _BPS);
    }

    /// @dev The FL Alliance's rules between keys: FL_MIN_STAKE ≤ FL_LOCK_CAP, FL_VOTER_TOLERANCE ≤ FL_SLASH_TOLERANCE,
    /// FL_MAX_PROPOSERS < FL_MAX_PARTICIPANTS (a round needs a voter). True for every other key.
    function _allianceConsistent(bytes32 key, uint256 value) private view returns (bool) {
        if (key == ConfigKeys.FL_MIN_STAKE) return value <= _params[ConfigKeys.FL_LOCK_CAP].value;
        if (key == ConfigKeys.FL_LOCK_CAP) return value >= _params[ConfigKeys.FL_MIN_STAKE].value;
        if (key == ConfigKeys.FL_VOTER_TOLERANCE) {
            return value <= _params[ConfigKeys.FL_SLASH_TOLERANCE].value;
        }
        if (key == ConfigKeys.FL_SLASH_TOLERANCE) {
            return value >= _params[ConfigKeys.FL_VOTER_TOLERANCE].value;
        }
        if (key == ConfigKeys.FL_MAX_PROPOSERS) return value < _params[ConfigKeys.FL_MAX_PARTICIPANTS].value;
        if (key == ConfigKeys.FL_MAX_PARTICIPANTS) return value > _params[ConfigKeys.FL_MAX_PROPOSERS].value;
        return true;
    }
}
