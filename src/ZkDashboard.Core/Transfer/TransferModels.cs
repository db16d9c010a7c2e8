using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>The file formats export writes and import reads.</summary>
public enum TransferFormat
{
    /// <summary>ZkDashboard's own export document (one JSON object with a flat, sorted <c>nodes</c> array).</summary>
    ZkDashboard,
    /// <summary>ZooNavigator's export JSON (a list of <c>{"h": node, "t": [children]}</c> trees; data always base64).</summary>
    ZooNavigator,
}

/// <summary>
/// One node as export writes it and import and compare read it. <see cref="RelativePath"/> is relative to the
/// export root: <c>""</c> for the root itself, <c>"/a/b"</c> below it.
/// </summary>
/// <param name="RelativePath">Path below the root ("" for the root).</param>
/// <param name="Data">The data (empty when <see cref="DataMasked"/> or <see cref="Hidden"/>).</param>
/// <param name="Acl">The ACL (null when unknown: hidden nodes, or a format without ACLs).</param>
/// <param name="Mode">Creation mode where known (ephemeral from the stat; container and TTL from the dashboard's created-node registry).</param>
/// <param name="TtlMs">TTL for TTL modes, else 0.</param>
/// <param name="Version">The data version at export time (null when the file does not say).</param>
/// <param name="AclVersion">The ACL version at export time (null when the file does not say).</param>
/// <param name="Stat">The full stat, when the export included stats.</param>
public sealed record TransferNode(string RelativePath, byte[] Data, IReadOnlyList<Acl>? Acl, CreateMode Mode, long TtlMs, int? Version, int? AclVersion, Stat? Stat)
{
    /// <summary>The data is hidden by a sensitive-data mask: it was not exported and is neither compared nor written.</summary>
    public bool DataMasked { get; init; }

    /// <summary>The exporting user could only browse this node (on the way to readable nodes below): name only.</summary>
    public bool Hidden { get; init; }

    /// <summary>The node was ephemeral when exported (import creates it as a persistent node).</summary>
    public bool Ephemeral => Mode.IsEphemeral();
}

/// <summary>What to export.</summary>
/// <param name="Ensemble">Ensemble.</param>
/// <param name="Path">Subtree root.</param>
/// <param name="Format">File format.</param>
/// <param name="IncludeStats">Write every node's full stat.</param>
/// <param name="Gzip">Compress the document with gzip (ZooNavigator reads gzip too).</param>
public sealed record ExportRequest(string Ensemble, string Path, TransferFormat Format = TransferFormat.ZkDashboard, bool IncludeStats = false, bool Gzip = false)
{
    /// <summary>A file name for the download: <c>main_configs_app.zkd.json.gz</c>.</summary>
    public string FileName
    {
        get
        {
            var name = Ensemble + (Path == "/" ? "_root" : Path.Replace('/', '_'));
            var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
            return safe + (Format == TransferFormat.ZooNavigator ? ".zoonavigator.json" : ".zkd.json") + (Gzip ? ".gz" : "");
        }
    }
}

/// <summary>What an export wrote.</summary>
/// <param name="Nodes">Nodes written with their data and ACL.</param>
/// <param name="Hidden">Nodes written by name only (the user may only browse them).</param>
/// <param name="Masked">Nodes written without data (sensitive-data mask).</param>
/// <param name="Omitted">Subtrees left out because the user may not see anything in them (counted by their top node).</param>
/// <param name="Bytes">Bytes written (after compression).</param>
public sealed record ExportSummary(long Nodes, long Hidden, long Masked, long Omitted, long Bytes)
{
    /// <summary>One sentence for people.</summary>
    public string Describe(string ensemble, string path)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Exported {Nodes:N0} node(s) of {ensemble}:{path}")
            + (Masked > 0 ? $", {Masked:N0} without data (sensitive-data mask)" : "")
            + (Hidden > 0 ? $", {Hidden:N0} by name only" : "")
            + (Omitted > 0 ? $", {Omitted:N0} subtree(s) left out (not readable)" : "")
            + ".";
}

