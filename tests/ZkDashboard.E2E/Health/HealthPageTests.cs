using ZkDashboard.Testing;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Sandbox;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Health;

/// <summary>
/// The health page on a private 3-server sandbox (faults here must not disturb the collection's shared ensemble) and an
/// app of its own polling every second, so a fault shows within a few polls.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class HealthPageTests(SandboxAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowText = new() { Timeout = 60_000 };

    [Fact]
    public async Task HealthPage_FollowerKilled_ShowsDownWithActiveAlertThenResolvedAfterRestart()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        var leader = await ensemble.WaitForLeaderAsync();
        var follower = ensemble.Servers.First(s => s.Id != leader.Id);
        await using var receiver = new WebhookReceiver();
        var channel = "hook-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await StartQuickPollingAppAsync(ensemble.ConnectString, (channel, receiver.Url));
        var dedupKey = $"zkdashboard/{SandboxAppFixture.EnsembleName}/{follower.HostPort}/ServerUnreachable";
        bool About(WebhookReceiver.Received r, string status) => r.Json.GetProperty("dedupKey").GetString() == dedupKey && r.Json.GetProperty("status").GetString() == status;
        await WithPageAsync(server, async page =>
        {
            await Expect(Row(page, follower.HostPort).Locator("td[data-col=status]")).ToHaveTextAsync("serving", new() { Timeout = 60_000 });

            await follower.KillAsync();

            await Expect(Row(page, follower.HostPort).Locator("td[data-col=status]")).ToContainTextAsync("down", SlowText);
            var alert = page.Locator(".zk-h-alerts li", new() { HasText = follower.HostPort });
            await Expect(alert.Filter(new() { HasText = "ServerUnreachable" })).ToBeVisibleAsync(Slow);
            await Expect(page.Labelled("Ensemble status")).ToContainTextAsync("degraded", SlowText);
            await Expect(page.Locator(".zk-hq-tolerance")).ToContainTextAsync("0 more failures tolerated now (by design 1 of 3)", SlowText);
            await page.SaveScreenshotAsync("health-follower-down");

            var down = alert.Filter(new() { HasText = "ServerUnreachable" });
            await down.GetByRole(AriaRole.Button, new() { Name = "Acknowledge alert", Exact = false }).ClickAsync();
            await Expect(down).ToContainTextAsync(new Regex(@"acknowledged by \S+"), SlowText);
            await Expect(down.GetByRole(AriaRole.Button, new() { Name = "Acknowledge alert", Exact = false })).ToBeDisabledAsync();

            await follower.StartAsync();

            await Expect(Row(page, follower.HostPort).Locator("td[data-col=status]")).ToHaveTextAsync("serving", new() { Timeout = 90_000 });
            await Expect(page.Labelled("No active alerts")).ToBeVisibleAsync(Slow);
            await Expect(page.Labelled("Alert history")).ToContainTextAsync(follower.HostPort, SlowText);
        });
        // The webhook got exactly one "raised" for the dead follower, then exactly one "resolved" after its restart.
        var all = await receiver.WaitForAsync(r => r.Any(m => About(m, "resolved")), "the resolved message of " + dedupKey, TimeSpan.FromSeconds(60));
        var mine = all.Where(m => About(m, "raised") || About(m, "resolved")).Select(m => m.Json.GetProperty("status").GetString() ?? "").ToArray();
        Assert.Equal(["raised", "resolved"], mine);
    }

    [Fact]
    public async Task HealthPage_LeaderKilled_ShowsTheNewLeader()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        var leader = await ensemble.WaitForLeaderAsync();
        await using var server = await StartQuickPollingAppAsync(ensemble.ConnectString);
        await WithPageAsync(server, async page =>
        {
            await Expect(page.Labelled("Leader")).ToHaveTextAsync($"Leader: {leader.HostPort}", new() { Timeout = 60_000 });

            await leader.KillAsync();
            var next = await ensemble.WaitForLeaderAsync(TimeSpan.FromSeconds(90));

            Assert.NotEqual(leader.Id, next.Id);
            await Expect(page.Labelled("Leader")).ToHaveTextAsync($"Leader: {next.HostPort}", new() { Timeout = 90_000 });
            await Expect(Row(page, leader.HostPort).Locator("td[data-col=status]")).ToContainTextAsync("down", SlowText);
            await Expect(Row(page, next.HostPort).Locator("td[data-col=mode]")).ToHaveTextAsync("leader", SlowText.ToText());
        });
    }

    [Fact]
    public async Task HealthPage_ServerPaused_NotServingWithAlertAndReconfigRefusesLosingTheQuorum()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        var leader = await ensemble.WaitForLeaderAsync();
        var followers = ensemble.Servers.Where(s => s.Id != leader.Id).ToArray();
        var paused = followers[0];
        var other = followers[1];
        await using var server = await StartQuickPollingAppAsync(ensemble.ConnectString);
        await WithPageAsync(server, async page =>
        {
            await Expect(Row(page, paused.HostPort).Locator("td[data-col=status]")).ToHaveTextAsync("serving", new() { Timeout = 60_000 });
            try
            {
                await paused.PauseAsync();

                await Expect(Row(page, paused.HostPort).Locator("td[data-col=status]")).Not.ToHaveTextAsync("serving", new() { Timeout = 60_000 });
                await Expect(Row(page, paused.HostPort).Locator("td[data-col=status] .zk-h-why")).ToBeVisibleAsync(Slow);
                await Expect(page.Locator(".zk-h-alerts li", new() { HasText = paused.HostPort })).ToBeVisibleAsync(Slow);
                await page.SaveScreenshotAsync("health-server-paused");

                // Removing the other follower would leave the leader and the paused server: 2 voters, quorum 2, 1 serving.
                await page.Labelled("Reconfig change").SelectOptionAsync("Remove");
                await page.Labelled("Server id").SelectOptionAsync(other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await page.Button("Check change").ClickAsync();
                var check = page.Labelled("Reconfig check");
                await Expect(check).ToContainTextAsync("Refused", SlowText);
                await Expect(check).ToContainTextAsync("would lose its quorum");
                await Expect(page.Button("Apply reconfig")).ToHaveCountAsync(0);
                await page.SaveScreenshotAsync("health-reconfig-refused");
            }
            finally
            {
                await paused.ResumeAsync();
            }

            await Expect(Row(page, paused.HostPort).Locator("td[data-col=status]")).ToHaveTextAsync("serving", new() { Timeout = 90_000 });
        });
        var config = await ensemble.Servers[0].SendFourLetterWordAsync("conf");
        Assert.Contains($"server.{other.Id}=", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FourLetterWordConsole_Srvr_ShowsTheRawAnswer()
    {
        var page = await app.NewPageAsync($"e/{SandboxAppFixture.EnsembleName}/health");
        page.SetDefaultTimeout(30_000);
        await Expect(page.Labelled("Four-letter word")).ToBeVisibleAsync(Slow);
        await page.Labelled("Four-letter word").FillAsync("srvr");
        await page.Button("Send").ClickAsync();

        var answer = page.Labelled("Answer");
        await Expect(answer).ToContainTextAsync("Zookeeper version:", SlowText);
        await Expect(answer).ToContainTextAsync("Mode:");
    }

    [Fact]
    public async Task FourLetterWordConsole_NotAWord_SaysWhatToType()
    {
        var page = await app.NewPageAsync($"e/{SandboxAppFixture.EnsembleName}/health");
        page.SetDefaultTimeout(30_000);
        await Expect(page.Labelled("Four-letter word")).ToBeVisibleAsync(Slow);
        await page.Labelled("Four-letter word").FillAsync("sr1");
        await page.Button("Send").ClickAsync();

        await Expect(page.Locator("#console [role=alert]")).ToContainTextAsync("is not a four-letter word");
        await Expect(page.Labelled("Four-letter word")).ToHaveValueAsync("sr1");
    }

    [Fact]
    public async Task Overview_ShowsHealthCardAndHeaderBadge_ForTheSandbox()
    {
        // An app of its own on the shared ensemble, without the election rule: earlier tests pause or restart the shared
        // servers, and a recent election keeps an ensemble "degraded" for 5 minutes by design.
        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Health:PollInterval"] = "00:00:01";
        settings["ZkDashboard:Health:DisabledRules:0"] = "LeaderElection";
        // The servers' average latency is counted since they started; a loaded machine (paused servers, 2 cores) can lift
        // it over the 100 ms default, and this test is about the card, not that alert.
        settings["ZkDashboard:Health:Thresholds:AvgLatencyMs"] = "60000";
        await using var server = await WebAppServer.StartAsync(settings);
        var context = await app.NewContextAsync(server.BaseUrl);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAndWaitForInteractiveAsync("");
        await Expect(page.Labelled($"{SandboxAppFixture.EnsembleName} health: healthy")).ToBeVisibleAsync(Slow);
        await Expect(page.Labelled($"{SandboxAppFixture.EnsembleName} leader")).ToHaveTextAsync(new Regex(@"^127\.0\.0\.1:\d+$"));
        await Expect(page.Locator(".zk-ensemble-card", new() { HasText = "1 more failure tolerated now (by design 1 of 3)" })).ToBeVisibleAsync();
        await Expect(page.Labelled("Active alerts: 0")).ToBeVisibleAsync();
        await page.Link($"Health of {SandboxAppFixture.EnsembleName}").ClickAsync();
        await Expect(page.Heading($"Health of {SandboxAppFixture.EnsembleName}")).ToBeVisibleAsync();
        await Expect(page.Labelled("Quorum diagram", exact: false)).ToBeVisibleAsync();
        await Expect(page.Labelled("Chart resolution")).ToContainTextAsync("every poll");
        await context.CloseAsync();
    }

    private static ILocator Row(IPage page, string hostPort) => page.Labelled("Servers").Locator($"tr[aria-label='{hostPort}']");

    /// <summary>An app of its own on <paramref name="connectString"/> polling every second.</summary>
    private static async Task<WebAppServer> StartQuickPollingAppAsync(string connectString, (string Name, Uri Url)? webhook = null)
    {
        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, connectString));
        if (webhook is { } hook)
        {
            settings["ZkDashboard:Health:Notifications:Channels:0:Name"] = hook.Name;
            settings["ZkDashboard:Health:Notifications:Channels:0:Type"] = "Webhook";
            settings["ZkDashboard:Health:Notifications:Channels:0:Url"] = hook.Url.ToString();
            settings["ZkDashboard:Health:Notifications:Channels:0:InitialBackoff"] = "00:00:00.05";
        }
        settings["ZkDashboard:Health:PollInterval"] = "00:00:01";
        settings["ZkDashboard:Health:CommandTimeout"] = "00:00:01";
        settings["ZkDashboard:Ensembles:0:SessionTimeoutSeconds"] = "4";
        return await WebAppServer.StartAsync(settings);
    }

    private async Task WithPageAsync(WebAppServer server, Func<IPage, Task> body)
    {
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await page.GotoAndWaitForInteractiveAsync($"e/{SandboxAppFixture.EnsembleName}/health");
            await body(page);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}

internal static class AssertionOptionsExtensions
{
    public static LocatorAssertionsToHaveTextOptions ToText(this LocatorAssertionsToContainTextOptions o) => new() { Timeout = o.Timeout };
}
