using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E;

[Collection(E2ECollection.Name)]
public sealed class ShellTests(AppFixture app)
{
    [Fact]
    public async Task ThemeToggle_SwitchesToDarkAndIsRemembered_WhenClicked()
    {
        var page = await app.NewPageAsync();
        var toggle = page.Button("Dark theme");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        var lightBackground = await BodyBackgroundAsync(page);
        await page.SaveScreenshotAsync("home-light");

        await toggle.ClickAsync();

        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(page.Locator("#radzen-theme-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("standard-dark"));
        await page.WaitForFunctionAsync(IsDarkBackgroundScript);
        await page.SaveScreenshotAsync("home-dark");

        // A new page in the same browser context renders dark straight from the server (cookie).
        await page.GotoAndWaitForInteractiveAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(page.Button("Dark theme")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True(await page.EvaluateAsync<bool>(IsDarkBackgroundScript), "The page reloaded with the dark theme should be dark.");
        Assert.NotEqual(lightBackground, await BodyBackgroundAsync(page));
    }

    [Fact]
    public async Task Home_LinksEachConfiguredEnsembleToItsExplorer()
    {
        var page = await app.NewPageAsync();

        await Expect(page.Heading("Ensembles")).ToBeVisibleAsync();
        var list = page.Role(AriaRole.List, "Configured ensembles");
        await Expect(list.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(page.Link("Open explorer for local")).ToHaveAttributeAsync("href", "e/local/");
        await Expect(list).ToContainTextAsync("127.0.0.1:2181");
    }

    [Fact]
    public async Task Home_ShowsDownAndWhatToDo_WhenEnsembleDoesNotAnswer()
    {
        // "local" is 127.0.0.1:2181, where nothing listens in the tests: the health monitor's polls find it down. The home
        // page opens no session of its own (the card's session state stays as the explorer left it).
        var page = await app.NewPageAsync();
        var card = page.Locator(".zk-ensemble-card", new() { HasText = "local" });
        var health = card.GetByRole(AriaRole.Status, new() { Name = "local health: down" });
        await Expect(health).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(health).ToContainTextAsync("Check that the hosts are up");
        await Expect(card).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Servers\s*1"));
        await Expect(page.Link("Open explorer for local")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("home-unreachable");
    }

    [Fact]
    public async Task Home_SaysHowToAddOne_WhenNoEnsembleIsConfigured()
    {
        // The root appsettings.json has one entry; an entry without a name or connect string is refused, leaving none.
        await using var server = await WebAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["ZkDashboard:Ensembles:0:Name"] = "",
            ["ZkDashboard:Ensembles:0:ConnectString"] = "",
        });
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAndWaitForInteractiveAsync();
            await Expect(page.Heading("No ensembles configured")).ToBeVisibleAsync();
            await Expect(page.Locator(".zk-empty-state")).ToContainTextAsync("appsettings.json");
            await Expect(page.Locator(".zk-empty-state")).ToContainTextAsync("\"ConnectString\"");
            await Expect(page.Role(AriaRole.List, "Configured ensembles")).ToHaveCountAsync(0);
            await page.SaveScreenshotAsync("home-empty");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task EnsembleSwitcher_NavigatesToExplorerAddress_WhenEnsembleChosen()
    {
        var page = await app.NewPageAsync();

        await page.Role(AriaRole.Combobox, "Ensemble").ClickAsync();
        await page.Role(AriaRole.Option, "local").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/e/local/$"));
    }

    [Fact]
    public async Task UnknownAddress_ShowsNotFoundPage()
    {
        var page = await app.NewBlankPageAsync();

        var response = await page.GotoAsync("no/such/page");

        Assert.Equal(404, response!.Status);
        await Expect(page.Heading("Page not found")).ToBeVisibleAsync();
    }

    /// <summary>True once the main area's computed background is dark (the dark stylesheet has loaded and applied).</summary>
    private const string IsDarkBackgroundScript = """
        () => {
          const [r, g, b] = getComputedStyle(document.querySelector('.zk-body')).backgroundColor.match(/\d+/g).map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 80;
        }
        """;

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.zk-body')).backgroundColor");
}
