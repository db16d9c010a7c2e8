using System.Net;

namespace ZkDashboard.Web.Auth.External;

/// <summary>
/// Settings <c>ZkDashboard:Auth:Proxy</c>: sign-in by a trusted reverse proxy (oauth2-proxy, Pomerium, an ingress with
/// forward auth) that authenticates the person and passes the user and groups in request headers.
/// </summary>
public sealed class ProxyHeadersOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ZkDashboard:Auth:Proxy";

    /// <summary>Turns the "Proxy" scheme and the forwarded-headers handling on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The proxies' addresses (<c>10.0.0.5</c>, <c>::1</c>) or networks (<c>10.0.0.0/8</c>). Headers are read only on
    /// connections whose immediate peer is one of them; the same list is ForwardedHeaders' KnownProxies/KnownIPNetworks.</summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>The header with the user name (oauth2-proxy: <c>X-Forwarded-User</c> or <c>X-Auth-Request-User</c>).</summary>
    public string UserHeader { get; set; } = "X-Forwarded-User";

    /// <summary>The header with the groups, comma-separated (oauth2-proxy: <c>X-Forwarded-Groups</c>); empty: no groups.</summary>
    public string? GroupsHeader { get; set; } = "X-Forwarded-Groups";

    /// <summary>The header with the e-mail address (oauth2-proxy: <c>X-Forwarded-Email</c>); empty: not read.</summary>
    public string? EmailHeader { get; set; }

    /// <summary>How many proxies' entries of X-Forwarded-For/-Proto are applied (ForwardedHeadersOptions.ForwardLimit).</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>The parsed <see cref="TrustedProxies"/>: single addresses and networks. Throws naming the bad entry.</summary>
    public (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks) ParseTrustedProxies()
    {
        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        for (var i = 0; i < TrustedProxies.Count; i++)
        {
            var entry = TrustedProxies[i]?.Trim() ?? "";
            if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                addresses.Add(Normalize(address));
            }
            else
            {
                throw new InvalidOperationException(
                    $"{Section}:TrustedProxies:{i} \"{entry}\" is neither an IP address (10.0.0.5, ::1) nor a network (10.0.0.0/8); fix or remove it.");
            }
        }

        return (addresses, networks);
    }

    /// <summary>What is wrong with these settings, one message per problem (empty when usable or disabled).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enabled)
        {
            return errors;
        }

        if (TrustedProxies.Count == 0)
        {
            errors.Add($"{Section}: Enabled is true but TrustedProxies is empty; list the proxy's addresses or networks (e.g. 10.0.0.5 or 10.0.0.0/8), or the headers would never be accepted.");
        }

        try
        {
            ParseTrustedProxies();
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
        }

        if (string.IsNullOrWhiteSpace(UserHeader))
        {
            errors.Add($"{Section}:UserHeader is empty; name the header that carries the user (e.g. X-Forwarded-User).");
        }

        if (ForwardLimit is < 1 or > 10)
        {
            errors.Add($"{Section}:ForwardLimit must be between 1 and 10 (the number of proxies in front of the dashboard).");
        }

        return errors;
    }

    /// <summary>IPv4-mapped IPv6 addresses (<c>::ffff:10.0.0.5</c>) compare as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
