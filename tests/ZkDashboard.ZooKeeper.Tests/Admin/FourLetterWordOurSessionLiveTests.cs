using System.Globalization;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>cons / wchc / wchp seen from the server while our own client holds a session and a watch.</summary>
[Collection(AdminEnsembleCollection.Name)]
public sealed class FourLetterWordOurSessionLiveTests(EnsembleFixture fx)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly FourLetterWordClient _admin = new(TimeSpan.FromSeconds(15));

    private static string Hex(long sessionId) => "0x" + sessionId.ToString("x", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ConsAsync_ListsOurSession_ServerWeAreConnectedTo()
    {
        var server = fx.Ensemble.Servers[0];
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = server.HostPort }).WaitAsync(Bound);
        await zk.ExistsAsync("/").WaitAsync(Bound);

        var cons = await _admin.ConsAsync(server.HostPort).WaitAsync(Bound);

        var ours = Assert.Single(cons, c => c.SessionId == zk.SessionId);
        Assert.Equal(Hex(zk.SessionId), ours.SessionIdHex);
        Assert.Equal((int)zk.NegotiatedSessionTimeout.TotalMilliseconds, ours.SessionTimeoutMs);
        Assert.True(ours.Received >= 2, "connect + exists at least");
    }

    [Fact]
    public async Task WchcAndWchp_ShowOurDataWatch_ServerWeAreConnectedTo()
    {
        var server = fx.Ensemble.Servers[1];
        var path = EnsembleFixture.NewChrootName();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = server.HostPort }).WaitAsync(Bound);
        await zk.CreateAsync(path, "x"u8.ToArray(), Acls.OpenUnsafe).WaitAsync(Bound);
        await zk.GetDataAsync(path, watch: true).WaitAsync(Bound);
        var hex = Hex(zk.SessionId);

        var bySession = await _admin.WchcAsync(server.HostPort).WaitAsync(Bound);
        var byPath = await _admin.WchpAsync(server.HostPort).WaitAsync(Bound);

        Assert.Equal([path], bySession[hex]);
        Assert.Equal([hex], byPath[path]);

        // The watch fires once on a change and is then gone from the server's listing.
        await zk.SetDataAsync(path, "y"u8.ToArray()).WaitAsync(Bound);
        await zk.SyncAsync(path).WaitAsync(Bound);
        var after = await _admin.WchpAsync(server.HostPort).WaitAsync(Bound);
        Assert.False(after.ContainsKey(path));
    }
}
