using ZkDashboard.Testing;
using System.Net;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Health.Notifications;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Health.Notifications;

/// <summary>Channels against real receivers on loopback: retries with backoff, permanent failures, de-duplication, repeat and resolved, e-mail, send test.</summary>
public sealed class NotificationDeliveryTests
{
    private static readonly ActingUser Operator = new("olivia", ["operators"], "127.0.0.1");

    private static Dictionary<string, string?> Channel(string name, string type, Uri? url = null, int index = 0, string? repeat = null)
    {
        var p = $"ZkDashboard:Health:Notifications:Channels:{index}:";
        var config = new Dictionary<string, string?>
        {
            ["ZkDashboard:Health:Enabled"] = "false",
            [p + "Name"] = name,
            [p + "Type"] = type,
            [p + "InitialBackoff"] = "00:00:00.02",
            [p + "MaxBackoff"] = "00:00:00.1",
            [p + "MaxAttempts"] = "4",
            [p + "RepeatInterval"] = repeat ?? "00:00:00",
        };
        if (url is not null)
        {
            config[p + "Url"] = url.ToString();
        }
        return config;
    }

    private static EnsembleHealth Snapshot(string ensemble, DateTimeOffset at, params HealthAlert[] active) => new()
    {
        Ensemble = ensemble,
        Timestamp = at,
        Status = active.Length > 0 ? EnsembleStatus.Degraded : EnsembleStatus.Healthy,
        Quorum = QuorumState.Compute(3, 3, true),
        ActiveAlerts = active,
    };