/// <summary>A parsed import file.</summary>
/// <param name="Format">What the file was.</param>
/// <param name="SourceEnsemble">The ensemble it was exported from (null when the file does not say).</param>
/// <param name="SourceRoot">The root it was exported from.</param>
/// <param name="Nodes">The nodes, sorted by <see cref="TransferPaths.Compare"/> (parents before children).</param>
/// <param name="HasVersions">The file gives data versions (conflict detection possible).</param>
public sealed record TransferDocument(TransferFormat Format, string? SourceEnsemble, string SourceRoot, IReadOnlyList<TransferNode> Nodes, bool HasVersions)
{
    /// <summary>The uploaded file's name, for messages.</summary>
    public string? FileName { get; init; }
}

/// <summary>What import does with target nodes the file does not have.</summary>
public enum ImportMode
{
    /// <summary>Create and update; nodes that are only in the target stay.</summary>
    Merge,
    /// <summary>Make the target equal to the file: nodes only in the target are deleted (needs delete rights).</summary>
    Mirror,
}

/// <summary>When import reports conflicts (the target node changed since the export).</summary>
public enum ConflictCheck
{
    /// <summary>When the file comes from the same ensemble and root as the target (a restore).</summary>
    Auto,
    /// <summary>Always (when the file gives versions).</summary>
    On,
    /// <summary>Never.</summary>
    Off,
}

/// <summary>Where and how to import.</summary>
/// <param name="Ensemble">Target ensemble.</param>
/// <param name="Path">Target root: the file's root maps here.</param>
/// <param name="Mode">Merge or mirror.</param>
/// <param name="Conflicts">When to check versions.</param>
/// <param name="OverwriteConflicts">Apply conflicting nodes anyway (at the version read in the dry run).</param>
/// <param name="Reason">The person's reason, for the audit log.</param>
public sealed record ImportRequest(string Ensemble, string Path, ImportMode Mode = ImportMode.Merge, ConflictCheck Conflicts = ConflictCheck.Auto,
    bool OverwriteConflicts = false, string? Reason = null);

/// <summary>What an import (or a compare's apply) would do to one node.</summary>
public enum PlanAction
{
    /// <summary>Nothing: the node is equal.</summary>
    Unchanged,
    /// <summary>Create the node.</summary>
    Create,
    /// <summary>Set the node's data (maybe its ACL too).</summary>
    Update,
    /// <summary>Set only the ACL.</summary>
    AclChange,
    /// <summary>Delete the node (mirror mode; only-right nodes in a compare apply).</summary>
    Delete,
    /// <summary>The node changed since the export; not written unless conflicts are overwritten.</summary>
    Conflict,
    /// <summary>The access policy refuses the write here; not written.</summary>
    Denied,
}

/// <summary>One node of an import plan.</summary>
/// <param name="Path">Target path.</param>
/// <param name="Action">What happens.</param>
/// <param name="DataBefore">Target data now (update, conflict, delete).</param>
/// <param name="DataAfter">Data to write (create, update, conflict).</param>
/// <param name="AclBefore">Target ACL now.</param>
/// <param name="AclAfter">ACL to write (null: keep).</param>
/// <param name="Mode">Mode for a create.</param>
/// <param name="TtlMs">TTL for a create.</param>
/// <param name="ExpectedVersion">The target's data version now (writes are conditional on it).</param>
/// <param name="ExpectedAclVersion">The target's ACL version now.</param>
/// <param name="Note">Why (conflict, denial, ephemeral created as persistent, masked data kept).</param>
public sealed record PlanEntry(string Path, PlanAction Action, byte[]? DataBefore, byte[]? DataAfter, IReadOnlyList<Acl>? AclBefore, IReadOnlyList<Acl>? AclAfter,
    CreateMode Mode, long TtlMs, int ExpectedVersion, int ExpectedAclVersion, string? Note)
{
    /// <summary>The data changes (update, conflict).</summary>
    public bool DataChanges => DataAfter is not null && (DataBefore is null || !DataAfter.AsSpan().SequenceEqual(DataBefore));

    /// <summary>The ACL changes.</summary>
    public bool AclChanges => AclAfter is not null && (AclBefore is null || !TransferAcl.Equal(AclBefore, AclAfter));

    /// <summary>The apply writes data (create or setData).</summary>
    public bool WritesData => Action == PlanAction.Create || (Action is PlanAction.Update or PlanAction.Conflict && DataChanges);
}

