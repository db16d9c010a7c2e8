using System.Net;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Web.Auth.External;

/// <summary>The connection's own peer address, recorded before ForwardedHeaders rewrites <c>Connection.RemoteIpAddress</c>.</summary>
/// <param name="Address">The immediate peer (null on in-memory test servers).</param>
public sealed record ProxyPeerFeature(IPAddress? Address);

/// <summary>Whether a request came straight from a configured proxy. Auth's policy scheme forwards to "Proxy" when it did.</summary>
public sealed class ProxyHeadersTrust
{
    private readonly IReadOnlyList<IPAddress> addresses;
    private readonly IReadOnlyList<IPNetwork> networks;

    /// <summary>Reads the trusted addresses from the settings.</summary>
    public ProxyHeadersTrust(IOptions<ProxyHeadersOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Settings = options.Value;
        (addresses, networks) = Settings.Enabled ? Settings.ParseTrustedProxies() : ([], []);
    }

    /// <summary>The settings.</summary>
    public ProxyHeadersOptions Settings { get; }

    /// <summary>The immediate peer of the request's connection (never an X-Forwarded-For value), or null when unknown.</summary>
    public static IPAddress? PeerAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var peer = context.Features.Get<ProxyPeerFeature>();
        return peer?.Address is { } address ? ProxyHeadersOptions.Normalize(address) : null;
    }

    /// <summary>True when proxy sign-in is on and the request's immediate peer is a configured proxy.</summary>
    public bool IsFromTrustedProxy(HttpContext context) =>
        Settings.Enabled && PeerAddress(context) is { } peer && IsTrusted(peer);

    /// <summary>True when <paramref name="address"/> is one of the configured proxies or inside one of their networks.</summary>
    public bool IsTrusted(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = ProxyHeadersOptions.Normalize(address);
        return addresses.Contains(address) || networks.Any(n => n.Contains(address));
    }
}
