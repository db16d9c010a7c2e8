using ZkDashboard.Testing;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Health.Notifications;

/// <summary>
/// A restart of the host on the same store: acknowledgements and silences stay, a "raised" already delivered is not sent again,
/// and a channel's delivery failures still show (page status and /metrics).
/// </summary>
public sealed class NotificationRestartTests
{
    private static readonly ActingUser Admin = new("alice", ["admins"], "127.0.0.1");

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string?> Config(Uri hook, Uri failing, params string[] ensembles)
    {
        var config = new Dictionary<string, string?>
        {
            // No background polls: each test poll is PollNowAsync, so the order of the messages is known.
            ["ZkDashboard:Health:Enabled"] = "false",
            ["ZkDashboard:Health:CommandTimeout"] = "00:00:01",
            ["ZkDashboard:Health:Notifications:Channels:0:Name"] = "hook",
            ["ZkDashboard:Health:Notifications:Channels:0:Type"] = "Webhook",
            ["ZkDashboard:Health:Notifications:Channels:0:Url"] = hook.ToString(),
            ["ZkDashboard:Health:Notifications:Channels:0:RepeatInterval"] = "00:00:00",
            ["ZkDashboard:Health:Notifications:Channels:1:Name"] = "broken",
            ["ZkDashboard:Health:Notifications:Channels:1:Type"] = "Webhook",
            ["ZkDashboard:Health:Notifications:Channels:1:Url"] = failing.ToString(),
            ["ZkDashboard:Health:Notifications:Channels:1:MaxAttempts"] = "1",
            ["ZkDashboard:Health:Notifications:Channels:1:Ensembles:0"] = "gone",
        };
        for (var i = 0; i < ensembles.Length; i++)
        {
            config[$"ZkDashboard:Ensembles:{i}:Name"] = ensembles[i];
            config[$"ZkDashboard:Ensembles:{i}:ConnectString"] = $"127.0.0.1:{ClosedPort()}";
        }
        return config;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    private static IEnumerable<WebhookReceiver.Received> About(IEnumerable<WebhookReceiver.Received> all, string ensemble, string status)
        => all.Where(r => r.Json.GetProperty("alert").GetProperty("ensemble").GetString() == ensemble && r.Json.GetProperty("status").GetString() == status);

    [Fact]
    public async Task Restart_KeepsAckAndSilence_DoesNotResendDeliveredRaised_AndKeepsDeliveryFailures()
    {
        await using var receiver = new WebhookReceiver();
        await using var failing = new WebhookReceiver { Respond = _ => HttpStatusCode.BadRequest };
        using var store = new StoreTestHost();
        var config = Config(receiver.Url, failing.Url, "gone");
        var until = DateTimeOffset.UtcNow.AddHours(3);
        IReadOnlyList<HealthAlert> before;
        await using (var first = await NotificationTestHost.StartAsync(config, store: store))
        {
            before = (await first.Monitor.PollNowAsync("gone"))!.ActiveAlerts;
            Assert.Equal(3, before.Count);
            await receiver.WaitForAsync(all => About(all, "gone", "raised").Count() == 3, "three raised messages");
            await WaitAsync(() => first.Notifications.Channels.Single(c => c.Name == "hook").Sent == 3
                                  && first.Notifications.Channels.Single(c => c.Name == "broken").Failed == 3, "the delivery outcomes");
            // What IEnsembleHealthOperations.AcknowledgeAlertAsync / SilenceAlertAsync do after the access check.
            var monitor = first.Services.GetRequiredService<HealthMonitor>();
            Assert.NotNull(monitor.AnnotateAlert("gone", before[0].Id, a => a with { AcknowledgedBy = Admin.Name, AcknowledgedAt = DateTimeOffset.UtcNow }));
            Assert.NotNull(monitor.AnnotateAlert("gone", before[1].Id, a => a with { SilencedUntil = until }));
        }

        // Second run: "gone" still down, and a second ensemble whose alerts come after gone's in the channel's queue.
        config["ZkDashboard:Ensembles:1:Name"] = "later";
        config["ZkDashboard:Ensembles:1:ConnectString"] = $"127.0.0.1:{ClosedPort()}";
        await using var second = await NotificationTestHost.StartAsync(config, store: store);

        var broken = second.Notifications.Channels.Single(c => c.Name == "broken");
        Assert.Equal(3, broken.Failed);
        Assert.Contains("400", broken.LastError, StringComparison.Ordinal);
        Assert.Contains("zkdashboard_notifications_failed_total{channel=\"broken\",type=\"webhook\"} 3", second.Metrics, StringComparison.Ordinal);
        Assert.Equal(3, second.Notifications.Channels.Single(c => c.Name == "hook").Sent);

        var after = (await second.Monitor.PollNowAsync("gone"))!.ActiveAlerts;
        await second.Monitor.PollNowAsync("later");
        var all = await receiver.WaitForAsync(r => About(r, "later", "raised").Count() == 3, "the raised messages of 'later'");

        Assert.Equal(before.Select(b => b.Id), after.Select(a => a.Id));
        Assert.Equal("alice", after[0].AcknowledgedBy);
        Assert.Equal(until.ToUnixTimeMilliseconds(), after[1].SilencedUntil?.ToUnixTimeMilliseconds());
        Assert.Equal(3, About(all, "gone", "raised").Count());
        Assert.Empty(About(all, "gone", "resolved"));
        var problems = store.Logs.Lines.Where(l => l.Contains("Could not store", StringComparison.Ordinal) || l.Contains("Could not load", StringComparison.Ordinal)).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Restart_SendsTheResolvedOwed_ForAnAlertThatEndedWhileTheDashboardWasDown()
    {
        await using var receiver = new WebhookReceiver();
        await using var failing = new WebhookReceiver();
        using var store = new StoreTestHost();
        var config = Config(receiver.Url, failing.Url, "gone");
        await using (var first = await NotificationTestHost.StartAsync(config, store: store))
        {
            await first.Monitor.PollNowAsync("gone");
            await receiver.WaitForAsync(all => About(all, "gone", "raised").Count() == 3, "three raised messages");
            await WaitAsync(() => first.Notifications.Channels.Single(c => c.Name == "hook").Sent == 3, "the deliveries");
        }

        // The ensemble left the configuration while the dashboard was down: each channel owes a resolved per alert.
        config["ZkDashboard:Ensembles:0:Name"] = "other";
        await using var second = await NotificationTestHost.StartAsync(config, store: store);

        var all = await receiver.WaitForAsync(r => About(r, "gone", "resolved").Count() == 3, "three resolved messages");
        Assert.Equal(3, About(all, "gone", "raised").Count());
        Assert.All(About(all, "gone", "resolved"), r => Assert.Contains("ensemble removed", r.Json.GetProperty("alert").GetProperty("message").GetString(), StringComparison.Ordinal));
    }
}
