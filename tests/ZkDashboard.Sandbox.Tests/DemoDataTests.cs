using ZkDashboard.Sandbox.Demo;
using ZkDashboard.Testing;

namespace ZkDashboard.Sandbox.Tests;

/// <summary>Seeds the demo data into the shared ensemble (absolute paths; other tests here use chroots) and checks
/// it with kazoo, an independent client.</summary>
[Collection(EnsembleCollection.Name)]
public sealed class DemoDataTests(EnsembleFixture fx)
{
    private const string Inspect = """
        import sys, json
        from kazoo.client import KazooClient
        from kazoo.exceptions import NoAuthError
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=30)
        def noauth(path):
            try:
                zk.get(path)
                return False
            except NoAuthError:
                return True
        out = {
            "brokers": sorted(zk.get_children("/brokers/ids")),
            "brokerEphemeral": zk.exists("/brokers/ids/1").ephemeralOwner != 0,
            "broker1": json.loads(zk.get("/brokers/ids/1")[0])["host"],
            "controller": json.loads(zk.get("/controller")[0])["brokerid"],
            "big": zk.exists("/demo/big").numChildren,
            "contenders": len(zk.get_children("/demo/election/checkout-leader")),
            "lockHolders": len(zk.get_children("/demo/locks/inventory-rebalance")),
            "s4Process": len(zk.get_children("/s4/s4/process")),
            "s4Tasks": len(zk.get_children("/s4/s4/tasks")),
            "yaml": zk.get("/configs/checkout/application.yaml")[0].decode().startswith("# checkout"),
            "dataAndChildren": zk.exists("/configs/checkout").numChildren > 0 and zk.exists("/configs/checkout").dataLength > 0,
            "ipLocalhost": json.loads(zk.get("/secure/ip-localhost")[0])["visibleFrom"],
            "ipLockedNoAuth": noauth("/secure/ip-locked"),
            "digestNoAuth": noauth("/secure/digest-protected"),
            "statusVersion": zk.exists("/demo/status").version,
        }
        zk.add_auth("digest", "admin:admin-secret")
        out["digestWithAuth"] = json.loads(zk.get("/secure/digest-protected")[0])["db.password"]
        print(json.dumps(out))
        zk.stop()
        """;

    [Fact]
    public async Task SeedAsync_CreatesTheDemoLayout_ThatKazooReads()
    {
        await using var demo = await DemoData.SeedAsync(fx.ConnectString);
        using var cts = new CancellationTokenSource();
        var writer = demo.RunStatusWriterAsync(cts.Token);

        var result = await PeerClients.KazooAsync(Inspect, fx.ConnectString);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = System.Text.Json.JsonDocument.Parse(result.StdOut).RootElement;
        Assert.Equal("[\"1\",\"2\",\"3\"]", json.GetProperty("brokers").GetRawText());
        Assert.True(json.GetProperty("brokerEphemeral").GetBoolean());
        Assert.Equal("kafka-1.internal", json.GetProperty("broker1").GetString());
        Assert.Equal(1, json.GetProperty("controller").GetInt32());
        Assert.Equal(DemoPaths.BigChildren, json.GetProperty("big").GetInt32());
        Assert.Equal(3, json.GetProperty("contenders").GetInt32());
        Assert.Equal(2, json.GetProperty("lockHolders").GetInt32());
        Assert.Equal(3, json.GetProperty("s4Process").GetInt32());
        Assert.Equal(4, json.GetProperty("s4Tasks").GetInt32());
        Assert.True(json.GetProperty("yaml").GetBoolean());
        Assert.True(json.GetProperty("dataAndChildren").GetBoolean());
        Assert.Equal("127.0.0.1", json.GetProperty("ipLocalhost").GetString());
        Assert.True(json.GetProperty("ipLockedNoAuth").GetBoolean());
        Assert.True(json.GetProperty("digestNoAuth").GetBoolean());
        Assert.Equal("s3cr3t-only-for-admin", json.GetProperty("digestWithAuth").GetString());

        // The status writer keeps /demo/status changing.
        var before = json.GetProperty("statusVersion").GetInt32();
        var changed = await ProcessProbe.WaitUntilAsync(async () => await StatusVersionAsync() > before, TimeSpan.FromSeconds(30));
        Assert.True(changed, "/demo/status did not change");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer);

        async Task<int> StatusVersionAsync()
        {
            var r = await PeerClients.ZkCliAsync(fx.ConnectString, "stat /demo/status");
            var line = r.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("dataVersion = ", StringComparison.Ordinal));
            return line is null ? -1 : int.Parse(line["dataVersion = ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
