namespace ZkDashboard.Sandbox;

/// <summary>How a <see cref="SandboxEnsemble"/> is laid out and started.</summary>
public sealed record SandboxOptions
{
    /// <summary>Number of servers (1 or more). With one server and <see cref="Reconfig"/> on, it runs as a quorum of one (mode "leader").</summary>
    public int Servers { get; init; } = 3;

    /// <summary>ZooKeeper tickTime; short so elections and session expiry are fast in tests.</summary>
    public int TickTimeMs { get; init; } = 200;

    /// <summary>Ticks a follower may take to connect and sync with the leader (50 × 200 ms = 10 s).</summary>
    public int InitLimit { get; init; } = 50;

    /// <summary>Ticks a follower may lag before it is dropped (25 × 200 ms = 5 s). Generous on purpose: on a loaded
    /// 2-core machine a JVM can stall for seconds, and a tighter limit makes the quorum flap under other tests.
    /// A killed server is noticed at once (its sockets close); only a paused one waits out this limit.</summary>
    public int SyncLimit { get; init; } = 25;

    /// <summary>Where server directories go. Default: a fresh directory under
    /// <c>$ZKDASHBOARD_SANDBOX_ROOT</c> (else the temp dir)/zkdashboard-sandbox, deleted on dispose.
    /// A directory given here is kept.</summary>
    public string? DataRoot { get; init; }

    /// <summary>-Dzookeeper.extendedTypesEnabled=true (TTL nodes).</summary>
    public bool ExtendedTypes { get; init; } = true;

    /// <summary>reconfigEnabled=true and standaloneEnabled=false (dynamic configuration file format).
    /// Reconfig needs the super user: see <see cref="SandboxEnsemble.SuperUser"/>.</summary>
    public bool Reconfig { get; init; } = true;

    /// <summary>Password of the ZooKeeper super user (digest scheme, user "super").</summary>
    public string SuperPassword { get; init; } = "sandbox-super";

    /// <summary>Session timeouts the servers accept (ZooKeeper's defaults are 2 and 20 ticks, far too short here).</summary>
    public int MinSessionTimeoutMs { get; init; } = 400;

    public int MaxSessionTimeoutMs { get; init; } = 120_000;

    /// <summary>Extra zoo.cfg lines (key=value); they override generated keys with the same name.</summary>
    public IReadOnlyDictionary<string, string> ExtraConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>Also serve a TLS client port on each server (<see cref="SandboxServer.SecureClientPort"/>); null: plain only.</summary>
    public SandboxTlsOptions? Tls { get; init; }

    /// <summary>Extra JVM arguments, placed before the main class.</summary>
    public IReadOnlyList<string> ExtraJvmArgs { get; init; } = [];

    /// <summary>Heap per server.</summary>
    public string MaxHeap { get; init; } = "256m";

    /// <summary>How long <see cref="SandboxEnsemble.StartAsync"/> waits for a quorum with a leader.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How many times start is retried with fresh ports when a port turned out to be taken.</summary>
    public int PortRetries { get; init; } = 3;

    internal void Validate()
    {
        if (Servers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Servers), Servers, "A sandbox needs at least 1 server.");
        }

        if (TickTimeMs < 1 || InitLimit < 1 || SyncLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TickTimeMs), "TickTimeMs, InitLimit and SyncLimit must be positive.");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartTimeout), StartTimeout, "StartTimeout must be positive.");
        }
    }
}
