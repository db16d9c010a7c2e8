using System.Net;
using System.Net.Sockets;
using System.Text;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>Transport behaviour against a fake loopback server: slow, partial, stalled and odd replies.</summary>
public sealed class FourLetterWordClientFakeServerTests
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MntrAsync_ReadsWholeReply_ServerSendsInManySmallSlowChunks()
    {
        var mntr = CapturedReplies.Read("mntr-leader.txt");
        await using var server = new FakeFourLetterServer((s, _, ct) =>
            FakeFourLetterServer.SendChunkedAsync(s, mntr, chunks: 60, TimeSpan.FromMilliseconds(5), ct));
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(20));

        var m = await client.MntrAsync(server.HostPort).WaitAsync(TestBound);

        Assert.Equal("mntr", await server.FirstWord.WaitAsync(TestBound));
        Assert.Equal(539, m.Raw.Count);
        Assert.Equal("leader", m.ServerState);
    }

    [Fact]
    public async Task SendAsync_ThrowsTimeoutWithBytesSoFar_ServerStallsMidReply()
    {
        var half = CapturedReplies.Read("mntr-leader.txt")[..1000];
        await using var server = new FakeFourLetterServer(async (s, _, ct) =>
        {
            await s.SendAsync(Encoding.UTF8.GetBytes(half), SocketFlags.None, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var client = new FourLetterWordClient(TimeSpan.FromMilliseconds(500));

        var ex = await Assert.ThrowsAsync<FourLetterWordTimeoutException>(() => client.SendAsync(server.HostPort, "mntr").WaitAsync(TestBound));

        Assert.Equal(1000, ex.BytesReceived);
        Assert.Equal(server.HostPort, ex.HostPort);
        Assert.Contains(server.HostPort, ex.Message, StringComparison.Ordinal);
        Assert.Contains("1000 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MntrAsync_ThrowsFormatTruncated_ServerClosesMidLine()
    {
        var mntr = CapturedReplies.Read("mntr-leader.txt");
        var cut = mntr[..(mntr.IndexOf("zk_znode_count", StringComparison.Ordinal) + 8)];
        await using var server = new FakeFourLetterServer((s, _, ct) => s.SendAsync(Encoding.UTF8.GetBytes(cut), SocketFlags.None, ct).AsTask());
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(20));

        var ex = await Assert.ThrowsAsync<FourLetterWordFormatException>(() => client.MntrAsync(server.HostPort).WaitAsync(TestBound));

        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("zk_znode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ThrowsConnectionNamingHostPort_NothingListens()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var hostPort = $"127.0.0.1:{port}";
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<FourLetterWordConnectionException>(() => client.SrvrAsync(hostPort).WaitAsync(TestBound));

        Assert.Contains(hostPort, ex.Message, StringComparison.Ordinal);
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
        Assert.Equal("srvr", ex.Word);
    }

    [Fact]
    public async Task SendAsync_ThrowsConnectionNamingHostPort_UnknownHost()
    {
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<FourLetterWordConnectionException>(
            () => client.RuokAsync("no-such-host.invalid:2181").WaitAsync(TestBound));

        Assert.Contains("no-such-host.invalid:2181", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ThrowsDisabledNamingWhitelist_ServerRefusesWord()
    {
        await using var server = new FakeFourLetterServer((s, w, ct) =>
            s.SendAsync(Encoding.ASCII.GetBytes(w + " is not executed because it is not in the whitelist.\n"), SocketFlags.None, ct).AsTask());
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<FourLetterWordDisabledException>(() => client.ConsAsync(server.HostPort).WaitAsync(TestBound));

        Assert.Equal("cons", ex.Word);
        Assert.Contains("4lw.commands.whitelist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ThrowsFormat_ReplyLargerThanCap()
    {
        var big = new string('x', 100_000);
        await using var server = new FakeFourLetterServer((s, _, ct) => s.SendAsync(Encoding.ASCII.GetBytes(big), SocketFlags.None, ct).AsTask());
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(10), maxReplyBytes: 10_000);

        var ex = await Assert.ThrowsAsync<FourLetterWordFormatException>(() => client.SendAsync(server.HostPort, "wchc").WaitAsync(TestBound));

        Assert.Contains("maxReplyBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ThrowsOperationCanceled_CallerCancels()
    {
        await using var server = new FakeFourLetterServer((_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(20));
        using var cts = new CancellationTokenSource();

        var call = client.SendAsync(server.HostPort, "srvr", cts.Token);
        await server.FirstWord.WaitAsync(TestBound);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TestBound));
    }

    [Fact]
    public async Task SendAsync_ThrowsFormatListingKnownWords_ServerClosesSilentlyOnUnknownWord()
    {
        await using var server = new FakeFourLetterServer((_, _, _) => Task.CompletedTask);
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<FourLetterWordFormatException>(() => client.SendAsync(server.HostPort, "abcd").WaitAsync(TestBound));

        Assert.Contains("mntr", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MNTR")]
    [InlineData("mnt")]
    [InlineData("mntrx")]
    [InlineData("mn r")]
    public async Task SendAsync_ThrowsArgument_NotAFourLetterWord(string word)
    {
        var client = new FourLetterWordClient();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("127.0.0.1:1", word));
        Assert.Contains("four lower-case ASCII letters", ex.Message, StringComparison.Ordinal);
    }
}
