using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Watches;

internal sealed partial class EnsembleWatches
{
    private readonly HashSet<string> _toReconcile = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reconcilingPaths = new(StringComparer.Ordinal);
    private bool _reconciling;
    private bool _resyncPending;
    private bool _resyncNewSession;
    private int _retryDelayMs;
    private long _generation; // bumped when a new session replaces the old one: registrations made on the old one do not count

    private void KickReconcile()
    {
        lock (_gate)
        {
            if (_reconciling || (_toReconcile.Count == 0 && !_resyncPending) || _disposed.IsCancellationRequested)
            {
                return;
            }
            _reconciling = true;
        }
        _ = Task.Run(ReconcileLoopGuardedAsync); // never faults: the guard logs and schedules a retry
    }

    /// <summary>The reconcile loop; an unexpected failure is logged and the next change starts a new runner.</summary>
    private async Task ReconcileLoopGuardedAsync()
    {
        try
        {
            await ReconcileLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Ensemble {Ensemble}: reconciling server watches failed; retrying on the next change", _ensemble);
            lock (_gate)
            {
                _reconciling = false;
                _reconcilingPaths.Clear();
            }
            if (!_disposed.IsCancellationRequested)
            {
                ScheduleRetry();
            }
        }
    }

    /// <summary>
    /// The single runner that brings server watches in line with subscriptions: adds a watch for a path's
    /// first subscriber, removes it after its last, switches modes, and runs resyncs after reconnects.
    /// </summary>
    private async Task ReconcileLoopAsync()
    {
        while (true)
        {
            string[] batch;
            bool resync, newSession;
            lock (_gate)
            {
                if ((_toReconcile.Count == 0 && !_resyncPending) || _disposed.IsCancellationRequested)
                {
                    _reconciling = false;
                    return;
                }
                batch = [.. _toReconcile];
                _toReconcile.Clear();
                _reconcilingPaths.UnionWith(batch);
                resync = _resyncPending;
                newSession = _resyncNewSession;
                _resyncPending = false;
                _resyncNewSession = false;
            }
            ZooKeeperClient client;
            try
            {
                client = await _sessions.GetClientAsync(_ensemble, _disposed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_disposed.IsCancellationRequested)
            {
                FailPaths(batch, ex);
                lock (_gate)
                {
                    _reconcilingPaths.ExceptWith(batch);
                    _resyncPending |= resync;
                    _resyncNewSession |= newSession;
                }
                if (ex is not UnknownEnsembleException)
                {
                    ScheduleRetry(); // an ensemble that was removed is not retried; re-adding it restores the watches
                }
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var chunk in batch.Chunk(64))
            {
                await Task.WhenAll(chunk.Select(p => ReconcilePathAsync(client, p))).ConfigureAwait(false);
            }
            lock (_gate)
            {
                _reconcilingPaths.ExceptWith(batch);
            }
            if (resync)
            {
                await ResyncAsync(client, newSession).ConfigureAwait(false);
            }
        }
    }

    private void FailPaths(IEnumerable<string> paths, Exception ex)
    {
        List<WatchSubscription> failed = [];
        lock (_gate)
        {
            foreach (var path in paths)
            {
                if (_paths.TryGetValue(path, out var pw) && !pw.IsEmpty)
                {
                    pw.Failed = true;
                    failed.AddRange(pw.Waiting);
                }
            }
        }
        foreach (var s in failed)
        {
            s.MarkFailed(ex);
        }
        _logger.LogWarning("Ensemble {Ensemble}: cannot register watches yet ({Message}); retrying", _ensemble, ex.Message);
    }

    private void ScheduleRetry()
    {
        var delay = _retryDelayMs = Math.Min(Math.Max(_retryDelayMs * 2, 500), 30_000);
        Task.Delay(delay, _disposed.Token).ContinueWith(_ =>
        {
            lock (_gate)
            {
                foreach (var pw in _paths.Values)
                {
                    if (pw.Failed || Desired(pw) != pw.Registered)
                    {
                        _toReconcile.Add(pw.Path);
                    }
                }
            }
            KickReconcile();
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Observe(_logger, $"retrying the watch registrations of {_ensemble}");
    }

    private async Task ReconcilePathAsync(ZooKeeperClient client, string path)
    {
        ServerWatchMode desired, registered;
        long generation;
        lock (_gate)
        {
            generation = _generation;
            if (!_paths.TryGetValue(path, out var pw))
            {
                return;
            }
            desired = Desired(pw);
            registered = pw.Registered;
            if (desired == registered && !pw.Failed)
            {
                ReadyAll(pw, resync: false);
                return;
            }
        }
        try
        {
            if (registered != ServerWatchMode.None && (desired == ServerWatchMode.None || registered != desired))
            {
                await RemoveServerWatchAsync(client, path).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_paths.TryGetValue(path, out var pw))
                    {
                        pw.Registered = ServerWatchMode.None;
                        if (pw.IsEmpty)
                        {
                            _paths.Remove(path);
                        }
                        else if (desired == ServerWatchMode.None)
                        {
                            _toReconcile.Add(path); // a subscriber came back while the watch was being removed
                        }
                    }
                }
                _metrics.ServerWatchRemoved();
            }
            if (desired == ServerWatchMode.None)
            {
                return;
            }
            desired = await AddServerWatchAsync(client, path, desired).ConfigureAwait(false);
            bool again, hadFailure, reRead;
            lock (_gate)
            {
                if (!_paths.TryGetValue(path, out var pw))
                {
                    RemoveServerWatchAsync(client, path).Observe(_logger, $"removing the server watch of {_ensemble}:{path}");
                    return;
                }
                if (generation != _generation)
                {
                    _toReconcile.Add(path); // registered on a session that has since been replaced
                    return;
                }
                hadFailure = pw.Failed;
                reRead = registered != ServerWatchMode.None; // a mode switch may have missed an event
                pw.Registered = desired;
                pw.Failed = false;
                ReadyAll(pw, resync: hadFailure);
                again = Desired(pw) != desired;
                if (again)
                {
                    _toReconcile.Add(path);
                }
            }
            _metrics.ServerWatchAdded();
            _retryDelayMs = 0;
            if (reRead)
            {
                MarkDirty(path, EventType.NodeDataChanged, children: true, DateTimeOffset.UtcNow);
            }
            if (again)
            {
                KickReconcile();
            }
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Ensemble {Ensemble}: watch on {Path} could not be set", _ensemble, path);
            FailPaths([path], ex);
            if (IsConnectionProblem(ex))
            {
                ScheduleRetry();
            }
        }
    }

    /// <summary>Adds the server watch; falls back to one-shot watches when the server lacks addWatch.</summary>
    private async Task<ServerWatchMode> AddServerWatchAsync(ZooKeeperClient client, string path, ServerWatchMode mode)
    {
        if (mode is ServerWatchMode.Persistent or ServerWatchMode.PersistentRecursive)
        {
            try
            {
                await client.AddWatchAsync(path, mode == ServerWatchMode.Persistent ? AddWatchMode.Persistent : AddWatchMode.PersistentRecursive, _disposed.Token).ConfigureAwait(false);
                return mode;
            }
            catch (UnimplementedException)
            {
                _logger.LogInformation("Ensemble {Ensemble}: server has no persistent watches (before 3.6); using one-shot watches", _ensemble);
                lock (_gate) { _oneShot = true; }
                mode = ServerWatchMode.OneShot;
            }
        }
        var (stat, _) = await ReadAndArmAsync(client, path, oneShot: true).ConfigureAwait(false);
        lock (_gate)
        {
            if (_paths.TryGetValue(path, out var pw))
            {
                pw.LastStat = stat;
                pw.LastStatKnown = true;
            }
        }
        return mode;
    }

    private async Task RemoveServerWatchAsync(ZooKeeperClient client, string path)
    {
        try
        {
            await client.RemoveWatchesAsync(path, WatcherType.Any, local: false, _disposed.Token).ConfigureAwait(false);
        }
        catch (NoWatcherException)
        {
            // Already gone (a one-shot watch that fired, or the session was replaced).
        }
        catch (UnimplementedException)
        {
            // Servers before 3.5 cannot remove watches; a fired one-shot watch is simply not re-armed.
        }
        catch (Exception ex) when (IsConnectionProblem(ex) || ex is OperationCanceledException)
        {
            // A lost connection drops the session's watches with it (or the resync re-registers only what is wanted).
            _logger.LogDebug("Ensemble {Ensemble}: removing the watch of {Path} failed: {Message}", _ensemble, path, ex.Message);
        }
    }

    private void ReadyAll(PathWatch pw, bool resync)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var s in pw.Waiting)
        {
            s.MarkReady();
        }
        pw.Waiting.Clear();
        if (resync)
        {
            foreach (var s in pw.All)
            {
                s.Post(new WatchNotification(_ensemble, pw.Path, s.Kind, pw.Path, WatchChange.Resync, pw.LastStat, 1, now));
            }
        }
    }

    /// <summary>A reconnect (same session: re-read) or a new session (register everything again, then re-read).</summary>
    public void OnRestored(bool newSession)
    {
        _metrics.Resynced();
        lock (_gate)
        {
            if (newSession)
            {
                _generation++;
                foreach (var pw in _paths.Values)
                {
                    if (pw.Registered != ServerWatchMode.None)
                    {
                        _metrics.ServerWatchRemoved();
                    }
                    pw.Registered = ServerWatchMode.None;
                    if (!pw.IsEmpty)
                    {
                        _toReconcile.Add(pw.Path);
                    }
                }
            }
            _resyncPending = true;
            _resyncNewSession |= newSession;
        }
        KickReconcile();
    }
}
