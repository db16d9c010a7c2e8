using System.Globalization;

namespace ZkDashboard.ZooKeeper;

/// <summary>A parsed connect string: hosts (in the given order) and an optional chroot.</summary>
internal sealed record ConnectString(IReadOnlyList<HostEndpoint> Hosts, string? Chroot)
{
    public const int DefaultPort = 2181;

    public static ConnectString Parse(string connectString)
    {
        if (string.IsNullOrWhiteSpace(connectString))
            throw new ArgumentException("The connect string is empty; give host:port[,host:port...][/chroot].", nameof(connectString));
        string? chroot = null;
        var hostsPart = connectString.Trim();
        var slash = hostsPart.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var c = hostsPart[slash..];
            hostsPart = hostsPart[..slash];
            if (c.Length > 1)
            {
                var error = PathUtils.GetError(c);
                if (error is not null) throw new ArgumentException($"The chroot \"{c}\" in the connect string is invalid: {error}.", nameof(connectString));
                chroot = c;
            }
        }
        var hosts = new List<HostEndpoint>();
        foreach (var raw in hostsPart.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string host;
            var port = DefaultPort;
            if (raw.StartsWith('['))
            {
                var end = raw.IndexOf(']', StringComparison.Ordinal);
                if (end < 0) throw new ArgumentException($"Bad IPv6 host \"{raw}\" in the connect string: missing ']'.", nameof(connectString));
                host = raw[1..end];
                var rest = raw[(end + 1)..];
                if (rest.StartsWith(':')) port = ParsePort(rest[1..], raw);
            }
            else
            {
                var colon = raw.LastIndexOf(':');
                if (colon >= 0)
                {
                    host = raw[..colon];
                    port = ParsePort(raw[(colon + 1)..], raw);
                }
                else host = raw;
            }
            if (host.Length == 0) throw new ArgumentException($"Empty host in \"{raw}\" of the connect string.", nameof(connectString));
            hosts.Add(new HostEndpoint(host, port));
        }
        if (hosts.Count == 0) throw new ArgumentException($"The connect string \"{connectString}\" names no host.", nameof(connectString));
        return new ConnectString(hosts, chroot);
    }

    private static int ParsePort(string s, string raw)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"Bad port in \"{raw}\" of the connect string.", "connectString");
        return port;
    }
}

/// <summary>One server address.</summary>
internal sealed record HostEndpoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
