using Microsoft.Playwright;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// What most E2E tests need: the browser and one running dashboard, shared by the "E2E" collection.
/// Pages come from <see cref="NewPageAsync"/> (each in its own browser context, closed before the app stops).
/// To run the app against other ensembles (e.g. the sandbox), derive and override <see cref="GetSettingsAsync"/>.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    private readonly BrowserFixture browser = new();
    private readonly List<IBrowserContext> contexts = [];
    private readonly Lock gate = new();
    private WebAppServer? server;

    /// <summary>The shared browser.</summary>
    public BrowserFixture Browser => browser;

    /// <summary>The running app.</summary>
    public WebAppServer Server => server ?? throw new InvalidOperationException("The app is not started.");

    /// <summary>The app's address, ending with '/'.</summary>
    public string BaseUrl => Server.BaseUrl;

    /// <summary>Configuration overrides for the app; the default configures no ensemble besides the root appsettings.json ones.</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>> GetSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(AppSettings.Empty);

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        // The browser launches while the settings (e.g. a sandbox ensemble) are prepared.
        var launch = browser.InitializeAsync();
        var settings = await GetSettingsAsync();
        await launch;
        server = await WebAppServer.StartAsync(settings);
    }

    /// <summary>Opens a page in a new browser context and navigates to <paramref name="path"/> (relative to the app).</summary>
    public async Task<IPage> NewPageAsync(string path = "")
    {
        var page = await NewBlankPageAsync();
        await page.GotoAndWaitForInteractiveAsync(path);
        return page;
    }

    /// <summary>Opens an about:blank page in a new browser context whose base URL is the app.</summary>
    public async Task<IPage> NewBlankPageAsync()
    {
        var context = await browser.NewContextAsync(BaseUrl);
        lock (gate)
        {
            contexts.Add(context);
        }

        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    /// <summary>Closes every context opened so far (tests may call it to start clean).</summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (gate)
        {
            open = [.. contexts];
            contexts.Clear();
        }

        foreach (var context in open)
        {
            await context.CloseAsync();
        }
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        // Contexts first: open circuits would otherwise hold the app's shutdown for its whole timeout.
        await CloseContextsAsync();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        await browser.DisposeAsync();
    }
}
