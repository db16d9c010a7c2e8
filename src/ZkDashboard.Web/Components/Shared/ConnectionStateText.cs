using ZkDashboard.Core.Sessions;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>How a session state is shown: a short badge text, a CSS tone and a sentence.</summary>
public static class ConnectionStateText
{
    /// <summary>Badge text ("connected", "suspended"…).</summary>
    public static string Badge(EnsembleConnectionState state) => state switch
    {
        EnsembleConnectionState.NotConnected => "idle",
        EnsembleConnectionState.Connecting => "connecting",
        EnsembleConnectionState.Connected => "connected",
        EnsembleConnectionState.ReadOnly => "read-only",
        EnsembleConnectionState.Suspended => "disconnected",
        EnsembleConnectionState.Expired => "expired",
        EnsembleConnectionState.AuthFailed => "auth failed",
        EnsembleConnectionState.Failed => "unreachable",
        EnsembleConnectionState.Closed => "closed",
        _ => state.ToString(),
    };

    /// <summary>CSS tone: ok, warn, bad or idle.</summary>
    public static string Tone(EnsembleConnectionState state) => state switch
    {
        EnsembleConnectionState.Connected => "ok",
        EnsembleConnectionState.ReadOnly or EnsembleConnectionState.Connecting => "warn",
        EnsembleConnectionState.NotConnected or EnsembleConnectionState.Closed => "idle",
        _ => "bad",
    };

    /// <summary>
    /// The state's colour key, used as <c>zk-state-{key}</c> (app.css has one colour per key): connected, connecting,
    /// readonly, suspended, expired, failed (also auth failed) or idle (not connected yet, closed).
    /// </summary>
    public static string Key(EnsembleConnectionState state) => state switch
    {
        EnsembleConnectionState.Connected => "connected",
        EnsembleConnectionState.Connecting => "connecting",
        EnsembleConnectionState.ReadOnly => "readonly",
        EnsembleConnectionState.Suspended => "suspended",
        EnsembleConnectionState.Expired => "expired",
        EnsembleConnectionState.AuthFailed or EnsembleConnectionState.Failed => "failed",
        _ => "idle",
    };

    /// <summary>One sentence for a banner.</summary>
    public static string Sentence(EnsembleSessionStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var name = status.Ensemble;
        return status.State switch
        {
            EnsembleConnectionState.Suspended => $"The connection to '{name}' was lost. The dashboard is reconnecting; the session may still be alive.",
            EnsembleConnectionState.Expired => $"The session with '{name}' expired. A new session is being opened; ephemeral nodes of the old session are gone.",
            EnsembleConnectionState.AuthFailed => $"'{name}' refused the dashboard's credentials. Fix the ensemble's digest credentials.",
            EnsembleConnectionState.Failed => status.Error is null
                ? $"'{name}' cannot be reached. Check the connect string and that the servers are up."
                : status.Error.Contains("Check", StringComparison.Ordinal)
                    ? $"'{name}' cannot be reached: {status.Error}"
                    : $"'{name}' cannot be reached: {status.Error} Check the connect string and that the servers are up.",
            EnsembleConnectionState.Closed => $"The session with '{name}' is closed.",
            EnsembleConnectionState.ReadOnly => $"'{name}' is connected to a server in read-only mode (it lost its quorum): reads work, writes are refused.",
            EnsembleConnectionState.Connecting => $"Connecting to '{name}'…",
            EnsembleConnectionState.NotConnected => $"No session with '{name}' yet: it opens when someone browses it.",
            _ => $"Connected to '{name}'.",
        };
    }
}
