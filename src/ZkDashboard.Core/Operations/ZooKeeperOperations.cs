using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

/// <summary>The operations boundary over the shared sessions (see <see cref="IZooKeeperOperations"/>).</summary>
public sealed partial class ZooKeeperOperations : IZooKeeperOperations
{
    private readonly IEnsembleSessions _sessions;
    private readonly INodeCache _cache;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly ICreatedNodeRegistry _created;
    private readonly SessionOptions _options;
    private readonly ILogger _logger;
    private readonly UserSessionPool? _userSessions;

    /// <summary>Creates the service; <paramref name="userSessions"/> (when registered) carries the writes of ensembles that
    /// act as the person.</summary>
    public ZooKeeperOperations(IEnsembleSessions sessions, INodeCache cache, IAccessPolicy policy, IAuditSink audit,
        ICreatedNodeRegistry created, IOptions<SessionOptions> options, ILogger<ZooKeeperOperations> logger, UserSessionPool? userSessions = null)
    {
        _userSessions = userSessions;
        _sessions = sessions;
        _cache = cache;
        _policy = policy;
        _audit = audit;
        _created = created;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task<NodeDetails> GetNodeAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), async (client, session) =>
        {
            PathUtils.Validate(path);
            var scope = await _policy.GetReadScopeAsync(user, ensemble, path, ct).ConfigureAwait(false);
            var aclTask = client.GetAclAsync(path, ct);
            // Read beside the data; when the data read fails first nobody awaits it, so its fault is logged here (debug:
            // the data read's error is the one reported).
            aclTask.Observe(_logger, $"reading the ACL of {ensemble}:{path} beside its data (the data read's error is reported)", LogLevel.Debug);
            DataResult data;
            try
            {
                data = await client.GetDataAsync(path, watch: false, ct).ConfigureAwait(false);
            }
            catch (NoAuthException ex)
            {
                throw new NodeAccessDeniedException(ensemble, path, "read", session.CredentialsDescription, await TryAclAsync(aclTask).ConfigureAwait(false), ex);
            }
            IReadOnlyList<Acl>? acl = null;
            string? aclError = null;
            try
            {
                acl = (await aclTask.ConfigureAwait(false)).Acl;
            }
            catch (NoAuthException)
            {
                aclError = $"The ACL is not readable with {session.CredentialsDescription}.";
            }
            catch (NoNodeException)
            {
                aclError = "The node was deleted while it was being read.";
            }
            var createdHere = await _created.FindAsync(ensemble, path, data.Stat.Czxid, ct).ConfigureAwait(false);
            if (!scope.HasFlag(ReadScope.Data))
            {
                var reason = scope.HasFlag(ReadScope.Node)
                    ? $"The data of {path} is hidden by a sensitive-data mask: it needs readData (a viewer or higher binding) there — ask an admin."
                    : $"You may browse {path} on the way to nodes you can read, but not read it: that needs viewer on {path} — ask an admin.";
                return new NodeDetails(ensemble, path, [], data.Stat, scope.HasFlag(ReadScope.Node) ? acl : null,
                    scope.HasFlag(ReadScope.Node) ? aclError : "Hidden by access rules.", createdHere) { DataHiddenReason = reason };
            }
            return new NodeDetails(ensemble, path, data.Data, data.Stat, acl, aclError, createdHere);
        }, ct, browse: true);

    /// <inheritdoc />
    public Task<Stat?> ExistsAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), (client, _) =>
        {
            PathUtils.Validate(path);
            return client.ExistsAsync(path, watch: false, ct);
        }, ct, browse: true);

    /// <inheritdoc />
    public Task<ChildrenPage> GetChildrenAsync(ActingUser user, string ensemble, string path, ChildrenQuery query, CancellationToken ct = default)
        => RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), async (_, session) =>
        {
            try
            {
                return await ChildrenForAsync(user, ensemble, path, query, ct).ConfigureAwait(false);
            }
            catch (NoAuthException ex)
            {
                var client = await session.GetClientAsync(ct).ConfigureAwait(false);
                throw new NodeAccessDeniedException(ensemble, path, "list the children of", session.CredentialsDescription,
                    await TryAclAsync(client.GetAclAsync(path, ct)).ConfigureAwait(false), ex);
            }
        }, ct, connect: false, browse: true);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetEphemeralsAsync(ActingUser user, string ensemble, string prefixPath = "/", CancellationToken ct = default)
        => RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, prefixPath), (client, _) =>
        {
            PathUtils.Validate(prefixPath);
            return client.GetEphemeralsAsync(prefixPath, ct);
        }, ct);

    /// <inheritdoc />
    public Task<long> CountSubtreeAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), async (client, _) =>
        {
            PathUtils.Validate(path);
            return await client.GetAllChildrenNumberAsync(path, ct).ConfigureAwait(false) + 1L;
        }, ct);

    private static async Task<IReadOnlyList<Acl>?> TryAclAsync(Task<AclResult> aclTask)
    {
        try
        {
            return (await aclTask.ConfigureAwait(false)).Acl;
        }
        catch (ZooKeeperException)
        {
            return null;
        }
    }

    /// <summary>
    /// The one path every operation takes: access check, read-only check, the call, the audit record.
    /// </summary>
    /// <param name="browse">For node, exists and children reads: also allowed where the user may only browse (some
    /// node below is readable); what is shown is then filtered by the read scope.</param>
    private async Task<T> RunAsync<T>(OperationContext op, Func<ZooKeeperClient, EnsembleSession, Task<T>> body, CancellationToken ct,
        bool connect = true, Func<T, (AuditOutcome, string?)>? outcome = null, bool browse = false)
    {
        ArgumentNullException.ThrowIfNull(op.User);
        var session = _sessions.Get(op.Ensemble);
        try
        {
            if (!browse || !(await _policy.GetReadScopeAsync(op.User, op.Ensemble, op.Path, ct).ConfigureAwait(false)).HasFlag(ReadScope.Browse))
            {
                await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
            }
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
        try
        {
            if (!op.IsRead)
            {
                EnsureWritable(session);
            }
            var client = !connect ? null! : ActsAsUser(op, session)
                ? await WriteClientAsync(op.User, session, ct).ConfigureAwait(false)
                : await session.GetClientAsync(ct).ConfigureAwait(false);
            var result = await body(client, session).ConfigureAwait(false);
            var (o, detail) = outcome?.Invoke(result) ?? (AuditOutcome.Succeeded, null);
            await AuditAsync(op, o, detail).ConfigureAwait(false);
            return result;
        }
        catch (WriteOutcomeUnknownException ex)
        {
            await AuditAsync(op, AuditOutcome.Unknown, ex.Message).ConfigureAwait(false);
            throw;
        }
        catch (NoAuthException ex) when (!op.IsRead)
        {
            await AuditAsync(op, AuditOutcome.Failed, ex.Message).ConfigureAwait(false);
            var client = session.CurrentClient;
            var acl = client is null ? null : await TryAclAsync(client.GetAclAsync(op.Path, CancellationToken.None)).ConfigureAwait(false);
            var credentials = ActsAsUser(op, session)
                ? $"your own ZooKeeper identity digest:{UserZkCredentials.DigestUserOf(op.User)} (this ensemble acts as the person: ActAsUser); ask the node's owner to grant it in the ACL"
                : session.CredentialsDescription;
            throw new NodeAccessDeniedException(op.Ensemble, op.Path, op.Kind.ToString().ToLowerInvariant(), credentials, acl, ex);
        }
        catch (Exception ex)
        {
            await AuditAsync(op, AuditOutcome.Failed, ex is OperationCanceledException ? "cancelled" : ex.Message).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>True when <paramref name="op"/> is a person's write on an ensemble that acts as the person.</summary>
    private bool ActsAsUser(OperationContext op, EnsembleSession session)
        => !op.IsRead && session.Definition.ActAsUser && !op.User.IsSystem && op.User.IsAuthenticated;

    /// <summary>The client a write of <paramref name="user"/> goes through: the person's own session on ensembles that act as
    /// the person (never the shared one), else the shared session.</summary>
    private async Task<ZooKeeperClient> WriteClientAsync(ActingUser user, EnsembleSession session, CancellationToken ct)
    {
        if (!session.Definition.ActAsUser || user.IsSystem || !user.IsAuthenticated)
        {
            return await session.GetClientAsync(ct).ConfigureAwait(false);
        }
        var pool = _userSessions ?? throw new InvalidOperationException(
            $"Ensemble '{session.Name}' acts as the person (ActAsUser) but per-user sessions are not registered (AddZkDashboardUserSessions); nothing was written.");
        return await pool.GetClientAsync(user, session, ct).ConfigureAwait(false);
    }

    private static void EnsureWritable(EnsembleSession session)
    {
        if (session.Definition.ReadOnly)
        {
            throw new EnsembleReadOnlyException(session.Name, "it is configured read-only (ReadOnly: true). Change the ensemble's settings to allow writes.");
        }
        if (session.Status.State == EnsembleConnectionState.ReadOnly)
        {
            throw new EnsembleReadOnlyException(session.Name, "the connected server is in read-only mode (it lost its quorum). Writes are possible again once the ensemble has a quorum.");
        }
    }

    private async Task AuditAsync(OperationContext op, AuditOutcome outcome, string? detail)
    {
        try
        {
            await _audit.RecordAsync(new AuditRecord(DateTimeOffset.UtcNow, op, outcome, detail), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Audit sink failed for {Kind} {Ensemble}:{Path}", op.Kind, op.Ensemble, op.Path);
        }
    }
}
