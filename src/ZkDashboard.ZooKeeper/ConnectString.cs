using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ZkDashboard.ZooKeeper;

/// <summary>
/// A parsed connect string: hosts (in the given order) and an optional chroot, e.g.
/// <c>zk1:2181,zk2:2181,[::1]:2181/app</c>. The one parser of host:port lists in the solution: the client,
/// the four-letter-word client and the dashboard's ensemble settings all use it, so they agree on IPv6
/// brackets, ports, chroots and whitespace.
/// </summary>
/// <remarks>
/// Rules: hosts are separated by ',' and may be surrounded by whitespace; a host is a name or IPv4 address
/// (letters, digits, '.', '-', '_'), or an IPv6 address in brackets ('[::1]', zone ids with '%' allowed); the
/// port is optional (2181) and between 1 and 65535; an empty entry or a host listed twice is an error; the
/// chroot starts at the first '/', and "/" alone means none.
/// </remarks>
public sealed record ConnectString(IReadOnlyList<HostEndpoint> Hosts, string? Chroot)
{
    /// <summary>ZooKeeper's default client port.</summary>
    public const int DefaultPort = HostEndpoint.DefaultPort;

    /// <summary>"h1:2181,h2:2181/chroot".</summary>
    public override string ToString() => string.Join(",", Hosts) + Chroot;

    /// <summary>Parses a connect string; throws <see cref="ArgumentException"/> naming every problem.</summary>
    public static ConnectString Parse(string? connectString)
    {
        if (TryParse(connectString, out var result, out var errors))
        {
            return result;
        }
        throw new ArgumentException(errors.Count == 1
            ? $"Bad connect string: {errors[0]}"
            : "Bad connect string:" + string.Concat(errors.Select(e => Environment.NewLine + " - " + e)), nameof(connectString));
    }

    /// <summary>Parses a connect string; on failure <paramref name="errors"/> names each bad part (sentences without a field name).</summary>
    public static bool TryParse(string? connectString, [NotNullWhen(true)] out ConnectString? result, out IReadOnlyList<string> errors)
    {
        var found = new List<string>();
        result = TryParse(connectString, found);
        errors = found;
        return result is not null;
    }

    private static ConnectString? TryParse(string? text, List<string> errors)
    {
        var raw = text?.Trim() ?? "";
        if (raw.Length == 0)
        {
            errors.Add("the connect string is empty; write 'host1:2181,host2:2181' with an optional chroot such as '/app'.");
            return null;
        }

        var slash = raw.IndexOf('/', StringComparison.Ordinal);
        var hostPart = slash >= 0 ? raw[..slash] : raw;
        var chroot = slash >= 0 ? raw[slash..] : null;
        var hosts = new List<HostEndpoint>();
        var parts = hostPart.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Trim().Length == 0)
            {
                errors.Add(parts.Length == 1 ? $"'{raw}' names no host before the chroot; write 'host:port/chroot'." : $"host #{i + 1} is empty (check for a stray ',').");
                continue;
            }
            if (HostEndpoint.TryParse(parts[i], out var host, out var error))
            {
                if (hosts.Contains(host))
                {
                    errors.Add($"'{host}' is listed twice.");
                }
                hosts.Add(host);
            }
            else
            {
                errors.Add(error);
            }
        }

        if (chroot is not null)
        {
            if (ChrootError(chroot) is { } chrootError)
            {
                errors.Add("chroot " + chrootError);
            }
            if (chroot == "/")
            {
                chroot = null;
            }
        }
        return errors.Count == 0 ? new ConnectString(hosts, chroot) : null;
    }

    private static string? ChrootError(string chroot)
    {
        if (chroot == "/")
        {
            return null;
        }
        if (chroot.EndsWith('/'))
        {
            return $"'{chroot}' must not end with '/'.";
        }
        foreach (var segment in chroot[1..].Split('/'))
        {
            if (segment.Length == 0)
            {
                return $"'{chroot}' contains an empty segment ('//').";
            }
            if (segment is "." or "..")
            {
                return $"'{chroot}' contains the relative segment '{segment}'.";
            }
        }
        return PathUtils.GetError(chroot) is { } error ? $"'{chroot}' is not a valid path: {error}." : null;
    }
}

/// <summary>One server address: a host name or address and a port.</summary>
public sealed record HostEndpoint(string Host, int Port)
{
    /// <summary>ZooKeeper's default client port, used when an address names none.</summary>
    public const int DefaultPort = 2181;

    /// <summary>"host:port", IPv6 addresses in brackets.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses "host:port", "host" (port 2181) or "[ipv6]:port"; throws <see cref="ArgumentException"/> naming the bad part.</summary>
    public static HostEndpoint Parse(string? text)
        => TryParse(text, out var endpoint, out var error) ? endpoint : throw new ArgumentException(error, nameof(text));

    /// <summary>Parses one address; on failure <paramref name="error"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out HostEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        var raw = text?.Trim() ?? "";
        if (raw.Length == 0)
        {
            error = "an empty host was found; write 'host:port', e.g. '127.0.0.1:2181'.";
            return false;
        }

        string host;
        string? portText = null;
        var bracketed = raw.StartsWith('[');
        if (bracketed)
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{raw}' has an opening '[' without ']'; write IPv6 addresses as '[::1]:2181'.";
                return false;
            }
            host = raw[1..close];
            var rest = raw[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    error = $"unexpected '{rest}' after the IPv6 address in '{raw}'; write '[address]:port'.";
                    return false;
                }
                portText = rest[1..];
            }
        }
        else
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && raw.IndexOf(':', colon + 1) >= 0)
            {
                error = $"'{raw}' has more than one ':'; put an IPv6 address in brackets, e.g. '[::1]:2181'.";
                return false;
            }
            host = colon >= 0 ? raw[..colon] : raw;
            portText = colon >= 0 ? raw[(colon + 1)..] : null;
        }

        if (host.Length == 0)
        {
            error = $"the host name is missing in '{raw}'.";
            return false;
        }
        foreach (var c in host)
        {
            var allowed = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' || (bracketed && c is ':' or '%');
            if (!allowed)
            {
                error = $"the host '{host}' in '{raw}' contains '{c}', which is not allowed in a host name.";
                return false;
            }
        }

        var port = DefaultPort;
        if (portText is not null)
        {
            if (portText.Length == 0)
            {
                error = $"the port is missing after ':' in '{raw}'.";
                return false;
            }
            if (!portText.All(char.IsAsciiDigit))
            {
                error = $"port '{portText}' in '{raw}' is not a number.";
                return false;
            }
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = $"port {portText} in '{raw}' is out of range (1-65535).";
                return false;
            }
        }
        endpoint = new HostEndpoint(host, port);
        error = null;
        return true;
    }
}
