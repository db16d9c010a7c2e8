
namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>Parses the "host:port" of a four-letter-word target (with the connect string's parser, <see cref="HostEndpoint"/>).</summary>
public static class FourLetterWordEndpoint
{
    /// <summary>
    /// Accepts "host:port", "[ipv6]:port", or "host" (port <see cref="FourLetterWordClient.DefaultPort"/>).
    /// Throws <see cref="ArgumentException"/> naming the problem otherwise.
    /// </summary>
    public static (string Host, int Port) Parse(string hostPort)
    {
        ArgumentNullException.ThrowIfNull(hostPort);
        var s = hostPort.Trim();
        if (s.Length == 0)
        {
            throw new ArgumentException("The ZooKeeper server address is empty; expected 'host:port', e.g. '10.0.0.5:2181'.", nameof(hostPort));
        }

        if (s.Contains(',', StringComparison.Ordinal) || s.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{hostPort}' is not a single 'host:port' (a connect string with several hosts or a chroot is not accepted here).", nameof(hostPort));
        }

        if (!HostEndpoint.TryParse(s, out var endpoint, out var error))
        {
            throw new ArgumentException($"Bad ZooKeeper server address: {error}", nameof(hostPort));
        }

        var (host, port) = endpoint;
        return (host, port);
    }
}
