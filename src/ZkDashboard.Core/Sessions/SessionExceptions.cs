namespace ZkDashboard.Core.Sessions;

/// <summary>An ensemble name that no configuration or runtime entry defines.</summary>
public sealed class UnknownEnsembleException(string ensemble)
    : Exception($"No ensemble named '{ensemble}' is configured. Add it under ZkDashboard:Ensembles or on the ensembles page.")
{
    /// <summary>The name asked for.</summary>
    public string Ensemble { get; } = ensemble;
}

/// <summary>
/// The ensemble cannot be reached right now (bad connect string, unreachable hosts, failed authentication,
/// session being re-opened). Other ensembles are unaffected.
/// </summary>
public sealed class EnsembleUnavailableException(string ensemble, EnsembleConnectionState state, string reason, Exception? inner = null)
    : Exception($"Ensemble '{ensemble}' is unavailable ({state}): {reason}", inner)
{
    /// <summary>The ensemble.</summary>
    public string Ensemble { get; } = ensemble;

    /// <summary>The session state when the call was refused.</summary>
    public EnsembleConnectionState State { get; } = state;

    /// <summary>What is wrong, in words.</summary>
    public string Reason { get; } = reason;
}

/// <summary>A write was refused because the ensemble is configured read-only or the server is in read-only mode.</summary>
public sealed class EnsembleReadOnlyException(string ensemble, string reason)
    : Exception($"Ensemble '{ensemble}' does not accept writes: {reason}")
{
    /// <summary>The ensemble.</summary>
    public string Ensemble { get; } = ensemble;
}
