// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The lineage view of the FL Alliance, as the marketplace reads it
/// @notice The subset of `IFLAlliance` the `ModelMarketplace` needs to list an alliance's final model and pay its
/// lineage: `lineageOf` (ABI-identical to `IFLAlliance.lineageOf`) and `getAlliance`, of which only the first field
/// (`creator`) is read. Kept here so the marketplace builds and is tested without the alliance's sources.
/// @dev Warning: the marketplace trusts the alliance contract set by governance (`setAlliance`) for the contributor
/// list and shares of a completed alliance, as it trusts `ArenaTasks` for a settled task's ranks and judgements.
interface IModelLineage {
    /// @notice Where an alliance's starting model came from (same values as `IFLAlliance.Source`).
    enum LineageSource {
        Cid,
        ArenaTask,
        Alliance
    }

    /// @notice The lineage of a completed alliance's final model (same layout as `IFLAlliance.Lineage`).
    /// @param source where the starting model came from
    /// @param parentId the Arena task or alliance the starting model came from (0 for a given CID)
    /// @param parentCid the starting model
    /// @param parentContributor the Arena task's winning training node (`ArenaTask`); zero otherwise
    /// @param finalModelCid the final global model ("" until the alliance completed)
    /// @param contributors the participants that earned proposer rewards
    /// @param sharesBps each contributor's share (sums to 10000; empty when nobody earned)
    /// @param rewards each contributor's proposer rewards in FLOCK base units
    struct Lineage {
        LineageSource source;
        uint256 parentId;
        string parentCid;
        address parentContributor;
        string finalModelCid;
        address[] contributors;
        uint16[] sharesBps;
        uint256[] rewards;
    }

    /// @notice The lineage of alliance `allianceId` (`finalModelCid` is empty until it completed).
    function lineageOf(uint256 allianceId) external view returns (Lineage memory);
}
