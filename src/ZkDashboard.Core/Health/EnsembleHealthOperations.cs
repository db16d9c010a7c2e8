using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Health;

/// <summary>The health boundary (see <see cref="IEnsembleHealthOperations"/>).</summary>
internal sealed partial class EnsembleHealthOperations : IEnsembleHealthOperations
{
    /// <summary>Chart windows up to this many points come from memory or the store as they are; longer ones are merged.</summary>
    internal const int MaxChartPoints = 720;

    private readonly HealthMonitor _monitor;
    private readonly IEnsembleRegistry _registry;
    private readonly IEnsembleSessions _sessions;
    private readonly IFourLetterWordTransport _transport;
    private readonly IHealthSeriesStore _series;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly HealthOptions _options;
    private readonly TimeProvider _time;

    public EnsembleHealthOperations(HealthMonitor monitor, IEnsembleRegistry registry, IEnsembleSessions sessions, IFourLetterWordTransport transport,
        IHealthSeriesStore series, IAccessPolicy policy, IAuditSink audit, IOptions<HealthOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _monitor = monitor;
        _registry = registry;
        _sessions = sessions;
        _transport = transport;
        _series = series;
        _policy = policy;
        _audit = audit;
        _options = options.Value;
        _time = time;
    }

    public TimeSpan PollInterval => _monitor.PollInterval;

