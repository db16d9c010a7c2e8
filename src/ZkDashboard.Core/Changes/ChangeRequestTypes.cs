using System.Text.Json.Serialization;
using ZkDashboard.Core.Access;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Changes;

/// <summary>The node write a change request proposes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeOperation>))]
public enum ChangeOperation
{
    /// <summary>Create the node (base: no node).</summary>
    Create,
    /// <summary>Set its data (base: the data version).</summary>
    SetData,
    /// <summary>Delete it (base: the data version).</summary>
    Delete,
    /// <summary>Set its ACL (base: the ACL version).</summary>
    SetAcl,
}

/// <summary>Where a change request stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeRequestState>))]
public enum ChangeRequestState
{
    /// <summary>Waiting for someone else with approveChanges.</summary>
    Pending,
    /// <summary>An approver is writing it right now.</summary>
    Applying,
    /// <summary>Approved and written (see <see cref="ChangeRequest.ResultVersion"/>).</summary>
    Applied,
    /// <summary>Rejected by a reviewer (see <see cref="ChangeRequest.Comment"/>).</summary>
    Rejected,
    /// <summary>Taken back by its author.</summary>
    Withdrawn,
    /// <summary>Applying was refused because the node moved on since the base: rebase or reject.</summary>
    Conflict,
    /// <summary>Rebased: replaced by a new revision (<see cref="ChangeRequest.SupersededById"/>).</summary>
    Superseded,
}

/// <summary>Groups of <see cref="ChangeRequestState"/> that queries filter on.</summary>
public static class ChangeRequestStates
{
    /// <summary>Not decided yet: pending, in conflict, or being written (the states of <see cref="ChangeRequest.IsOpen"/>).</summary>
    public static IReadOnlyCollection<ChangeRequestState> Open { get; } = [ChangeRequestState.Pending, ChangeRequestState.Conflict, ChangeRequestState.Applying];
}

/// <summary>Internal: lets one approver's identity write exactly the node of one approved request.</summary>
internal sealed record ApprovalGrant(long RequestId, string Ensemble, string Path, AccessAction Action)
{
    public bool Allows(string ensemble, AccessAction action, string path)
        => action == Action && path == Path && string.Equals(ensemble, Ensemble, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A stored change request.</summary>
public sealed record ChangeRequest
{
    public long Id { get; init; }
    public string Ensemble { get; init; } = "";
    public string Path { get; init; } = "";
    public ChangeOperation Operation { get; init; }
    /// <summary>Proposed data (create, setData); null otherwise. Empty when the viewer may not read the node's data.</summary>
    public byte[]? ProposedData { get; init; }
    /// <summary>Proposed ACL (create, setAcl).</summary>
    public IReadOnlyList<Acl>? ProposedAcl { get; init; }
    public CreateMode? CreateMode { get; init; }
    public long TtlMs { get; init; }
    /// <summary>The version applying expects (data version; ACL version for setAcl; -1 for a create).</summary>
    public int BaseVersion { get; init; }
    /// <summary>The node's data when proposed (null for a create).</summary>
    public byte[]? BaseData { get; init; }
    public IReadOnlyList<Acl>? BaseAcl { get; init; }
    public string Author { get; init; } = "";
    public string AuthorProvider { get; init; } = "";
    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public ChangeRequestState State { get; init; }
    public string? Reviewer { get; init; }
    public string? ReviewerProvider { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? Comment { get; init; }
    public string? Result { get; init; }
    public int? ResultVersion { get; init; }
    public string? ResultPath { get; init; }
    /// <summary>On a conflict: the server's side when applying was refused.</summary>
    public int? ServerVersion { get; init; }
    public byte[]? ServerData { get; init; }
    public IReadOnlyList<Acl>? ServerAcl { get; init; }
    public bool ServerNodeMissing { get; init; }
    public int Revision { get; init; } = 1;
    public long? PreviousId { get; init; }
    public long? SupersededById { get; init; }
    public string? RebasedBy { get; init; }
    /// <summary>True when the data is hidden from the person reading (sensitive-data mask): the data fields are empty.</summary>
    public bool DataHidden { get; init; }

    /// <summary>Still open: pending, in conflict or being written (<see cref="ChangeRequestStates.Open"/>).</summary>
    public bool IsOpen => State is ChangeRequestState.Pending or ChangeRequestState.Conflict or ChangeRequestState.Applying;

    /// <summary>True when <paramref name="user"/> wrote it (same name, any provider: one person may sign in several ways).</summary>
    public bool IsAuthor(ActingUser user) => user is not null && string.Equals(user.Name, Author, StringComparison.OrdinalIgnoreCase);

    /// <summary>"setData /configs/checkout on sandbox".</summary>
    public string Describe() => $"{ChangeRequests.Name(Operation)} {Path} on '{Ensemble}'";
}

/// <summary>Base, server and proposed side by side, for a request whose node moved on.</summary>
/// <param name="Request">The request.</param>
/// <param name="ServerExists">Whether the node exists now.</param>
/// <param name="ServerVersion">Its version now (data version; ACL version for setAcl).</param>
/// <param name="ServerData">Its data now.</param>
/// <param name="ServerAcl">Its ACL now.</param>
/// <param name="Moved">True when the server is no longer at the base (applying would be refused).</param>
public sealed record ChangeThreeWay(ChangeRequest Request, bool ServerExists, int? ServerVersion, byte[]? ServerData, IReadOnlyList<Acl>? ServerAcl, bool Moved);

/// <summary>Filters for <see cref="IChangeRequests.ListAsync"/>; newest first.</summary>
public sealed record ChangeRequestQuery
{
    public string? Ensemble { get; init; }
    /// <summary>Exact node path.</summary>
    public string? Path { get; init; }
    /// <summary>Only these states (null: all).</summary>
    public IReadOnlyCollection<ChangeRequestState>? States { get; init; }
    public int Limit { get; init; } = 200;
}

/// <summary>
/// Not an error and not a success: the write was NOT sent, it was stored as change request <see cref="Request"/>
/// because the user's access to that path requires approval. Show "Submitted for approval as request #N".
/// </summary>
public sealed class ChangeRequestSubmittedException(ChangeRequest request, string why)
    : Exception($"Submitted for approval as request #{request.Id}: {request.Describe()} was not written; someone else with approveChanges must approve it ({why}).")
{
    /// <summary>The stored request.</summary>
    public ChangeRequest Request { get; } = request;
}

/// <summary>Applying a request was refused because the node moved on since its base: rebase or reject.</summary>
public sealed class ChangeConflictException(ChangeThreeWay threeWay, string message) : Exception(message)
{
    /// <summary>Base, server and proposed.</summary>
    public ChangeThreeWay ThreeWay { get; } = threeWay;
}

/// <summary>The request cannot take this step (wrong state, self-approval, nothing to rebase); the message says why and what to do.</summary>
public sealed class ChangeRequestStateException(string message) : Exception(message);
