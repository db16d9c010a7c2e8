using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Bulk;

/// <summary>
/// Export, import and compare of a 100k-node subtree through the transfer boundary (<see cref="ITransferService"/>) on a
/// sandbox: export nodes/s (streamed to a counting sink) with the managed-heap and working-set growth during it, import
/// nodes/s (dry run + apply into a new path), and the time to compare two 100k subtrees.
/// Options: --servers N (default 1), --nodes N (default 100000), --fanout N (children per parent, default 1000),
/// --read-connections N (ZkDashboard:Transfer:ReadConnections, default: the shipped default; 0 reads over the shared session only),
/// --export-runs N (exports back to back in one process, median reported), --export-only 1 (no import or compare).
/// </summary>
public sealed class BulkBenchmark : IBenchmark
{
    private const string Ensemble = "bench";
    private static readonly ActingUser User = new("bench", ["admins"], null);

    public string Name => "bulk";

    public string Description => "export / import nodes/s at 100k nodes, memory growth during the export, compare of 2x100k subtrees";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        var servers = args.GetInt("servers", 1);
        var nodes = args.GetInt("nodes", 100_000);
        var fanout = Math.Max(1, args.GetInt("fanout", 1000));
        var readConnections = args.GetInt("read-connections", new TransferOptions().ReadConnections);
        var exportRuns = Math.Max(1, args.GetInt("export-runs", 1));
        var exportOnly = args.GetInt("export-only", 0) != 0;
        Console.WriteLine($"starting a {servers}-server sandbox...");
        await using var sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = servers, MaxHeap = "1g" }, ct).ConfigureAwait(false);
        await using var ext = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = sandbox.ConnectString }, ct).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        var total = await BuildAsync(ext, "/src", nodes, fanout, ct).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"built /src: {total:N0} nodes in {sw.Elapsed.TotalSeconds:0.0} s"));

        await using var provider = Build(sandbox.ConnectString, readConnections);
        var transfer = provider.GetRequiredService<ITransferService>();
        // Warm-up (JIT, connection) on a small export.
        await transfer.ExportAsync(User, new ExportRequest(Ensemble, "/src/p00000"), Stream.Null, null, ct).ConfigureAwait(false);

        // Export: streamed into a sink that only counts, while a sampler watches the heap; --export-runs times (median).
        var rates = new List<double>();
        double heapGrowthMb = 0, wsGrowthMb = 0;
        for (var run = 0; run < exportRuns; run++)
        {
            var (rate, heapMb, wsMb) = await ExportOnceAsync(transfer, sandbox, ct).ConfigureAwait(false);
            rates.Add(rate);
            heapGrowthMb = Math.Max(heapGrowthMb, heapMb);
            wsGrowthMb = Math.Max(wsGrowthMb, wsMb);
        }
        rates.Sort();
        var exportRate = rates[rates.Count / 2];
        if (exportOnly)
        {
            var l = LoadAverage();
            Console.WriteLine($"load average: {l}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT export-nodes-per-s@100k={exportRate:0} export-heap-growth-mb={heapGrowthMb:0.0} export-ws-growth-mb={wsGrowthMb:0.0} read-connections={readConnections} export-runs={exportRuns} load=\"{l}\""));
            return 0;
        }

        // Import: read the file, dry run, apply (job) into a new path.
        var file = new MemoryStream();
        await transfer.ExportAsync(User, new ExportRequest(Ensemble, "/src"), file, null, ct).ConfigureAwait(false);
        file.Position = 0;
        await ext.CreateAsync("/dst", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        sw.Restart();
        var doc = await transfer.ReadFileAsync(file, "bench.json", ct).ConfigureAwait(false);
        var read = sw.Elapsed.TotalSeconds;
        var plan = await transfer.PlanImportAsync(User, new ImportRequest(Ensemble, "/dst/copy"), doc, null, ct).ConfigureAwait(false);
        var planned = sw.Elapsed.TotalSeconds;
        var result = await transfer.ApplyAsync(User, plan, null, ct).ConfigureAwait(false);
        var importSeconds = sw.Elapsed.TotalSeconds;
        var importRate = result.Created / importSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import: {result.Summary} read {read:0.00} s, dry run {planned - read:0.00} s, apply {importSeconds - planned:0.00} s = {importRate:N0} nodes/s overall"));

        // Compare: /src vs the imported copy, with a few differences.
        await ext.SetDataAsync("/dst/copy/p00001/n00001", "changed"u8.ToArray(), ct: ct).ConfigureAwait(false);
        await ext.DeleteAsync("/dst/copy/p00002/n00002", ct: ct).ConfigureAwait(false);
        var cpu0 = Cpu(sandbox);
        sw.Restart();
        var compare = await transfer.CompareAsync(User, new CompareSide(Ensemble, "/src"), new CompareSide(Ensemble, "/dst/copy"), null, ct).ConfigureAwait(false);
        var compareSeconds = sw.Elapsed.TotalSeconds;
        var compareCpu = Cpu(sandbox) - cpu0;
        Console.WriteLine($"compare: {compare.Summary}; {compareCpu}");

        var load = LoadAverage();
        Console.WriteLine($"load average: {load}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT export-nodes-per-s@100k={exportRate:0} import-nodes-per-s@100k={importRate:0} compare-s@2x100k={compareSeconds:0.00} api-getdata-overhead-us=n/a export-heap-growth-mb={heapGrowthMb:0.0} export-ws-growth-mb={wsGrowthMb:0.0} read-connections={readConnections} load=\"{load}\""));
        return 0;
    }

    /// <summary>One export of /src into a counting sink: nodes/s, heap and working-set growth (MB) from a collected baseline to the peak.</summary>
    private static async Task<(double Rate, double HeapMb, double WsMb)> ExportOnceAsync(ITransferService transfer, SandboxEnsemble sandbox, CancellationToken ct)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heap0 = GC.GetTotalMemory(true);
        var ws0 = Environment.WorkingSet;
        long heapPeak = heap0, wsPeak = ws0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                wsPeak = Math.Max(wsPeak, Environment.WorkingSet);
                try
                {
                    await Task.Delay(20, sampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);
        var sink = new CountingSink();
        var cpu0 = Cpu(sandbox);
        var load0 = LoadAverage();
        var sw = Stopwatch.StartNew();
        var summary = await transfer.ExportAsync(User, new ExportRequest(Ensemble, "/src"), sink, null, ct).ConfigureAwait(false);
        var exportSeconds = sw.Elapsed.TotalSeconds;
        var exportCpu = Cpu(sandbox) - cpu0;
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        var exportRate = summary.Nodes / exportSeconds;
        var heapGrowthMb = (heapPeak - heap0) / (1024.0 * 1024.0);
        var wsGrowthMb = (wsPeak - ws0) / (1024.0 * 1024.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"export: {summary.Nodes:N0} nodes, {sink.Length / (1024.0 * 1024.0):0.0} MB in {exportSeconds:0.00} s = {exportRate:N0} nodes/s; heap growth {heapGrowthMb:0.0} MB (peak), working-set growth {wsGrowthMb:0.0} MB; {exportCpu}; load {load0} -> {LoadAverage()}"));
        return (exportRate, heapGrowthMb, wsGrowthMb);
    }

    /// <summary>CPU seconds used so far by this process and by the sandbox's servers (Linux /proc; zero elsewhere).</summary>
    private static CpuTime Cpu(SandboxEnsemble sandbox)
        => new(ProcCpu(Environment.ProcessId), sandbox.Servers.Sum(s => s.ProcessId is { } pid ? ProcCpu(pid) : 0));

    private static double ProcCpu(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // utime, stime in ticks
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private readonly record struct CpuTime(double Client, double Servers)
    {
        public static CpuTime operator -(CpuTime a, CpuTime b) => new(a.Client - b.Client, a.Servers - b.Servers);
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cpu: client {Client:0.0} s, server {Servers:0.0} s");
    }

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

    /// <summary>A root, nodes/fanout parents and fanout children each, written with multi batches of 1,000.</summary>
    private static async Task<long> BuildAsync(ZooKeeperClient ext, string root, int nodes, int fanout, CancellationToken ct)
    {
        await ext.CreateAsync(root, "root"u8.ToArray(), Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        var parents = (nodes + fanout - 1) / fanout;
        var ops = new List<Op>(1000);
        long total = 1;
        var pending = new List<Task>();
        async Task FlushAsync()
        {
            if (ops.Count == 0)
            {
                return;
            }
            pending.Add(ext.MultiAsync(ops.ToList(), ct));
            ops.Clear();
            if (pending.Count >= 8)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
            }
        }
        for (var p = 0; p < parents; p++)
        {
            var parent = string.Create(CultureInfo.InvariantCulture, $"{root}/p{p:D5}");
            await ext.CreateAsync(parent, Encoding.UTF8.GetBytes("parent " + p), Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
            total++;
            for (var c = 0; c < fanout && (long)p * fanout + c < nodes; c++)
            {
                ops.Add(Op.Create(string.Create(CultureInfo.InvariantCulture, $"{parent}/n{c:D5}"),
                    Encoding.UTF8.GetBytes($"{{\"id\":{c},\"parent\":{p},\"value\":\"some configuration value\"}}"), Acls.OpenUnsafe));
                total++;
                if (ops.Count == 1000)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }
        }
        await FlushAsync().ConfigureAwait(false);
        await Task.WhenAll(pending).ConfigureAwait(false);
        return total;
    }

    private static ServiceProvider Build(string connectString, int readConnections)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Sessions:BulkBatchSize"] = "500",
            ["ZkDashboard:Transfer:ReadConnections"] = readConnections.ToString(CultureInfo.InvariantCulture),
            ["ZkDashboard:Access:Bindings:0:Subject"] = "group:admins",
            ["ZkDashboard:Access:Bindings:0:Role"] = "admin",
        }).Build();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddSingleton<IEnsembleRegistry>(new FixedRegistry(
            new EnsembleDefinition(Ensemble, connectString, TimeSpan.FromSeconds(30), null, null, false, [], EnsembleSource.Configuration)));
        services.AddZkDashboardAccess(configuration); // the real policy, with group admins as admin on */** (the shipped default binding)
        services.AddZkDashboardSessions(configuration);
        services.AddZkDashboardJobs(configuration);
        services.AddZkDashboardTransfer(configuration);
        return services.BuildServiceProvider();
    }

    private sealed class CountingSink : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FixedRegistry(EnsembleDefinition definition) : IEnsembleRegistry
    {
        public IReadOnlyList<EnsembleDefinition> All => [definition];
        public IReadOnlyList<string> ConfigurationErrors => [];
        public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed { add { } remove { } }
        public EnsembleDefinition? Find(string name) => name == definition.Name ? definition : null;
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition d, CancellationToken ct = default) => Task.FromResult(new ReachabilityResult([]));
    }
}
