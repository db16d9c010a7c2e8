using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>Turns an operation's exception into one sentence for the user: what happened and what to do.</summary>
internal static class OpsErrors
{
    /// <summary>Largest node data the editors accept: the client's MaxDataLength, i.e. the servers' default jute.maxbuffer (1 MiB).</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>True for exceptions that the operations components explain to the user (everything else is a bug and is rethrown).</summary>
    public static bool IsExpected(Exception e) => e is ZooKeeperException or Core.Changes.ChangeRequestSubmittedException or WriteNotAppliedException or WriteOutcomeUnknownException
        or NodeAccessDeniedException or AccessDeniedException or UnknownEnsembleException or EnsembleUnavailableException
        or EnsembleReadOnlyException or ArgumentException or InvalidOperationException or TimeoutException;

    /// <summary>"Submitted for approval as request #N: …" — neither saved nor failed.</summary>
    public static string Submitted(Core.Changes.ChangeRequestSubmittedException s)
        => $"Submitted for approval as request #{s.Request.Id}: {s.Request.Describe()} was not written yet. Someone else with approveChanges must approve it on the Changes page.";

    public static string Describe(Exception e, string what, string path) => e switch
    {
        Core.Changes.ChangeRequestSubmittedException s => Submitted(s),
        WriteNotAppliedException => e.Message,
        WriteOutcomeUnknownException => e.Message,
        NodeAccessDeniedException => e.Message,
        DataTooLargeException => $"ZooKeeper refused to {what} {path}: the data is larger than the server's limit (jute.maxbuffer, 1 MB by default). Shorten the data, or split it across several nodes.",
        NoNodeException => $"Could not {what} {path}: the node (or its parent) does not exist any more. Reload the tree.",
        NodeExistsException => $"Could not {what} {path}: a node with that name already exists. Choose another name.",
        NotEmptyException => $"Could not {what} {path}: the node has children. Use the recursive delete.",
        BadVersionException => $"Could not {what} {path}: the node was changed by someone else. Reload and try again.",
        UnimplementedException => $"The server refused to {what} {path}: it does not support this operation. For TTL nodes the servers need zookeeper.extendedTypesEnabled=true (and, for containers, ZooKeeper 3.5 or newer).",
        InvalidPathException => $"Could not {what} {path}: ZooKeeper refused the path ({e.Message}).",
        _ => $"Could not {what} {path}: {e.Message}",
    };
}
