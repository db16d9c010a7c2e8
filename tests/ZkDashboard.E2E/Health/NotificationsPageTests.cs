using ZkDashboard.Testing;
using System.Net;
using System.Text.RegularExpressions;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Health;

/// <summary>
/// /notifications with two webhook channels configured at receivers started by the test: "send test" reaches the working one;
/// the failing one shows its failure on the page and in /metrics.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class NotificationsPageTests(SandboxAppFixture app)
{
    [Fact]
    public async Task SendTest_ReachesTheReceiver_AndAFailingChannelShowsItsFailureOnThePageAndInMetrics()
    {
        await using var receiver = new WebhookReceiver();
        await using var failing = new WebhookReceiver { Respond = _ => HttpStatusCode.InternalServerError };
        // Channel names of their own: the apps of this test process share one store, which keeps each channel's counters.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (good, bad) = ("hook-" + suffix, "broken-" + suffix);
        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Health:Enabled"] = "false"; // only the test messages reach the receivers
        settings["ZkDashboard:Health:Notifications:Channels:0:Name"] = good;
        settings["ZkDashboard:Health:Notifications:Channels:0:Type"] = "Webhook";
        settings["ZkDashboard:Health:Notifications:Channels:0:Url"] = receiver.Url.ToString();
        settings["ZkDashboard:Health:Notifications:Channels:1:Name"] = bad;
        settings["ZkDashboard:Health:Notifications:Channels:1:Type"] = "Webhook";
        settings["ZkDashboard:Health:Notifications:Channels:1:Url"] = failing.Url.ToString();
        settings["ZkDashboard:Health:Notifications:Channels:1:MaxAttempts"] = "2";
        settings["ZkDashboard:Health:Notifications:Channels:1:InitialBackoff"] = "00:00:00.05";
        await using var server = await WebAppServer.StartAsync(settings);
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await page.GotoAndWaitForInteractiveAsync("notifications");
            var table = page.Labelled("Notification channels");
            await Expect(table).ToContainTextAsync(receiver.Url.Authority);

            await page.Button($"Send test to {good}").ClickAsync();
            var status = page.Locator(".zk-ntf-result[role=status]");
            await Expect(status).ToHaveTextAsync($"Test message delivered through {good} (1 attempt).");
            var got = await receiver.WaitForAsync(all => all.Count >= 1, "the test message");
            Assert.Equal("test", got[0].Json.GetProperty("status").GetString());
            Assert.Equal(good, got[0].Json.GetProperty("channel").GetString());
            var goodRow = table.Locator("tr", new() { Has = page.Role(Microsoft.Playwright.AriaRole.Rowheader, good) });
            await Expect(goodRow).ToContainTextAsync("TEST notification from ZkDashboard");

            await page.Button($"Send test to {bad}").ClickAsync();
            await Expect(status).ToContainTextAsync($"Test message through {bad} failed after 2 attempts");
            await Expect(status).ToContainTextAsync("500");
            var badRow = table.Locator("tr", new() { Has = page.Role(Microsoft.Playwright.AriaRole.Rowheader, bad) });
            await Expect(badRow).ToHaveClassAsync(new Regex("zk-ntf-failing"));
            await Expect(badRow.Locator(".zk-ntf-error")).ToContainTextAsync("500");
            Assert.Equal(2, failing.All.Count);
            await page.SaveScreenshotAsync("notifications-send-test");

            using var http = new HttpClient { BaseAddress = server.BaseUri };
            var metrics = await http.GetStringAsync("metrics");
            Assert.Contains($"zkdashboard_notifications_failed_total{{channel=\"{bad}\",type=\"webhook\"}} 1", metrics, StringComparison.Ordinal);
            Assert.Contains($"zkdashboard_notifications_retries_total{{channel=\"{bad}\",type=\"webhook\"}} 1", metrics, StringComparison.Ordinal);
            Assert.Contains($"zkdashboard_notifications_sent_total{{channel=\"{good}\",type=\"webhook\"}} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
