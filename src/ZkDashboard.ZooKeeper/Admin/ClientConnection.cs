namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// One client connection as listed by <c>cons</c> (full) or <c>stat</c> (brief: address, queued, received, sent).
/// Session fields are null for connections without a session (such as the 4lw connection itself).
/// </summary>
public sealed record ClientConnection
{
    /// <summary>Remote address as printed, without the leading '/', e.g. "127.0.0.1:53184".</summary>
    public required string RemoteAddress { get; init; }

    /// <summary>Host part of <see cref="RemoteAddress"/>.</summary>
    public required string RemoteHost { get; init; }

    public int? RemotePort { get; init; }

    /// <summary>Selector interest ops (the number in brackets).</summary>
    public int InterestOps { get; init; }

    public long Queued { get; init; }

    public long Received { get; init; }

    public long Sent { get; init; }

    public long? SessionId { get; init; }

    /// <summary>Session id as the server prints it ("0x3000004d9190000").</summary>
    public string? SessionIdHex { get; init; }

    /// <summary>Last operation ("PING", "GETD", "NA"...).</summary>
    public string? LastOperation { get; init; }

    public DateTimeOffset? Established { get; init; }

    /// <summary>Negotiated session timeout in milliseconds.</summary>
    public int? SessionTimeoutMs { get; init; }

    public long? LastCxid { get; init; }

    public long? LastZxid { get; init; }

    /// <summary>Time of the last response, as printed (server clock milliseconds, not necessarily epoch based).</summary>
    public long? LastResponse { get; init; }

    public long? LastLatency { get; init; }

    public long? MinLatency { get; init; }

    public long? AvgLatency { get; init; }

    public long? MaxLatency { get; init; }

    /// <summary>Every key=value pair inside the parentheses.</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();
}
