using Microsoft.Playwright;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// One headless Debian Chromium (/usr/bin/chromium) driven by Playwright, shared by the E2E collection.
/// No `playwright install` needed: the driver ships in the Microsoft.Playwright package and the browser is the system one.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Chromium used by the tests; override with the ZKDASHBOARD_CHROMIUM environment variable.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("ZKDASHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>The running browser.</summary>
    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. Install it (Debian: apt-get install chromium) or set ZKDASHBOARD_CHROMIUM.");
        }

        // 2 cores shared with builds and JVMs: give Expect(...) assertions more than Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
    }

    /// <summary>A fresh context (own cookies and storage) with <paramref name="baseUrl"/> for relative navigation.</summary>
    public Task<IBrowserContext> NewContextAsync(string baseUrl) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
    }
}
