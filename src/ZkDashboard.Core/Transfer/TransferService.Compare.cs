using System.Diagnostics;
using System.Threading.Channels;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

public sealed partial class TransferService
{
    private const int ComparePrefetch = 8192;

    /// <inheritdoc />
    public async Task<CompareResult> CompareAsync(ActingUser user, CompareSide left, CompareSide right, IProgress<BulkProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var sw = Stopwatch.StartNew();
        foreach (var side in new[] { left, right })
        {
            if (side.File is null)
            {
                ArgumentException.ThrowIfNullOrEmpty(side.Ensemble);
                PathUtils.Validate(side.Path);
                _sessions.Get(side.Ensemble);
                await RequireBrowseAsync(new OperationContext(user, side.Ensemble, ZkOperationKind.Read, side.Path), "compare", ct).ConfigureAwait(false);
            }
        }
        var leftReads = await OpenReadSessionsAsync(left, ct).ConfigureAwait(false);
        try
        {
            var rightReads = await OpenReadSessionsAsync(right, ct).ConfigureAwait(false);
            try
            {
                return await CompareAsync(user, left, right, leftReads, rightReads, progress, sw, ct).ConfigureAwait(false);
            }
            finally
            {
                if (rightReads is not null)
                {
                    await rightReads.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (leftReads is not null)
            {
                await leftReads.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private Task<EnsembleSession.ReadSessionLease?> OpenReadSessionsAsync(CompareSide side, CancellationToken ct)
        => side.File is null ? OpenReadSessionsAsync(_sessions.Get(side.Ensemble!), side.Path, null, ct) : Task.FromResult<EnsembleSession.ReadSessionLease?>(null);

    /// <summary>The compare proper, once the extra read sessions (if any) are open; it returns only when both walks ended.</summary>
    private async Task<CompareResult> CompareAsync(ActingUser user, CompareSide left, CompareSide right, EnsembleSession.ReadSessionLease? leftReads,
        EnsembleSession.ReadSessionLease? rightReads, IProgress<BulkProgress>? progress, Stopwatch sw, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var (leftNodes, leftCount, leftTask) = Produce(user, left, leftReads?.Clients ?? [], linked.Token);
        var (rightNodes, rightCount, rightTask) = Produce(user, right, rightReads?.Clients ?? [], linked.Token);
        var entries = new List<CompareEntry>();
        long identical = 0;
        long seen = 0;
        try
        {
            await foreach (var (l, r) in MergeAsync(leftNodes, rightNodes, linked.Token).ConfigureAwait(false))
            {
                if (++seen % 5000 == 0)
                {
                    progress?.Report(new BulkProgress("comparing", seen, 0, (l ?? r)!.RelativePath));
                }
                if (l is null)
                {
                    entries.Add(new CompareEntry(r!.RelativePath, CompareKind.OnlyRight, false, false, null, r));
                    continue;
                }
                if (r is null)
                {
                    entries.Add(new CompareEntry(l.RelativePath, CompareKind.OnlyLeft, false, false, l, null));
                    continue;
                }
                if (l.Hidden || r.Hidden)
                {
                    identical++; // nothing to compare that the user may see
                    continue;
                }
                var dataDiffers = !l.DataMasked && !r.DataMasked && !l.Data.AsSpan().SequenceEqual(r.Data);
                var aclDiffers = l.Acl is not null && r.Acl is not null && !TransferAcl.Equal(l.Acl, r.Acl);
                if (dataDiffers || aclDiffers)
                {
                    entries.Add(new CompareEntry(l.RelativePath, CompareKind.Different, dataDiffers, aclDiffers, l, r));
                }
                else
                {
                    identical++;
                }
            }
            await Task.WhenAll(leftTask, rightTask).ConfigureAwait(false);
        }
        catch
        {
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(leftTask, rightTask).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is OperationCanceledException or NoNodeException)
            {
                // The first failure is the one reported.
            }
            throw;
        }
        var result = new CompareResult(left, right, entries, leftCount(), rightCount(), identical, sw.Elapsed);
        progress?.Report(new BulkProgress("comparing", seen, seen, left.Path));
        foreach (var side in new[] { left, right })
        {
            if (side.File is null)
            {
                await AuditAsync(new OperationContext(user, side.Ensemble!, ZkOperationKind.Read, side.Path), AuditOutcome.Succeeded, $"compare: {result.Summary}", null, null).ConfigureAwait(false);
            }
        }
        return result;
    }

    /// <summary>Reads one side on its own task into a bounded channel, so both sides are read at the same time.</summary>
    private (IAsyncEnumerable<TransferNode> Nodes, Func<long> Count, Task Done) Produce(ActingUser user, CompareSide side, IReadOnlyList<ZooKeeperClient> readers,
        CancellationToken ct)
    {
        if (side.File is { } file)
        {
            return (ListAsync(file.Nodes), () => file.Nodes.Count, Task.CompletedTask);
        }
        var channel = Channel.CreateBounded<TransferNode>(new BoundedChannelOptions(ComparePrefetch) { SingleReader = true, SingleWriter = true });
        var session = _sessions.Get(side.Ensemble!);
        var walker = new SubtreeWalker(c => session.GetClientAsync(c), side.Path, Scope(user, side.Ensemble!), Created(side.Ensemble!)) { ReadClients = readers };
        var task = Task.Run(async () =>
        {
            try
            {
                await foreach (var node in walker.WalkAsync(ct).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(node, ct).ConfigureAwait(false);
                }
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex is NoNodeException ? new NoNodeException(side.Path, $"{side.Label} does not exist; choose an existing subtree.") : ex);
                throw;
            }
        }, CancellationToken.None);
        return (channel.Reader.ReadAllAsync(ct), () => walker.Nodes, task);
    }

    /// <inheritdoc />
    public async Task<ImportPlan> PlanCompareApplyAsync(ActingUser user, CompareResult result, IReadOnlyCollection<string> relativePaths, string? reason = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(relativePaths);
        if (result.Right.File is not null || result.Right.Ensemble is null)
        {
            throw new ArgumentException("The right side is a file; only an ensemble can be written. Swap the sides or import the file instead.", nameof(result));
        }
        var ensemble = result.Right.Ensemble;
        var root = result.Right.Path;
        var request = new ImportRequest(ensemble, root, ImportMode.Mirror, ConflictCheck.Off, false, reason);
        var op = new OperationContext(user, ensemble, ZkOperationKind.SetData, root) { Reason = reason };
        await AuthorizeAsync(op, "CompareApply", ct).ConfigureAwait(false);
        EnsureWritable(_sessions.Get(ensemble));
        var wanted = new HashSet<string>(relativePaths, StringComparer.Ordinal);
        var acls = new Dictionary<string, IReadOnlyList<Acl>>(StringComparer.Ordinal);
        var entries = new List<PlanEntry>();
        foreach (var e in result.Entries)
        {
            if (e.Left?.Acl is { } la)
            {
                acls[e.RelativePath] = la;
            }
            if (!wanted.Contains(e.RelativePath))
            {
                continue;
            }
            var path = TransferPaths.Absolute(root, e.RelativePath);
            var r = e.Right;
            PlanEntry entry = e.Kind switch
            {
                CompareKind.OnlyRight => new PlanEntry(path, PlanAction.Delete, r!.DataMasked ? null : r.Data, null, r.Acl, null, r.Mode, 0, r.Version ?? -1, r.AclVersion ?? -1, null),
                CompareKind.OnlyLeft => PlanOne(e.Left!, null, path, false, acls),
                _ => PlanOne(e.Left!, r, path, false, acls),
            };
            entries.Add(await CheckAccessAsync(user, ensemble, entry, ct).ConfigureAwait(false));
        }
        // Deletes of only-right nodes must not leave their (unselected) children: the apply deletes deepest first; a
        // node with remaining children fails truthfully with "has children".
        return new ImportPlan(request, entries, Count(entries), false, $"{entries.Count:N0} selected difference(s) from {result.Left.Label}")
        {
            PlannedBy = user.Name,
            IsCompareApply = true,
        };
    }
}
