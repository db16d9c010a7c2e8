using ZkDashboard.Core.Access;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

public sealed partial class ZooKeeperOperations
{
    /// <inheritdoc />
    public Task<BulkResult> DeleteRecursiveAsync(ActingUser user, string ensemble, string path, IProgress<BulkProgress>? progress = null, CancellationToken ct = default)
    {
        var capture = new AuditCapture();
        return RunAsync(new OperationContext(user, ensemble, ZkOperationKind.DeleteRecursive, path), async (client, session) =>
        {
            PathUtils.Validate(path);
            if (path == "/")
            {
                throw new ArgumentException("The root node cannot be deleted; delete its children instead.", nameof(path));
            }
            RefuseBulkActingAsUser(session.Definition, "recursive delete");
            progress?.Report(new BulkProgress("counting", 0, 0, path));
            long counted;
            try
            {
                counted = await client.GetAllChildrenNumberAsync(path, ct).ConfigureAwait(false) + 1L;
            }
            catch (NoNodeException)
            {
                return new BulkResult("delete", path, 0, 0, true, false, false, [], $"{path} does not exist; nothing to delete.");
            }
            List<SubtreeNode> nodes;
            try
            {
                nodes = await ListSubtreeAsync(session, path, counted, progress, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return new BulkResult("delete", path, counted, 0, false, true, false, [], $"Cancelled while listing; nothing was deleted.");
            }
            // Deepest first, so every node is empty when its delete runs.
            var order = nodes.OrderByDescending(n => n.Depth).Select(n => n.Path).ToList();
            var (deleted, failures, cancelled) = await DeleteInBatchesAsync(session, order, progress, ct).ConfigureAwait(false);
            await _created.ForgetAsync(ensemble, path, CancellationToken.None).ConfigureAwait(false);
            var completed = !cancelled && failures.Count == 0;
            var summary = completed ? $"Deleted {N(deleted)} node(s) under and including {path}."
                : cancelled ? $"Cancelled: deleted {N(deleted)} of {N(order.Count)} node(s); {N(order.Count - deleted)} remain under and including {path}."
                : $"Deleted {N(deleted)} of {N(order.Count)} node(s); {N(failures.Count)} failed (first: {failures[0]}).";
            return new BulkResult("delete", path, counted, deleted, completed, cancelled, false, failures, summary);
        }, CancellationToken.None, outcome: r =>
        {
            capture.Change = new Audit.AuditChange { Done = (int)Math.Min(int.MaxValue, r.Done), Total = (int)Math.Min(int.MaxValue, r.Total) };
            return (r.Completed ? AuditOutcome.Succeeded : r.Done > 0 ? AuditOutcome.Partial : AuditOutcome.Failed, r.Summary);
        }, capture: capture);
    }

    private sealed record SubtreeNode(string Path, int Depth);

    /// <summary>A count as people read it in a summary: 12,025.</summary>
    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Lists a subtree level by level, reading each level's children concurrently.</summary>
    private async Task<List<SubtreeNode>> ListSubtreeAsync(EnsembleSession session, string root, long expected, IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        var all = new List<SubtreeNode> { new(root, 0) };
        var level = new List<string> { root };
        var depth = 0;
        while (level.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            depth++;
            var client = await session.GetClientAsync(ct).ConfigureAwait(false);
            var next = new List<string>();
            foreach (var chunk in level.Chunk(256))
            {
                var lists = await Task.WhenAll(chunk.Select(async p =>
                {
                    try
                    {
                        var children = await client.GetChildrenAsync(p, watch: false, ct).ConfigureAwait(false);
                        return children.Children.Select(c => PathUtils.Join(p, c)).ToList();
                    }
                    catch (NoNodeException)
                    {
                        return [];
                    }
                })).ConfigureAwait(false);
                foreach (var l in lists)
                {
                    next.AddRange(l);
                    all.AddRange(l.Select(p => new SubtreeNode(p, depth)));
                }
                progress?.Report(new BulkProgress("listing", all.Count, expected, chunk[^1]));
            }
            level = next;
        }
        return all;
    }

    /// <summary>
    /// Deletes paths (children before parents) in multi batches. A batch that fails as a whole (someone
    /// changed the subtree meanwhile) is retried node by node; a batch whose outcome is unknown is checked
    /// node by node. Counts only what was really deleted.
    /// </summary>
    private async Task<(long Deleted, List<string> Failures, bool Cancelled)> DeleteInBatchesAsync(EnsembleSession session, List<string> paths,
        IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        long deleted = 0;
        var failures = new List<string>();
        var batchSize = Math.Max(1, _options.BulkBatchSize);
        for (var i = 0; i < paths.Count; i += batchSize)
        {
            if (ct.IsCancellationRequested)
            {
                return (deleted, failures, true);
            }
            var batch = paths.GetRange(i, Math.Min(batchSize, paths.Count - i));
            var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await client.MultiAsync(batch.Select(p => (Op)Op.Delete(p)), CancellationToken.None).ConfigureAwait(false);
                deleted += batch.Count;
            }
            catch (MultiOperationException)
            {
                deleted += await DeleteOneByOneAsync(session, batch, failures).ConfigureAwait(false);
            }
            catch (ConnectionLossException)
            {
                // Outcome unknown (or not sent): the node-by-node pass deletes what is left and counts what is gone.
                deleted += await DeleteOneByOneAsync(session, batch, failures).ConfigureAwait(false);
            }
            progress?.Report(new BulkProgress("deleting", deleted, paths.Count, batch[^1]));
        }
        return (deleted, failures, false);
    }

    private async Task<long> DeleteOneByOneAsync(EnsembleSession session, List<string> batch, List<string> failures)
    {
        long deleted = 0;
        foreach (var p in batch)
        {
            try
            {
                var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
                await client.DeleteAsync(p, -1, CancellationToken.None).ConfigureAwait(false);
                deleted++;
            }
            catch (NoNodeException)
            {
                // Already gone: deleted by the batch whose reply was lost, or by someone else. Either way it is gone.
                deleted++;
            }
            catch (OperationOutcomeUnknownException)
            {
                var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
                if (await client.ExistsAsync(p, false, CancellationToken.None).ConfigureAwait(false) is null)
                {
                    deleted++;
                }
                else
                {
                    failures.Add($"{p}: connection lost; still exists");
                }
            }
            catch (ZooKeeperException ex)
            {
                failures.Add($"{p}: {ex.Code} ({ex.Message})");
            }
        }
        return deleted;
    }

    /// <summary>Bulk writes (recursive delete, copy, move) still use the shared session; on an ensemble that acts as the
    /// person that would write with the dashboard's identity, so they are refused there (nothing is written).</summary>
    private static void RefuseBulkActingAsUser(Ensembles.EnsembleDefinition definition, string what)
    {
        if (definition.ActAsUser)
        {
            throw new InvalidOperationException($"Ensemble '{definition.Name}' acts as the person (ActAsUser): {what} is not available there, because it " +
                "would write with the dashboard's own ZooKeeper identity instead of yours. Nothing was changed; delete or create the nodes one by one.");
        }
    }
}
