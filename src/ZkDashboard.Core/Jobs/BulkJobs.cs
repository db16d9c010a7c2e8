using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Core.Jobs;

/// <summary>The in-process bulk job service (see <see cref="IBulkJobs"/>). A singleton: jobs live as long as the app.</summary>
public sealed partial class BulkJobs : IBulkJobs, IAsyncDisposable
{
    private readonly IZooKeeperOperations _operations;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly BulkJobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly List<Subscription> _subscribers = [];
    private bool _disposed;

    /// <summary>Creates the service; <paramref name="policy"/> decides who besides a job's owner may see and cancel it
    /// (<see cref="AccessAction.ManageJobs"/>), and refusals go to <paramref name="audit"/>.</summary>
    public BulkJobs(IZooKeeperOperations operations, IAccessPolicy policy, IAuditSink audit, IOptions<BulkJobOptions> options, ILogger<BulkJobs> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _operations = operations;
        _policy = policy;
        _audit = audit;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public BulkJobSnapshot StartDeleteRecursive(ActingUser user, string ensemble, string path)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Start(user, BulkJobKind.Delete, ensemble, path, null, null,
            (progress, ct) => _operations.DeleteRecursiveAsync(user, ensemble, path, progress, ct));
    }

    /// <inheritdoc />
    public BulkJobSnapshot StartCopy(ActingUser user, CopyRequest request)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        if (request.DryRun)
        {
            throw new ArgumentException("A dry run only counts and checks; call CopySubtreeAsync for it instead of starting a job.", nameof(request));
        }
        return Start(user, request.Move ? BulkJobKind.Move : BulkJobKind.Copy, request.SourceEnsemble, request.SourcePath, request.TargetEnsemble, request.TargetPath,
            (progress, ct) => _operations.CopySubtreeAsync(user, request, progress, ct));
    }

    /// <inheritdoc />
    public BulkJobSnapshot StartCustom(ActingUser user, BulkJobKind kind, string ensemble, string path, string? targetEnsemble, string? targetPath,
        Func<IProgress<BulkProgress>, CancellationToken, Task<BulkResult>> body)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(body);
        return Start(user, kind, ensemble, path, targetEnsemble, targetPath, body);
    }

    /// <inheritdoc />
    public IReadOnlyList<BulkJobSnapshot> List(ActingUser viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        lock (_gate)
        {
            PruneLocked();
            return _jobs.Values.Select(j => j.Snapshot)
                .Where(s => BulkJobAccess.MayManage(_policy, viewer, s))
                .OrderByDescending(s => s.IsRunning)
                .ThenByDescending(s => s.StartedAt)
                .ToList();
        }
    }

    /// <inheritdoc />
    public BulkJobSnapshot Get(ActingUser viewer, string id) => Find(viewer, id, "see").Snapshot;

    /// <inheritdoc />
    public BulkJobSnapshot Cancel(ActingUser viewer, string id)
    {
        var job = Find(viewer, id, "cancel");
        var snapshot = job.RequestCancel();
        if (snapshot is not null)
        {
            _logger.LogInformation("Bulk job {Id} ({Kind} {Ensemble}:{Path}) cancel requested by {User}", id, job.Snapshot.Kind, job.Snapshot.Ensemble, job.Snapshot.Path, viewer.ToString());
            Publish(snapshot);
        }
        return job.Snapshot;
    }

    /// <inheritdoc />
    public async Task<BulkJobSnapshot> WaitAsync(ActingUser viewer, string id, CancellationToken ct = default)
    {
        var job = Find(viewer, id, "wait for");
        await job.Finished.WaitAsync(ct).ConfigureAwait(false);
        return job.Snapshot;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(ActingUser viewer, Action<BulkJobSnapshot> changed)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(changed);
        var subscription = new Subscription(this, viewer, changed);
        lock (_gate)
        {
            _subscribers.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Stops every running job (the app is stopping) and waits a little for them to report.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Job> running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            running = _jobs.Values.Where(j => j.Snapshot.IsRunning).ToList();
        }
        foreach (var job in running)
        {
            job.RequestCancel();
        }
        try
        {
            await Task.WhenAll(running.Select(j => j.Finished)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("{Count} bulk job(s) did not stop within 10 s of shutdown", running.Count(j => j.Snapshot.IsRunning));
        }
        foreach (var job in running)
        {
            job.Dispose();
        }
    }

    private BulkJobSnapshot Start(ActingUser user, BulkJobKind kind, string ensemble, string path, string? targetEnsemble, string? targetPath,
        Func<IProgress<BulkProgress>, CancellationToken, Task<BulkResult>> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(ensemble);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var id = NewId();
        var snapshot = new BulkJobSnapshot(id, kind, user.Name, user.Provider, ensemble, path, targetEnsemble, targetPath,
            BulkJobState.Running, null, null, null, _time.GetUtcNow(), null, false);
        var job = new Job(snapshot);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            PruneLocked();
            var running = _jobs.Values.Count(j => j.Snapshot.IsRunning);
            if (running >= Math.Max(1, _options.MaxRunning))
            {
                throw new BulkJobLimitException(running);
            }
            _jobs.Add(id, job);
        }
        _logger.LogInformation("Bulk job {Id} started: {Kind} {Ensemble}:{Path} by {User}", id, kind, ensemble, path, user.ToString());
        Publish(snapshot);
        // The job's own token only: nothing of the caller (its request, its circuit) can stop it.
        _ = Task.Run(() => RunAsync(job, body), CancellationToken.None);
        return snapshot;
    }

    private async Task RunAsync(Job job, Func<IProgress<BulkProgress>, CancellationToken, Task<BulkResult>> body)
    {
        BulkJobSnapshot final;
        try
        {
            var result = await body(new JobProgress(this, job), job.Token).ConfigureAwait(false);
            var state = result.Completed ? BulkJobState.Succeeded : result.Cancelled ? BulkJobState.Cancelled : BulkJobState.Incomplete;
            final = job.Finish(s => s with { State = state, Result = result, FinishedAt = _time.GetUtcNow() });
        }
        catch (OperationCanceledException ex) when (job.Token.IsCancellationRequested)
        {
            // Stopped before the operation could report a count (while counting or connecting): nothing was changed.
            final = job.Finish(s => s with
            {
                State = BulkJobState.Cancelled,
                Error = "Cancelled before any node was changed.",
                Exception = ex,
                FinishedAt = _time.GetUtcNow(),
            });
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Bulk job {Id} ({Kind} {Ensemble}:{Path}) failed", job.Snapshot.Id, job.Snapshot.Kind, job.Snapshot.Ensemble, job.Snapshot.Path);
            final = job.Finish(s => s with { State = BulkJobState.Failed, Error = ex.Message, Exception = ex, FinishedAt = _time.GetUtcNow() });
        }
        _logger.LogInformation("Bulk job {Id} finished: {State}: {Summary}", final.Id, final.State, final.Summary);
        Publish(final);
        lock (_gate)
        {
            PruneLocked();
        }
    }

    private void Report(Job job, BulkProgress progress)
    {
        var now = _time.GetTimestamp();
        if (job.Report(progress, now, _options.ProgressInterval, _time) is { } snapshot)
        {
            Publish(snapshot);
        }
    }

    private void Publish(BulkJobSnapshot snapshot)
    {
        Subscription[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }
        foreach (var s in subscribers)
        {
            if (!BulkJobAccess.MayManage(_policy, s.Viewer, snapshot))
            {
                continue;
            }
            try
            {
                s.Changed(snapshot);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A bulk job subscriber failed on job {Id}", snapshot.Id);
            }
        }
    }

    private Job Find(ActingUser viewer, string id, string verb)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        Job? job;
        lock (_gate)
        {
            PruneLocked();
            _jobs.TryGetValue(id ?? string.Empty, out job);
        }
        if (job is null)
        {
            throw new BulkJobNotFoundException(id ?? string.Empty);
        }
        if (!BulkJobAccess.MayManage(_policy, viewer, job.Snapshot))
        {
            var denied = new BulkJobAccessDeniedException(viewer, id!);
            RecordDenied(viewer, job.Snapshot, verb, denied.Message);
            throw denied;
        }
        return job;
    }

    /// <summary>Audits a refused look at (or cancel of) someone else's job, as the job's operation on its root.</summary>
    private void RecordDenied(ActingUser viewer, BulkJobSnapshot job, string verb, string reason)
    {
        var kind = job.Kind switch
        {
            BulkJobKind.Copy => ZkOperationKind.Copy,
            BulkJobKind.Move => ZkOperationKind.Move,
            _ => ZkOperationKind.DeleteRecursive,
        };
        var op = new OperationContext(viewer, job.Ensemble, kind, job.Path, job.TargetEnsemble, job.TargetPath);
        var record = new AuditRecord(_time.GetUtcNow(), op, AuditOutcome.Denied, $"{verb} job {job.Id}: {reason}") { OperationName = "Job" };
        try
        {
            var pending = _audit.RecordAsync(record, CancellationToken.None);
            if (!pending.IsCompleted)
            {
                // Get and Cancel are synchronous; the refusal must be on record before the caller hears of it.
                pending.AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Could not audit the refused {Verb} of job {Id} by {User}", verb, job.Id, viewer.ToString());
        }
    }

    /// <summary>Forgets finished jobs older than the retention time, and the oldest beyond the count bound.</summary>
    private void PruneLocked()
    {
        var now = _time.GetUtcNow();
        var finished = _jobs.Values.Where(j => !j.Snapshot.IsRunning).OrderByDescending(j => j.Snapshot.FinishedAt).ToList();
        for (var i = 0; i < finished.Count; i++)
        {
            var s = finished[i].Snapshot;
            if (i >= Math.Max(0, _options.MaxFinished) || now - s.FinishedAt > _options.KeepFinished)
            {
                _jobs.Remove(s.Id);
                finished[i].Dispose();
            }
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private sealed class JobProgress(BulkJobs owner, Job job) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => owner.Report(job, value);
    }

    private sealed class Subscription(BulkJobs owner, ActingUser viewer, Action<BulkJobSnapshot> changed) : IDisposable
    {
        public ActingUser Viewer { get; } = viewer;
        public Action<BulkJobSnapshot> Changed { get; } = changed;

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._subscribers.Remove(this);
            }
        }
    }
}
