using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

public sealed partial class TransferService
{
    /// <inheritdoc />
    public async Task<ImportPlan> PlanImportAsync(ActingUser user, ImportRequest request, TransferDocument document, IProgress<BulkProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(document);
        PathUtils.Validate(request.Path);
        var session = _sessions.Get(request.Ensemble);
        var op = new OperationContext(user, request.Ensemble, ZkOperationKind.Create, request.Path) { Reason = request.Reason };
        await AuthorizeAsync(op, "Import", ct).ConfigureAwait(false);
        await AuthorizeAsync(op with { Kind = ZkOperationKind.SetData }, "Import", ct).ConfigureAwait(false);
        if (request.Mode == ImportMode.Mirror)
        {
            await AuthorizeAsync(op with { Kind = ZkOperationKind.Delete }, "Import", ct).ConfigureAwait(false);
        }
        EnsureWritable(session);
        var checkConflicts = document.HasVersions && request.Conflicts switch
        {
            ConflictCheck.On => true,
            ConflictCheck.Off => false,
            _ => string.Equals(document.SourceEnsemble, request.Ensemble, StringComparison.Ordinal) && document.SourceRoot == request.Path,
        };
        progress?.Report(new BulkProgress("planning", 0, document.Nodes.Count, request.Path));
        var inFile = request.Mode == ImportMode.Mirror ? null : new HashSet<string>(document.Nodes.Select(n => n.RelativePath), StringComparer.Ordinal);
        var walker = new SubtreeWalker(c => session.GetClientAsync(c), request.Path, Scope(user, request.Ensemble), null)
        {
            Visit = inFile is null ? null : inFile.Contains,
        };
        var entries = new List<PlanEntry>(document.Nodes.Count);
        var fileNodes = document.Nodes;
        var fileAcls = new Dictionary<string, IReadOnlyList<Acl>>(StringComparer.Ordinal); // for hidden nodes: their parent's ACL
        long seen = 0;
        await foreach (var (file, target) in MergeAsync(fileNodes, TargetAsync(walker, ct), ct).ConfigureAwait(false))
        {
            var path = TransferPaths.Absolute(request.Path, (file ?? target)!.RelativePath);
            if (file?.Acl is { } fa)
            {
                fileAcls[file.RelativePath] = fa;
            }
            var entry = file is null
                ? request.Mode == ImportMode.Mirror ? new PlanEntry(path, PlanAction.Delete, target!.DataMasked ? null : target.Data, null, target.Acl, null,
                    target.Mode, 0, target.Version ?? -1, target.AclVersion ?? -1, target.Ephemeral ? "an ephemeral node (someone's session)" : null) : null
                : PlanOne(file, target, path, checkConflicts, fileAcls);
            if (entry is not null)
            {
                entries.Add(await CheckAccessAsync(user, request.Ensemble, entry, ct).ConfigureAwait(false));
            }
            if (++seen % 1000 == 0)
            {
                progress?.Report(new BulkProgress("planning", seen, fileNodes.Count, path));
            }
        }
        var plan = new ImportPlan(request, entries, Count(entries), checkConflicts,
            $"{document.FileName ?? "the file"} ({(document.Format == TransferFormat.ZooNavigator ? "ZooNavigator" : "ZkDashboard")} export of {document.SourceEnsemble ?? "?"}:{document.SourceRoot}, {document.Nodes.Count:N0} node(s))")
        {
            PlannedBy = user.Name,
        };
        progress?.Report(new BulkProgress("planning", fileNodes.Count, fileNodes.Count, request.Path));
        return plan;
    }

