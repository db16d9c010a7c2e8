using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Transfer;

/// <summary>The transfer service over a <see cref="SessionsHarness"/> (its recording audit sink, its policy) with real jobs.</summary>
internal sealed class TransferHarness : IAsyncDisposable
{
    private readonly string _exports = Path.Combine(Path.GetTempPath(), "zkd-transfer-tests-" + Guid.NewGuid().ToString("N"));

    private TransferHarness(SessionsHarness h)
    {
        H = h;
        Jobs = new BulkJobs(h.Ops, h.Services.GetRequiredService<IAccessPolicy>(), h.Audit, Options.Create(new BulkJobOptions()), NullLogger<BulkJobs>.Instance);
        Transfer = NewTransfer(new TransferOptions());
    }

    /// <summary>Another transfer service over the same sessions, jobs and audit, with these settings (and the harness's export directory).</summary>
    public TransferService NewTransfer(TransferOptions options)
    {
        options.ExportDirectory = _exports;
        return new TransferService(H.Sessions, H.Services.GetRequiredService<IAccessPolicy>(), H.Audit, H.Services.GetRequiredService<ICreatedNodeRegistry>(), Jobs,
            Options.Create(new SessionOptions { BulkBatchSize = 50 }), Options.Create(options), NullLogger<TransferService>.Instance);
    }

    public SessionsHarness H { get; }
    public BulkJobs Jobs { get; }
    public TransferService Transfer { get; }

    public static async Task<TransferHarness> StartAsync(EnsembleFixture fx, Action<Dictionary<string, string?>>? settings = null, params ZkDashboard.Core.Ensembles.EnsembleDefinition[] extra)
        => new(await SessionsHarness.StartAsync(fx, settings, extra));

    /// <summary>Exports to memory and reads the document back.</summary>
    public async Task<(TransferDocument Doc, ExportSummary Summary, byte[] Bytes)> ExportAsync(ActingUser user, ExportRequest request)
    {
        using var ms = new MemoryStream();
        var summary = await Transfer.ExportAsync(user, request, ms);
        var bytes = ms.ToArray();
        var doc = await Transfer.ReadFileAsync(new MemoryStream(bytes), "test.json");
        return (doc, summary, bytes);
    }

    /// <summary>Applies a plan as a job and waits for it.</summary>
    public async Task<(BulkJobSnapshot Job, ApplyResult Result)> ApplyAsync(ActingUser user, ImportPlan plan)
    {
        var job = Transfer.StartApply(user, plan);
        var final = await Jobs.WaitAsync(user, job.Id).WaitAsync(TimeSpan.FromSeconds(120));
        var result = Transfer.GetApplyResult(user, job.Id) ?? throw new InvalidOperationException($"The job ended without a result: {final.State} {final.Error}");
        return (final, result);
    }

    /// <summary>kazoo's view of a subtree: one line per node "rel|hexdata|acl;acl|ephemeralOwner", sorted.</summary>
    public static async Task<IReadOnlyList<string>> KazooDumpAsync(string connectString, string root)
    {
        const string Script = """
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=20)
root = sys.argv[2]
zk.sync(root)
out = []
def walk(p):
    data, stat = zk.get(p)
    acls, _ = zk.get_acls(p)
    acl = ";".join(sorted("%s:%s:%d" % (a.id.scheme, a.id.id, a.perms) for a in acls))
    rel = p[len(root):] if root != "/" else (p if p != "/" else "")
    out.append("%s|%s|%s|%d" % (rel, data.hex(), acl, stat.ephemeralOwner))
    for c in sorted(zk.get_children(p)):
        walk(p.rstrip("/") + "/" + c)
walk(root)
zk.stop()
print("\n".join(out))
""";
        var r = await PeerClients.KazooAsync(Script, connectString, root);
        Assert.True(r.ExitCode == 0, $"kazoo failed: {r.StdErr}");
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public async ValueTask DisposeAsync()
    {
        await Jobs.DisposeAsync();
        await H.DisposeAsync();
        try
        {
            Directory.Delete(_exports, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
