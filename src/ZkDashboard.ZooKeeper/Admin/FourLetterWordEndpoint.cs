using System.Globalization;

namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>Parses the "host:port" of a four-letter-word target.</summary>
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

        string host;
        string? portText;
        if (s.StartsWith('['))
        {
            var end = s.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                throw new ArgumentException($"'{hostPort}' has an opening '[' without ']'; write IPv6 addresses as '[::1]:2181'.", nameof(hostPort));
            }

            host = s[1..end];
            var rest = s[(end + 1)..];
            portText = rest.Length == 0 ? null : rest.StartsWith(':') ? rest[1..] : throw new ArgumentException($"'{hostPort}': expected ':port' after ']'.", nameof(hostPort));
        }
        else
        {
            var first = s.IndexOf(':', StringComparison.Ordinal);
            var last = s.LastIndexOf(':');
            if (first != last)
            {
                throw new ArgumentException($"'{hostPort}' has several ':'; write IPv6 addresses in brackets, e.g. '[::1]:2181'.", nameof(hostPort));
            }

            host = first < 0 ? s : s[..first];
            portText = first < 0 ? null : s[(first + 1)..];
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace) || host.Contains('/', StringComparison.Ordinal) || host.Contains(',', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{hostPort}' is not a single 'host:port' (a connect string with several hosts or a chroot is not accepted here).", nameof(hostPort));
        }

        var port = FourLetterWordClient.DefaultPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new ArgumentException($"'{hostPort}': the port '{portText}' is not a number between 1 and 65535.", nameof(hostPort));
        }

        return (host, port);
    }
}
