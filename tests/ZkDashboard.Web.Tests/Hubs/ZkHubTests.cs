using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Hubs;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Hubs;

[CollectionDefinition(Name)]
public sealed class HubEnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "HubEnsemble";
}

/// <summary>The /hubs/zk event stream, spoken over a raw WebSocket with the JSON hub protocol.</summary>
[Collection(HubEnsembleCollection.Name)]
public sealed class ZkHubTests(EnsembleFixture fx) : IAsyncLifetime
{
    private const char RecordSeparator = '\u001e';
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private WebApplication? _app;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(_chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await root.CreateAsync(_chroot + "/h", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IEnsembleRegistry>(new OneEnsembleRegistry(
            new EnsembleDefinition("main", fx.ConnectString + _chroot, TimeSpan.FromSeconds(10), null, null, false,
                [.. fx.Ensemble.Servers.Select(s => s.HostPort)], EnsembleSource.Configuration)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ZkDashboard:Health:PollInterval"] = "00:00:01" });
        builder.Services.AddZkDashboardSessions(builder.Configuration);
        builder.Services.AddZkDashboardHealth(builder.Configuration);
        builder.Services.AddZkHub();
        _app = builder.Build();
        // Test-only: lets a request pretend to come from another machine, to see the 403.
        _app.Use((ctx, next) =>
        {
            if (ctx.Request.Headers.TryGetValue("X-Test-Remote-Ip", out var ip))
            {
                // A stranger on another machine: remote and not signed in.
                ctx.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
                return next(ctx);
            }
            // This slim host has no sign-in: other requests are a signed-in local admin, as the cookie scheme would make them
            // (an anonymous connection has no rights; the real host's tests check that).
            ctx.User = ZkPrincipals.ForSignIn("hub-tester", "local", ["admins"]);
            return next(ctx);
        });
        _app.MapZkHub();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Subscribe_OverRawWebSocket_ReceivesWatchEvents()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{_base.Authority}/hubs/zk"), CancellationToken.None);
        var reader = new HubReader(ws);
        await SendAsync(ws, "{\"protocol\":\"json\",\"version\":1}");
        using (var handshake = await reader.NextAsync())
        {
            Assert.False(handshake.RootElement.TryGetProperty("error", out _));
        }

        await SendAsync(ws, """{"type":1,"invocationId":"1","target":"Subscribe","arguments":["main","/h","Data"]}""");
        string subscriptionId;
        using (var completion = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 3))
        {
            subscriptionId = completion.RootElement.GetProperty("result").GetString()!;
        }
        Assert.False(string.IsNullOrEmpty(subscriptionId));

        await using (var ext = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString + _chroot }))
        {
            await ext.SetDataAsync("/h", "hello"u8.ToArray());
        }
        using (var evt = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 1 && m.GetProperty("target").GetString() == ZkHub.WatchEventMethod))
        {
            var message = evt.RootElement.GetProperty("arguments")[0];
            Assert.Equal(subscriptionId, message.GetProperty("subscriptionId").GetString());
            Assert.Equal("/h", message.GetProperty("path").GetString());
            Assert.Equal("DataChanged", message.GetProperty("change").GetString());
            Assert.Equal(1, message.GetProperty("stat").GetProperty("version").GetInt32());
        }

