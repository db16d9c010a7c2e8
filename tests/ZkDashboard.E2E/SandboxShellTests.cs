using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E;

[Collection(SandboxE2ECollection.Name)]
public sealed class SandboxShellTests(SandboxAppFixture app)
{
    [Fact]
    public async Task Home_ListsSandboxEnsembleWithItsServers_WhenConfiguredWithSandbox()
    {
        var page = await app.NewPageAsync();

        var card = page.Locator(".zk-ensemble-card", new() { HasText = SandboxAppFixture.EnsembleName });
        await Expect(card).ToContainTextAsync(app.Ensemble.ConnectString);
        await Expect(card).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Servers\s*3"));
        await Expect(page.Link($"Open explorer for {SandboxAppFixture.EnsembleName}")).ToHaveAttributeAsync("href", "e/sandbox/");
        await Expect(page.Link("Open explorer for local")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task EnsembleSwitcher_ShowsSelectedStateOnceInItsColour_AndEachStateInTheList()
    {
        var page = await app.NewPageAsync($"e/{SandboxAppFixture.EnsembleName}/");
        var state = page.Role(AriaRole.Status, $"Connection to {SandboxAppFixture.EnsembleName}: connected");
        await Expect(state).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // Once: the closed switcher shows the name, and the state only in the badge beside it.
        var header = page.Locator(".zk-header");
        await Expect(header.Locator(".zk-state:visible")).ToHaveCountAsync(1);
        var shown = page.Role(AriaRole.Combobox, "Ensemble").Locator(".zk-switcher-value");
        await Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(SandboxAppFixture.EnsembleName + "$"));
        await Expect(shown).Not.ToContainTextAsync("connected");

        // Its colour is the connected (green) one.
        var rgb = await state.EvaluateAsync<int[]>("el => getComputedStyle(el).color.match(/\\d+/g).slice(0, 3).map(Number)");
        Assert.True(rgb[1] > rgb[0] && rgb[1] > rgb[2], $"connected badge colour rgb({string.Join(',', rgb)}) is not green");

        // The list shows every ensemble with its state.
        await page.Role(AriaRole.Combobox, "Ensemble").ClickAsync();
        var option = page.GetByRole(AriaRole.Option, new() { Name = SandboxAppFixture.EnsembleName });
        await Expect(option).ToContainTextAsync("connected");
        await page.SaveScreenshotAsync("switcher-open");
        await app.CloseContextsAsync();
    }
}
