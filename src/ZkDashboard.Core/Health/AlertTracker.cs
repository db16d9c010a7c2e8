namespace ZkDashboard.Core.Health;

/// <summary>
/// Turns the alert conditions of each poll into alerts with a lifecycle: a condition that appears raises an alert, one that
/// persists keeps it active (message refreshed), one that disappears resolves it. Resolved alerts stay in a bounded history.
/// </summary>
internal sealed class AlertTracker(int historyCapacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Ensemble, string? Server, AlertKind Kind), HealthAlert> _active = [];
    private readonly RingBuffer<HealthAlert> _resolved = new(historyCapacity);
    private long _nextId;

    /// <summary>
    /// Seeds the history with alerts from an earlier run (oldest first) and the alerts it left active (the next poll of their
    /// ensemble continues or resolves them); new ids continue after <paramref name="lastId"/>.
    /// </summary>
    public void Restore(IEnumerable<HealthAlert> resolvedOldestFirst, IEnumerable<HealthAlert> active, long lastId)
    {
        lock (_lock)
        {
            foreach (var alert in resolvedOldestFirst)
            {
                _resolved.Add(alert);
            }
            foreach (var alert in active)
            {
                _active.TryAdd((alert.Ensemble, alert.Server, alert.Kind), alert with { ResolvedAt = null });
                _nextId = Math.Max(_nextId, alert.Id);
            }
            _nextId = Math.Max(_nextId, lastId);
        }
    }

    public event Action<HealthAlert>? AlertRaised;
    public event Action<HealthAlert>? AlertResolved;

    /// <summary>Applies this poll's conditions for one ensemble and returns its active alerts.</summary>
    public IReadOnlyList<HealthAlert> Apply(string ensemble, IEnumerable<EnsembleHealthBuilder.AlertCondition> conditions, DateTimeOffset now)
    {
        var raised = new List<HealthAlert>();
        var resolved = new List<HealthAlert>();
        IReadOnlyList<HealthAlert> active;
        lock (_lock)
        {
            var seen = new HashSet<(string, string?, AlertKind)>();
            foreach (var c in conditions)
            {
                var key = (ensemble, c.Server, c.Kind);
                if (!seen.Add(key))
                {
                    continue;
                }
                if (_active.TryGetValue(key, out var existing))
                {
                    _active[key] = existing with { Message = c.Message, LastSeenAt = now, Severity = c.Severity };
                }
                else
                {
                    var alert = new HealthAlert(++_nextId, ensemble, c.Server, c.Kind, c.Severity, c.Message, now, null, now);
                    _active[key] = alert;
                    raised.Add(alert);
                }
            }
            foreach (var key in _active.Keys.Where(k => k.Ensemble == ensemble && !seen.Contains(k)).ToList())
            {
                var done = _active[key] with { ResolvedAt = now };
                _active.Remove(key);
                _resolved.Add(done);
                resolved.Add(done);
            }
            active = _active.Values.Where(a => a.Ensemble == ensemble).OrderBy(a => a.Id).ToArray();
        }
        foreach (var a in raised)
        {
            AlertRaised?.Invoke(a);
        }
        foreach (var a in resolved)
        {
            AlertResolved?.Invoke(a);
        }
        return active;
    }

    /// <summary>Marks an active alert of <paramref name="ensemble"/> acknowledged and/or silenced; null when no such alert is active.</summary>
    public HealthAlert? Annotate(string ensemble, long alertId, Func<HealthAlert, HealthAlert> change)
    {
        lock (_lock)
        {
            foreach (var (key, alert) in _active)
            {
                if (alert.Id == alertId && string.Equals(alert.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase))
                {
                    var updated = change(alert);
                    _active[key] = updated;
                    return updated;
                }
            }
            return null;
        }
    }

    /// <summary>Resolves every active alert of an ensemble (it was removed).</summary>
    public void Forget(string ensemble, DateTimeOffset now) => Apply(ensemble, [], now);

    public IReadOnlyList<HealthAlert> Active
    {
        get
        {
            lock (_lock)
            {
                return _active.Values.OrderBy(a => a.Id).ToArray();
            }
        }
    }

    /// <summary>Active and resolved alerts, newest first.</summary>
    public IReadOnlyList<HealthAlert> History(string? ensemble)
    {
        lock (_lock)
        {
            return _active.Values.Concat(_resolved.ToArray())
                .Where(a => ensemble is null || a.Ensemble == ensemble)
                .OrderByDescending(a => a.Id)
                .ToArray();
        }
    }
}
