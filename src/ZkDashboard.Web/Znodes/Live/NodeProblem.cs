using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Live;

/// <summary>Why a node could not be shown, in words, with what to do.</summary>
/// <param name="Title">Short headline.</param>
/// <param name="Message">What happened.</param>
/// <param name="Hint">What to do.</param>
/// <param name="NodeGone">The node does not exist (anymore).</param>
/// <param name="NoAuth">ZooKeeper refused the dashboard's credentials.</param>
/// <param name="CredentialsUsed">For NoAuth: the credentials the ensemble session used.</param>
/// <param name="Acl">For NoAuth: the node's ACL when it is readable.</param>
public sealed record NodeProblem(string Title, string Message, string Hint, bool NodeGone = false, bool NoAuth = false,
    string? CredentialsUsed = null, IReadOnlyList<ZkDashboard.ZooKeeper.Acl>? Acl = null)
{
    /// <summary>Classifies an exception from <see cref="IZooKeeperOperations"/>.</summary>
    public static NodeProblem From(Exception ex, string ensemble, string path)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex switch
        {
            NoNodeException => new("Node not found", $"{path} does not exist on '{ensemble}' (it may have been deleted).",
                "Open its parent, or pick another node in the tree.", NodeGone: true),
            NodeAccessDeniedException d => new("No permission to read this node (NoAuth)",
                $"ZooKeeper refused to read {path}. The dashboard's session for '{ensemble}' uses {d.CredentialsUsed}.",
                d.Acl is null
                    ? "The node's ACL is not readable either. Ask its owner, or configure credentials for this ensemble that its ACL allows."
                    : "Configure credentials for this ensemble that one of the ACL entries below allows, or ask the node's owner to grant read access.",
                NoAuth: true, CredentialsUsed: d.CredentialsUsed, Acl: d.Acl),
            EnsembleUnavailableException u => new($"'{ensemble}' is unavailable", u.Reason,
                "The dashboard keeps trying to reconnect; this view updates by itself when it is back."),
            InvalidPathException or ArgumentException => new("Invalid path", ex.Message,
                "Paths start with '/', have no empty segments and no trailing '/'. Fix the address or use the tree."),
            AccessDeniedException => new("Not allowed", ex.Message, "Ask an administrator for access to this ensemble."),
            ZooKeeperException => new("ZooKeeper error", ex.Message, "Try again; if it persists, check the ensemble's health."),
            _ => new("Could not read the node", ex.Message, "Try again."),
        };
    }
}