    private static async IAsyncEnumerable<TransferNode> TargetAsync(SubtreeWalker walker, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var e = walker.WalkAsync(ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await e.MoveNextAsync().ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                    yield break; // no target root: everything is a create
                }
                if (!more)
                {
                    yield break;
                }
                yield return e.Current;
            }
        }
        finally
        {
            await e.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static PlanEntry PlanOne(TransferNode file, TransferNode? target, string path, bool checkConflicts, Dictionary<string, IReadOnlyList<Acl>> fileAcls)
    {
        var mode = TransferModes.ForImport(file.Mode);
        if (target is null)
        {
            var acl = file.Acl ?? ParentAcl(file.RelativePath, fileAcls);
            var note = RedactedDigest(acl) ? "its ACL has a digest entry whose hash ZooKeeper hid at export (ending in :x; the session lacked ADMIN there): that entry will not match its user — fix the ACL after the import"
                : file.Hidden ? "only its name was exported (you could not read it): created empty with its parent's ACL"
                : file.DataMasked ? "its data was masked in the export: created empty"
                : file.Ephemeral ? "ephemeral in the export: created as a persistent node"
                : file.Mode.IsSequential() ? "sequential in the export: created with its exact name"
                : null;
            return new PlanEntry(path, PlanAction.Create, null, file.DataMasked || file.Hidden ? [] : file.Data, null, acl, mode, mode.IsTtl() ? file.TtlMs : 0, -1, -1, note);
        }
        if (file.Hidden)
        {
            return new PlanEntry(path, PlanAction.Unchanged, null, null, null, null, mode, 0, target.Version ?? -1, target.AclVersion ?? -1, "only its name was exported");
        }
        var dataKnown = !file.DataMasked && !target.DataMasked && !target.Hidden;
        var dataEqual = file.DataMasked || (dataKnown && file.Data.AsSpan().SequenceEqual(target.Data));
        var aclEqual = file.Acl is null || TransferAcl.Equal(file.Acl, target.Acl);
        var before = dataKnown ? target.Data : null;
        var after = file.DataMasked ? null : file.Data;
        var aclAfter = aclEqual ? null : file.Acl;
        if (dataEqual && aclEqual)
        {
            return new PlanEntry(path, PlanAction.Unchanged, null, null, null, null, mode, 0, target.Version ?? -1, target.AclVersion ?? -1,
                file.DataMasked ? "its data was masked in the export: kept" : null);
        }
        if (checkConflicts && ((!dataEqual && file.Version is { } v && target.Version != v) || (!aclEqual && file.AclVersion is { } av && target.AclVersion != av)))
        {
            return new PlanEntry(path, PlanAction.Conflict, before, dataEqual ? null : after, target.Acl, aclAfter, mode, 0, target.Version ?? -1, target.AclVersion ?? -1,
                $"changed since the export (exported at version {file.Version}/{file.AclVersion}, now {target.Version}/{target.AclVersion})");
        }
        return dataEqual
            ? new PlanEntry(path, PlanAction.AclChange, null, null, target.Acl, aclAfter, mode, 0, target.Version ?? -1, target.AclVersion ?? -1, null)
            : new PlanEntry(path, PlanAction.Update, before, after, target.Acl, aclAfter, mode, 0, target.Version ?? -1, target.AclVersion ?? -1,
                dataKnown ? null : "the current data is hidden from you");
    }

    /// <summary>ZooKeeper shows digest ACL entries as <c>user:x</c> to sessions without ADMIN on the node.</summary>
    private static bool RedactedDigest(IReadOnlyList<Acl>? acl)
        => acl is not null && acl.Any(a => a.Id.Scheme == "digest" && a.Id.Ident.EndsWith(":x", StringComparison.Ordinal));

    private static IReadOnlyList<Acl> ParentAcl(string relative, Dictionary<string, IReadOnlyList<Acl>> fileAcls)
    {
        var p = relative;
        while (p.Length > 0)
        {
            p = p[..p.LastIndexOf('/')];
            if (fileAcls.TryGetValue(p, out var acl))
            {
                return acl;
            }
        }
        return Acls.OpenUnsafe;
    }

    /// <summary>Marks an entry denied when the policy refuses its write at its path.</summary>
    private async Task<PlanEntry> CheckAccessAsync(ActingUser user, string ensemble, PlanEntry entry, CancellationToken ct)
    {
        if (user.IsSystem)
        {
            return entry;
        }
        AccessAction? first = entry.Action switch
        {
            PlanAction.Create => AccessAction.Create,
            PlanAction.Update or PlanAction.Conflict when entry.DataAfter is not null => AccessAction.SetData,
            PlanAction.AclChange => AccessAction.SetAcl,
            PlanAction.Delete => AccessAction.Delete,
            _ => null,
        };
        if (first is null && entry.AclAfter is null)
        {
            return entry;
        }
        foreach (var action in new[] { first, entry.AclAfter is not null && entry.Action != PlanAction.Create ? AccessAction.SetAcl : null })
        {
            if (action is null)
            {
                continue;
            }
            var decision = await _policy.CanAsync(user, ensemble, action.Value, entry.Path, ct).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                return entry with { Action = PlanAction.Denied, Note = $"{AccessActions.Name(action.Value)} refused: {decision.Reason}" };
            }
        }
        return entry;
    }

    private static PlanCounts Count(IReadOnlyList<PlanEntry> entries)
    {
        long c = 0, u = 0, a = 0, d = 0, x = 0, n = 0, s = 0;
        foreach (var e in entries)
        {
            switch (e.Action)
            {
                case PlanAction.Create: c++; break;
                case PlanAction.Update: u++; break;
                case PlanAction.AclChange: a++; break;
                case PlanAction.Delete: d++; break;
                case PlanAction.Conflict: x++; break;
                case PlanAction.Denied: n++; break;
                default: s++; break;
            }
        }
        return new PlanCounts(c, u, a, d, x, n, s);
    }

    /// <summary>Refuses (and audits) an operation the policy does not allow.</summary>
    private async Task AuthorizeAsync(OperationContext op, string operationName, CancellationToken ct)
    {
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(op, AuditOutcome.Denied, $"{operationName} refused: {ex.Reason}", operationName, null).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Merges two streams in <see cref="TransferPaths.Compare"/> order into pairs (either side null when missing).</summary>
    private static async IAsyncEnumerable<(TransferNode? Left, TransferNode? Right)> MergeAsync(IReadOnlyList<TransferNode> left, IAsyncEnumerable<TransferNode> right,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var pair in MergeAsync(ListAsync(left), right, ct).ConfigureAwait(false))
        {
            yield return pair;
        }
    }

    private static async IAsyncEnumerable<TransferNode> ListAsync(IReadOnlyList<TransferNode> nodes)
    {
        foreach (var n in nodes)
        {
            yield return n;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<(TransferNode? Left, TransferNode? Right)> MergeAsync(IAsyncEnumerable<TransferNode> left, IAsyncEnumerable<TransferNode> right,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var l = left.GetAsyncEnumerator(ct);
        var r = right.GetAsyncEnumerator(ct);
        try
        {
            var hasL = await l.MoveNextAsync().ConfigureAwait(false);
            var hasR = await r.MoveNextAsync().ConfigureAwait(false);
            while (hasL || hasR)
            {
                var c = !hasL ? 1 : !hasR ? -1 : TransferPaths.Compare(l.Current.RelativePath, r.Current.RelativePath);
                if (c < 0)
                {
                    yield return (l.Current, null);
                    hasL = await l.MoveNextAsync().ConfigureAwait(false);
                }
                else if (c > 0)
                {
                    yield return (null, r.Current);
                    hasR = await r.MoveNextAsync().ConfigureAwait(false);
                }
                else
                {
                    yield return (l.Current, r.Current);
                    hasL = await l.MoveNextAsync().ConfigureAwait(false);
                    hasR = await r.MoveNextAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await l.DisposeAsync().ConfigureAwait(false);
            await r.DisposeAsync().ConfigureAwait(false);
        }
    }
}