    public Task<EnsembleHealth?> GetHealthAsync(ActingUser user, string ensemble, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.Read), () => Task.FromResult(_monitor.Get(ensemble)), ct);

    public async Task<HealthSubscription> SubscribeAsync(ActingUser user, string? ensemble, Action<EnsembleHealth> onSnapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(onSnapshot);
        var names = ensemble is null ? _registry.All.Select(e => e.Name).ToArray() : [Known(ensemble)];
        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var denied = new List<string>();
        foreach (var name in names)
        {
            var op = Op(user, name, ZkOperationKind.Watch);
            try
            {
                await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
                allowed.Add(name);
                await AuditAsync(op, AuditOutcome.Succeeded, "health snapshots").ConfigureAwait(false);
            }
            catch (AccessDeniedException ex)
            {
                await AuditAsync(op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
                if (ensemble is not null)
                {
                    throw;
                }
                denied.Add(name);
            }
        }
        var inner = _monitor.Subscribe(h =>
        {
            if (allowed.Contains(h.Ensemble))
            {
                onSnapshot(h);
            }
        });
        var current = allowed.Select(_monitor.Get).OfType<EnsembleHealth>().ToArray();
        return new HealthSubscription(current, allowed, denied, inner);
    }

    public Task<HealthSeries> GetHistoryAsync(ActingUser user, string ensemble, string server, string metric, TimeSpan window, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.Read), async () =>
        {
            var now = _time.GetUtcNow();
            var since = now - window;
            var memory = _monitor.GetHistory(ensemble, server, metric, since);
            var memorySpan = memory.Count > 0 ? now - memory[0].Timestamp : TimeSpan.Zero;
            var useMemory = !_series.Enabled || window <= _options.HistoryDuration || memorySpan >= window - _monitor.PollInterval * 2;
            if (useMemory)
            {
                var (points, step) = Merge(memory, _monitor.PollInterval);
                return new HealthSeries(server, metric, points, step, step == _monitor.PollInterval
                    ? $"every poll ({Describe(step)}), kept in memory"
                    : $"{Describe(step)} averages of the polls kept in memory");
            }
            // Merged in the store to the resolution the chart draws (at most MaxChartPoints buckets over the window).
            var perBucket = Math.Max(1, (int)Math.Ceiling((window / _series.Bucket + 1) / MaxChartPoints));
            var buckets = await _series.ReadAsync(ensemble, server, metric, since, now, _series.Bucket * perBucket, ct).ConfigureAwait(false);
            var stored = buckets.Select(b => new MetricPoint(b.Start, b.Avg)).ToList();
            // The newest minutes are not stored yet: append the in-memory polls after the last stored bucket.
            var lastStored = stored.Count > 0 ? stored[^1].Timestamp + _series.Bucket * perBucket : since;
            var (merged, resolution) = Merge(stored, _series.Bucket * perBucket);
            var recent = memory.Where(p => p.Timestamp >= lastStored).ToList();
            var (recentMerged, _) = Merge(recent, _monitor.PollInterval, resolution);
            return new HealthSeries(server, metric, [.. merged, .. recentMerged], resolution, $"stored {Describe(resolution)} averages");
        }, ct);

    /// <summary>Averages consecutive points into buckets of a multiple of <paramref name="step"/> so at most <see cref="MaxChartPoints"/> remain.</summary>
    internal static (IReadOnlyList<MetricPoint> Points, TimeSpan Step) Merge(IReadOnlyList<MetricPoint> points, TimeSpan step, TimeSpan? atLeast = null)
    {
        var factor = Math.Max(1, (int)Math.Ceiling(points.Count / (double)MaxChartPoints));
        if (atLeast is { } min && step > TimeSpan.Zero)
        {
            factor = Math.Max(factor, (int)Math.Ceiling(min / step));
        }
        if (factor == 1)
        {
            return (points, step);
        }
        var bucket = step * factor;
        var result = points
            .GroupBy(p => p.Timestamp.ToUnixTimeMilliseconds() / (long)bucket.TotalMilliseconds)
            .Select(g => new MetricPoint(DateTimeOffset.FromUnixTimeMilliseconds(g.Key * (long)bucket.TotalMilliseconds), g.Average(p => p.Value)))
            .ToArray();
        return (result, bucket);
    }

    internal static string Describe(TimeSpan step) => step switch
    {
        { TotalDays: >= 1 } when step.TotalDays % 1 == 0 => $"{step.TotalDays:0}-day",
        { TotalHours: >= 1 } when step.TotalHours % 1 == 0 => $"{step.TotalHours:0}-hour",
        { TotalMinutes: >= 1 } when step.TotalMinutes % 1 == 0 => $"{step.TotalMinutes:0}-minute",
        _ => $"{step.TotalSeconds:0.#}-second",
    };

    public Task<IReadOnlyList<HealthAlert>> GetAlertsAsync(ActingUser user, string ensemble, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.Read), () => Task.FromResult(_monitor.GetAlertHistory(Known(ensemble))), ct);

    public async Task<FourLetterWordAnswer> SendFourLetterWordAsync(ActingUser user, string ensemble, string server, string word, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(word);
        var w = word.Trim().ToLowerInvariant();
        var op = Op(user, ensemble, ZkOperationKind.FourLetterWord);
        return await RunAsync(op, async () =>
        {
            if (w.Length != 4 || !w.All(char.IsAsciiLetterLower))
            {
                throw new ArgumentException($"'{word}' is not a four-letter word: type four letters, e.g. srvr, mntr, conf, cons, wchs, stat, envi, dirs.");
            }
            var definition = _registry.Find(ensemble) ?? throw new UnknownEnsembleException(ensemble);
            var host = definition.FourLetterWordHosts.FirstOrDefault(h => string.Equals(h, server.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"'{server}' is not a server of ensemble '{ensemble}'. Pick one of: {string.Join(", ", definition.FourLetterWordHosts)}.");
            var started = Stopwatch.GetTimestamp();
            try
            {
                var text = await _transport.SendAsync(host, w, TimeSpan.FromSeconds(Math.Max(5, _options.CommandTimeout.TotalSeconds)), ct).ConfigureAwait(false);
                return new FourLetterWordAnswer(host, w, text, null, null, Stopwatch.GetElapsedTime(started));
            }
            catch (FourLetterWordProbeException ex)
            {
                var message = ex.Failure switch
                {
                    FourLetterWordFailure.Disabled =>
                        $"{host} refuses '{w}': it is not in the server's 4lw.commands.whitelist (since ZooKeeper 3.5.3 only srvr is allowed by default). "
                        + $"Add it to zoo.cfg, e.g. 4lw.commands.whitelist=srvr,mntr,conf,cons,wchs,isro,ruok,{w}, or use '*' on a trusted network, and restart the server.",
                    FourLetterWordFailure.Timeout => $"{host} did not answer '{w}' in time: {ex.Message}",
                    _ => $"{host} could not be reached: {ex.Message}",
                };
                return new FourLetterWordAnswer(host, w, "", ex.Failure, message, Stopwatch.GetElapsedTime(started));
            }
        }, ct, a => a.Failure is null ? (AuditOutcome.Succeeded, $"{w} @ {a.Server}: {a.Text.Length} chars") : (AuditOutcome.Failed, $"{w} @ {a.Server}: {a.Message}")).ConfigureAwait(false);
    }

    public Task<HealthAlert> AcknowledgeAlertAsync(ActingUser user, string ensemble, long alertId, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.AcknowledgeAlert), () =>
        {
            var now = _time.GetUtcNow();
            var alert = _monitor.AnnotateAlert(Known(ensemble), alertId, a => a with { AcknowledgedBy = user.Name, AcknowledgedAt = now })
                ?? throw new AlertNotActiveException(ensemble, alertId);
            return Task.FromResult(alert);
        }, ct, a => (AuditOutcome.Succeeded, $"acknowledged alert {a.Id} ({a.Kind} {a.Server ?? "ensemble"})"));

    public Task<HealthAlert> SilenceAlertAsync(ActingUser user, string ensemble, long alertId, DateTimeOffset until, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.AcknowledgeAlert), () =>
        {
            var now = _time.GetUtcNow();
            if (until <= now)
            {
                throw new ArgumentException($"Silence-until {until:u} is not in the future: pick a later time.");
            }
            if (until > now.AddDays(30))
            {
                throw new ArgumentException($"Silence-until {until:u} is more than 30 days away: silence for at most 30 days, or change the alert rule.");
            }
            var alert = _monitor.AnnotateAlert(Known(ensemble), alertId,
                    a => a with { SilencedUntil = until, AcknowledgedBy = a.AcknowledgedBy ?? user.Name, AcknowledgedAt = a.AcknowledgedAt ?? now })
                ?? throw new AlertNotActiveException(ensemble, alertId);
            return Task.FromResult(alert);
        }, ct, a => (AuditOutcome.Succeeded, $"silenced alert {a.Id} ({a.Kind} {a.Server ?? "ensemble"}) until {until:u}"));

    private string Known(string ensemble)
        => _registry.Find(ensemble)?.Name ?? throw new UnknownEnsembleException(ensemble);

    private static OperationContext Op(ActingUser user, string ensemble, ZkOperationKind kind, string path = "/")
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrWhiteSpace(ensemble);
        return new OperationContext(user, ensemble, kind, path);
    }

    /// <summary>The intent record of a write (set by the body once stored); the outcome record links to it.</summary>
    private sealed class IntentLink
    {
        public long? Id { get; set; }
    }

    /// <summary>Access check, the call, the audit record (like ZooKeeperOperations.RunAsync); with <paramref name="intent"/>,
    /// the outcome record links to the intent record the body stored (<see cref="AuditChange.LinkedId"/>).</summary>
    private async Task<T> RunAsync<T>(OperationContext op, Func<Task<T>> body, CancellationToken ct, Func<T, (AuditOutcome, string?)>? outcome = null,
        IntentLink? intent = null)
    {
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
        try
        {
            var result = await body().ConfigureAwait(false);
            var (o, detail) = outcome?.Invoke(result) ?? (AuditOutcome.Succeeded, null);
            await AuditAsync(op, o, detail, intent?.Id).ConfigureAwait(false);
            return result;
        }
        catch (AuditUnavailableException)
        {
            throw; // refused before sending (fail-closed); the sink has logged why
        }
        catch (ReconfigOutcomeUnknownException ex)
        {
            await AuditAsync(op, AuditOutcome.Unknown, ex.Message, intent?.Id).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            await AuditAsync(op, AuditOutcome.Failed, ex is OperationCanceledException ? "cancelled" : ex.Message, intent?.Id).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AuditAsync(OperationContext op, AuditOutcome outcome, string? detail, long? linkedId = null)
        => await _audit.RecordAsync(new AuditRecord(_time.GetUtcNow(), op, outcome, detail)
        {
            Change = linkedId is { } id ? new AuditChange { LinkedId = id } : null,
        }, CancellationToken.None).ConfigureAwait(false);

    private static string Utf8(byte[]? data) => data is null ? "" : Encoding.UTF8.GetString(data);
}
