using System.Net.Sockets;
using System.Text;

namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// Sends ZooKeeper four-letter words (<c>ruok</c>, <c>srvr</c>, <c>mntr</c>...) to one server and parses the replies.
/// Stateless and thread-safe: every command opens its own TCP connection to the client port, writes the word,
/// and reads until the server closes the connection (never a single receive: <c>mntr</c> spans many
/// segments). The whole exchange is bounded by the timeout given to the constructor.
/// </summary>
/// <remarks>
/// Errors: a word missing from the server's <c>4lw.commands.whitelist</c> raises
/// <see cref="FourLetterWordDisabledException"/>; a server without quorum raises
/// <see cref="FourLetterWordNotServingException"/> from the typed methods; an unreachable server raises
/// <see cref="FourLetterWordConnectionException"/> naming host:port; a stalled one
/// <see cref="FourLetterWordTimeoutException"/>. Cancelling <c>ct</c> raises <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class FourLetterWordClient
{
    /// <summary>Default bound of one command, connect included.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default cap on a reply (<c>wchc</c>/<c>wchp</c> on a busy server can be large).</summary>
    public const int DefaultMaxReplyBytes = 64 * 1024 * 1024;

    /// <summary>ZooKeeper's default client port, used when a host has no port.</summary>
    public const int DefaultPort = 2181;

    private readonly int _maxReplyBytes;

    public FourLetterWordClient(TimeSpan? timeout = null, int maxReplyBytes = DefaultMaxReplyBytes)
    {
        var t = timeout ?? DefaultTimeout;
        if (t <= TimeSpan.Zero || t == System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "The four-letter-word timeout must be a positive, finite duration.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxReplyBytes, 16);
        Timeout = t;
        _maxReplyBytes = maxReplyBytes;
    }

    /// <summary>Bound of one command: connect, write and read to EOF.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Sends <paramref name="word"/> and returns the raw reply (UTF-8), read until the server closes the connection.
    /// Throws <see cref="FourLetterWordDisabledException"/> when the server refuses the word.
    /// </summary>
    public async Task<string> SendAsync(string hostPort, string word, CancellationToken ct = default)
    {
        ValidateWord(word);
        var (host, port) = FourLetterWordEndpoint.Parse(hostPort);
        var reply = await ExchangeAsync(host, port, hostPort, word, ct).ConfigureAwait(false);
        if (FourLetterWordParsers.IsDisabledReply(reply, out var refused))
        {
            throw new FourLetterWordDisabledException(hostPort, refused);
        }

        if (reply.Length == 0 && !FourLetterWords.Known.Contains(word))
        {
            throw new FourLetterWordFormatException(hostPort, word,
                $"The ZooKeeper server {hostPort} closed the connection without replying to '{word}': it is not a four-letter word this server knows. " +
                $"Known words: {string.Join(", ", FourLetterWords.Known.Order(StringComparer.Ordinal))}.");
        }

        return reply;
    }

    /// <summary>
    /// True when the server answers "imok" (the process is up; it may still lack a quorum — use
    /// <see cref="SrvrAsync"/> for that). False for any other answer. Unreachable servers throw.
    /// </summary>
    public async Task<bool> RuokAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseRuok(await SendAsync(hostPort, FourLetterWords.Ruok, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>srvr</c>: version, mode, zxid, latency and counters.</summary>
    public async Task<ServerStats> SrvrAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseStat(await SendAsync(hostPort, FourLetterWords.Srvr, ct).ConfigureAwait(false), hostPort, FourLetterWords.Srvr);

    /// <summary><c>stat</c>: as <see cref="SrvrAsync"/> plus the brief list of client connections.</summary>
    public async Task<ServerStats> StatAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseStat(await SendAsync(hostPort, FourLetterWords.Stat, ct).ConfigureAwait(false), hostPort, FourLetterWords.Stat);

    /// <summary><c>mntr</c>: typed metrics plus every raw key.</summary>
    public async Task<MonitorMetrics> MntrAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseMntr(await SendAsync(hostPort, FourLetterWords.Mntr, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>conf</c>: effective configuration and dynamic membership.</summary>
    public async Task<ServerConfig> ConfAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseConf(await SendAsync(hostPort, FourLetterWords.Conf, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>cons</c>: every client connection with its session details (the 4lw connection itself included, without a session).</summary>
    public async Task<IReadOnlyList<ClientConnection>> ConsAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseCons(await SendAsync(hostPort, FourLetterWords.Cons, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>dump</c>: sessions and their ephemeral nodes (complete on the leader or a standalone server).</summary>
    public async Task<SessionDump> DumpAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseDump(await SendAsync(hostPort, FourLetterWords.Dump, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>envi</c>: the server's environment (Java version, host name, memory...).</summary>
    public async Task<IReadOnlyDictionary<string, string>> EnviAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseEnvi(await SendAsync(hostPort, FourLetterWords.Envi, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>wchs</c>: connections, watched paths and total watches (data/exists watches on 3.8).</summary>
    public async Task<WatchSummary> WchsAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseWchs(await SendAsync(hostPort, FourLetterWords.Wchs, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>wchc</c>: session id (hex, "0x...") → watched paths. Can be expensive on a large server.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> WchcAsync(string hostPort, CancellationToken ct = default) =>
        ParseListing(await SendAsync(hostPort, FourLetterWords.Wchc, ct).ConfigureAwait(false), FourLetterWords.Wchc, hostPort);

    /// <summary><c>wchp</c>: path → watching session ids (hex). Can be expensive on a large server.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> WchpAsync(string hostPort, CancellationToken ct = default) =>
        ParseListing(await SendAsync(hostPort, FourLetterWords.Wchp, ct).ConfigureAwait(false), FourLetterWords.Wchp, hostPort);

    /// <summary><c>dirs</c>: bytes of snapshots and transaction logs.</summary>
    public async Task<DataDirSizes> DirsAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseDirs(await SendAsync(hostPort, FourLetterWords.Dirs, ct).ConfigureAwait(false), hostPort);

    /// <summary><c>isro</c>: true when the server is in read-only mode ("ro"), false for "rw".</summary>
    public async Task<bool> IsReadOnlyAsync(string hostPort, CancellationToken ct = default) =>
        FourLetterWordParsers.ParseIsro(await SendAsync(hostPort, FourLetterWords.Isro, ct).ConfigureAwait(false), hostPort);

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseListing(string reply, string word, string hostPort)
    {
        if (FourLetterWordParsers.IsNotServingReply(reply))
        {
            throw new FourLetterWordNotServingException(hostPort, word);
        }

        return FourLetterWordParsers.ParseWatchListing(reply, word, hostPort);
    }

    private static void ValidateWord(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length != 4 || !word.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException(
                $"'{word}' is not a four-letter word: use exactly four lower-case ASCII letters, such as 'srvr' or 'mntr'.", nameof(word));
        }
    }

    private async Task<string> ExchangeAsync(string host, int port, string hostPort, string word, CancellationToken ct)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(Timeout);
        var token = timeoutCts.Token;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

        try
        {
            await socket.ConnectAsync(host, port, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FourLetterWordConnectionException(hostPort, word,
                $"Could not connect to ZooKeeper server {hostPort} within {Timeout.TotalSeconds:0.###} s to send '{word}'. " +
                "Check the host name, the client port and any firewall between here and the server.");
        }
        catch (SocketException ex)
        {
            throw new FourLetterWordConnectionException(hostPort, word,
                $"Could not connect to ZooKeeper server {hostPort} to send '{word}': {Describe(ex)}. " +
                "Check that the server is running and that host and client port are right.", ex);
        }

        var received = 0;
        var buffer = new byte[16 * 1024];
        using var reply = new MemoryStream();
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(word), SocketFlags.None, token).ConfigureAwait(false);
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                received += n;
                if (received > _maxReplyBytes)
                {
                    throw new FourLetterWordFormatException(hostPort, word,
                        $"The reply of {hostPort} to '{word}' exceeds {_maxReplyBytes} bytes; raise maxReplyBytes of FourLetterWordClient to read it.");
                }

                reply.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FourLetterWordTimeoutException(hostPort, word, Timeout, received);
        }
        catch (SocketException ex)
        {
            throw new FourLetterWordConnectionException(hostPort, word,
                $"The connection to ZooKeeper server {hostPort} broke while reading the reply to '{word}' after {received} bytes: {Describe(ex)}.", ex);
        }

        return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
    }

    private static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
        SocketError.HostNotFound or SocketError.NoData => "host name not found",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        SocketError.ConnectionReset => "connection reset by the server",
        _ => $"{ex.SocketErrorCode}: {ex.Message}",
    };
}