/// <summary>Counts of a plan.</summary>
public sealed record PlanCounts(long Create, long Update, long AclChange, long Delete, long Conflict, long Denied, long Unchanged)
{
    /// <summary>Writes the plan would make.</summary>
    public long Writes => Create + Update + AclChange + Delete;

    /// <summary>"3 create, 1 update, …".</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Create:N0} create, {Update:N0} update, {AclChange:N0} ACL change, {Delete:N0} delete, {Conflict:N0} conflict, {Denied:N0} denied, {Unchanged:N0} unchanged");
}

/// <summary>The dry run of an import: what would be written, node by node. Apply it with <see cref="ITransferService.StartImport"/>.</summary>
/// <param name="Request">Where to.</param>
/// <param name="Entries">Every node of the file and (mirror) of the target, in path order.</param>
/// <param name="Counts">Counts per action.</param>
/// <param name="ConflictsChecked">Whether versions were compared.</param>
/// <param name="Source">The file's description.</param>
public sealed record ImportPlan(ImportRequest Request, IReadOnlyList<PlanEntry> Entries, PlanCounts Counts, bool ConflictsChecked, string Source)
{
    /// <summary>The acting user who made the plan (the apply must be by the same user).</summary>
    public string PlannedBy { get; init; } = "";

    /// <summary>True for a compare's "apply selected to the right" (audited as CompareApply).</summary>
    public bool IsCompareApply { get; init; }

    /// <summary>One sentence.</summary>
    public string Summary => IsCompareApply ? $"Apply {Source} to {Request.Ensemble}:{Request.Path}: {Counts}. Nothing was written yet." : $"Dry run of importing {Source} into {Request.Ensemble}:{Request.Path} ({Request.Mode}): {Counts}. Nothing was written.";
}

/// <summary>The truthful result of applying a plan.</summary>
/// <param name="Total">Writes planned.</param>
/// <param name="Created">Nodes created.</param>
/// <param name="Updated">Data written.</param>
/// <param name="AclChanged">ACLs written.</param>
/// <param name="Deleted">Nodes deleted.</param>
/// <param name="Failures">Writes that failed, "path: why" (nothing was changed by them).</param>
/// <param name="Unknown">Writes whose outcome could not be told, even after a re-read.</param>
/// <param name="NotAttempted">Writes not attempted (cancelled, or skipped: conflicts, denied).</param>
/// <param name="Cancelled">Stopped by the user.</param>
public sealed record ApplyResult(long Total, long Created, long Updated, long AclChanged, long Deleted, IReadOnlyList<string> Failures, IReadOnlyList<string> Unknown,
    long NotAttempted, bool Cancelled)
{
    /// <summary>Writes done.</summary>
    public long Done => Created + Updated + AclChanged + Deleted;

    /// <summary>Everything planned was done.</summary>
    public bool Completed => !Cancelled && Failures.Count == 0 && Unknown.Count == 0 && Done == Total;

    /// <summary>One sentence.</summary>
    public string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{(Completed ? "Done" : Cancelled ? "Cancelled" : "Incomplete")}: {Done:N0} of {Total:N0} write(s) ({Created:N0} created, {Updated:N0} updated, {AclChanged:N0} ACL changed, {Deleted:N0} deleted)")
        + (Failures.Count > 0 ? $"; {Failures.Count:N0} failed (first: {Failures[0]})" : "")
        + (Unknown.Count > 0 ? $"; {Unknown.Count:N0} with an unknown outcome (first: {Unknown[0]}) — check them" : "")
        + (NotAttempted > 0 ? $"; {NotAttempted:N0} not attempted" : "")
        + ".";
}

