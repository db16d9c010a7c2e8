using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
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
    private readonly (string? Ensemble, PathGlob Glob, string Text)[] _reasonRequired;
    private readonly Changes.ChangeRequestStore? _changeRequests;
    private readonly UserSessionPool? _userSessions;

    /// <summary>Creates the service. Without <paramref name="changeRequests"/> (no store), writes that need approval are refused;
    /// <paramref name="userSessions"/> (when registered) carries the writes of ensembles that act as the person.</summary>
    public ZooKeeperOperations(IEnsembleSessions sessions, INodeCache cache, IAccessPolicy policy, IAuditSink audit,
        ICreatedNodeRegistry created, IOptions<SessionOptions> options, ILogger<ZooKeeperOperations> logger, IOptions<AuditOptions>? auditOptions = null,
        Changes.ChangeRequestStore? changeRequests = null, UserSessionPool? userSessions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _reasonRequired = ParseReasonGlobs(auditOptions?.Value.ReasonRequiredPaths ?? []);
        _changeRequests = changeRequests;
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
    public Task SyncAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), async (client, _) =>
        {
            PathUtils.Validate(path);
            await client.SyncAsync(path, ct).ConfigureAwait(false);
            return true;
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
    /// The one path every operation takes: access check, read-only check, reason check, for writes the intent record
    /// (fail-closed: a write whose record cannot be stored is not sent), the call, the outcome record (linked to the intent,
    /// with what <paramref name="capture"/> learned: before/after content, versions, ACLs).
    /// </summary>
    /// <param name="browse">For node, exists and children reads: also allowed where the user may only browse (some
    /// node below is readable); what is shown is then filtered by the read scope.</param>
    private async Task<T> RunAsync<T>(OperationContext op, Func<ZooKeeperClient, EnsembleSession, Task<T>> body, CancellationToken ct,
        bool connect = true, Func<T, (AuditOutcome, string?)>? outcome = null, bool browse = false, AuditCapture? capture = null, Func<Changes.ChangeProposal>? approval = null)
    {
        ArgumentNullException.ThrowIfNull(op.User);
        if (op.Reason is null && AuditAnnotations.Reason is { } reason)
        {
            op = op with { Reason = reason };
        }
        var session = _sessions.Get(op.Ensemble);
        try
        {
            if (!browse || !(await _policy.GetReadScopeAsync(op.User, op.Ensemble, op.Path, ct).ConfigureAwait(false)).HasFlag(ReadScope.Browse))
            {
                await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
            }
        }
        catch (ApprovalRequiredException ex) when (approval is not null && _changeRequests is not null)
        {
            // Four-eyes: not sent; stored as a change request (always throws ChangeRequestSubmittedException or the reason it could not be).
            await SubmitForApprovalAsync(op, ex, approval(), ct).ConfigureAwait(false);
            throw;
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
        long? intent = null;
        try
        {
            if (!op.IsRead)
            {
                EnsureWritable(session);
                RequireReason(op);
                intent = await _audit.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, op, AuditOutcome.Pending, "sending"), required: true, ct).ConfigureAwait(false);
            }
            var client = !connect ? null! : ActsAsUser(op, session)
                ? await WriteClientAsync(op.User, session, ct).ConfigureAwait(false)
                : await session.GetClientAsync(ct).ConfigureAwait(false);
            var result = await body(client, session).ConfigureAwait(false);
            var (o, detail) = outcome?.Invoke(result) ?? (AuditOutcome.Succeeded, null);
            await AuditAsync(op, o, detail, capture, intent).ConfigureAwait(false);
            return result;
        }
        catch (AuditUnavailableException)
        {
            throw; // nothing was sent; the sink has logged why
        }
        catch (WriteOutcomeUnknownException ex)
        {
            ex.AuditId = await AuditAsync(op, AuditOutcome.Unknown, ex.Message, capture, intent).ConfigureAwait(false);
            throw;
        }
        catch (NoAuthException ex) when (!op.IsRead)
        {
            await AuditAsync(op, AuditOutcome.Failed, ex.Message, capture, intent).ConfigureAwait(false);
            var client = session.CurrentClient;
            var acl = client is null ? null : await TryAclAsync(client.GetAclAsync(op.Path, CancellationToken.None)).ConfigureAwait(false);
            var credentials = ActsAsUser(op, session)
                ? $"your own ZooKeeper identity digest:{UserZkCredentials.DigestUserOf(op.User)} (this ensemble acts as the person: ActAsUser); ask the node's owner to grant it in the ACL"
                : session.CredentialsDescription;
            throw new NodeAccessDeniedException(op.Ensemble, op.Path, op.Kind.ToString().ToLowerInvariant(), credentials, acl, ex);
        }
        catch (Exception ex)
        {
            await AuditAsync(op, AuditOutcome.Failed, ex is OperationCanceledException ? "cancelled" : ex.Message, capture, intent).ConfigureAwait(false);
            throw;
        }
    }

    private void RequireReason(OperationContext op)
    {
        if (op.Reason is not null || _reasonRequired.Length == 0)
        {
            return;
        }
        foreach (var (ensemble, glob, text) in _reasonRequired)
        {
            if ((ensemble is null || string.Equals(ensemble, op.Ensemble, StringComparison.OrdinalIgnoreCase))
                && (glob.IsMatch(op.Path) || (op.TargetPath is { } t && glob.IsMatch(t))))
            {
                throw new AuditReasonRequiredException(op.Ensemble, op.Path, text);
            }
        }
    }

    private static (string? Ensemble, PathGlob Glob, string Text)[] ParseReasonGlobs(IEnumerable<string> globs)
        => globs.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g =>
        {
            var text = g.Trim();
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && text[0] != '/'
                ? ((string?)text[..colon], PathGlob.Parse(text[(colon + 1)..]), text)
                : (null, PathGlob.Parse(text), text);
        }).ToArray();

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

    private async Task<long?> AuditAsync(OperationContext op, AuditOutcome outcome, string? detail, AuditCapture? capture = null, long? intent = null)
    {
        try
        {
            // The caller's annotation (a restore's reason and source) first; then the link to this write's intent record
            // unless the annotation already links the record elsewhere (the intent is the record just before it in the chain).
            var record = AuditAnnotations.Apply(new AuditRecord(DateTimeOffset.UtcNow, op, outcome, detail) { Change = capture?.Change });
            if (intent is not null && record.Change?.LinkedId is null)
            {
                record = record with { Change = (record.Change ?? new AuditChange()) with { LinkedId = intent } };
            }
            return await _audit.AppendAsync(record, required: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Audit sink failed for {Kind} {Ensemble}:{Path}", op.Kind, op.Ensemble, op.Path);
            return null;
        }
    }

    /// <inheritdoc />
    public async Task RecordSettlementAsync(ActingUser user, string ensemble, PendingWrite write, SettledWrite settled, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(settled);
        var kind = write.Kind switch
        {
            PendingWriteKind.Create => ZkOperationKind.Create,
            PendingWriteKind.Delete => ZkOperationKind.Delete,
            _ => ZkOperationKind.SetData,
        };
        var outcome = settled.Verdict switch
        {
            WriteVerdict.Applied => AuditOutcome.Succeeded,
            WriteVerdict.NotApplied or WriteVerdict.ChangedByOthers or WriteVerdict.NodeGone => AuditOutcome.Failed,
            _ => AuditOutcome.Unknown,
        };
        var change = new AuditChange
        {
            ExpectedVersion = write.Kind == PendingWriteKind.Create ? null : write.ExpectedVersion,
            ResultVersion = settled.Stat?.Version,
            ResultMzxid = settled.Stat?.Mzxid,
            DataAfter = settled.Node is { } n ? n.Data : null,
            LinkedId = write.AuditId,
        };
        await _audit.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, new OperationContext(user, ensemble, kind, write.Path), outcome,
            $"settled by a re-read: {settled.Verdict}{(settled.Error is { } e ? " (" + e.Message + ")" : "")}") { Change = change, OperationName = "Settle" + kind },
            required: false, ct).ConfigureAwait(false);
    }

    /// <summary>What a write learned for its audit record (filled by the write's body, read by <see cref="RunAsync{T}"/>).</summary>
    private sealed class AuditCapture
    {
        public AuditChange? Change { get; set; }
    }

    private static string FormatAcl(IEnumerable<Acl> acl) => string.Join(",", acl.Select(a => $"{a.Id.Scheme}:{a.Id.Ident}:{PermsText(a.Perms)}"));

    private static string PermsText(Perms p)
    {
        Span<char> c = stackalloc char[5];
        var n = 0;
        if (p.HasFlag(Perms.Create)) { c[n++] = 'c'; }
        if (p.HasFlag(Perms.Delete)) { c[n++] = 'd'; }
        if (p.HasFlag(Perms.Read)) { c[n++] = 'r'; }
        if (p.HasFlag(Perms.Write)) { c[n++] = 'w'; }
        if (p.HasFlag(Perms.Admin)) { c[n++] = 'a'; }
        return new string(c[..n]);
    }
}
