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

    /// <summary>Median ms of the chart's 24 h store reads for all servers (measured in this process after seeding).</summary>
    internal static double StoreReadMs { get; private set; }

    internal static int StoreReadRows { get; private set; }

    /// <summary>The same reads returning every 1-minute bucket (how the page read before merging in the database).</summary>
    internal static double StoreReadRawMs { get; private set; }

    internal static int StoreReadRawRows { get; private set; }
    private static readonly TimeSpan SampleStep = TimeSpan.FromSeconds(5);

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>
    /// Clicks a window button and resolves with [ms until its lines are painted, -1, ms until they were in the DOM]: the part
    /// before the DOM is the round trip, the store reads and the chart's render on the server and the circuit message; the rest
    /// is the browser's layout and paint. (SQLite reads complete synchronously, so the page shows no "loading" in between.)
    /// </summary>
    private const string MeasureScript = """
        ([label, servers, minPoints, maxPoints]) => new Promise((resolve, reject) => {
          const button = [...document.querySelectorAll('[aria-label="Chart window"] button')].find(b => b.textContent.trim() === label);
          if (!button) { reject(new Error('no "' + label + '" button')); return; }
          const painted = () => {
            const res = document.querySelector('.zk-h-resolution')?.textContent ?? '';
            if (!res.includes('last ' + label + ':') || res.includes('loading')) return false;
            // Radzen draws each line series as an SVG path; the 24 h ones carry hundreds of points (5 min: a few dozen).
            const lines = [...document.querySelectorAll('.zk-h-chart svg path')].filter(p => {
              const n = (p.getAttribute('d') ?? '').split(/[LC]/).length;
              return n >= minPoints && n <= maxPoints;
            });
            return lines.length >= servers;
          };
          const t0 = performance.now();
          let loading = -1;
          const done = (lines) => requestAnimationFrame(() => resolve([performance.now() - t0, loading, lines]));
          const observer = new MutationObserver(() => {
            if (loading < 0 && (document.querySelector('.zk-h-resolution')?.textContent ?? '').includes('loading')) loading = performance.now() - t0;
            if (painted()) { observer.disconnect(); done(performance.now() - t0); }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          setTimeout(() => { observer.disconnect(); reject(new Error(label + ' chart not painted within 60 s: ' + (document.querySelector('.zk-h-resolution')?.textContent ?? 'no resolution line'))); }, 60000);
          button.click();
        })
        """;

    public sealed record Result(double P50, double Max, IReadOnlyList<double> Runs, string Resolution, int PathsPoints, double LinesP50, double BaselineP50);

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
            var baselineTimes = new List<double>();
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
                        var t = await page.EvaluateAsync<double[]>(MeasureScript, new object[] { "24 h", Servers, 300, 100_000 }).WaitAsync(ct).ConfigureAwait(false);
                        var timing = new Timing(t[0], t[1], t[2]);
                        var ms = timing.Total;
                        resolution = (await page.Locator(".zk-h-resolution").TextContentAsync().ConfigureAwait(false) ?? "").Trim();
                        points = await page.EvaluateAsync<int>("() => Math.max(...[...document.querySelectorAll('.zk-h-chart svg path')].map(p => (p.getAttribute('d') ?? '').split(/[LC]/).length))").ConfigureAwait(false);
                        // The same click on "5 min" (a few dozen in-memory points): the round trip and render of a small chart.
                        var b = await page.EvaluateAsync<double[]>(MeasureScript, new object[] { "5 min", Servers, 1, 200 }).WaitAsync(ct).ConfigureAwait(false);
                        if (i > 0)
                        {
                            times.Add(ms);
                            baselineTimes.Add(b[0]);
                            linesTimes.Add(timing.Lines);
                        }
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"chart run {i}{(i == 0 ? " (warm-up)" : "")}: 24 h {ms:0} ms (lines in the DOM at {timing.Lines:0} ms); back to 5 min {b[0]:0} ms"));
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
            return new Result(p50, times[^1], times, resolution, points, Median(linesTimes), Median(baselineTimes));
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
        // What the page's store reads cost on their own: one 24 h read per server and series (2 per server), as every 1-min
        // bucket (before) and merged in the database to the chart's 3-minute resolution (as the page reads now).
        (StoreReadRawMs, StoreReadRawRows) = await TimeReadsAsync(null).ConfigureAwait(false);
        (StoreReadMs, StoreReadRows) = await TimeReadsAsync(TimeSpan.FromMinutes(3)).ConfigureAwait(false);

        async Task<(double Ms, int Rows)> TimeReadsAsync(TimeSpan? step)
        {
            var reads = new List<double>();
            var rows = 0;
            for (var run = 0; run < 6; run++)
            {
                var clock = Stopwatch.StartNew();
                rows = 0;
                foreach (var server in servers)
                {
                    foreach (var metric in new[] { HistoryMetricNames.LatencyAvg, HistoryMetricNames.IsLeader })
                    {
                        rows += step is { } st
                            ? (await series.ReadAsync("farm", server, metric, end.AddHours(-24), end, st, ct).ConfigureAwait(false)).Count
                            : (await series.ReadAsync("farm", server, metric, end.AddHours(-24), end, ct).ConfigureAwait(false)).Count;
                    }
                }
                if (run > 0)
                {
                    reads.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            reads.Sort();
            return (reads[reads.Count / 2], rows);
        }
    }
}
