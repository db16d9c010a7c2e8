using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Ensembles;

/// <summary>
/// The ensembles the dashboard knows: those of the root appsettings ("ZkDashboard:Ensembles", read-only at runtime)
/// plus those an admin added at runtime (persisted in the dashboard database, credentials encrypted with Data Protection).
/// </summary>
public interface IEnsembleRegistry
{
    /// <summary>Valid ensembles, configuration first, then runtime ones, each group in name order.</summary>
    IReadOnlyList<EnsembleDefinition> All { get; }

    /// <summary>Problems found in configuration: an invalid entry is skipped (the others still work) and listed here.</summary>
    IReadOnlyList<string> ConfigurationErrors { get; }

    EnsembleDefinition? Find(string name);

    /// <summary>Raised after an ensemble is added, updated or removed (on the caller's thread; handlers must not block).</summary>
    event EventHandler<EnsembleRegistryChangedEventArgs>? Changed;

    /// <summary>Adds a runtime ensemble after validation and a reachability check. Throws <see cref="EnsembleValidationException"/>,
    /// <see cref="EnsembleUnreachableException"/> (save anyway with <see cref="EnsembleSaveOptions.SkipReachabilityCheck"/>),
    /// <see cref="EnsembleConflictException"/> or <see cref="AccessDeniedException"/> (needs manageEnsembles).</summary>
    Task<EnsembleDefinition> AddAsync(EnsembleDefinition definition, ActingUser user, CancellationToken ct = default);

    Task<EnsembleDefinition> AddAsync(EnsembleDefinition definition, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default);

    /// <summary>Replaces a runtime ensemble (matched by name). A null <see cref="EnsembleDefinition.Credentials"/> with
    /// <see cref="EnsembleSaveOptions.KeepExistingCredentials"/> keeps the stored ones (the UI never receives them).</summary>
    Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition definition, ActingUser user, CancellationToken ct = default);

    Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition definition, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default);

    Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default);

    /// <summary>Tries every four-letter-word host of the definition (TCP connect + ruok) with a short timeout.</summary>
    Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition definition, CancellationToken ct = default);
}

public sealed record EnsembleSaveOptions(bool SkipReachabilityCheck = false, bool KeepExistingCredentials = false)
{
    public static EnsembleSaveOptions Default { get; } = new();
}

/// <summary>Result of a reachability check. <see cref="IsReachable"/> when at least one server answered.</summary>
public sealed record ReachabilityResult(IReadOnlyList<HostReachability> Hosts)
{
    public bool IsReachable => Hosts.Any(h => h.Reachable);

    public string Describe() => string.Join("; ", Hosts.Select(h => h.Reachable ? $"{h.Host}: ok ({h.Detail})" : $"{h.Host}: {h.Detail}"));
}

public sealed record HostReachability(string Host, bool Reachable, string Detail);

/// <summary>No server of the ensemble answered. The admin may save anyway with <see cref="EnsembleSaveOptions.SkipReachabilityCheck"/>.</summary>
public sealed class EnsembleUnreachableException : Exception
{
    public EnsembleUnreachableException(string name, ReachabilityResult result)
        : base($"Ensemble '{name}' is not reachable: {result.Describe()}. Check the hosts and ports, or save anyway with 'skip reachability check'.")
        => Result = result;

    public EnsembleUnreachableException() : base("The ensemble is not reachable.") => Result = new ReachabilityResult([]);

    public EnsembleUnreachableException(string message) : base(message) => Result = new ReachabilityResult([]);

    public EnsembleUnreachableException(string message, Exception innerException) : base(message, innerException) => Result = new ReachabilityResult([]);

    public ReachabilityResult Result { get; }
}

/// <summary>The name is taken, unknown, or belongs to a configuration-defined ensemble that cannot change at runtime.</summary>
public sealed class EnsembleConflictException : Exception
{
    public EnsembleConflictException() { }

    public EnsembleConflictException(string message) : base(message) { }

    public EnsembleConflictException(string message, Exception innerException) : base(message, innerException) { }
}
