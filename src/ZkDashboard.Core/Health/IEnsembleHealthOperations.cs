using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Health;

/// <summary>
/// The Core boundary for everything a person does with ensemble health: reads (snapshot, live subscription, history,
/// alerts, configuration) and actions (four-letter words, reconfig, acknowledging and silencing alerts). Every call
/// takes the acting user, asks <see cref="IAccessPolicy"/> first and records the outcome with <see cref="IAuditSink"/>.
/// Pages use only this service, never <see cref="IHealthMonitor"/> directly.
/// </summary>
public interface IEnsembleHealthOperations
{
    /// <summary>How often every server is polled (a setting, not ensemble data).</summary>
    TimeSpan PollInterval { get; }

    /// <summary>The latest snapshot of one ensemble (null before its first poll). Read.</summary>
    /// <exception cref="AccessDeniedException">The user may not read the ensemble.</exception>
    Task<EnsembleHealth?> GetHealthAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>
    /// Live snapshots of one ensemble, or (<paramref name="ensemble"/> null) of every registered ensemble the user may
    /// watch. Checked once per ensemble when subscribing (Watch); dispose the result to stop.
    /// </summary>
    Task<HealthSubscription> SubscribeAsync(ActingUser user, string? ensemble, Action<EnsembleHealth> onSnapshot, CancellationToken ct = default);

    /// <summary>One metric of one server over <paramref name="window"/>: the in-memory samples when they cover the window,
    /// otherwise the stored downsampled buckets. The result says its resolution. Read.</summary>
    Task<HealthSeries> GetHistoryAsync(ActingUser user, string ensemble, string server, string metric, TimeSpan window, CancellationToken ct = default);

    /// <summary>Active and resolved alerts of one ensemble, newest first. Read.</summary>
    Task<IReadOnlyList<HealthAlert>> GetAlertsAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>
    /// Sends <paramref name="word"/> to <paramref name="server"/>, which must be one of the ensemble's monitored servers
    /// (nothing else is reachable through this). A refused, unreachable or timed-out word is an answer with a failure,
    /// not an exception. FourLetterWord.
    /// </summary>
    Task<FourLetterWordAnswer> SendFourLetterWordAsync(ActingUser user, string ensemble, string server, string word, CancellationToken ct = default);

    /// <summary>The dynamic configuration (<c>/zookeeper/config</c> through the shared session, plus each server's
    /// <c>conf</c> from the latest poll). Read of <c>/zookeeper/config</c>.</summary>
    Task<EnsembleConfiguration> GetConfigurationAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>What a membership change would do (the membership and quorum after it, or why it is refused); changes nothing. Read of <c>/zookeeper/config</c>.</summary>
    Task<ReconfigPlan> PlanReconfigAsync(ActingUser user, string ensemble, ReconfigChange change, CancellationToken ct = default);

    /// <summary>
    /// Applies a membership change, refusing (before ZooKeeper is asked) one that would leave no quorum, and one planned
    /// against another config version than <paramref name="expectedVersion"/> (someone changed it meanwhile). Reconfig.
    /// </summary>
    /// <exception cref="ReconfigRefusedException">The change was refused; nothing changed.</exception>
    /// <exception cref="ReconfigOutcomeUnknownException">The connection was lost; re-read the configuration.</exception>
    Task<ReconfigResult> ReconfigAsync(ActingUser user, string ensemble, ReconfigChange change, string expectedVersion, CancellationToken ct = default);

    /// <summary>Marks an active alert acknowledged by the user. AcknowledgeAlert.</summary>
    /// <exception cref="AlertNotActiveException">No such active alert (resolved meanwhile).</exception>
    Task<HealthAlert> AcknowledgeAlertAsync(ActingUser user, string ensemble, long alertId, CancellationToken ct = default);

    /// <summary>Silences an active alert's notifications until <paramref name="until"/> (also acknowledges it). AcknowledgeAlert.</summary>
    /// <exception cref="AlertNotActiveException">No such active alert.</exception>
    Task<HealthAlert> SilenceAlertAsync(ActingUser user, string ensemble, long alertId, DateTimeOffset until, CancellationToken ct = default);
}

/// <summary>A live health subscription: the snapshots known when it started, and the ensembles it covers.</summary>
public sealed class HealthSubscription(IReadOnlyList<EnsembleHealth> current, IReadOnlySet<string> ensembles, IReadOnlyList<string> denied, IDisposable inner) : IDisposable
{
    public IReadOnlyList<EnsembleHealth> Current { get; } = current;

    /// <summary>Ensembles whose snapshots are delivered.</summary>
    public IReadOnlySet<string> Ensembles { get; } = ensembles;

