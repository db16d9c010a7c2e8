using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Watches;
using ZkDashboard.Testing;
using ZkDashboard.Web.Api.V1;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Api.V1;

/// <summary>The SSE stream against writes of a foreign client (kazoo), and a write whose server vanished between send and reply.</summary>
[Collection(ApiEnsembleCollection.Name)]
public sealed class EventStreamAndOutageTests(EnsembleFixture fx) : IAsyncLifetime
{
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private ApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(fx, _chroot);
        await using var zk = await _host.ZooKeeperAsync();
        await zk.CreateAsync("/sse", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await zk.CreateAsync("/outage", "before"u8.ToArray(), Acls.OpenUnsafe);
    }

    public async Task DisposeAsync()
    {
        await fx.RestoreAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Events_Subtree_SeesAKazooWriteAndEndsItsWatchWhenTheClientLeaves()
    {
        using var viewer = await _host.ClientAsync("vic", "viewers", "viewer");
        viewer.Timeout = Timeout.InfiniteTimeSpan;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await viewer.GetAsync("/api/v1/ensembles/local/events/sse?mode=subtree", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var ready = await NextEventAsync(reader, e => e.Name == "ready", cts.Token);
        Assert.Contains("\"watching\":true", ready.Data, StringComparison.Ordinal);
        var kazoo = await PeerClients.KazooAsync("""
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1]); zk.start()
            zk.create('/sse/from-kazoo', b'one')
            zk.set('/sse/from-kazoo', b'two')
            zk.stop()
            """, _host.ConnectString);
        Assert.True(kazoo.ExitCode == 0, kazoo.ToString());

        var changed = await NextEventAsync(reader, e => e.Data.Contains("\"path\":\"/sse/from-kazoo\"", StringComparison.Ordinal)
            && e.Data.Contains("\"version\":1", StringComparison.Ordinal), cts.Token);
        Assert.Contains(changed.Name, new[] { "Created", "DataChanged" });
        var heartbeat = await NextLineAsync(reader, l => l == ": heartbeat", cts.Token);
        Assert.Equal(": heartbeat", heartbeat);

        // The client goes away: the server watch of the subscription goes with it.
        var hub = _host.Services.GetRequiredService<IWatchFanout>();
        Assert.Contains(hub.GetServerWatches("local"), w => w.Path == "/sse");
        response.Dispose();
        await Answers.Within(() => Task.FromResult(hub.GetServerWatches("local").Any(w => w.Path == "/sse") ? null : "gone"),
            "the stream's subscription is released after the client disconnects");
    }

    [Fact]
    public async Task Events_DeniedOrBadMode_IsAProblemBeforeTheStream()
    {
        using var stranger = await _host.ClientAsync("sam", "strangers", "admin");
        using var denied = await stranger.GetAsync("/api/v1/ensembles/local/events/sse");
        await denied.ProblemAsync(403, ApiProblems.AccessDenied);
        Assert.Contains(_host.Audit.Records, r => r.Operation.User.Name == "sam" && r.Operation.Kind == ZkOperationKind.Watch && r.Outcome == AuditOutcome.Denied);
        using var viewer = await _host.ClientAsync("vince", "viewers", "viewer");
        using var badMode = await viewer.GetAsync("/api/v1/ensembles/local/events/sse?mode=everything");
        Assert.True((await badMode.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("mode", out _));
    }

    [Fact]
    public async Task SetData_ServersPausedBetweenSendAndReply_IsWriteOutcomeUnknownAndTheNodeTellsTheTruth()
    {
        using var op = await _host.ClientAsync("olga", "operators", "operator");
        op.Timeout = TimeSpan.FromMinutes(2);
        using (var warm = await op.GetAsync("/api/v1/ensembles/short/nodes/outage"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // the "short" session is connected
        }
        HttpResponseMessage response;
        try
        {
            await Task.WhenAll(fx.Ensemble.Servers.Select(s => s.PauseAsync()));
            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/ensembles/short/nodes/outage") { Content = new StringContent("after") };
            put.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
            response = await op.SendAsync(put);
        }
        finally
        {
            await fx.RestoreAsync();
            await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(60));
        }
        using (response)
        {
            var problem = await response.ProblemAsync(503, ApiProblems.WriteOutcomeUnknown);
            Assert.True(problem.GetProperty("ensembleUnreachable").GetBoolean());
            Assert.Contains("Re-read", problem.GetProperty("whatToDo").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains(_host.Audit.Records, r => r.Operation.User.Name == "olga" && r.Operation.Kind == ZkOperationKind.SetData && r.Outcome == AuditOutcome.Unknown);
        // Re-reading tells which it was: the write was sent before the servers stopped, so it is either applied or not, never half.
        await using var check = await _host.ZooKeeperAsync();
        await check.SyncAsync("/");
        var now = await check.GetDataAsync("/outage");
        Assert.True((now.Stat.Version == 1 && Encoding.UTF8.GetString(now.Data) == "after") || (now.Stat.Version == 0 && Encoding.UTF8.GetString(now.Data) == "before"),
            $"version {now.Stat.Version}, data {Encoding.UTF8.GetString(now.Data)}");
    }

    private sealed record SseEvent(string Name, string Data);

    private static async Task<SseEvent> NextEventAsync(StreamReader reader, Func<SseEvent, bool> predicate, CancellationToken ct)
    {
        string? name = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await reader.ReadLineAsync(ct) ?? throw new InvalidOperationException("The stream ended.");
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    var e = new SseEvent(name, data.ToString());
                    if (predicate(e))
                    {
                        return e;
                    }
                }
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }

    private static async Task<string> NextLineAsync(StreamReader reader, Func<string, bool> predicate, CancellationToken ct)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(ct) ?? throw new InvalidOperationException("The stream ended.");
            if (predicate(line))
            {
                return line;
            }
        }
    }
}
