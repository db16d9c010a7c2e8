using ZkDashboard.Testing;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Sandbox;

namespace ZkDashboard.Core.Tests.Health.Notifications;

/// <summary>A private 3-server sandbox polled every 500 ms, with a webhook channel to a receiver on loopback.</summary>
public sealed class NotificationFaultFixture : IAsyncLifetime
{
    public const string Name = "notify";

    public SandboxEnsemble Ensemble { get; private set; } = null!;

    public WebhookReceiver Receiver { get; } = new();

    public NotificationTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        await Ensemble.WaitForQuorumAsync();
        Host = await NotificationTestHost.StartAsync(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = Name,
            ["ZkDashboard:Ensembles:0:ConnectString"] = Ensemble.ConnectString,
            ["ZkDashboard:Health:PollInterval"] = "00:00:00.5",
            ["ZkDashboard:Health:CommandTimeout"] = "00:00:01",
            ["ZkDashboard:Health:Notifications:Channels:0:Name"] = "hook",
            ["ZkDashboard:Health:Notifications:Channels:0:Type"] = "Webhook",
            ["ZkDashboard:Health:Notifications:Channels:0:Url"] = Receiver.Url.ToString(),
            ["ZkDashboard:Health:Notifications:Channels:0:InitialBackoff"] = "00:00:00.05",
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        await Ensemble.DisposeAsync();
    }
}

/// <summary>kill -9 a follower: the webhook gets exactly one "raised" and, after the restart, exactly one "resolved".</summary>
public sealed class NotificationFaultTests(NotificationFaultFixture fixture) : IClassFixture<NotificationFaultFixture>
{
    private async Task<EnsembleHealth> WaitForAsync(Func<EnsembleHealth, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var tcs = new TaskCompletionSource<EnsembleHealth>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = fixture.Host.Monitor.Subscribe(h =>
        {
            if (h.Ensemble == NotificationFaultFixture.Name && condition(h))
            {
                tcs.TrySetResult(h);
            }
        });
        if (await Task.WhenAny(tcs.Task, Task.Delay(deadline - DateTime.UtcNow)) != tcs.Task)
        {
            var last = fixture.Host.Monitor.Get(NotificationFaultFixture.Name);
            Assert.Fail($"Timed out waiting for {what}; last: {string.Join("; ", last?.Servers.Select(s => $"{s.HostPort} {s.Status} {s.Mode}") ?? [])}");
        }
        return await tcs.Task;
    }

    [Fact]
    public async Task KilledFollower_SendsExactlyOneRaisedThenOneResolved_AfterRestart()
    {
        var receiver = fixture.Receiver;
        var leader = await fixture.Ensemble.WaitForLeaderAsync();
        await WaitForAsync(h => h.Servers.All(s => s.Status == ServerStatus.Up) && h.Leader == leader.HostPort && h.ActiveAlerts.Count == 0, "a healthy ensemble");
        var follower = fixture.Ensemble.Servers.First(s => s.HostPort != leader.HostPort);
        var key = $"zkdashboard/{NotificationFaultFixture.Name}/{follower.HostPort}/ServerUnreachable";
        string?[] Phases(IReadOnlyList<WebhookReceiver.Received> all)
            => all.Where(r => r.Json.GetProperty("dedupKey").GetString() == key).Select(r => r.Json.GetProperty("status").GetString()).ToArray();

        await follower.KillAsync();
        await receiver.WaitForAsync(all => Phases(all).Contains("raised"), "the raised message");
        // Several more polls with the follower still down: none may send another message for it.
        var downAt = DateTimeOffset.UtcNow;
        await WaitForAsync(h => h.Timestamp > downAt.AddSeconds(2) && h.Servers.Any(s => s.HostPort == follower.HostPort && s.Status == ServerStatus.Unreachable),
            "more polls with the follower down");
        Assert.Equal(new string?[] { "raised" }, Phases(receiver.All));

        await follower.StartAsync();
        await receiver.WaitForAsync(all => Phases(all).Contains("resolved"), "the resolved message");
        var upAt = DateTimeOffset.UtcNow;
        await WaitForAsync(h => h.Timestamp > upAt.AddSeconds(2), "more polls after the restart");

        var all = receiver.All;
        Assert.Equal(new string?[] { "raised", "resolved" }, Phases(all));
        var raised = all.First(r => r.Json.GetProperty("dedupKey").GetString() == key).Json;
        Assert.Equal("critical", raised.GetProperty("alert").GetProperty("severity").GetString());
        Assert.Equal(follower.HostPort, raised.GetProperty("alert").GetProperty("server").GetString());
        var resolved = all.Last(r => r.Json.GetProperty("dedupKey").GetString() == key).Json;
        Assert.Equal(raised.GetProperty("alert").GetProperty("id").GetInt64(), resolved.GetProperty("alert").GetProperty("id").GetInt64());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, resolved.GetProperty("alert").GetProperty("resolvedAt").ValueKind);
        Assert.Equal(0, fixture.Host.Notifications.Channels.Single().Failed);
    }
}
