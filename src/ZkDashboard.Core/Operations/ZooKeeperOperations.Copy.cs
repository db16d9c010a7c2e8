using ZkDashboard.Core.Access;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

public sealed partial class ZooKeeperOperations
{
    private const int MaxBatchBytes = 512 * 1024;

    /// <inheritdoc />
    public async Task<BulkResult> CopySubtreeAsync(ActingUser user, CopyRequest request, IProgress<BulkProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        PathUtils.Validate(request.SourcePath);
        PathUtils.Validate(request.TargetPath);
        var sameEnsemble = string.Equals(request.SourceEnsemble, request.TargetEnsemble, StringComparison.Ordinal);
        if (request.Move && !sameEnsemble)
        {
            throw new ArgumentException("A move works within one ensemble. To move across ensembles, copy, check the copy, then delete the source.", nameof(request));
        }
        if (sameEnsemble && (request.TargetPath == request.SourcePath || request.TargetPath.StartsWith(request.SourcePath.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The target {request.TargetPath} is inside the source {request.SourcePath}; choose a target outside it.", nameof(request));
        }
        if (request.SourcePath == "/" && request.Move)
        {
            throw new ArgumentException("The root node cannot be moved.", nameof(request));
        }
        var kind = request.Move ? ZkOperationKind.Move : ZkOperationKind.Copy;
        // The target side is checked as a write of its own.
        var targetOp = new OperationContext(user, request.TargetEnsemble, ZkOperationKind.Create, request.TargetPath) { Reason = Audit.AuditAnnotations.Reason };
        var capture = new AuditCapture();
        try
        {
            await _policy.AuthorizeAsync(targetOp, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(targetOp, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
        if (!request.DryRun)
        {
            EnsureWritable(_sessions.Get(request.TargetEnsemble));
            RefuseBulkActingAsUser(_sessions.Get(request.TargetEnsemble).Definition, request.Move ? "move" : "copy");
            RefuseBulkActingAsUser(_sessions.Get(request.SourceEnsemble).Definition, request.Move ? "move" : "copy");
        }
        var op = new OperationContext(user, request.SourceEnsemble, request.DryRun ? ZkOperationKind.Read : kind, request.SourcePath, request.TargetEnsemble, request.TargetPath);
        return await RunAsync(op, async (source, sourceSession) =>
        {
            var targetSession = _sessions.Get(request.TargetEnsemble);
            var target = await targetSession.GetClientAsync(ct).ConfigureAwait(false);
            var name = request.Move ? "move" : "copy";
            progress?.Report(new BulkProgress("counting", 0, 0, request.SourcePath));
            var counted = await source.GetAllChildrenNumberAsync(request.SourcePath, ct).ConfigureAwait(false) + 1L;
            if (await target.ExistsAsync(request.TargetPath, false, ct).ConfigureAwait(false) is not null)
            {
                throw new NodeExistsException(request.TargetPath, $"The target {request.TargetPath} already exists on '{request.TargetEnsemble}'; choose a new path.");
            }
            var targetParent = PathUtils.Parent(request.TargetPath);
            if (await target.ExistsAsync(targetParent, false, ct).ConfigureAwait(false) is null)
            {
                throw new NoNodeException(targetParent, $"The target's parent {targetParent} does not exist on '{request.TargetEnsemble}'; create it first.");
            }
            if (request.DryRun)
            {
                return new BulkResult(name, request.SourcePath, counted, 0, false, false, true, [],
                    $"Dry run: {N(counted)} node(s) would be {(request.Move ? "moved" : "copied")} to {request.TargetEnsemble}:{request.TargetPath}.");
            }
            List<SubtreeNode> nodes;
            try
            {
                nodes = await ListSubtreeAsync(sourceSession, request.SourcePath, counted, progress, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return new BulkResult(name, request.SourcePath, counted, 0, false, true, false, [], "Cancelled while listing; nothing was copied.");
            }
            var ordered = nodes.OrderBy(n => n.Depth).ToList(); // parents before children
            long created = 0;
            var failures = new List<string>();
            var pending = new List<CreateOp>();
            var pendingBytes = 0;
            var cancelled = false;
            async Task FlushAsync()
            {
                if (pending.Count == 0)
                {
                    return;
                }
                var batch = pending.ToList();
                pending.Clear();
                pendingBytes = 0;
                try
                {
                    await target.MultiAsync(batch, CancellationToken.None).ConfigureAwait(false);
                    created += batch.Count;
                }
                catch (Exception ex) when (ex is MultiOperationException or ConnectionLossException)
                {
                    foreach (var c in batch)
                    {
                        try
                        {
                            target = await targetSession.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
                            await target.CreateAsync(c.Path, c.Data, c.Acl, c.Mode, c.Ttl, CancellationToken.None).ConfigureAwait(false);
                            created++;
                        }
                        catch (NodeExistsException) when (ex is ConnectionLossException)
                        {
                            created++; // created by the batch whose reply was lost
                        }
                        catch (ZooKeeperException e)
                        {
                            failures.Add($"{c.Path}: {e.Code} ({e.Message})");
                        }
                    }
                }
                progress?.Report(new BulkProgress("copying", created, ordered.Count, batch[^1].Path));
            }
            foreach (var node in ordered)
            {
                if (ct.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }
                var relative = node.Path.Length == request.SourcePath.Length ? "" : node.Path[request.SourcePath.TrimEnd('/').Length..];
                var targetPath = request.TargetPath + relative;
                DataResult data;
                IReadOnlyList<Acl> acl;
                try
                {
                    data = await source.GetDataAsync(node.Path, false, CancellationToken.None).ConfigureAwait(false);
                    acl = (await source.GetAclAsync(node.Path, CancellationToken.None).ConfigureAwait(false)).Acl;
                }
                catch (NoNodeException)
                {
                    failures.Add($"{node.Path}: deleted while copying");
                    continue;
                }
                if (pending.Count >= _options.BulkBatchSize || pendingBytes + data.Data.Length > MaxBatchBytes)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
                pending.Add(Op.Create(targetPath, data.Data, acl, CreateMode.Persistent));
                pendingBytes += data.Data.Length + targetPath.Length + 64;
            }
            if (!cancelled)
            {
                await FlushAsync().ConfigureAwait(false);
            }
            var copiedAll = !cancelled && failures.Count == 0 && created == ordered.Count;
            if (!request.Move || !copiedAll)
            {
                var summary = copiedAll ? $"Copied {N(created)} node(s) to {request.TargetEnsemble}:{request.TargetPath}."
                    : $"{(cancelled ? "Cancelled" : "Incomplete")}: copied {N(created)} of {N(ordered.Count)} node(s){(request.Move ? "; the source was left in place" : "")}{(failures.Count > 0 ? $"; {failures.Count} failed (first: {failures[0]})" : "")}.";
                return new BulkResult(name, request.SourcePath, counted, created, copiedAll, cancelled, false, failures, summary);
            }
            var order = ordered.OrderByDescending(n => n.Depth).Select(n => n.Path).ToList();
            var (deleted, deleteFailures, _) = await DeleteInBatchesAsync(sourceSession, order, new Progress<BulkProgress>(p => progress?.Report(p with { Phase = "deleting source" })), CancellationToken.None).ConfigureAwait(false);
            var moved = deleteFailures.Count == 0;
            return new BulkResult(name, request.SourcePath, counted, created, moved, false, false, deleteFailures,
                moved ? $"Moved {N(created)} node(s) to {request.TargetPath}."
                    : $"Copied all {N(created)} node(s) to {request.TargetPath}, but only {N(deleted)} of {N(order.Count)} source node(s) were deleted ({deleteFailures.Count} failed, first: {deleteFailures[0]}).");
        }, CancellationToken.None, outcome: r =>
        {
            capture.Change = new Audit.AuditChange { Done = (int)Math.Min(int.MaxValue, r.Done), Total = (int)Math.Min(int.MaxValue, r.Total) };
            return (r.Completed || r.DryRun ? AuditOutcome.Succeeded : r.Done > 0 ? AuditOutcome.Partial : AuditOutcome.Failed, r.Summary);
        }, capture: capture).ConfigureAwait(false);
    }
}
