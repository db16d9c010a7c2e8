using Microsoft.Playwright;

namespace ZkDashboard.Benchmarks.Browser;

/// <summary>The benchmark's browser contexts (one page each, with <see cref="PageProbe"/>); closes them as a person would leave.</summary>
public sealed class BrowserSession(IBrowser browser, string baseUrl)
{
    private readonly List<IBrowserContext> _open = [];
    private string? _storageState;

    /// <summary>Signs in once through the login form; every later context reuses that cookie (outside the measured phases).</summary>
    public async Task SignInAsync(string userName, string password, CancellationToken ct)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl }).ConfigureAwait(false);
        try
        {
            var page = await context.NewPageAsync().ConfigureAwait(false);
            page.SetDefaultTimeout(60_000);
            await page.GotoAsync("login").WaitAsync(ct).ConfigureAwait(false);
            await page.GetByLabel("Username", new PageGetByLabelOptions { Exact = true }).FillAsync(userName).ConfigureAwait(false);
            await page.GetByLabel("Password", new PageGetByLabelOptions { Exact = true }).FillAsync(password).ConfigureAwait(false);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync().ConfigureAwait(false);
            await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal)).WaitAsync(ct).ConfigureAwait(false);
            _storageState = await context.StorageStateAsync().ConfigureAwait(false);
        }
        finally
        {
            await context.CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A fresh context (own cookies: its own circuit) with one page at <paramref name="path"/>, interactive.</summary>
    public async Task<IPage> OpenAsync(string path, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
            StorageState = _storageState,
        }).ConfigureAwait(false);
        lock (_open)
        {
            _open.Add(context);
        }

        await context.AddInitScriptAsync(PageProbe.InitScript).ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(path).WaitAsync(ct).ConfigureAwait(false);
        await page.Locator("html[data-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached }).WaitAsync(ct).ConfigureAwait(false);
        return page;
    }

    /// <summary>Leaves the page (its circuit ends at once: blazor.web.js sends its disconnect beacon on pagehide) and closes the context.</summary>
    public async Task CloseAsync(IPage page)
    {
        var context = page.Context;
        try
        {
            await page.GotoAsync("about:blank").ConfigureAwait(false);
        }
        catch (PlaywrightException)
        {
            // the page is already gone; closing the context is what matters
        }

        await context.CloseAsync().ConfigureAwait(false);
        lock (_open)
        {
            _open.Remove(context);
        }
    }

    /// <summary>Closes every context still open (on success and on failure).</summary>
    public async Task CloseAllAsync()
    {
        IBrowserContext[] open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var context in open)
        {
            try
            {
                await context.CloseAsync().ConfigureAwait(false);
            }
            catch (PlaywrightException)
            {
                // the browser is going away anyway
            }
        }
    }
}
