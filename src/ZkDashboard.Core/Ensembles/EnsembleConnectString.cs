using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Ensembles;

/// <summary>
/// The dashboard's wording around the client library's one connect string parser (<see cref="ZooKeeper.ConnectString"/>,
/// <see cref="HostEndpoint"/>): each problem is named with the field it came from and reported as
/// <see cref="EnsembleValidationException"/>.
/// </summary>
public static class EnsembleConnectString
{
    /// <summary>Parses a connect string; throws <see cref="EnsembleValidationException"/> naming every bad part.</summary>
    public static ZooKeeper.ConnectString Parse(string? text)
    {
        var errors = new List<string>();
        return TryParse(text, errors) ?? throw new EnsembleValidationException(errors);
    }

    /// <summary>Parses "host:port", "host" (port 2181) or "[ipv6]:port"; throws <see cref="EnsembleValidationException"/> naming the bad part.</summary>
    public static HostEndpoint ParseHost(string? text, string field = "host")
    {
        var errors = new List<string>();
        return TryParseHost(text, field, errors) ?? throw new EnsembleValidationException(errors);
    }

    /// <summary>The "host:port" strings of a connect string (used as default four-letter-word hosts); empty when it does not parse.</summary>
    public static IReadOnlyList<string> DeriveHosts(string? connectString)
        => ZooKeeper.ConnectString.TryParse(connectString, out var parsed, out _) ? parsed.Hosts.Select(h => h.ToString()).ToArray() : [];

    internal static ZooKeeper.ConnectString? TryParse(string? text, List<string> errors)
    {
        if (ZooKeeper.ConnectString.TryParse(text, out var parsed, out var problems))
        {
            return parsed;
        }
        var raw = text?.Trim() ?? "";
        if (raw.Length == 0)
        {
            errors.Add("ConnectString is empty; write 'host1:2181,host2:2181' with an optional chroot such as '/app'.");
            return null;
        }
        errors.AddRange(problems.Select(p => $"ConnectString '{raw}': {p}"));
        return null;
    }

    internal static HostEndpoint? TryParseHost(string? text, string field, List<string> errors)
    {
        if (HostEndpoint.TryParse(text, out var endpoint, out var error))
        {
            return endpoint;
        }
        errors.Add($"{field}: {error}");
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
