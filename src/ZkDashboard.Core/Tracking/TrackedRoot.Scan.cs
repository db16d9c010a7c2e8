using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Store;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tracking;

// The gap scan: the last recorded versions from the store, then a complete re-read of the subtree compared with them.
internal sealed partial class TrackedRoot
{
    /// <summary>The latest record of every node under the root, from the store (after a restart: the gap scan compares with these).</summary>
    private async Task LoadKnownAsync(CancellationToken ct)
    {
        await using var db = await _tracker.Store.CreateContextAsync(ct).ConfigureAwait(false);
        var prefix = Root == "/" ? "/" : Root + "/";
        var latest = await db.NodeVersions
            .Where(r => r.Ensemble == Ensemble && (r.Path == Root || r.Path.StartsWith(prefix)))
            .Where(r => r.Id == db.NodeVersions.Where(x => x.Ensemble == r.Ensemble && x.Path == r.Path).Max(x => x.Id))
            .Select(r => new { r.Path, r.Kind, r.Czxid, r.Mzxid, r.Aversion, r.Id })
            .ToListAsync(ct).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var r in latest)
            {
                _known[r.Path] = new Known
                {
                    Czxid = r.Czxid ?? 0,
                    Mzxid = r.Mzxid ?? 0,
                    Aversion = r.Aversion ?? 0,
                    Deleted = r.Kind == NodeChangeKind.Deleted,
                    Record = new NodeVersionRecord { Id = r.Id },
                };
            }
        }
    }

    /// <summary>Re-reads the whole subtree; false when the ensemble is unreachable (the next resync retries).</summary>
    private async Task<bool> TryScanAsync(CancellationToken ct)
    {
        NodeObservation observation;
        lock (_gate)
        {
            observation = _known.Count == 0 ? NodeObservation.Baseline : NodeObservation.Gap;
            _state = observation == NodeObservation.Baseline ? "reading the subtree (baseline)" : "re-reading after a gap";
        }
        try
        {
            var client = await _sessions.GetClientAsync(Ensemble, ct).ConfigureAwait(false);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var gate = new SemaphoreSlim(Math.Max(1, _tracker.Options.ScanConcurrency));
            await VisitAsync(client, Root, observation, seen, gate, ct).ConfigureAwait(false);
            List<string> vanished;
            lock (_gate)
            {
                vanished = [.. _known.Where(k => !k.Value.Deleted && UnderRoot(k.Key) && !seen.Contains(k.Key) && Matches(k.Key)).Select(k => k.Key)];
            }
            foreach (var path in vanished)
            {
                // Listed by nobody during the scan: gone. (A node re-created after its parent was listed is seen by the watch.)
                if (await client.ExistsAsync(path, false, ct).ConfigureAwait(false) is null)
                {
                    RecordDeleted(path, 1, NodeObservation.Gap);
                }
            }
            lock (_gate)
            {
                _lastScan = DateTimeOffset.UtcNow;
                _state = _subscription?.Ready.IsCompletedSuccessfully == true ? "watching" : _state;
            }
            return true;
        }
        catch (Exception ex) when (IsConnectionProblem(ex) && !ct.IsCancellationRequested)
        {
            lock (_gate)
            {
                _resync = true;
                _state = $"waiting for the ensemble: {ex.Message}";
            }
            LogScanDeferred(Ensemble, Root, ex.Message);
            _ = RetryLaterAsync(ct);
            return false;
        }
    }

    private async Task RetryLaterAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            _wake.Writer.TryWrite(true);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task VisitAsync(ZooKeeperClient client, string path, NodeObservation observation, HashSet<string> seen, SemaphoreSlim gate, CancellationToken ct)
    {
        IReadOnlyList<string> children = [];
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Matches(path))
            {
                DataResult data;
                try
                {
                    data = await client.GetDataAsync(path, false, ct).ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                    return;
                }
                catch (NoAuthException ex)
                {
                    LogNoAuth(Ensemble, path, ex.Message);
                    return;
                }
                lock (seen)
                {
                    seen.Add(path);
                }
                var acl = await ReadAclIfMovedAsync(client, path, data.Stat, ct).ConfigureAwait(false);
                Record(path, data.Data, data.Stat, acl, 1, observation);
                if (data.Stat.NumChildren == 0)
                {
                    return;
                }
            }
            if (!CouldMatchBelow(path))
            {
                return;
            }
            try
            {
                children = (await client.GetChildrenAsync(path, false, ct).ConfigureAwait(false)).Children;
            }
            catch (Exception ex) when (ex is NoNodeException or NoAuthException)
            {
                return;
            }
        }
        finally
        {
            gate.Release();
        }
        await Task.WhenAll(children.Select(c => VisitAsync(client, PathUtils.Join(path, c), observation, seen, gate, ct))).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node history: re-reading {Ensemble}:{Root} waits for the ensemble ({Message})")]
    private partial void LogScanDeferred(string ensemble, string root, string message);
}
