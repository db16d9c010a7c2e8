using System.Text;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Api.V1;

/// <summary>An ensemble you may read, with its session's state.</summary>
/// <param name="Name">Name (used in every URL).</param>
/// <param name="ReadOnly">Configured read-only: every write is refused.</param>
/// <param name="State">The shared session's state (NotConnected until someone uses it, Connected, Suspended…).</param>
/// <param name="Error">Why the session is not connected, when it is not.</param>
/// <param name="ConnectedServer">The server the session is connected to.</param>
public sealed record EnsembleResponse(string Name, bool ReadOnly, string State, string? Error, string? ConnectedServer);

/// <summary>A node's stat (all eleven fields; times as Unix milliseconds and ISO 8601).</summary>
public sealed record StatResponse(long Czxid, long Mzxid, long Pzxid, long Ctime, long Mtime, DateTimeOffset Created, DateTimeOffset Modified,
    int Version, int Cversion, int Aversion, long EphemeralOwner, int DataLength, int NumChildren)
{
    /// <summary>From the client's stat.</summary>
    public static StatResponse? From(Stat? s) => s is null ? null
        : new(s.Czxid, s.Mzxid, s.Pzxid, s.Ctime, s.Mtime, s.Created, s.Modified, s.Version, s.Cversion, s.Aversion, s.EphemeralOwner, s.DataLength, s.NumChildren);
}

/// <summary>One ACL entry as zkCli writes it: scheme, id and permission letters (<c>cdrwa</c>).</summary>
public sealed record AclEntryDto(string Scheme, string Id, string Perms)
{
    /// <summary>From the client's ACL entry.</summary>
    public static AclEntryDto From(Acl a) => new(a.Id.Scheme, a.Id.Ident, NodeAccessDeniedException.PermLetters(a.Perms));
}

/// <summary>A node: data (declared encoding), stat, ACL, and how the dashboard created it when it did.</summary>
/// <param name="Ensemble">Ensemble.</param>
/// <param name="Path">Path.</param>
/// <param name="Data">The data, in <paramref name="Encoding"/>; empty when hidden.</param>
/// <param name="Encoding"><c>utf8</c> or <c>base64</c>.</param>
/// <param name="DataHidden">Why the data is not shown (access rules), or null.</param>
/// <param name="Stat">Stat.</param>
/// <param name="Acl">ACL, null when not readable (see <paramref name="AclError"/>).</param>
/// <param name="AclError">Why the ACL could not be read.</param>
/// <param name="Mode">The create mode when the dashboard created the node (ZooKeeper does not tell container or TTL modes), else null.</param>
/// <param name="TtlMs">The TTL when the dashboard created it as a TTL node.</param>
public sealed record NodeResponse(string Ensemble, string Path, string Data, string Encoding, string? DataHidden, StatResponse Stat,
    IReadOnlyList<AclEntryDto>? Acl, string? AclError, string? Mode, long? TtlMs);

/// <summary>One child in a page.</summary>
public sealed record ChildResponse(string Name, string Path, StatResponse? Stat);

/// <summary>A page of children.</summary>
/// <param name="Ensemble">Ensemble.</param>
/// <param name="Path">Parent.</param>
/// <param name="Children">The page.</param>
/// <param name="Total">All children you may see.</param>
/// <param name="Hidden">Children hidden by access rules (not in <paramref name="Total"/>).</param>
/// <param name="Next">Pass as <c>after</c> for the next page; null on the last page.</param>
/// <param name="Stale">True while the ensemble is disconnected (the list may be out of date).</param>
/// <param name="AsOf">When the list was read.</param>
public sealed record ChildrenResponse(string Ensemble, string Path, IReadOnlyList<ChildResponse> Children, int Total, int Hidden, string? Next,
    bool Stale, DateTimeOffset AsOf);

/// <summary>A finished write.</summary>
/// <param name="Path">The node (the actual name for sequential creates).</param>
/// <param name="Stat">Its stat after the write (null after a delete).</param>
/// <param name="ConfirmedAfterConnectionLoss">The connection was lost during the write and a re-read showed it applied.</param>
public sealed record WriteResponse(string Path, StatResponse? Stat, bool ConfirmedAfterConnectionLoss)
{
    /// <summary>From the boundary's result.</summary>
    public static WriteResponse From(WriteResult r) => new(r.Path, StatResponse.From(r.Stat), r.ConfirmedAfterConnectionLoss);
}