        await SendAsync(ws, """{"type":1,"invocationId":"2","target":"Subscribe","arguments":["main","/h","Sideways"]}""");
        using (var error = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 3 && m.GetProperty("invocationId").GetString() == "2"))
        {
            Assert.Contains("Unknown watch kind 'Sideways'", error.RootElement.GetProperty("error").GetString());
        }
        await SendAsync(ws, """{"type":1,"invocationId":"3","target":"Subscribe","arguments":["nowhere","/h","Data"]}""");
        using (var error = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 3 && m.GetProperty("invocationId").GetString() == "3"))
        {
            Assert.Contains("No ensemble named 'nowhere'", error.RootElement.GetProperty("error").GetString());
        }

        await SendAsync(ws, $$"""{"type":1,"invocationId":"4","target":"Unsubscribe","arguments":["{{subscriptionId}}"]}""");
        using (var done = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 3 && m.GetProperty("invocationId").GetString() == "4"))
        {
            Assert.True(done.RootElement.GetProperty("result").GetBoolean());
        }
        Assert.Equal(0, _app!.Services.GetRequiredService<HubSubscriptions>().Count);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task Disconnect_DropsTheConnectionsSubscriptions()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{_base.Authority}/hubs/zk"), CancellationToken.None);
        var reader = new HubReader(ws);
        await SendAsync(ws, "{\"protocol\":\"json\",\"version\":1}");
        (await reader.NextAsync()).Dispose();
        await SendAsync(ws, """{"type":1,"invocationId":"1","target":"Subscribe","arguments":["main","/h","Children"]}""");
        (await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 3)).Dispose();
        var subs = _app!.Services.GetRequiredService<HubSubscriptions>();
        Assert.Equal(1, subs.Count);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (subs.Count != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, subs.Count);
    }

    [Fact]
    public async Task SubscribeHealth_OverRawWebSocket_ReceivesSnapshots()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{_base.Authority}/hubs/zk"), CancellationToken.None);
        var reader = new HubReader(ws);
        await SendAsync(ws, "{\"protocol\":\"json\",\"version\":1}");
        (await reader.NextAsync()).Dispose();
        await SendAsync(ws, """{"type":1,"invocationId":"1","target":"SubscribeHealth","arguments":["main"]}""");
        using (var completion = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 3))
        {
            Assert.False(string.IsNullOrEmpty(completion.RootElement.GetProperty("result").GetString()));
        }
        using var snapshot = await reader.NextAsync(m => m.GetProperty("type").GetInt32() == 1 && m.GetProperty("target").GetString() == ZkHub.HealthSnapshotMethod);
        var health = snapshot.RootElement.GetProperty("arguments")[0];
        Assert.Equal("main", health.GetProperty("ensemble").GetString());
        Assert.Equal(3, health.GetProperty("servers").GetArrayLength());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task Negotiate_NonLocalAnonymousRequest_Gets403WithReason()
    {
        using var http = new HttpClient { BaseAddress = _base };
        using var local = await http.PostAsync("/hubs/zk/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/zk/negotiate?negotiateVersion=1");
        request.Headers.Add("X-Test-Remote-Ip", "203.0.113.7");
        using var remote = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
        Assert.Contains("only accepts local", await remote.Content.ReadAsStringAsync());
    }

    private static Task SendAsync(ClientWebSocket ws, string json)
        => ws.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Splits the stream into 0x1E-terminated JSON messages.</summary>
    private sealed class HubReader(ClientWebSocket ws)
    {
        private readonly StringBuilder _buffer = new();

        public async Task<JsonDocument> NextAsync(Func<JsonElement, bool>? predicate = null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var bytes = new byte[16 * 1024];
            while (true)
            {
                var text = _buffer.ToString();
                var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
                if (end >= 0)
                {
                    _buffer.Remove(0, end + 1);
                    var doc = JsonDocument.Parse(text[..end]);
                    if (predicate is null || predicate(doc.RootElement))
                    {
                        return doc;
                    }
                    doc.Dispose();
                    continue;
                }
                var r = await ws.ReceiveAsync(bytes, cts.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"The hub closed the connection: {r.CloseStatusDescription}");
                }
                _buffer.Append(Encoding.UTF8.GetString(bytes, 0, r.Count));
            }
        }
    }

    private sealed class OneEnsembleRegistry(EnsembleDefinition definition) : IEnsembleRegistry
    {
        public IReadOnlyList<EnsembleDefinition> All => [definition];
        public IReadOnlyList<string> ConfigurationErrors => [];
        public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed { add { } remove { } }
        public EnsembleDefinition? Find(string name) => name == definition.Name ? definition : null;
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException();
        public Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition d, CancellationToken ct = default) => Task.FromResult(new ReachabilityResult([]));
    }
}