    private static HealthAlert Alert(long id, string server = "zk2:2181", AlertKind kind = AlertKind.ServerUnreachable, AlertSeverity severity = AlertSeverity.Critical)
        => new(id, "prod", server, kind, severity, $"{server} is unreachable.", DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task SendTest_RetriesWithBackoff_On500ThenSucceeds()
    {
        await using var receiver = new WebhookReceiver { Respond = n => n <= 2 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK };
        await using var host = await NotificationTestHost.StartAsync(Channel("hook", "Webhook", receiver.Url));

        var result = await host.Notifications.SendTestAsync(Operator, "hook");

        Assert.True(result.Delivered, result.Error);
        Assert.Equal(3, result.Attempts);
        var all = receiver.All;
        Assert.Equal(3, all.Count);
        Assert.All(all, r => Assert.Equal(all[0].Body, r.Body));
        Assert.Equal("test", all[0].Json.GetProperty("status").GetString());
        var status = Assert.Single(host.Notifications.Channels);
        Assert.Equal((1L, 2L, 0L), (status.Sent, status.Retries, status.Failed));
        Assert.Contains("500", status.LastError, StringComparison.Ordinal);
        Assert.Contains("zkdashboard_notifications_retries_total{channel=\"hook\",type=\"webhook\"} 2", host.Metrics, StringComparison.Ordinal);
        Assert.Contains("zkdashboard_notifications_sent_total{channel=\"hook\",type=\"webhook\"} 1", host.Metrics, StringComparison.Ordinal);
        var audit = Assert.Single(host.Audit.Records);
        Assert.Equal((ZkOperationKind.AcknowledgeAlert, AuditOutcome.Succeeded, "olivia"), (audit.Operation.Kind, audit.Outcome, audit.Operation.User.Name));
    }

    [Fact]
    public async Task SendTest_GivesUpAfterMaxAttempts_WhenReceiverKeepsFailing()
    {
        await using var receiver = new WebhookReceiver { Respond = _ => HttpStatusCode.ServiceUnavailable };
        await using var host = await NotificationTestHost.StartAsync(Channel("hook", "Slack", receiver.Url));

        var result = await host.Notifications.SendTestAsync(Operator, "hook");

        Assert.False(result.Delivered);
        Assert.Equal(4, result.Attempts);
        Assert.Equal(4, receiver.All.Count);
        Assert.Contains("text", receiver.All[0].Json.EnumerateObject().Select(p => p.Name));
        var status = Assert.Single(host.Notifications.Channels);
        Assert.Equal((0L, 3L, 1L), (status.Sent, status.Retries, status.Failed));
        Assert.Contains("503", status.LastError, StringComparison.Ordinal);
        Assert.Contains("zkdashboard_notifications_failed_total{channel=\"hook\",type=\"slack\"} 1", host.Metrics, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Failed, Assert.Single(host.Audit.Records).Outcome);
    }

    [Fact]
    public async Task SendTest_DoesNotRetry_OnClientError()
    {
        await using var receiver = new WebhookReceiver { Respond = _ => HttpStatusCode.NotFound };
        await using var host = await NotificationTestHost.StartAsync(Channel("hook", "Webhook", receiver.Url));

        var result = await host.Notifications.SendTestAsync(Operator, "hook");

        Assert.False(result.Delivered);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("not retried", result.Error, StringComparison.Ordinal);
        Assert.Single(receiver.All);
    }

    [Fact]
    public async Task SendTest_IsRefusedAndAudited_WhenPolicyDenies()
    {
        await using var receiver = new WebhookReceiver();
        await using var host = await NotificationTestHost.StartAsync(Channel("hook", "Webhook", receiver.Url), new DenyKindPolicy(ZkOperationKind.AcknowledgeAlert));

        await Assert.ThrowsAsync<AccessDeniedException>(() => host.Notifications.SendTestAsync(Operator, "hook"));

        Assert.Empty(receiver.All);
        Assert.Equal(AuditOutcome.Denied, Assert.Single(host.Audit.Records).Outcome);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => host.Notifications.SendTestAsync(Operator, "nope"));
        Assert.Contains("'nope'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshots_SendOneRaisedAndOneResolved_HoweverManyPollsTheAlertLasts()
    {
        await using var receiver = new WebhookReceiver();
        await using var host = await NotificationTestHost.StartAsync(Channel("hook", "Webhook", receiver.Url));
        var down = Alert(7);
        var warning = Alert(8, "zk3:2181", AlertKind.WatchCountHigh, AlertSeverity.Warning);
        var t0 = DateTimeOffset.UtcNow;

        for (var i = 0; i < 5; i++)
        {
            host.Notifier.OnSnapshot(Snapshot("prod", t0.AddSeconds(i), down, warning));
        }
        host.Notifier.OnSnapshot(Snapshot("other", t0.AddSeconds(5)));
        host.Notifier.OnSnapshot(Snapshot("prod", t0.AddSeconds(6), warning));

        var got = await receiver.WaitForAsync(r => r.Count(x => x.Json.GetProperty("status").GetString() == "resolved") >= 1, "the resolved message");
        var forDown = got.Where(r => r.Json.GetProperty("dedupKey").GetString() == "zkdashboard/prod/zk2:2181/ServerUnreachable")
            .Select(r => r.Json.GetProperty("status").GetString()).ToArray();
        Assert.Equal(new string?[] { "raised", "resolved" }, forDown);
        var raisedWarning = Assert.Single(got, r => r.Json.GetProperty("dedupKey").GetString() == "zkdashboard/prod/zk3:2181/WatchCountHigh");
        Assert.Equal("warning", raisedWarning.Json.GetProperty("alert").GetProperty("severity").GetString());
        Assert.Equal(3, got.Count);
        Assert.Equal(7, got[^1].Json.GetProperty("alert").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Snapshots_RepeatAfterInterval_AndHonourMinSeverity()
    {
        await using var receiver = new WebhookReceiver();
        var config = Channel("hook", "Webhook", receiver.Url, repeat: "00:10:00");
        config["ZkDashboard:Health:Notifications:Channels:0:MinSeverity"] = "Critical";
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await NotificationTestHost.StartAsync(config, clock: clock);
        var down = Alert(1);
        var warning = Alert(2, "zk3:2181", AlertKind.LatencyHigh, AlertSeverity.Warning);

        host.Notifier.OnSnapshot(Snapshot("prod", clock.GetUtcNow(), down, warning));
        await receiver.WaitForAsync(r => r.Count == 1, "the raised message");
        clock.Advance(TimeSpan.FromMinutes(9));
        host.Notifier.OnSnapshot(Snapshot("prod", clock.GetUtcNow(), down, warning));
        clock.Advance(TimeSpan.FromMinutes(1));
        host.Notifier.OnSnapshot(Snapshot("prod", clock.GetUtcNow(), down, warning));
        clock.Advance(TimeSpan.FromMinutes(1));
        host.Notifier.OnSnapshot(Snapshot("prod", clock.GetUtcNow(), down, warning));
        host.Notifier.OnSnapshot(Snapshot("prod", clock.GetUtcNow()));
        var got = await receiver.WaitForAsync(r => r.Count == 3, "raised, one repeat, resolved");

        Assert.Equal(new string?[] { "raised", "repeat", "resolved" }, got.Select(r => r.Json.GetProperty("status").GetString()).ToArray());
        Assert.DoesNotContain(got, r => r.Body.Contains("LatencyHigh", StringComparison.Ordinal));
    }
}