/// <summary>The JSON form of a setData body (other content types are the raw bytes).</summary>
/// <param name="Data">The data.</param>
/// <param name="Encoding"><c>utf8</c> (default) or <c>base64</c>.</param>
public sealed record SetDataRequest(string? Data, string? Encoding);

/// <summary>A create.</summary>
/// <param name="Data">The data (default empty).</param>
/// <param name="Encoding"><c>utf8</c> (default) or <c>base64</c>.</param>
/// <param name="Mode"><c>persistent</c> (default), <c>persistentSequential</c>, <c>container</c>, <c>ttl</c>,
/// <c>persistentSequentialTtl</c>. Ephemeral modes are refused over HTTP (the node would belong to the dashboard's shared session).</param>
/// <param name="TtlMs">TTL in milliseconds for the TTL modes.</param>
/// <param name="Acl">ACL (default <c>world:anyone:cdrwa</c>, as in the UI).</param>
/// <param name="MakeParents">Create missing parents as empty persistent nodes with the ACL of the nearest existing ancestor.</param>
public sealed record CreateNodeBody(string? Data, string? Encoding, string? Mode, long? TtlMs, IReadOnlyList<AclEntryDto>? Acl, bool MakeParents = false);

/// <summary>A setAcl.</summary>
/// <param name="Acl">The new ACL (at least one entry).</param>
/// <param name="AclVersion">The ACL version (stat.aversion) it replaces; -1 for any version, explicitly.</param>
public sealed record SetAclBody(IReadOnlyList<AclEntryDto>? Acl, int? AclVersion);

/// <summary>A copy or move of a subtree.</summary>
/// <param name="From">Source root.</param>
/// <param name="To">The new root (must not exist; its parent must).</param>
/// <param name="TargetEnsemble">For a copy: another ensemble (default: the same).</param>
/// <param name="DryRun">Only count and check (answers at once, no job).</param>
public sealed record CopyBody(string? From, string? To, string? TargetEnsemble, bool DryRun = false);

/// <summary>A job as <c>/api/v1/jobs/{id}</c> shows it.</summary>
public sealed record JobResponse(string Id, string Kind, string State, string Owner, string Ensemble, string Path, string? TargetEnsemble, string? TargetPath,
    long Counted, long Done, int Failed, bool CancelRequested, string Summary, BulkProgress? Progress, BulkResult? Result, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Location)
{
    /// <summary>From the job service's snapshot.</summary>
    public static JobResponse From(BulkJobSnapshot j) => new(j.Id, j.Kind.ToString(), j.State.ToString(), j.Owner, j.Ensemble, j.Path, j.TargetEnsemble,
        j.TargetPath, j.Counted, j.Done, j.Failed, j.CancelRequested, j.Summary, j.Progress, j.Result, j.Error, j.StartedAt, j.FinishedAt,
        JobEndpoints.LocationOf(j.Id));
}

/// <summary>Encodings of node data in JSON.</summary>
internal static class DataEncoding
{
    public const string Utf8 = "utf8";
    public const string Base64 = "base64";

    private static readonly UTF8Encoding Strict = new(false, true);

    /// <summary>Text when the bytes are valid UTF-8 (and <paramref name="requested"/> allows), else base64.</summary>
    public static (string Data, string Encoding) Encode(byte[] data, string? requested)
    {
        if (requested == Base64)
        {
            return (Convert.ToBase64String(data), Base64);
        }
        try
        {
            return (Strict.GetString(data), Utf8);
        }
        catch (DecoderFallbackException)
        {
            return (Convert.ToBase64String(data), Base64);
        }
    }

    /// <summary>The bytes of <paramref name="data"/> in <paramref name="encoding"/>, or an error naming the field.</summary>
    public static (byte[]? Bytes, IResult? Error) Decode(string? data, string? encoding)
    {
        switch (encoding ?? Utf8)
        {
            case Utf8:
                return (Encoding.UTF8.GetBytes(data ?? ""), null);
            case Base64:
                try
                {
                    return (Convert.FromBase64String(data ?? ""), null);
                }
                catch (FormatException)
                {
                    return (null, ApiProblems.Invalid("data", "not valid base64 (encoding is base64)."));
                }
            default:
                return (null, ApiProblems.Invalid("encoding", $"unknown encoding '{encoding}'; allowed: utf8, base64."));
        }
    }
}
