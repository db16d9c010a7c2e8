using System.Globalization;

namespace ZkDashboard.Core.Ensembles;

/// <summary>One server address of a connect string.</summary>
public sealed record HostPort(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses "host:port", "host" (port 2181) or "[ipv6]:port". Throws <see cref="EnsembleValidationException"/> naming the bad part.</summary>
    public static HostPort Parse(string text, string field = "host")
    {
        var errors = new List<string>();
        var result = TryParse(text, field, errors);
        return result ?? throw new EnsembleValidationException(errors);
    }

    internal static HostPort? TryParse(string? text, string field, List<string> errors)
    {
        var raw = text?.Trim() ?? "";
        if (raw.Length == 0)
        {
            errors.Add($"{field}: an empty host was found; write 'host:port', e.g. '127.0.0.1:2181'.");
            return null;
        }

        string host;
        string? portText = null;
        if (raw.StartsWith('['))
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                errors.Add($"{field}: '{raw}' opens an IPv6 address with '[' but never closes it with ']'.");
                return null;
            }
            host = raw[1..close];
            var rest = raw[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    errors.Add($"{field}: unexpected '{rest}' after the IPv6 address in '{raw}'; write '[address]:port'.");
                    return null;
                }
                portText = rest[1..];
            }
        }
        else
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && raw.IndexOf(':', colon + 1) >= 0)
            {
                errors.Add($"{field}: '{raw}' has more than one ':'; put an IPv6 address in brackets, e.g. '[::1]:2181'.");
                return null;
            }
            host = colon >= 0 ? raw[..colon] : raw;
            portText = colon >= 0 ? raw[(colon + 1)..] : null;
        }

        if (host.Length == 0)
        {
            errors.Add($"{field}: the host name is missing in '{raw}'.");
            return null;
        }
        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':'))
            {
                errors.Add($"{field}: the host '{host}' in '{raw}' contains '{c}', which is not allowed in a host name.");
                return null;
            }
        }

        var port = 2181;
        if (portText is not null)
        {
            if (portText.Length == 0)
            {
                errors.Add($"{field}: the port is missing after ':' in '{raw}'.");
                return null;
            }
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                errors.Add(portText.All(char.IsAsciiDigit)
                    ? $"{field}: port {portText} in '{raw}' is out of range (1-65535)."
                    : $"{field}: port '{portText}' in '{raw}' is not a number.");
                return null;
            }
            if (port is < 1 or > 65535)
            {
                errors.Add($"{field}: port {port} in '{raw}' is out of range (1-65535).");
                return null;
            }
        }
        return new HostPort(host, port);
    }
}

/// <summary>A parsed ZooKeeper connect string: "h1:2181,h2:2181/chroot".</summary>
public sealed record ConnectString(IReadOnlyList<HostPort> Hosts, string? Chroot)
{
    public override string ToString() => string.Join(",", Hosts) + Chroot;

    public static ConnectString Parse(string? text)
    {
        var errors = new List<string>();
        var result = TryParse(text, errors);
        return result ?? throw new EnsembleValidationException(errors);
    }

    /// <summary>The "host:port" strings of a connect string (used as default four-letter-word hosts); empty when it does not parse.</summary>
    public static IReadOnlyList<string> DeriveHosts(string? connectString)
    {
        var parsed = TryParse(connectString, []);
        return parsed is null ? [] : parsed.Hosts.Select(h => h.ToString()).ToArray();
    }

    internal static ConnectString? TryParse(string? text, List<string> errors)
    {
        var raw = text?.Trim() ?? "";
        if (raw.Length == 0)
        {
            errors.Add("ConnectString is empty; write 'host1:2181,host2:2181' with an optional chroot such as '/app'.");
            return null;
        }

        var slash = raw.IndexOf('/', StringComparison.Ordinal);
        var hostPart = slash >= 0 ? raw[..slash] : raw;
        var chroot = slash >= 0 ? raw[slash..] : null;
        var before = errors.Count;

        var hosts = new List<HostPort>();
        var parts = hostPart.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Trim().Length == 0)
            {
                errors.Add($"ConnectString '{raw}': host #{i + 1} is empty (check for a stray ',').");
                continue;
            }
            var hp = HostPort.TryParse(parts[i], $"ConnectString '{raw}'", errors);
            if (hp is not null)
            {
                if (hosts.Contains(hp))
                {
                    errors.Add($"ConnectString '{raw}': '{hp}' is listed twice.");
                }
                hosts.Add(hp);
            }
        }

        if (chroot is not null)
        {
            var chrootError = ValidateChroot(chroot);
            if (chrootError is not null)
            {
                errors.Add($"ConnectString '{raw}': chroot {chrootError}");
            }
            if (chroot == "/")
            {
                chroot = null;
            }
        }
        return errors.Count == before ? new ConnectString(hosts, chroot) : null;
    }

    private static string? ValidateChroot(string chroot)
    {
        if (chroot == "/")
        {
            return null;
        }
        if (chroot.EndsWith('/'))
        {
            return $"'{chroot}' must not end with '/'.";
        }
        var segments = chroot[1..].Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                return $"'{chroot}' contains an empty segment ('//').";
            }
            if (segment is "." or "..")
            {
                return $"'{chroot}' contains the relative segment '{segment}'.";
            }
            foreach (var c in segment)
            {
                if (c == '\0' || char.IsControl(c) || (c >= '\ud800' && c <= '\uf8ff') || (c >= '\ufff0' && c <= '\uffff'))
                {
                    return $"'{chroot}' contains the invalid character U+{(int)c:X4}.";
                }
            }
        }
        return null;
    }
}

/// <summary>An ensemble definition is invalid. <see cref="Errors"/> lists every problem, each naming the field and the bad part.</summary>
public sealed class EnsembleValidationException : Exception
{
    public EnsembleValidationException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? errors[0] : "The ensemble definition is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)))
        => Errors = errors;

    public EnsembleValidationException() : this(["The ensemble definition is invalid."]) { }

    public EnsembleValidationException(string message) : this([message]) { }

    public EnsembleValidationException(string message, Exception innerException) : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
