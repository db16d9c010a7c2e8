using Microsoft.Playwright;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>Finds elements the way a person does (by role and accessible name or label) and waits on the app.</summary>
public static class PageExtensions
{
    /// <summary>Navigates to <paramref name="path"/> (relative to the app) and waits until the page's circuit is live.</summary>
    public static async Task GotoAndWaitForInteractiveAsync(this IPage page, string path = "")
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Waits for &lt;html data-interactive&gt;, set when the page's circuit has rendered (InteractiveMarker).</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("html[data-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>A button by its accessible name.</summary>
    public static ILocator Button(this IPage page, string name, bool exact = true) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = name, Exact = exact });

    /// <summary>A link by its accessible name.</summary>
    public static ILocator Link(this IPage page, string name, bool exact = true) =>
        page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = name, Exact = exact });

    /// <summary>A heading by its text.</summary>
    public static ILocator Heading(this IPage page, string name, bool exact = true) =>
        page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = name, Exact = exact });

    /// <summary>An element by role and accessible name.</summary>
    public static ILocator Role(this IPage page, AriaRole role, string name, bool exact = true) =>
        page.GetByRole(role, new PageGetByRoleOptions { Name = name, Exact = exact });

    /// <summary>A form control by its label (label element, aria-label or aria-labelledby).</summary>
    public static ILocator Labelled(this IPage page, string label, bool exact = true) =>
        page.GetByLabel(label, new PageGetByLabelOptions { Exact = exact });

    /// <summary>Saves a full-page screenshot to tests/ZkDashboard.E2E/artifacts/&lt;name&gt;.png and returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, string name)
    {
        var path = Path.Combine(Artifacts.Directory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>
    /// Switches the page to the dark (or light) theme with the header toggle, as a person would, and waits until the
    /// dark stylesheet applies (the main area's computed background is dark). The choice is kept in the context's cookie.
    /// </summary>
    public static async Task UseThemeAsync(this IPage page, bool dark)
    {
        var toggle = page.Button("Dark theme");
        if (await toggle.GetAttributeAsync("aria-pressed") != (dark ? "true" : "false"))
        {
            await toggle.ClickAsync();
        }

        await page.Locator($"html[data-theme='{(dark ? "dark" : "light")}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync(dark ? IsDarkScript : "() => !(" + IsDarkScript + ")()");
    }

    /// <summary>True once the main area's computed background is dark.</summary>
    private const string IsDarkScript = """
        () => {
          const [r, g, b] = getComputedStyle(document.querySelector('.zk-body')).backgroundColor.match(/\d+/g).map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 80;
        }
        """;
}
