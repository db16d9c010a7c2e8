using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

/// <summary>A node as the node panel shows it.</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="Path">Node path.</param>
/// <param name="Data">Node data.</param>
/// <param name="Stat">Node stat (all 11 fields).</param>
/// <param name="Acl">The node's ACL, null when it could not be read.</param>
/// <param name="AclError">Why the ACL could not be read.</param>
/// <param name="CreatedHere">How the dashboard created this node (mode, TTL), when it did; null otherwise
/// (ZooKeeper does not report container or TTL modes to clients).</param>
public sealed record NodeDetails(string Ensemble, string Path, byte[] Data, Stat Stat, IReadOnlyList<Acl>? Acl, string? AclError, CreatedNodeRecord? CreatedHere)
{
    /// <summary>Why <see cref="Data"/> is empty although the node may hold data (access rules hide it); null when the data is shown.</summary>
    public string? DataHiddenReason { get; init; }

    /// <summary>True when access rules hide the data (<see cref="Data"/> is empty; the stat is real).</summary>
    public bool DataHidden => DataHiddenReason is not null;
}

/// <summary>A create request.</summary>
/// <param name="Path">Node path (for sequential modes, the prefix).</param>
/// <param name="Data">Data.</param>
/// <param name="Acl">ACL (for example <see cref="Acls.OpenUnsafe"/>).</param>
/// <param name="Mode">Create mode.</param>
/// <param name="TtlMs">Time to live in milliseconds for TTL modes (ZooKeeper needs extended types enabled).</param>
public sealed record CreateNodeRequest(string Path, ReadOnlyMemory<byte> Data, IReadOnlyList<Acl> Acl, CreateMode Mode = CreateMode.Persistent, long TtlMs = 0);

/// <summary>A finished write.</summary>
/// <param name="Path">The node written (the actual name for sequential creates).</param>
/// <param name="Stat">The node's stat after the write (null after a delete).</param>
/// <param name="ConfirmedAfterConnectionLoss">The connection was lost during the write and a re-read
/// showed that it was applied.</param>
public sealed record WriteResult(string Path, Stat? Stat, bool ConfirmedAfterConnectionLoss = false);

/// <summary>The connection was lost during a write and a re-read showed it was NOT applied. Nothing changed.</summary>
public sealed class WriteNotAppliedException(string ensemble, string path, string detail, Exception inner)
    : Exception($"The write to {path} on '{ensemble}' was not applied (the connection was lost, and a re-read shows {detail}). Nothing changed; try again.", inner)
{
    /// <summary>The node.</summary>
    public string Path { get; } = path;
}

/// <summary>
/// The connection was lost during a write and its outcome could not be determined (the ensemble is still
/// unreachable, or someone else changed the node meanwhile). Check the node before retrying.
/// </summary>
public sealed class WriteOutcomeUnknownException(string ensemble, string path, string detail, Exception inner)
    : Exception($"The outcome of the write to {path} on '{ensemble}' is unknown: {detail} Reload the node and check before retrying.", inner)
{
    /// <summary>The node.</summary>
    public string Path { get; } = path;

    /// <summary>True when the outcome is unknown because the ensemble stayed unreachable (a re-read later can settle it).</summary>
    public bool EnsembleUnreachable { get; init; }

    /// <summary>The id of the audit record of this unknown outcome (null: none stored); a later settlement links to it.</summary>
    public long? AuditId { get; set; }
}

/// <summary>ZooKeeper refused the session's credentials for a node (NoAuth), with what was used and what the node requires.</summary>
public sealed class NodeAccessDeniedException(string ensemble, string path, string operation, string credentialsUsed, IReadOnlyList<Acl>? acl, Exception inner)
    : Exception($"ZooKeeper refused to {operation} {path} on ensemble '{ensemble}' (NoAuth). The dashboard's session uses {credentialsUsed}. "
        + (acl is null ? "The node's ACL cannot be read either." : $"The node's ACL allows: {string.Join(", ", acl.Select(a => $"{a.Id.Scheme}:{a.Id.Ident} ({PermLetters(a.Perms)})"))}."), inner)
{
    /// <summary>The node.</summary>
    public string Path { get; } = path;
    /// <summary>The credentials the session used, in words.</summary>
    public string CredentialsUsed { get; } = credentialsUsed;
    /// <summary>The node's ACL, when readable.</summary>
    public IReadOnlyList<Acl>? Acl { get; } = acl;

    /// <summary>Permissions as zkCli letters (cdrwa).</summary>
    public static string PermLetters(Perms p)
        => string.Concat((p.HasFlag(Perms.Create) ? "c" : ""), (p.HasFlag(Perms.Delete) ? "d" : ""), (p.HasFlag(Perms.Read) ? "r" : ""),
            (p.HasFlag(Perms.Write) ? "w" : ""), (p.HasFlag(Perms.Admin) ? "a" : ""));
}

/// <summary>Progress of a bulk operation.</summary>
/// <param name="Phase">"counting", "listing", "deleting", "copying", "deleting source".</param>
/// <param name="Done">Nodes done so far in this phase.</param>
/// <param name="Total">Nodes in this phase.</param>
/// <param name="CurrentPath">Where the operation is.</param>
public sealed record BulkProgress(string Phase, long Done, long Total, string? CurrentPath);

/// <summary>The truthful result of a bulk operation (recursive delete, copy, move).</summary>
/// <param name="Operation">What ran.</param>
/// <param name="Path">Source root.</param>
/// <param name="Total">Nodes counted before starting.</param>
/// <param name="Done">Nodes actually deleted or created (for a dry run: 0).</param>
/// <param name="Completed">Everything was done.</param>
/// <param name="Cancelled">Stopped by the user; <see cref="Done"/> says how far it got.</param>
/// <param name="DryRun">Only counted.</param>
/// <param name="Failures">What failed, per node.</param>
/// <param name="Summary">One sentence for the user.</param>
public sealed record BulkResult(string Operation, string Path, long Total, long Done, bool Completed, bool Cancelled, bool DryRun,
    IReadOnlyList<string> Failures, string Summary);

/// <summary>A copy or move of a subtree.</summary>
/// <param name="SourceEnsemble">Source ensemble.</param>
/// <param name="SourcePath">Source root.</param>
/// <param name="TargetEnsemble">Target ensemble (may be the same).</param>
/// <param name="TargetPath">The new root (must not exist; its parent must).</param>
/// <param name="Move">Delete the source after a complete copy (same ensemble only).</param>
/// <param name="DryRun">Only count and check.</param>
public sealed record CopyRequest(string SourceEnsemble, string SourcePath, string TargetEnsemble, string TargetPath, bool Move = false, bool DryRun = false);
