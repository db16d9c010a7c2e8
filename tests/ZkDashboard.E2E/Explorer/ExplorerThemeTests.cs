using System.Text;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// The explorer's main screens in both themes: saves a screenshot of every node tab (explorer-{light|dark}-{tab}.png)
/// and checks that the dark theme really paints dark surfaces with light text (not a light component left behind).
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerThemeTests(SandboxAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    /// <summary>Surfaces whose computed colours must follow the theme: (name, selector).</summary>
    private static readonly (string Name, string Selector)[] Surfaces =
    [
        ("header", ".zk-header"),
        ("tree", ".zk-x-tree"),
        ("node panel", ".zk-node"),
        ("node title", ".zk-node-title"),
        ("selected tree row", ".zk-tree [role=treeitem][aria-selected=true]"),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Explorer_Theme_PaintsEveryTabInThemeColours(bool dark)
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        var config = root + "/app/config";
        await scope.Root.CreateAsync(root + "/app", "app"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(config, Encoding.UTF8.GetBytes("{\"feature\":true,\"limits\":{\"rps\":250,\"burst\":[1,2,3]},\"owner\":\"team-a\"}"), Acls.OpenUnsafe);
        foreach (var child in new[] { "alpha", "beta", "gamma" })
        {
            await scope.Root.CreateAsync(config + "/" + child, Encoding.UTF8.GetBytes(child), Acls.OpenUnsafe);
        }

        await scope.Root.CreateAsync(root + "/app/db", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var theme = dark ? "dark" : "light";
        var page = await app.NewPageAsync(ExplorerLink.To(config));
        await Expect(page.Heading("config")).ToBeVisibleAsync(Slow);
        await page.UseThemeAsync(dark);
        await Expect(page.Role(AriaRole.Tree, "Nodes of sandbox").GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true }))
            .ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        await Expect(page.Role(AriaRole.Region, "Node data")).ToContainTextAsync("team-a", new() { Timeout = 30_000 });
        await page.SaveScreenshotAsync($"explorer-{theme}-data");
        await AssertThemeColoursAsync(page, dark, "Data tab");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        await Expect(page.Role(AriaRole.Table, $"Stat of {config}")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync($"explorer-{theme}-stat");

        await page.GetByRole(AriaRole.Tab, new() { Name = "ACL" }).ClickAsync();
        await Expect(page.Role(AriaRole.Table, $"Access control list of {config}")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync($"explorer-{theme}-acl");

        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Children") }).ClickAsync();
        await Expect(page.Locator(".zk-children").GetByRole(AriaRole.Link, new() { Name = "gamma", Exact = true })).ToBeVisibleAsync(Slow);
        await Expect(page.Locator(".zk-children tr", new() { HasText = "gamma" })).ToContainTextAsync("5 B", new() { Timeout = 30_000 });
        await page.SaveScreenshotAsync($"explorer-{theme}-children");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Events" }).ClickAsync();
        await scope.Root.SetDataAsync(config, Encoding.UTF8.GetBytes("{\"feature\":false}"));
        await Expect(page.Role(AriaRole.List, "Watch events")).ToContainTextAsync("data changed", new() { Timeout = 30_000 });
        await page.SaveScreenshotAsync($"explorer-{theme}-events");
        await AssertThemeColoursAsync(page, dark, "Events tab");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Data" }).ClickAsync();
        await page.Button("Edit data").ClickAsync();
        await page.Labelled("Edit node data").FillAsync("{\"feature\": \"edited\"}");
        await page.SaveScreenshotAsync($"explorer-{theme}-editor");
        await page.Button("Cancel").ClickAsync();

        await page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
        await page.Keyboard.PressAsync("?");
        await Expect(page.Role(AriaRole.Table, "Keyboard shortcuts")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync($"explorer-{theme}-shortcuts");
        await AssertColoursAsync(page, dark, "shortcuts dialog", ".rz-dialog");
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAndWaitForInteractiveAsync();
        await Expect(page.Heading("Ensembles")).ToBeVisibleAsync();
        await Expect(page.Role(AriaRole.Status, "sandbox session: connected")).ToBeVisibleAsync(Slow);
        await page.SaveScreenshotAsync($"home-{theme}-sandbox");
        await AssertColoursAsync(page, dark, "ensemble card", ".zk-ensemble-card");
        await app.CloseContextsAsync();
    }

    private static async Task AssertThemeColoursAsync(IPage page, bool dark, string where)
    {
        foreach (var (name, selector) in Surfaces)
        {
            await AssertColoursAsync(page, dark, $"{name} ({where})", selector);
        }
    }

    /// <summary>
    /// The element's text colour and its effective background (the first non-transparent one up the tree): in the dark
    /// theme a dark background with light text, in the light theme the reverse, and enough contrast either way.
    /// </summary>
    private static async Task AssertColoursAsync(IPage page, bool dark, string name, string selector)
    {
        var colours = await page.Locator(selector).First.EvaluateAsync<double[]>(ColoursScript);
        var (text, background) = (colours[0], colours[1]);
        var contrast = (Math.Max(text, background) + 0.05) / (Math.Min(text, background) + 0.05);
        if (dark)
        {
            Assert.True(background < 0.1, $"{name}: background luminance {background:F3} is not dark");
            Assert.True(text > 0.4, $"{name}: text luminance {text:F3} is not light");
        }
        else
        {
            Assert.True(background > 0.6, $"{name}: background luminance {background:F3} is not light");
            Assert.True(text < 0.25, $"{name}: text luminance {text:F3} is not dark");
        }

        Assert.True(contrast >= 4.5, $"{name}: contrast {contrast:F1}:1 is below 4.5:1");
    }

    /// <summary>Relative luminance (WCAG) of the element's text colour and of its effective background colour.</summary>
    private const string ColoursScript = """
        el => {
          const parse = c => (c.match(/[\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => {
            const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          let bg = null;
          for (let n = el; n; n = n.parentElement) {
            const c = parse(getComputedStyle(n).backgroundColor);
            if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
          }
          bg = bg || [255, 255, 255];
          return [lum(parse(getComputedStyle(el).color)), lum(bg)];
        }
        """;
}
