using ZkDashboard.Testing;

namespace ZkDashboard.Sandbox.Tests;

[Collection(EnsembleCollection.Name)]
public sealed class PeerClientTests(EnsembleFixture fx)
{
    private readonly string _root = EnsembleFixture.NewChrootName();

    [Fact]
    public async Task ZkCliAsync_CreatesAndReadsNode_OnTheSandbox()
    {
        var result = await PeerClients.ZkCliAsync(fx.ConnectString, $"create {_root} zkcli-data", $"get {_root}", $"deleteall {_root}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("zkcli-data", result.StdOut, StringComparison.Ordinal);
        Assert.Contains($"Created {_root}", result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KazooAsync_CreatesNodeThatZkCliReads()
    {
        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1])
            zk.start(timeout=30)
            zk.create(sys.argv[2], b"from-kazoo", makepath=True)
            data, stat = zk.get(sys.argv[2])
            print(data.decode() + " version=" + str(stat.version))
            zk.stop()
            """;

        var kazoo = await PeerClients.KazooAsync(script, fx.ConnectString, _root + "/k");
        var zkcli = await PeerClients.ZkCliAsync(fx.ConnectString, $"get {_root}/k", $"deleteall {_root}");

        Assert.True(kazoo.ExitCode == 0, kazoo.ToString());
        Assert.Contains("from-kazoo version=0", kazoo.StdOut, StringComparison.Ordinal);
        Assert.Contains("from-kazoo", zkcli.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KazooAsync_ReportsFailure_WhenScriptRaises()
    {
        var result = await PeerClients.KazooAsync("import sys; sys.exit('boom ' + sys.argv[1])", "arg1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("boom arg1", result.StdErr, StringComparison.Ordinal);
    }
}
