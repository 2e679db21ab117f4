// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModelLineage} from "../../contracts/interfaces/IModelLineage.sol";

/// @notice Test stand-in for the FL Alliance's lineage views until the alliance contract is on this branch: records
/// completed alliances and answers `lineageOf` and `getAlliance` with the same ABI layout as `IFLAlliance` (a dynamic
/// struct whose first field is the creator).
contract LineageAlliance is IModelLineage {
    /// @dev The head of `IFLAlliance.AllianceView`: `creator` first, and dynamic (a string), as the real one.
    struct AllianceHead {
        address creator;
        uint8 status;
        string globalCid;
    }

    mapping(uint256 id => address) private _creator;
    mapping(uint256 id => LineageSource) private _source;
    mapping(uint256 id => uint256) private _parentId;
    mapping(uint256 id => string) private _finalCid;
    mapping(uint256 id => address[]) private _contributors;
    mapping(uint256 id => uint16[]) private _sharesBps;

    /// @notice Records alliance `id` as completed with `finalCid` (or running with ""), its parent and contributors.
    function record(
        uint256 id,
        address creator,
        LineageSource source,
        uint256 parentId,
        string memory finalCid,
        address[] memory contributors,
        uint16[] memory sharesBps
    ) external {
        _creator[id] = creator;
        _source[id] = source;
        _parentId[id] = parentId;
        _finalCid[id] = finalCid;
        _contributors[id] = contributors;
        _sharesBps[id] = sharesBps;
    }

    function lineageOf(uint256 id) external view returns (Lineage memory l) {
        require(_creator[id] != address(0), "unknown alliance");
        l.source = _source[id];
        l.parentId = _parentId[id];
        l.finalModelCid = _finalCid[id];
        l.contributors = _contributors[id];
        l.sharesBps = _sharesBps[id];
        l.rewards = new uint256[](l.contributors.length);
    }

    function getAlliance(uint256 id) external view returns (AllianceHead memory h) {
        require(_creator[id] != address(0), "unknown alliance");
        h.creator = _creator[id];
        h.status = bytes(_finalCid[id]).length > 0 ? 3 : 2;
        h.globalCid = _finalCid[id];
    }
}