/// <summary>One side of a compare.</summary>
/// <param name="Ensemble">Ensemble (null when <see cref="File"/> is given).</param>
/// <param name="Path">Subtree root in the ensemble.</param>
/// <param name="File">An export file instead of an ensemble.</param>
public sealed record CompareSide(string? Ensemble, string Path, TransferDocument? File = null)
{
    /// <summary>"main:/configs" or "file x.json".</summary>
    public string Label => File is { } f ? $"file {f.FileName ?? "(upload)"} ({f.SourceEnsemble ?? "?"}:{f.SourceRoot})" : $"{Ensemble}:{Path}";
}

/// <summary>How two nodes of a compare relate.</summary>
public enum CompareKind
{
    /// <summary>Only on the left.</summary>
    OnlyLeft,
    /// <summary>Only on the right.</summary>
    OnlyRight,
    /// <summary>On both, with different data or ACL.</summary>
    Different,
}

/// <summary>One difference.</summary>
/// <param name="RelativePath">Below both roots ("" for the roots).</param>
/// <param name="Kind">What differs.</param>
/// <param name="DataDiffers">Data differs (both sides).</param>
/// <param name="AclDiffers">ACL differs (both sides).</param>
/// <param name="Left">The left node (null for only-right).</param>
/// <param name="Right">The right node (null for only-left).</param>
public sealed record CompareEntry(string RelativePath, CompareKind Kind, bool DataDiffers, bool AclDiffers, TransferNode? Left, TransferNode? Right);

/// <summary>The result of a compare.</summary>
/// <param name="Left">Left side.</param>
/// <param name="Right">Right side (apply writes here).</param>
/// <param name="Entries">The differences, in path order.</param>
/// <param name="LeftNodes">Nodes read on the left.</param>
/// <param name="RightNodes">Nodes read on the right.</param>
/// <param name="Identical">Nodes equal on both sides.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record CompareResult(CompareSide Left, CompareSide Right, IReadOnlyList<CompareEntry> Entries, long LeftNodes, long RightNodes, long Identical, TimeSpan Elapsed)
{
    /// <summary>Only-left count.</summary>
    public int OnlyLeft => Entries.Count(e => e.Kind == CompareKind.OnlyLeft);
    /// <summary>Only-right count.</summary>
    public int OnlyRight => Entries.Count(e => e.Kind == CompareKind.OnlyRight);
    /// <summary>Different count.</summary>
    public int Different => Entries.Count(e => e.Kind == CompareKind.Different);

    /// <summary>One sentence.</summary>
    public string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Left.Label} vs {Right.Label}: {OnlyLeft:N0} only left, {OnlyRight:N0} only right, {Different:N0} different, {Identical:N0} identical ({LeftNodes:N0} vs {RightNodes:N0} nodes, {Elapsed.TotalSeconds:0.0} s).");
}

/// <summary>
/// An import file is malformed: where (line and byte position, 1-based) and which field, and what is wrong.
/// Nothing was written.
/// </summary>
public sealed class TransferFormatException(string message, long line, long position, string? field)
    : Exception(Format(message, line, position, field))
{
    /// <summary>1-based line (0 when unknown).</summary>
    public long Line { get; } = line;
    /// <summary>1-based byte position in the line.</summary>
    public long Position { get; } = position;
    /// <summary>The field, e.g. <c>nodes[3].data</c>.</summary>
    public string? Field { get; } = field;
    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; } = message;

    private static string Format(string message, long line, long position, string? field)
        => (line > 0 ? $"Line {line}, position {position}" : "The file") + (field is null ? "" : $", field {field}") + $": {message} Nothing was imported; fix the file and try again.";
}