    /// <summary>Registered ensembles the user may not watch (left out).</summary>
    public IReadOnlyList<string> Denied { get; } = denied;

    public void Dispose() => inner.Dispose();
}

/// <summary>A time series as a chart shows it.</summary>
/// <param name="Points">Oldest first.</param>
/// <param name="Resolution">Spacing of the points (the poll interval, or the bucket size of the stored averages).</param>
/// <param name="Description">Where the points come from, worded for the chart (e.g. "stored 1-minute averages").</param>
public sealed record HealthSeries(string Server, string Metric, IReadOnlyList<MetricPoint> Points, TimeSpan Resolution, string Description);

/// <summary>The answer to one four-letter word.</summary>
/// <param name="Text">The raw reply (empty when it failed).</param>
/// <param name="Failure">Null when the server answered.</param>
/// <param name="Message">For a failure: what went wrong and what to do.</param>
public sealed record FourLetterWordAnswer(string Server, string Word, string Text, FourLetterWordFailure? Failure, string? Message, TimeSpan Duration);

/// <summary>One server of the dynamic configuration.</summary>
public sealed record ConfigMember(long Id, string Host, int QuorumPort, int ElectionPort, bool IsVoter, string? ClientHost, int? ClientPort)
{
    public string Role => IsVoter ? "participant" : "observer";

    /// <summary>"server.N=host:q:e:role;client" as ZooKeeper writes it.</summary>
    public string Spec => $"server.{Id}={Host}:{QuorumPort}:{ElectionPort}:{Role}" + (ClientPort is { } p ? $";{ClientHost ?? "0.0.0.0"}:{p}" : "");
}

/// <summary>The ensemble's configuration: the <c>/zookeeper/config</c> node and each server's <c>conf</c>.</summary>
/// <param name="Version">The config version (hex, as in <c>version=</c>); "" when the ensemble has no dynamic config.</param>
/// <param name="Error">Why the config node could not be read (null when it was).</param>
public sealed record EnsembleConfiguration(string Ensemble, string RawConfig, string Version, IReadOnlyList<ConfigMember> Members,
    IReadOnlyDictionary<string, IReadOnlyList<ConfiguredServer>> ConfByServer, string? Error)
{
    public int Voters => Members.Count(m => m.IsVoter);

    public int Observers => Members.Count(m => !m.IsVoter);
}

public enum ReconfigAction
{
    /// <summary>Add a server (give its full spec).</summary>
    Add,
    /// <summary>Remove a server by id.</summary>
    Remove,
    /// <summary>Make a participant an observer or the other way round.</summary>
    ChangeRole,
}

/// <summary>A membership change. <paramref name="Spec"/>: for Add, "server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]"; <paramref name="NewRole"/>: for ChangeRole, "participant" or "observer".</summary>
public sealed record ReconfigChange(ReconfigAction Action, long ServerId, string? Spec = null, string? NewRole = null);

/// <summary>What a change would do, checked before it is sent.</summary>
/// <param name="Allowed">False when the change would leave no quorum (or is invalid).</param>
/// <param name="Summary">One sentence: the membership and quorum after the change, or why it is refused.</param>
public sealed record ReconfigPlan(ReconfigChange Change, IReadOnlyList<ConfigMember> After, int VotersAfter, int QuorumAfter, int ServingVotersAfter,
    bool Allowed, string Summary, string? Joining, string? Leaving);

/// <summary>A reconfig ZooKeeper accepted: the new configuration.</summary>
public sealed record ReconfigResult(ReconfigPlan Plan, string NewVersion, string RawConfig);

/// <summary>A reconfig refused before or by ZooKeeper; nothing changed.</summary>
public sealed class ReconfigRefusedException(string message, Exception? inner = null) : Exception(message, inner)
{
    public ReconfigRefusedException() : this("The reconfig was refused.") { }

    public ReconfigRefusedException(string message) : this(message, null) { }
}

/// <summary>The connection was lost after a reconfig was sent: it may or may not have been applied.</summary>
public sealed class ReconfigOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner)
{
    public ReconfigOutcomeUnknownException() : this("The reconfig outcome is unknown.") { }

    public ReconfigOutcomeUnknownException(string message) : this(message, null) { }
}

/// <summary>The alert is not active (resolved meanwhile, or never existed on that ensemble).</summary>
public sealed class AlertNotActiveException : Exception
{
    public AlertNotActiveException(string ensemble, long alertId)
        : base($"Alert {alertId} is not active on ensemble '{ensemble}' (it was resolved meanwhile). Nothing was changed.") { }

    public AlertNotActiveException() { }

    public AlertNotActiveException(string message) : base(message) { }

    public AlertNotActiveException(string message, Exception innerException) : base(message, innerException) { }
}
