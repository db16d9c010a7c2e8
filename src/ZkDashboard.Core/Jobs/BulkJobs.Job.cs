using ZkDashboard.Core.Operations;

namespace ZkDashboard.Core.Jobs;

public sealed partial class BulkJobs
{
    /// <summary>One job's mutable state behind its snapshot.</summary>
    private sealed class Job(BulkJobSnapshot initial) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly CancellationTokenSource _cts = new();
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private BulkJobSnapshot _snapshot = initial;
        private long _lastPublished;
        private string? _lastPhase;
        private bool _disposed;

        public BulkJobSnapshot Snapshot
        {
            get
            {
                lock (_gate)
                {
                    return _snapshot;
                }
            }
        }

        public CancellationToken Token => _cts.Token;

        public Task Finished => _finished.Task;

        /// <summary>Records progress; returns the snapshot to publish, or null when it is too soon after the last one.</summary>
        public BulkJobSnapshot? Report(BulkProgress progress, long now, TimeSpan interval, TimeProvider time)
        {
            lock (_gate)
            {
                if (!_snapshot.IsRunning)
                {
                    return null;
                }
                _snapshot = _snapshot with { Progress = progress };
                var phaseChanged = !string.Equals(_lastPhase, progress.Phase, StringComparison.Ordinal);
                if (!phaseChanged && _lastPublished != 0 && time.GetElapsedTime(_lastPublished, now) < interval)
                {
                    return null;
                }
                _lastPhase = progress.Phase;
                _lastPublished = now;
                return _snapshot;
            }
        }

        /// <summary>Asks the job to stop; returns the new snapshot, or null when it had finished or was asked already.</summary>
        public BulkJobSnapshot? RequestCancel()
        {
            lock (_gate)
            {
                if (!_snapshot.IsRunning || _snapshot.CancelRequested || _disposed)
                {
                    return null;
                }
                _snapshot = _snapshot with { CancelRequested = true };
                _cts.Cancel();
                return _snapshot;
            }
        }

        public BulkJobSnapshot Finish(Func<BulkJobSnapshot, BulkJobSnapshot> update)
        {
            BulkJobSnapshot final;
            lock (_gate)
            {
                final = _snapshot = update(_snapshot);
            }
            _finished.TrySetResult();
            return final;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed || _snapshot.IsRunning)
                {
                    return;
                }
                _disposed = true;
            }
            _cts.Dispose();
        }
    }
}
