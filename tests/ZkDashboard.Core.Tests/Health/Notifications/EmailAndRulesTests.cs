using YamlDotNet.RepresentationModel;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Health.Notifications;
using ZkDashboard.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ZkDashboard.Core.Tests.Health.Notifications;

/// <summary>E-mail through a tiny SMTP receiver; the Prometheus rules export; settings validation.</summary>
public sealed class EmailAndRulesTests
{
    private static readonly ActingUser Operator = new("olivia", ["operators"], "127.0.0.1");

    [Fact]
    public async Task EmailChannel_DeliversParsableMessage_ForTestAndRaised()
    {
        await using var smtp = new SmtpReceiver();
        const string p = "ZkDashboard:Health:Notifications:Channels:0:";
        await using var host = await NotificationTestHost.StartAsync(new()
        {
            ["ZkDashboard:Health:Enabled"] = "false",
            ["ZkDashboard:Health:Notifications:DashboardUrl"] = "https://zk.example.com/",
            [p + "Name"] = "ops-mail",
            [p + "Type"] = "Email",
            [p + "Smtp:Host"] = "127.0.0.1",
            [p + "Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [p + "Smtp:From"] = "zkdashboard@example.com",
            [p + "Smtp:To:0"] = "oncall@example.com",
            [p + "Smtp:To:1"] = "team@example.com",
        });

        var result = await host.Notifications.SendTestAsync(Operator, "ops-mail");
        Assert.True(result.Delivered, result.Error);
        var alert = new HealthAlert(42, "prod", "zk2:2181", AlertKind.ServerUnreachable, AlertSeverity.Critical, "zk2:2181 is unreachable: connection refused.",
            DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow);
        host.Notifier.OnSnapshot(new EnsembleHealth { Ensemble = "prod", Quorum = QuorumState.Compute(3, 2, true), ActiveAlerts = [alert] });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (smtp.Messages.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, smtp.Messages.Count);
        var test = smtp.Messages[0];
        Assert.Equal("zkdashboard@example.com", test.MailFrom);
        Assert.Equal(["oncall@example.com", "team@example.com"], test.RcptTo);
        Assert.StartsWith("[ZkDashboard] TEST notification", test.Subject, StringComparison.Ordinal);
        Assert.Equal("test", test.Headers["X-ZkDashboard-Status"]);
        Assert.Contains("Test notification sent by olivia", test.Body, StringComparison.Ordinal);
        var raised = smtp.Messages[1];
        Assert.Equal("[ZkDashboard] RAISED Critical ServerUnreachable on prod zk2:2181", raised.Subject);
        Assert.Equal("zkdashboard/prod/zk2:2181/ServerUnreachable", raised.Headers["X-ZkDashboard-Dedup-Key"]);
        Assert.Contains("connection refused", raised.Body, StringComparison.Ordinal);
        Assert.Contains("https://zk.example.com/e/prod/health", raised.Body, StringComparison.Ordinal);
        // The receiver stores a message before its "250 queued" reaches the sender, so the channel counts it a moment later.
        var channel = Assert.Single(host.Notifications.Channels);
        while (channel.Sent < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            channel = Assert.Single(host.Notifications.Channels);
        }

        Assert.Equal(2L, channel.Sent);
    }

    [Fact]
    public async Task PrometheusRules_ParseAsYaml_WithPerEnsembleThresholdsAndDisabledRules()
    {
        await using var host = await NotificationTestHost.StartAsync(new()
        {
            ["ZkDashboard:Health:Enabled"] = "false",
            ["ZkDashboard:Ensembles:0:Name"] = "prod",
            ["ZkDashboard:Ensembles:0:ConnectString"] = "127.0.0.1:1",
            ["ZkDashboard:Ensembles:1:Name"] = "dev",
            ["ZkDashboard:Ensembles:1:ConnectString"] = "127.0.0.1:2",
            ["ZkDashboard:Health:Thresholds:WatchCount"] = "20000",
            ["ZkDashboard:Health:Ensembles:prod:Thresholds:AvgLatencyMs"] = "50",
            ["ZkDashboard:Health:Ensembles:dev:DisabledRules:0"] = "WatchCountHigh",
            ["ZkDashboard:Health:Ensembles:dev:DisabledRules:1"] = "LeaderElection",
        });
        var exporter = host.Services.GetRequiredService<PrometheusRulesExporter>();

        var text = await exporter.RenderAsync(Operator);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        var byName = groups.Cast<YamlMappingNode>().ToDictionary(g => ((YamlScalarNode)g["name"]).Value!, g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>()
            .ToDictionary(r => ((YamlScalarNode)r["alert"]).Value!, r => r));
        Assert.Equal(["zkdashboard-dev", "zkdashboard-prod"], byName.Keys);
        var prod = byName["zkdashboard-prod"];
        Assert.Equal(["ZooKeeperServerDown", "ZooKeeperNoQuorum", "ZooKeeperNoLeader", "ZooKeeperLeaderElection", "ZooKeeperLatencyHigh",
            "ZooKeeperOutstandingRequestsHigh", "ZooKeeperFileDescriptorsHigh", "ZooKeeperZxidLagHigh", "ZooKeeperZnodeCountDivergence",
            "ZooKeeperWatchCountHigh", "ZooKeeperDataSizeHigh", "ZooKeeperFourLetterWordsDisabled"], prod.Keys);
        Assert.Equal("zookeeper_avg_latency{ensemble=\"prod\"} > 50", ((YamlScalarNode)prod["ZooKeeperLatencyHigh"]["expr"]).Value);
        Assert.Equal("zookeeper_watch_count{ensemble=\"prod\"} > 20000", ((YamlScalarNode)prod["ZooKeeperWatchCountHigh"]["expr"]).Value);
        Assert.Equal("critical", ((YamlScalarNode)((YamlMappingNode)prod["ZooKeeperServerDown"]["labels"])["severity"]).Value);
        Assert.Contains("{{ $labels.server }}", ((YamlScalarNode)((YamlMappingNode)prod["ZooKeeperServerDown"]["annotations"])["summary"]).Value, StringComparison.Ordinal);
        var dev = byName["zkdashboard-dev"];
        Assert.DoesNotContain("ZooKeeperWatchCountHigh", dev.Keys);
        Assert.DoesNotContain("ZooKeeperLeaderElection", dev.Keys);
        Assert.Equal("zookeeper_avg_latency{ensemble=\"dev\"} > 100", ((YamlScalarNode)dev["ZooKeeperLatencyHigh"]["expr"]).Value);
        Assert.Equal(2, host.Audit.Records.Count(r => r.Operation.Kind == ZkOperationKind.Read && r.Outcome == AuditOutcome.Succeeded));
    }

    [Fact]
    public async Task PrometheusRules_LeaveOutEnsembles_ThePolicyRefuses()
    {
        await using var host = await NotificationTestHost.StartAsync(new()
        {
            ["ZkDashboard:Health:Enabled"] = "false",
            ["ZkDashboard:Ensembles:0:Name"] = "prod",
            ["ZkDashboard:Ensembles:0:ConnectString"] = "127.0.0.1:1",
        }, new DenyKindPolicy(ZkOperationKind.Read));

        var text = await host.Services.GetRequiredService<PrometheusRulesExporter>().RenderAsync(Operator);

        Assert.DoesNotContain("zkdashboard-prod", text, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Denied, Assert.Single(host.Audit.Records).Outcome);
    }

    [Fact]
    public void HealthOptions_Validate_NamesEachBadEntry()
    {
        var options = new HealthOptions
        {
            DisabledRules = ["Bogus"],
            Ensembles = new(StringComparer.OrdinalIgnoreCase)
            {
                ["prod"] = new EnsembleHealthRules { Thresholds = new HealthThresholdOverrides { FdUsageRatio = 1.5, ElectionWindow = TimeSpan.Zero }, EnabledRules = ["7"] },
            },
        };

        var ex = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ZkDashboard:Health:DisabledRules:0 'Bogus' is not an alert rule", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ZkDashboard:Health:Ensembles:prod:Thresholds:FdUsageRatio 1.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ZkDashboard:Health:Ensembles:prod:Thresholds:ElectionWindow", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ZkDashboard:Health:Ensembles:prod:EnabledRules:0 '7'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotificationOptions_Validate_NamesEachBadChannel()
    {
        var options = new NotificationOptions
        {
            Channels =
            [
                new NotificationChannelOptions { Name = "hook", Type = NotificationChannelType.Webhook },
                new NotificationChannelOptions { Name = "hook", Type = NotificationChannelType.Slack, Url = new Uri("ftp://x/"), MaxAttempts = 0 },
                new NotificationChannelOptions { Name = "mail", Type = NotificationChannelType.Email, Smtp = new SmtpChannelOptions { From = "nope", To = ["a@b.c", "bad"] } },
            ],
        };

        var ex = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ZkDashboard:Health:Notifications:Channels:0 (hook):Url '' must be an absolute http(s) address", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Channels:1 (hook):Name 'hook' is used by another channel", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Channels:1 (hook):MaxAttempts 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Channels:2 (mail):Smtp:Host is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Channels:2 (mail):Smtp:From 'nope'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Channels:2 (mail):Smtp:To:1 'bad'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesFor_AppliesEnsembleOverrides_OnTopOfGlobal()
    {
        var options = new HealthOptions
        {
            Thresholds = new HealthThresholds { AvgLatencyMs = 80, WatchCount = 5 },
            DisabledRules = ["DataSizeHigh", "WatchCountHigh"],
            Ensembles = new(StringComparer.OrdinalIgnoreCase)
            {
                ["prod"] = new EnsembleHealthRules { Thresholds = new HealthThresholdOverrides { AvgLatencyMs = 20 }, EnabledRules = ["WatchCountHigh"], DisabledRules = ["ZxidLagHigh"] },
            },
        };

        var prod = options.RulesFor("PROD");
        var other = options.RulesFor("dev");

        Assert.Equal((20d, 5L), (prod.Thresholds.AvgLatencyMs, prod.Thresholds.WatchCount));
        Assert.Equal(80d, other.Thresholds.AvgLatencyMs);
        Assert.True(prod.IsEnabled(AlertKind.WatchCountHigh));
        Assert.False(prod.IsEnabled(AlertKind.ZxidLagHigh));
        Assert.False(prod.IsEnabled(AlertKind.DataSizeHigh));
        Assert.False(other.IsEnabled(AlertKind.WatchCountHigh));
        Assert.True(other.IsEnabled(AlertKind.ZxidLagHigh));
    }
}
