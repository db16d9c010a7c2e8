using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Core.Operations;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Api;

/// <summary>
/// What <c>GET /api/v1/ensembles/{e}/nodes/{path}</c> adds over calling the Core boundary directly: the real app host
/// (Program, in this process) on Kestrel, one keep-alive HttpClient with an admin API token, and the same
/// <see cref="IZooKeeperOperations.GetNodeAsync"/> with the same acting user, alternated call by call in the same run
/// against one sandbox server. Prints the p50 of each, the p50 of the paired differences and the load average.
/// </summary>
public sealed class ApiBenchmark : IBenchmark
{
    public string Name => "api";

    public string Description => "REST API overhead of GET …/nodes/{path} over a direct boundary call (RESULT api-getdata-overhead-us)";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var iterations = args.GetInt("iterations", 4000);
        var warmup = args.GetInt("warmup", 1000);
        var dataBytes = args.GetInt("data-bytes", 256);
        var load0 = LoadAverage();

        await using var sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 }, ct).ConfigureAwait(false);
        await using (var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = sandbox.ConnectString }, ct).ConfigureAwait(false))
        {
            await zk.CreateAsync("/apibench", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
            var data = new byte[dataBytes];
            Array.Fill(data, (byte)'x');
            await zk.CreateAsync("/apibench/node", data, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        }

        var dataDir = Path.Combine(Path.GetTempPath(), "zkd-apibench-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The app root (root appsettings.json, wwwroot/) as content root: WebApplicationFactory would guess <repo>/ZkDashboard.Web.
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ZKDASHBOARD_WEB",
                ZkDashboard.Web.Hosting.AppRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("the repository root (ZkDashboard.sln) was not found"));
            // Any type of the web assembly names it (both assemblies have a Program).
            await using var factory = new WebApplicationFactory<ZkDashboard.Web.Hubs.ZkHub>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Production");
                b.UseSetting("ZkDashboard:Ensembles:0:Name", "bench");
                b.UseSetting("ZkDashboard:Ensembles:0:ConnectString", sandbox.ConnectString);
                b.UseSetting("ZkDashboard:Store:DataDirectory", dataDir);
                b.UseSetting("ZkDashboard:Api:RequestsPerMinute", "100000000");
                b.UseSetting("Logging:LogLevel:Default", "Warning");
            });
            factory.UseKestrel(0);
            factory.StartServer();
            var services = factory.Services;
            var accounts = services.GetRequiredService<IAccountService>();
            var account = await accounts.CreateAsync("bench-admin", null, [AccountNames.AdminsGroup], AccountNames.GeneratePassword(), "bench").ConfigureAwait(false);
            var token = await services.GetRequiredService<IApiTokenService>()
                .CreateAsync(account.Name, AccountNames.LocalProvider, account.Groups, "bench", ["admin"], null).ConfigureAwait(false);
            // The acting user the API builds from that token (ZkPrincipals.ToActingUser).
            var user = new ActingUser(account.Name, account.Groups.ToArray(), "127.0.0.1") { Provider = AccountNames.LocalProvider, RoleScope = ["admin"] };
            var ops = services.GetRequiredService<IZooKeeperOperations>();

            using var http = factory.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);
            var url = "/api/v1/ensembles/bench/nodes/apibench/node";
            using (var first = await http.GetAsync(url, ct).ConfigureAwait(false))
            {
                if (first.StatusCode != HttpStatusCode.OK)
                {
                    await Console.Error.WriteLineAsync($"api benchmark: GET {url} answered {(int)first.StatusCode}: {await first.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}").ConfigureAwait(false);
                    return 1;
                }
            }

            async Task<double> DirectAsync()
            {
                var t = Stopwatch.GetTimestamp();
                var node = await ops.GetNodeAsync(user, "bench", "/apibench/node", ct).ConfigureAwait(false);
                var us = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
                return node.Data.Length == dataBytes ? us : throw new InvalidOperationException("short read");
            }

            async Task<double> ApiAsync()
            {
                var t = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                var us = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
                return response.StatusCode == HttpStatusCode.OK && body.Length > dataBytes ? us : throw new InvalidOperationException($"GET answered {(int)response.StatusCode}");
            }

            // Where the extra time goes: an endpoint without ZooKeeper (authentication, rate limiter, routing, JSON), and the
            // token check alone (two store reads).
            var tokens = services.GetRequiredService<IApiTokenService>();
            async Task<double> JobsAsync()
            {
                var t = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync("/api/v1/jobs", ct).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                return Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            }
            async Task<double> TokenAsync()
            {
                var t = Stopwatch.GetTimestamp();
                _ = await tokens.ValidateAsync(token.Secret, ct).ConfigureAwait(false) ?? throw new InvalidOperationException("token refused");
                return Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            }

            for (var i = 0; i < warmup; i++)
            {
                await DirectAsync().ConfigureAwait(false);
                await ApiAsync().ConfigureAwait(false);
            }

            var direct = new double[iterations];
            var api = new double[iterations];
            var load1 = LoadAverage();
            for (var i = 0; i < iterations; i++)
            {
                // Alternate the order so neither always runs right after the other's allocations.
                if ((i & 1) == 0)
                {
                    direct[i] = await DirectAsync().ConfigureAwait(false);
                    api[i] = await ApiAsync().ConfigureAwait(false);
                }
                else
                {
                    api[i] = await ApiAsync().ConfigureAwait(false);
                    direct[i] = await DirectAsync().ConfigureAwait(false);
                }
            }
            var jobs = new double[Math.Max(1, iterations / 4)];
            var tokenChecks = new double[jobs.Length];
            for (var i = 0; i < jobs.Length; i++)
            {
                jobs[i] = await JobsAsync().ConfigureAwait(false);
                tokenChecks[i] = await TokenAsync().ConfigureAwait(false);
            }
            // CPU per call (this process: app, client and the boundary), in blocks: on an oversubscribed machine the wall clock
            // mostly measures waiting for a core at each thread hop, CPU time does not.
            var block = Math.Max(100, iterations / 2);
            var directCpu = await CpuPerCallAsync(DirectAsync, block).ConfigureAwait(false);
            var apiCpu = await CpuPerCallAsync(ApiAsync, block).ConfigureAwait(false);
            var jobsCpu = await CpuPerCallAsync(JobsAsync, block).ConfigureAwait(false);
            var tokenCpu = await CpuPerCallAsync(TokenAsync, block).ConfigureAwait(false);
            var load2 = LoadAverage();

            var directP50 = Percentile(direct, 0.5);
            var apiP50 = Percentile(api, 0.5);
            var paired = Percentile(api.Zip(direct, (a, d) => a - d).ToArray(), 0.5);
            var overhead = apiP50 - directP50;
            Console.WriteLine(Inv($"getData of a {dataBytes}-byte node, {iterations} calls each (after {warmup} warm-up), 1 sandbox server, in-process Kestrel, keep-alive"));
            Console.WriteLine(Inv($"direct boundary call (IZooKeeperOperations.GetNodeAsync): p50 {directP50:0.0} µs, p90 {Percentile(direct, 0.9):0.0} µs, p99 {Percentile(direct, 0.99):0.0} µs"));
            Console.WriteLine(Inv($"GET {url}: p50 {apiP50:0.0} µs, p90 {Percentile(api, 0.9):0.0} µs, p99 {Percentile(api, 0.99):0.0} µs"));
            Console.WriteLine(Inv($"extra per call: p50(api) - p50(direct) = {overhead:0.0} µs; p50 of the paired differences = {paired:0.0} µs"));
            Console.WriteLine(Inv($"of which: GET /api/v1/jobs (no ZooKeeper: auth, rate limit, routing, JSON) p50 {Percentile(jobs, 0.5):0.0} µs; the token check alone (IApiTokenService.ValidateAsync) p50 {Percentile(tokenChecks, 0.5):0.0} µs"));
            Console.WriteLine(Inv($"CPU per call (whole process, {block} calls each): direct {directCpu:0.0} µs, API {apiCpu:0.0} µs (HttpClient included), extra {apiCpu - directCpu:0.0} µs; GET /api/v1/jobs {jobsCpu:0.0} µs; token check {tokenCpu:0.0} µs"));
            Console.WriteLine($"load average before start: {load0}; before measuring: {load1}; after: {load2}");
            Console.WriteLine(Inv($"goal < 500 µs: {(overhead < 500 ? "met" : "MISSED")}"));
            Console.WriteLine(Inv($"RESULT api-getdata-overhead-us={overhead:0} load-average={load2.Split(' ')[0]}"));
            Console.WriteLine(Inv($"RESULT api-getdata-overhead-cpu-us={apiCpu - directCpu:0}"));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task<double> CpuPerCallAsync(Func<Task<double>> call, int calls)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < calls; i++)
        {
            await call().ConfigureAwait(false);
        }
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / calls;
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
