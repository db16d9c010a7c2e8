using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ZkDashboard.Benchmarks.Browser;
using ZkDashboard.Core;
using ZkDashboard.Core.Health;

namespace ZkDashboard.Benchmarks.Health;

/// <summary>
/// The health page's 24 h chart painted in Chromium. The store is seeded with 24 h of one sample every 5 s (17,280 samples per
/// series and server, the poll interval's worth) for the charted metric and the leader flag of each server of a fake 3-server
/// farm (the same loopback four-letter-word servers as the poll cycle figure); the Release web app then runs as a child process
/// on that store and polls the farm. Each run opens the health page in a fresh context and times, in the page
/// (<c>performance.now()</c>, a MutationObserver, one <c>requestAnimationFrame</c>), from the click on "24 h" until every
/// server's SVG line carries the 24 h series and a frame is painted.
/// </summary>
internal static class ChartPaintBenchmark
{
    internal const int SamplesPerSeries = 17_280;
    private static readonly TimeSpan SampleStep = TimeSpan.FromSeconds(5);

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>
    /// Clicks "24 h" and resolves with the ms until the 24 h lines are painted (<c>total</c>), and when the page first showed
    /// "(loading…)" (<c>loading</c>: the click's round trip) and the lines were in the DOM (<c>lines</c>: the store reads, the
    /// chart's server-side render and the circuit message), so the rest is the browser's layout and paint.
    /// </summary>
    private const string MeasureScript = """
        (servers) => new Promise((resolve, reject) => {
          const button = [...document.querySelectorAll('[aria-label="Chart window"] button')].find(b => b.textContent.trim() === '24 h');
          if (!button) { reject(new Error('no "24 h" button')); return; }
          const painted = () => {
            const res = document.querySelector('.zk-h-resolution')?.textContent ?? '';
            if (!res.includes('24 h') || res.includes('loading')) return false;
            // Radzen draws each line series as an SVG path; the 24 h ones carry hundreds of points (5 min: a few dozen).
            const lines = [...document.querySelectorAll('.zk-h-chart svg path')].filter(p => (p.getAttribute('d') ?? '').split(/[LC]/).length > 300);
            return lines.length >= servers;
          };
          const t0 = performance.now();
          let loading = -1;
          const done = (lines) => requestAnimationFrame(() => resolve({ total: performance.now() - t0, loading, lines }));
          const observer = new MutationObserver(() => {
            if (loading < 0 && (document.querySelector('.zk-h-resolution')?.textContent ?? '').includes('loading')) loading = performance.now() - t0;
            if (painted()) { observer.disconnect(); done(performance.now() - t0); }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          setTimeout(() => { observer.disconnect(); reject(new Error('24 h chart not painted within 60 s: ' + (document.querySelector('.zk-h-resolution')?.textContent ?? 'no resolution line'))); }, 60000);
          button.click();
        })
        """;

    public sealed record Result(double P50, double Max, IReadOnlyList<double> Runs, string Resolution, int PathsPoints, double LoadingP50, double LinesP50);

    private sealed record Timing(double Total, double Loading, double Lines);

    public static async Task<Result> RunAsync(int runs, string chromium, CancellationToken ct)
    {
        const int Servers = 3;
        await using var farm = FakeFourLetterFarm.Start(Servers);
        var dataDir = Directory.CreateTempSubdirectory("zkbench-chart-");
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["ZkDashboard:Ensembles:0:Name"] = "farm",
                ["ZkDashboard:Ensembles:0:ConnectString"] = string.Join(',', farm.HostPorts),
                ["ZkDashboard:Store:DataDirectory"] = dataDir.FullName,
                ["ZkDashboard:Health:PollInterval"] = "00:00:05",
            };
            var seedClock = Stopwatch.StartNew();
            await SeedAsync(settings, farm.HostPorts, ct).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chart: seeded {SamplesPerSeries:N0} samples x 2 series x {Servers} servers (24 h at 5 s, stored as 1-min buckets) in {seedClock.Elapsed.TotalSeconds:0.0} s"));

            var password = await WebAppProcess.SeedAdminAsync(settings, ct).ConfigureAwait(false);
            await using var app = await WebAppProcess.StartAsync(settings, ct).ConfigureAwait(false);
            using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArgs,
            }).ConfigureAwait(false);
            var session = new BrowserSession(browser, app.BaseUri.ToString());
            await session.SignInAsync("admin", password, ct).ConfigureAwait(false);
            var times = new List<double>();
            var loadingTimes = new List<double>();
            var linesTimes = new List<double>();
            var resolution = "";
            var points = 0;
            try
            {
                // One warm-up run (first JIT of the chart path in the app), then the measured ones.
                for (var i = 0; i <= runs; i++)
                {
                    var page = await session.OpenAsync("e/farm/health", ct).ConfigureAwait(false);
                    try
                    {
                        // The page's first chart (5 min) is drawn with every server before the click.
                        await page.Locator(".zk-h-chart svg path").Nth(Servers - 1).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 })
                            .WaitAsync(ct).ConfigureAwait(false);
                        var timing = await page.EvaluateAsync<Timing>(MeasureScript, Servers).WaitAsync(ct).ConfigureAwait(false);
                        var ms = timing.Total;
                        resolution = (await page.Locator(".zk-h-resolution").TextContentAsync().ConfigureAwait(false) ?? "").Trim();
                        points = await page.EvaluateAsync<int>("() => Math.max(...[...document.querySelectorAll('.zk-h-chart svg path')].map(p => (p.getAttribute('d') ?? '').split(/[LC]/).length))").ConfigureAwait(false);
                        if (i > 0)
                        {
                            times.Add(ms);
                            loadingTimes.Add(timing.Loading);
                            linesTimes.Add(timing.Lines);
                        }
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"chart run {i}{(i == 0 ? " (warm-up)" : "")}: {ms:0} ms (\"loading\" shown at {timing.Loading:0} ms, lines in the DOM at {timing.Lines:0} ms)"));
                    }
                    finally
                    {
                        await session.CloseAsync(page).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                await session.CloseAllAsync().ConfigureAwait(false);
            }
            static double Median(List<double> v)
            {
                v.Sort();
                return v[(v.Count - 1) / 2];
            }
            var p50 = Median(times);
            return new Result(p50, times[^1], times, resolution, points, Median(loadingTimes), Median(linesTimes));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                dataDir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a file still held open; the temp folder is cleaned by the OS
            }
        }
    }

    /// <summary>24 h of samples every 5 s for each server (average latency with some noise, and the leader flag) through the store's own bucketing.</summary>
    private static async Task SeedAsync(IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> servers, CancellationToken ct)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddZkDashboardCore(config);
        await using var provider = services.BuildServiceProvider();
        var series = provider.GetRequiredService<HealthSeriesStore>();
        var end = DateTimeOffset.UtcNow;
        var random = new Random(42);
        for (var s = 0; s < servers.Count; s++)
        {
            for (var i = 0; i < SamplesPerSeries; i++)
            {
                var at = end - SampleStep * (SamplesPerSeries - i);
                series.Add("farm", servers[s], HistoryMetricNames.LatencyAvg, at, 0.5 + s * 0.2 + random.NextDouble() * 0.3 + (i % 720 < 30 ? 4 : 0));
                series.Add("farm", servers[s], HistoryMetricNames.IsLeader, at, s == 0 ? 1 : 0);
                if (i % 3_000 == 0)
                {
                    await series.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            await series.FlushAsync(ct).ConfigureAwait(false);
        }
        if (series.Dropped > 0)
        {
            throw new InvalidOperationException($"{series.Dropped} buckets were dropped while seeding the store.");
        }
    }
}
