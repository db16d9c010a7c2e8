using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Playwright;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Browser;

/// <summary>
/// The explorer in a real browser: the Release web app as a child process on Kestrel, a real sandbox ensemble holding a
/// node with 100,000 children, headless Debian Chromium through Playwright. Measures, in the page, the click on the big
/// node's expander until its first child rows are painted; an external setData (once per second) until the open node's
/// data view shows the new value, with 1 and with N browser contexts; and the server's memory per open circuit.
/// Options: see <see cref="BrowserBenchSettings"/>.
/// </summary>
public sealed partial class BrowserBenchmark : IBenchmark
{
    private const string Ensemble = "bench";
    private const string Root = "/browserbench";
    private const string Big = Root + "/big";
    private const string BigName = "big";
    private const string FirstChild = "n-000000";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public string Name => "browser";

    public string Description => "explorer in Chromium: first rows of a 100k-children node, setData→DOM latency at 1/20 contexts, server memory per circuit";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        var settings = BrowserBenchSettings.From(args);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true; // unwind through the finally blocks below: they stop the browser, the app and the servers
            cts.Cancel();
        });
        try
        {
            return await RunCoreAsync(settings, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Terminated (SIGTERM); the sandbox, the app and the browser are stopped.").ConfigureAwait(false);
            return 143;
        }
    }

    private static async Task<int> RunCoreAsync(BrowserBenchSettings settings, CancellationToken ct)
    {
        var report = new BrowserReport(settings);
        report.Load("start");

        var dataDir = Directory.CreateTempSubdirectory("zkbench-web-");
        try
        {
            Console.WriteLine($"starting a {settings.Servers}-server sandbox…");
            await using var sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions
            {
                Servers = settings.Servers,
                // A znode costs the server a few hundred bytes of heap: 1M children do not fit the sandbox's default 256 MB.
                MaxHeap = settings.Children > 200_000 ? "1536m" : new SandboxOptions().MaxHeap,
            }, ct).ConfigureAwait(false);
            await using var ext = await ZooKeeperClient.ConnectAsync(
                new ZooKeeperClientOptions { ConnectString = sandbox.ConnectString, SessionTimeout = TimeSpan.FromSeconds(30) }, ct).ConfigureAwait(false);
            await SeedAsync(ext, settings.Children, report, ct).ConfigureAwait(false);

            Console.WriteLine("starting the web app (Release build, Production environment)…");
            var appSettings = new Dictionary<string, string>
            {
                ["ZkDashboard:Ensembles:0:Name"] = Ensemble,
                ["ZkDashboard:Ensembles:0:ConnectString"] = sandbox.ConnectString,
                ["ZkDashboard:Store:DataDirectory"] = dataDir.FullName,
                ["ZkDashboard:Diagnostics:MemoryEndpoint"] = "true",
            };
            var adminPassword = await WebAppProcess.SeedAdminAsync(appSettings, ct).ConfigureAwait(false);
            await using var app = await WebAppProcess.StartAsync(appSettings, ct).ConfigureAwait(false);
            Console.WriteLine($"web app pid {app.AppPid} at {app.BaseUri}");
            await WaitForQuietAppAsync(app, ct).ConfigureAwait(false);
            report.MemoryAtStart = await app.ReadMemoryAsync(ct).ConfigureAwait(false);

            using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = settings.Chromium,
                Headless = true,
                Args = ChromiumArgs,
            }).ConfigureAwait(false);
            var session = new BrowserSession(browser, app.BaseUri.ToString());
            await session.SignInAsync("admin", adminPassword, ct).ConfigureAwait(false);
            try
            {
                await FirstRowsAsync(session, settings, report, ct).ConfigureAwait(false);
                // Every page is closed; the shared cache still holds the big node (kept for SessionOptions.CacheIdleTimeout).
                await WaitForCircuitsAsync(app, 0, ct).ConfigureAwait(false);
                report.QuietMsCache = await WaitForQuietAppAsync(app, ct).ConfigureAwait(false);
                report.MemoryCached = await app.ReadMemoryAsync(ct).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"shared cache: managed heap {report.MemoryAtStart.ManagedBytes / 1048576.0:0.0} MB at start → {report.MemoryCached.ManagedBytes / 1048576.0:0.0} MB with {Big} cached and no page open"));
                await UpdatesAndMemoryAsync(session, app, ext, sandbox.ConnectString, settings, report, ct).ConfigureAwait(false);
            }
            finally
            {
                await session.CloseAllAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                dataDir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a file still held open; the temp folder is cleaned by the OS
            }
        }

        report.Load("end");
        report.Print(Console.Out);
        return 0;
    }

    /// <summary>The big node (its data is the value the update phase changes) with its children in pipelined multi batches.</summary>
    private static async Task SeedAsync(ZooKeeperClient zk, int children, BrowserReport report, CancellationToken ct)
    {
        Console.WriteLine($"creating {children:N0} children of {Big}…");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await zk.CreateAsync(Root, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        await zk.CreateAsync(Big, "bench-update-initial"u8.ToArray(), Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        const int Batch = 1_000;
        const int InFlight = 4;
        var pending = new List<Task>();
        for (var start = 0; start < children; start += Batch)
        {
            var ops = Enumerable.Range(start, Math.Min(Batch, children - start))
                .Select(i => (Op)Op.Create($"{Big}/n-{i:D6}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)).ToList();
            pending.Add(zk.MultiAsync(ops, ct));
            if (pending.Count >= InFlight)
            {
                var done = await Task.WhenAny(pending).ConfigureAwait(false);
                pending.Remove(done);
                await done.ConfigureAwait(false);
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        var stat = await zk.ExistsAsync(Big, ct: ct).ConfigureAwait(false);
        if (stat?.NumChildren != children)
        {
            throw new InvalidOperationException($"{Big} has {stat?.NumChildren} children after seeding, expected {children}.");
        }

        report.SeedMs = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"created {children:N0} children in {report.SeedMs / 1000:0.0} s"));
    }

    /// <summary>Deep link of a znode in the explorer, relative to the app.</summary>
    private static string Link(string path) =>
        $"e/{Uri.EscapeDataString(Ensemble)}/" + string.Join('/', path.TrimStart('/').Split('/').Select(Uri.EscapeDataString));
}
