namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>Parsed reply of <c>srvr</c> (and <c>stat</c>, which adds <see cref="Clients"/>).</summary>
public sealed record ServerStats
{
    /// <summary>Full version line, e.g. "3.8.0-abc, built on 2024-12-29 17:54 UTC".</summary>
    public required string Version { get; init; }

    /// <summary>"leader", "follower", "standalone", "observer" or "read-only".</summary>
    public required string Mode { get; init; }

    /// <summary>True when the server printed "READ-ONLY mode" (mode "read-only").</summary>
    public bool IsReadOnly { get; init; }

    public double MinLatency { get; init; }

    public double AvgLatency { get; init; }

    public double MaxLatency { get; init; }

    public long Received { get; init; }

    public long Sent { get; init; }

    public int Connections { get; init; }

    public long Outstanding { get; init; }

    /// <summary>Last processed zxid.</summary>
    public long Zxid { get; init; }

    /// <summary>High 32 bits of <see cref="Zxid"/>: the leader epoch.</summary>
    public int Epoch => (int)(Zxid >>> 32);

    /// <summary>Low 32 bits of <see cref="Zxid"/>: the transaction counter within the epoch.</summary>
    public long Counter => Zxid & 0xFFFF_FFFFL;

    public long NodeCount { get; init; }

    /// <summary>"Proposal sizes last/min/max" (leaders only); null elsewhere.</summary>
    public ProposalSizes? ProposalSizes { get; init; }

    /// <summary>Client connections (only from <c>stat</c>; empty for <c>srvr</c>).</summary>
    public IReadOnlyList<ClientConnection> Clients { get; init; } = [];

    /// <summary>Every "Key: value" line as printed.</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();
}

/// <summary>Leader proposal sizes in bytes; -1 when none yet.</summary>
public sealed record ProposalSizes(long Last, long Min, long Max);
