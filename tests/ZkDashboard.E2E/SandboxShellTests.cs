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
}
