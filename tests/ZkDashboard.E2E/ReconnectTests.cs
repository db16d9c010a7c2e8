using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E;

/// <summary>Our reconnect overlay (Components/Layout/ReconnectOverlay.razor) against a server that goes away.</summary>
[Collection(E2ECollection.Name)]
public sealed class ReconnectTests(AppFixture app)
{
    [Fact]
    public async Task ReconnectOverlay_ShowsReconnecting_WhenServerStops()
    {
        await using var server = await WebAppServer.StartAsync();
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAndWaitForInteractiveAsync();
            var overlay = page.Locator("#components-reconnect-modal");
            await Expect(overlay).ToBeHiddenAsync();

            await server.StopAsync();

            await Expect(overlay).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.Role(AriaRole.Alertdialog, "Connection lost — reconnecting…")).ToBeVisibleAsync();
            await Expect(overlay).ToContainTextAsync("Live updates are paused");
            await page.SaveScreenshotAsync("reconnect-overlay");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task ReconnectOverlay_OffersReload_WhenRestartedServerRejectsCircuit()
    {
        var first = await WebAppServer.StartAsync();
        var port = first.BaseUri.Port;
        var context = await app.NewContextAsync(first.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAndWaitForInteractiveAsync();
            await first.StopAsync();
            var overlay = page.Locator("#components-reconnect-modal");
            await Expect(overlay).ToBeVisibleAsync(new() { Timeout = 30_000 });

            // A new server process on the same address knows nothing of the old circuit.
            await using var second = await WebAppServer.StartAsync(port: port);

            await Expect(page.Role(AriaRole.Alertdialog, "This page's session has ended")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var reload = page.Link("Reload");
            await Expect(reload).ToBeVisibleAsync();
            await page.SaveScreenshotAsync("reconnect-rejected");

            await reload.ClickAsync();

            await page.WaitForInteractiveAsync();
            await Expect(overlay).ToBeHiddenAsync();
            await page.Button("Dark theme").ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        }
        finally
        {
            await context.CloseAsync();
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task RetryButton_ReloadsPage_WhenReconnectFailedAndServerIsBack()
    {
        var quickGiveUp = new Dictionary<string, string?>
        {
            ["ZkDashboard:Web:Reconnect:MaxRetries"] = "2",
            ["ZkDashboard:Web:Reconnect:RetryIntervalMilliseconds"] = "200",
        };
        var first = await WebAppServer.StartAsync(quickGiveUp);
        var context = await app.NewContextAsync(first.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAndWaitForInteractiveAsync();
            await first.StopAsync();

            await Expect(page.Role(AriaRole.Alertdialog, "Could not reconnect to the server")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var retry = page.Button("Retry");
            await Expect(retry).ToBeVisibleAsync();
            await page.SaveScreenshotAsync("reconnect-failed");
            await using var second = await WebAppServer.StartAsync(quickGiveUp, first.BaseUri.Port);

            // The new server does not know the old circuit, so Retry reloads the page, which is live again.
            await page.EvaluateAsync("() => document.documentElement.removeAttribute('data-interactive')");
            await retry.ClickAsync();

            await page.WaitForInteractiveAsync();
            await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
            await Expect(page.Heading("Ensembles")).ToBeVisibleAsync();
        }
        finally
        {
            await context.CloseAsync();
            await first.DisposeAsync();
        }
    }
}
