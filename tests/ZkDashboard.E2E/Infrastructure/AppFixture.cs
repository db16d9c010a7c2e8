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
    private readonly SemaphoreSlim signInGate = new(1, 1);
    private string? adminState;

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

    /// <summary>The admin every default page is signed in as (local group "admins"; seeded on first use).</summary>
    public TestAccount? Admin { get; private set; }

    /// <summary>Opens a page signed in as the admin in a new browser context and navigates to <paramref name="path"/>
    /// (relative to the app), waiting until the page is interactive.</summary>
    public async Task<IPage> NewPageAsync(string path = "")
    {
        var page = await NewBlankPageAsync();
        try
        {
            await page.GotoAndWaitForInteractiveAsync(path);
        }
        catch (TimeoutException ex)
        {
            string diagnosis;
            try
            {
                var cookies = await page.Context.CookiesAsync([BaseUrl]);
                diagnosis = await Server.DiagnoseAsync(path, string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
            }
            catch (Exception failed)
            {
                diagnosis = $"\n(no diagnosis: {failed.GetType().Name}: {failed.Message})";
            }
            throw new TimeoutException(ex.Message + diagnosis, ex);
        }
        return page;
    }

    /// <summary>Opens an about:blank page, signed in as the admin, in a new browser context whose base URL is the app.</summary>
    public async Task<IPage> NewBlankPageAsync() => await NewPageInAsync(await NewContextAsync(BaseUrl));

    /// <summary>A new context for <paramref name="baseUrl"/> (this app or another <see cref="WebAppServer"/> of this test
    /// process, which shares the store) signed in as the admin. Closed with the fixture.</summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl, string timezoneId = "UTC")
    {
        var state = await AdminStorageStateAsync();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
            TimezoneId = timezoneId,
            StorageState = state,
        });
        Track(context);
        return context;
    }

    /// <summary>A page of a new context with no sign-in (it sees the login page).</summary>
    public async Task<IPage> NewAnonymousPageAsync(string path = "login")
    {
        var context = await browser.NewContextAsync(BaseUrl);
        Track(context);
        var page = await NewPageInAsync(context);
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>A page signed in (through the login form) as local user <paramref name="userName"/> in
    /// <paramref name="groups"/> (created or reset), navigated to <paramref name="path"/> and interactive.</summary>
    public async Task<IPage> NewPageAsUserAsync(string userName, IReadOnlyList<string> groups, string path = "")
    {
        var account = await SignIn.EnsureAccountAsync(Server.Services, userName, [.. groups]);
        var context = await browser.NewContextAsync(BaseUrl);
        Track(context);
        await SignIn.SignInAsync(context, account);
        var page = await NewPageInAsync(context);
        await page.GotoAndWaitForInteractiveAsync(path);
        return page;
    }

    private async Task<string> AdminStorageStateAsync()
    {
        await signInGate.WaitAsync();
        try
        {
            if (adminState is null)
            {
                Admin = await SignIn.EnsureAccountAsync(Server.Services, SignIn.AdminName, "admins");
                var context = await browser.NewContextAsync(BaseUrl);
                try
                {
                    await SignIn.SignInAsync(context, Admin);
                    adminState = await context.StorageStateAsync();
                }
                finally
                {
                    await context.CloseAsync();
                }
            }
            return adminState;
        }
        finally
        {
            signInGate.Release();
        }
    }

    private void Track(IBrowserContext context)
    {
        lock (gate)
        {
            contexts.Add(context);
        }
    }

    private static async Task<IPage> NewPageInAsync(IBrowserContext context)
    {
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
