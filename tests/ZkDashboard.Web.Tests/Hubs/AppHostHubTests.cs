using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ZkDashboard.Testing;
using ZkDashboard.Web.Hubs;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Hubs;

/// <summary>The hub as the real app host (Program) maps it, on Kestrel, spoken to over a raw WebSocket.</summary>
[Collection(HubEnsembleCollection.Name)]
public sealed class AppHostHubTests(EnsembleFixture fx) : IAsyncLifetime
{
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "zkd-hub-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    public async Task InitializeAsync()
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(_chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await root.CreateAsync(_chroot + "/app", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ZkDashboard:Ensembles:0:Name", "local");
            b.UseSetting("ZkDashboard:Ensembles:0:ConnectString", fx.ConnectString + _chroot);
            b.UseSetting("ZkDashboard:Store:DataDirectory", _dataDir);
            // A free port even if Kestrel's listen options from UseKestrel(0) are not applied (seen once in CI: the host fell back
            // to the default http://localhost:5000 and met another host there).
            b.UseUrls("http://127.0.0.1:0");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Subscribe_AppHost_StreamsWatchEventsOverWebSocket()
    {
        using var http = _factory!.CreateClient();
        var authority = http.BaseAddress!.Authority;
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", "Bearer " + await TestSignIn.AdminTokenAsync(_factory.Services));
        await ws.ConnectAsync(new Uri($"ws://{authority}{ZkHub.Route}"), CancellationToken.None);
        await SendAsync(ws, "{\"protocol\":\"json\",\"version\":1}");
        var buffer = new StringBuilder();
        (await NextAsync(ws, buffer, _ => true)).Dispose();
        await SendAsync(ws, """{"type":1,"invocationId":"1","target":"Subscribe","arguments":["local","/app","Children"]}""");
        (await NextAsync(ws, buffer, m => m.GetProperty("type").GetInt32() == 3)).Dispose();

        await using (var ext = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString + _chroot }))
        {
            await ext.CreateAsync("/app/child", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        using var evt = await NextAsync(ws, buffer, m => m.GetProperty("type").GetInt32() == 1 && m.GetProperty("target").GetString() == ZkHub.WatchEventMethod);
        var message = evt.RootElement.GetProperty("arguments")[0];
        Assert.Equal("local", message.GetProperty("ensemble").GetString());
        Assert.Equal("/app", message.GetProperty("subscribedPath").GetString());
        Assert.Equal("ChildrenChanged", message.GetProperty("change").GetString());
        Assert.Equal(1, message.GetProperty("stat").GetProperty("numChildren").GetInt32());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static Task SendAsync(ClientWebSocket ws, string json)
        => ws.SendAsync(Encoding.UTF8.GetBytes(json + '\u001e'), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonDocument> NextAsync(ClientWebSocket ws, StringBuilder buffer, Func<JsonElement, bool> predicate)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var bytes = new byte[16 * 1024];
        while (true)
        {
            var text = buffer.ToString();
            var end = text.IndexOf('\u001e', StringComparison.Ordinal);
            if (end >= 0)
            {
                buffer.Remove(0, end + 1);
                var doc = JsonDocument.Parse(text[..end]);
                if (predicate(doc.RootElement))
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
            buffer.Append(Encoding.UTF8.GetString(bytes, 0, r.Count));
        }
    }
}
