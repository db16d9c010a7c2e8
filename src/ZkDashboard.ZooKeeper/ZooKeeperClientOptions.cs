using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.ZooKeeper;

/// <summary>Settings of a <see cref="ZooKeeperClient"/>.</summary>
public sealed record ZooKeeperClientOptions
{
    /// <summary>Comma-separated <c>host:port</c> list with an optional chroot suffix, e.g. <c>h1:2181,h2:2181/app</c>. Port defaults to 2181.</summary>
    public required string ConnectString { get; init; }
    /// <summary>Requested session timeout; the server clamps it to [2, 20] ticks.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long <see cref="ZooKeeperClient.ConnectAsync"/> tries before giving up.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Default per-call timeout (null: wait for the reply or the connection loss).</summary>
    public TimeSpan? OperationTimeout { get; init; }
    /// <summary>Allow read-only servers (a minority partition) to serve this session; see <see cref="ConnectionState.ConnectedReadOnly"/>.</summary>
    public bool CanBeReadOnly { get; init; }
    /// <summary>Largest data accepted for create/setData (the server's jute.maxbuffer, 1 MiB by default). Larger data is refused before sending.</summary>
    public int MaxDataLength { get; init; } = 1024 * 1024;
    /// <summary>Largest reply frame accepted. A larger reply fails that call with <see cref="ReplyTooLargeException"/> and is skipped unbuffered.</summary>
    public int MaxReplyLength { get; init; } = 64 * 1024 * 1024;
    /// <summary>Credentials sent after every (re)connect, before any other request.</summary>
    public IReadOnlyList<AuthInfo> Auth { get; init; } = [];
    /// <summary>TLS settings for a secure client port (null: plain TCP).</summary>
    public ZooKeeperTlsOptions? Tls { get; init; }
    /// <summary>Resume this session (with <see cref="SessionPassword"/>) instead of creating one; 0: new session.</summary>
    public long SessionId { get; init; }
    /// <summary>Password of the session to resume.</summary>
    public ReadOnlyMemory<byte> SessionPassword { get; init; }
    /// <summary>Capacity of the watch/state event queue; when full, new watch events are dropped and a warning is logged.</summary>
    public int EventQueueCapacity { get; init; } = 10_000;
    /// <summary>
    /// Complete each call's task synchronously on the reader (default): the awaiting continuation runs there without a
    /// thread hand-off, so it must not block (see the README, "Threads and hand-offs"). False: continuations run on the
    /// thread pool (one hand-off per call, about 2× the CPU per call in the client benchmark), for callers that run heavy
    /// or blocking work right after awaiting.
    /// </summary>
    public bool ContinuationsOnReader { get; init; } = true;
    /// <summary>Logging (null: no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>TLS settings (the secure client port, <c>secureClientPort</c>).</summary>
public sealed record ZooKeeperTlsOptions
{
    /// <summary>Name to validate the server certificate against (default: the host of the connect string).</summary>
    public string? TargetHost { get; init; }
    /// <summary>Custom server certificate validation; when null, the system's validation applies.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }
    /// <summary>Accept any server certificate (tests only).</summary>
    public bool AllowUntrustedServerCertificate { get; init; }
    /// <summary>Client certificates (for x509 authentication).</summary>
    public X509CertificateCollection? ClientCertificates { get; init; }
    /// <summary>Allowed protocols (None: the system default).</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;
}
