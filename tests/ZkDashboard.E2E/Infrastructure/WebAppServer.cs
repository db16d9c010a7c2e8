using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// The real dashboard (its Program, root appsettings.json, static assets) on Kestrel at 127.0.0.1 on a free port,
/// with configuration overrides on top. Stop it to simulate a server outage.
/// </summary>
public sealed class WebAppServer : IAsyncDisposable
{
    private readonly Factory factory;
    private int stopped;

    static WebAppServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(SharedSqlitePath + suffix);
                }
                catch (IOException)
                {
                }
            }
        };
    }

    private WebAppServer(Factory factory, Uri baseUri)
    {
        this.factory = factory;
        BaseUri = baseUri;
    }

    /// <summary>The address the app listens on, ending with '/', e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUri { get; }

    /// <summary><see cref="BaseUri"/> as a string.</summary>
    public string BaseUrl => BaseUri.ToString();

    /// <summary>The app's services (e.g. to reach a singleton the test needs to inspect).</summary>
    public IServiceProvider Services => factory.Services;

    /// <summary>Every log line the app wrote (category, level and message), oldest first.</summary>
    public IReadOnlyCollection<string> Logs => factory.Logs;

    /// <summary>
    /// The store every app of this test process shares unless its settings name another (a temporary SQLite file):
    /// accounts, sessions and Data Protection keys are common, so a sign-in cookie works on each of them (cookies of
    /// 127.0.0.1 go to every port) and across a "restart" on the same port.
    /// </summary>
    public static string SharedSqlitePath { get; } = Path.Combine(Path.GetTempPath(), $"zkd-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}.db");

    /// <summary>
    /// Starts the app with <paramref name="settings"/> overriding its configuration (keys like "ZkDashboard:Ensembles:0:Name"),
    /// on <paramref name="port"/> (0: a free one; pass a stopped server's port to simulate a restart).
    /// </summary>
    public static Task<WebAppServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, int port = 0)
        => StartAsync(settings, port, configureServices: null);

    /// <summary>As <see cref="StartAsync(IReadOnlyDictionary{string, string?}?, int)"/>, with <paramref name="configureServices"/>
    /// applied after the app's own registrations (e.g. <see cref="AuditCapture.Register"/> to see what the app audits).</summary>
    public static Task<WebAppServer> StartAsync(IReadOnlyDictionary<string, string?>? settings, int port, Action<IServiceCollection>? configureServices)
    {
        // Building the host is synchronous; keep it off the test's thread so a slow start does not block xUnit.
        return Task.Run(() =>
        {
            var merged = new Dictionary<string, string?>
            {
                ["ZkDashboard:Store:SqlitePath"] = SharedSqlitePath,
                // Every test signs in from 127.0.0.1; the per-address login limit is tested on its own app.
                ["ZkDashboard:Auth:Local:LoginAttemptsPerMinute"] = "10000",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                merged[key] = value;
            }
            var factory = new Factory(merged, configureServices);
            factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single();
            return new WebAppServer(factory, new Uri(address.TrimEnd('/') + "/"));
        });
    }

    /// <summary>
    /// What a test's timeout message needs to tell "the app hangs" from "the page is slow": whether /healthz answers
    /// within 5 s, the thread pool's state (the app runs in this process), and the app's last warnings and errors.
    /// </summary>
    /// <param name="path">The page the browser could not load, fetched again here without a browser.</param>
    /// <param name="cookieHeader">The browser's cookies for that fetch (a Cookie header), or null.</param>
    public async Task<string> DiagnoseAsync(string? path = null, string? cookieHeader = null)
    {
        var report = new System.Text.StringBuilder("\n--- app diagnosis ---\n");
        await ProbeAsync(report, "healthz", null, TimeSpan.FromSeconds(5));
        if (path is not null)
        {
            await ProbeAsync(report, path.TrimStart('/'), cookieHeader, TimeSpan.FromSeconds(20));
        }
        ThreadPool.GetAvailableThreads(out var workers, out var io);
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
        report.Append($"thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued items, ")
            .Append($"{maxWorkers - workers} busy workers, {maxIo - io} busy I/O\n");
        report.Append("last warnings and errors of the app:\n");
        foreach (var line in Logs.Where(l => !l.StartsWith("Information ", StringComparison.Ordinal)).TakeLast(25))
        {
            report.Append("  ").Append(line.Length > 600 ? line[..600] + "…" : line).Append('\n');
        }
        return report.ToString();
    }

    private async Task ProbeAsync(System.Text.StringBuilder report, string path, string? cookieHeader, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
            {
                BaseAddress = BaseUri,
                Timeout = timeout,
            };
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (cookieHeader is not null)
            {
                request.Headers.Add("Cookie", cookieHeader);
            }
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            report.Append($"GET /{path} without the browser: {(int)response.StatusCode}, {body.Length} chars in {clock.ElapsedMilliseconds} ms\n");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            report.Append($"GET /{path} without the browser: no answer after {clock.ElapsedMilliseconds} ms ({ex.GetType().Name}: {ex.Message})\n");
        }
    }

    /// <summary>Stops the app (open circuits are cut after the short shutdown timeout). Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 0)
        {
            await factory.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices) : WebApplicationFactory<Program>
    {
        private readonly ConcurrentQueue<string> logs = new();

        public IReadOnlyCollection<string> Logs => logs;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            // The store's settings are read while Program registers services, before ConfigureAppConfiguration applies:
            // they go in as host settings, which the builder sees from the start.
            foreach (var (key, value) in settings.Where(s => s.Key.StartsWith("ZkDashboard:Store:", StringComparison.OrdinalIgnoreCase)))
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureServices(services =>
            {
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
                // The explorer component gallery (/dev/explorer-preview) lives in a test assembly, outside the product.
                services.Configure<ZkDashboard.Web.Hosting.ComponentAssemblyOptions>(o => o.Additional.Add(typeof(ZkDashboard.Web.Preview.ExplorerPreview).Assembly));
                configureServices?.Invoke(services);
            });
            builder.ConfigureLogging(logging => logging.AddProvider(new QueueLoggerProvider(logs)));
        }
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, logs);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(string category, ConcurrentQueue<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                // The newest 100,000 lines: a diagnosis late in a long run needs the recent ones.
                while (logs.Count >= 100_000 && logs.TryDequeue(out _))
                {
                }
                logs.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
