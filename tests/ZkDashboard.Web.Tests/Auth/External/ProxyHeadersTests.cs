using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Auth.External;

namespace ZkDashboard.Web.Tests.Auth.External;

/// <summary>
/// The "Proxy" scheme on real Kestrel at 127.0.0.1: requests come from 127.0.0.2 (the configured proxy) or from
/// 127.0.0.1 (anyone else); both are loopback, the client picks its source address.
/// </summary>
public sealed class ProxyHeadersTests : IAsyncLifetime
{
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Other = IPAddress.Loopback;
    private readonly CapturingLogs logs = new();
    private WebApplication? app;
    private Uri? baseUri;

    public sealed record WhoAmI(string? Name, string? Provider, string[] Groups, string? Email, string? RemoteIp);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Proxy:Enabled"] = "true",
            ["ZkDashboard:Auth:Proxy:TrustedProxies:0"] = "127.0.0.2",
            ["ZkDashboard:Auth:Proxy:TrustedProxies:1"] = "10.9.0.0/16",
            ["ZkDashboard:Auth:Proxy:UserHeader"] = "X-Auth-Request-User",
            ["ZkDashboard:Auth:Proxy:GroupsHeader"] = "X-Auth-Request-Groups",
            ["ZkDashboard:Auth:Proxy:EmailHeader"] = "X-Auth-Request-Email",
        });
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddZkProxyHeaders(builder.Configuration);
        app = builder.Build();
        app.MapGet("/whoami", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync(ProxyHeadersDefaults.Scheme);
            var user = result.Principal;
            return new WhoAmI(
                user?.FindFirstValue(ClaimTypes.Name),
                user?.FindFirstValue(ZkClaimTypes.Provider),
                user?.FindAll(ZkClaimTypes.Group).Select(c => c.Value).ToArray() ?? [],
                user?.FindFirstValue(ClaimTypes.Email),
                context.Connection.RemoteIpAddress?.ToString());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        baseUri = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<WhoAmI> GetAsync(IPAddress from, params (string Name, string Value)[] headers)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = baseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<WhoAmI>())!;
    }

    [Fact]
    public async Task Authenticate_SignsInWithGroups_FromTrustedProxy()
    {
        var me = await GetAsync(Proxy,
            ("X-Auth-Request-User", "carol"), ("X-Auth-Request-Groups", "operators, kafka-admins,,operators"),
            ("X-Auth-Request-Email", "carol@example.org"));

        Assert.Equal(new WhoAmI("carol", "proxy", me.Groups, "carol@example.org", "127.0.0.2"), me);
        Assert.Equal(["operators", "kafka-admins"], me.Groups);
    }

    [Fact]
    public async Task Authenticate_IgnoresHeadersAndWarnsOnce_FromUntrustedAddress()
    {
        var first = await GetAsync(Other, ("X-Auth-Request-User", "mallory"), ("X-Auth-Request-Groups", "admins"));
        var second = await GetAsync(Other, ("X-Auth-Request-User", "mallory"), ("X-Auth-Request-Groups", "admins"));

        Assert.Equal(new WhoAmI(null, null, [], null, "127.0.0.1"), first with { Groups = [] });
        Assert.Empty(first.Groups);
        Assert.Null(second.Name);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("X-Auth-Request-User", warning.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_IgnoresHeaders_WhenUntrustedClientForgesForwardedFor()
    {
        // The peer is checked, not X-Forwarded-For: claiming to come from the proxy changes nothing.
        var me = await GetAsync(Other, ("X-Forwarded-For", "127.0.0.2"), ("X-Auth-Request-User", "mallory"));

        Assert.Null(me.Name);
        Assert.Equal("127.0.0.1", me.RemoteIp);
    }

    [Fact]
    public async Task ForwardedHeaders_AppliesForwardedFor_OnlyFromTrustedProxy()
    {
        var viaProxy = await GetAsync(Proxy, ("X-Forwarded-For", "203.0.113.7"), ("X-Auth-Request-User", "carol"));

        Assert.Equal("203.0.113.7", viaProxy.RemoteIp);
        Assert.Equal("carol", viaProxy.Name);
    }

    [Fact]
    public void IsTrusted_MatchesAddressesAndNetworks()
    {
        var trust = app!.Services.GetRequiredService<ProxyHeadersTrust>();

        Assert.True(trust.IsTrusted(IPAddress.Parse("127.0.0.2")));
        Assert.True(trust.IsTrusted(IPAddress.Parse("::ffff:127.0.0.2")));
        Assert.True(trust.IsTrusted(IPAddress.Parse("10.9.200.1")));
        Assert.False(trust.IsTrusted(IPAddress.Parse("10.10.0.1")));
        Assert.False(trust.IsTrusted(IPAddress.Loopback));
    }

    [Theory]
    [InlineData(null, "TrustedProxies is empty")]
    [InlineData("10.0.0.0/40", "ZkDashboard:Auth:Proxy:TrustedProxies:0 \"10.0.0.0/40\"")]
    [InlineData("proxy.local", "ZkDashboard:Auth:Proxy:TrustedProxies:0 \"proxy.local\"")]
    public void AddZkProxyHeaders_FailsNamingTheEntry_WhenSettingsAreBad(string? proxy, string expected)
    {
        var settings = new Dictionary<string, string?> { ["ZkDashboard:Auth:Proxy:Enabled"] = "true" };
        if (proxy is not null)
        {
            settings["ZkDashboard:Auth:Proxy:TrustedProxies:0"] = proxy;
        }

        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddZkProxyHeaders(config).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ProxyHeadersOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AddZkProxyHeaders_DoesNothing_WhenDisabled()
    {
        var services = new ServiceCollection().AddZkProxyHeaders(new ConfigurationBuilder().Build());

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ProxyHeadersTrust));
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (category.StartsWith("ZkDashboard", StringComparison.Ordinal))
                {
                    owner.Entries.Enqueue((logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
