using System.Buffers.Binary;
using System.Text;

namespace ZkDashboard.ZooKeeper.Tests.Fakes;

/// <summary>Protocol faults that a real server never produces, against a loopback fake server.</summary>
public sealed class FakeServerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static Task<ZooKeeperClient> ConnectAsync(FakeZooKeeperServer server, TimeSpan? operationTimeout = null, int maxReply = 64 * 1024 * 1024) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = server.ConnectString,
            SessionTimeout = TimeSpan.FromSeconds(4),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            OperationTimeout = operationTimeout,
            MaxReplyLength = maxReply,
        });

    [Fact]
    public async Task GetDataAsync_FailsWithConnectionLoss_WhenServerSendsGarbage()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            await s.ReadRequestAsync();
            await s.SendRawAsync(Encoding.ASCII.GetBytes("GARBAGE!GARBAGE!GARBAGE!GARBAGE!"));
            await s.HoldAsync();
        });
        await using var zk = await ConnectAsync(server);
        var ex = await Assert.ThrowsAnyAsync<ConnectionLossException>(() => zk.GetDataAsync("/a").WaitAsync(Deadline));
        Assert.Contains("Protocol error", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetDataAsync_FailsWithConnectionLoss_WhenFrameIsTruncated()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            await s.ReadRequestAsync();
            var partial = new byte[14];
            BinaryPrimitives.WriteInt32BigEndian(partial, 100);
            await s.SendRawAsync(partial);
            s.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        });
        await using var zk = await ConnectAsync(server);
        var ex = await Assert.ThrowsAsync<ConnectionLossException>(() => zk.GetDataAsync("/a").WaitAsync(Deadline));
        Assert.Contains("safe to retry", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetDataAsync_FailsNamingTheXids_WhenReplyXidDoesNotMatch()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var req = await s.ReadRequestAsync();
            await s.SendReplyAsync(req!.Xid + 1000, 0, FakeZooKeeperServer.Session.GetDataBody([1]));
            await s.HoldAsync();
        });
        await using var zk = await ConnectAsync(server);
        var ex = await Assert.ThrowsAnyAsync<ConnectionLossException>(() => zk.GetDataAsync("/a").WaitAsync(Deadline));
        Assert.Contains("xid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetDataAsync_ThrowsReplyTooLarge_WithoutHugeAllocation_WhenLengthPrefixIs2GB()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var req = await s.ReadRequestAsync();
            var frame = new byte[4 + 16];
            BinaryPrimitives.WriteInt32BigEndian(frame, int.MaxValue);
            FakeZooKeeperServer.Session.Reply(req!.Xid, 0, []).CopyTo(frame, 4);
            await s.SendRawAsync(frame);
            await s.SendRawAsync(new byte[4096]);
            s.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        });
        await using var zk = await ConnectAsync(server);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<ReplyTooLargeException>(() => zk.GetDataAsync("/big").WaitAsync(Deadline));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("MaxReplyLength", ex.Message, StringComparison.Ordinal);
        Assert.Equal("/big", ex.Path);
        Assert.True(allocated < 256L * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task GetDataAsync_ThrowsReplyTooLarge_AndKeepsConnection_WhenReplyExceedsConfiguredLimit()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            while (await s.ReadRequestAsync() is { } req)
            {
                var size = req.Xid == 1 ? 10_000 : 10;
                await s.SendReplyAsync(req.Xid, 0, FakeZooKeeperServer.Session.GetDataBody(new byte[size]));
            }
        });
        await using var zk = await ConnectAsync(server, maxReply: 4096);
        await Assert.ThrowsAsync<ReplyTooLargeException>(() => zk.GetDataAsync("/a").WaitAsync(Deadline));
        var next = await zk.GetDataAsync("/b").WaitAsync(Deadline);
        Assert.Equal(10, next.Data.Length);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task OversizedReply_IsSkipped_WithoutLosingTheNextReplyInTheSameRead()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var a = await s.ReadRequestAsync();
            var b = await s.ReadRequestAsync();
            var big = FakeZooKeeperServer.Session.Reply(a!.Xid, 0, FakeZooKeeperServer.Session.GetDataBody(new byte[10_000]));
            var small = FakeZooKeeperServer.Session.Reply(b!.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([5]));
            var both = new byte[8 + big.Length + small.Length];
            BinaryPrimitives.WriteInt32BigEndian(both, big.Length);
            big.CopyTo(both, 4);
            BinaryPrimitives.WriteInt32BigEndian(both.AsSpan(4 + big.Length), small.Length);
            small.CopyTo(both, 8 + big.Length);
            await s.SendRawAsync(both);
            await s.HoldAsync();
        });
        await using var zk = await ConnectAsync(server, maxReply: 4096);
        var first = zk.GetDataAsync("/a");
        var second = zk.GetDataAsync("/b");
        await Assert.ThrowsAsync<ReplyTooLargeException>(() => first.WaitAsync(Deadline));
        Assert.Equal(new byte[] { 5 }, (await second.WaitAsync(Deadline)).Data);
    }

    [Fact]
    public async Task Calls_FailWithConnectionLoss_AndStateSuspends_WhenServerClosesConnection()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            await s.ReadRequestAsync();
            s.Socket.Close();
        });
        await using var zk = await ConnectAsync(server);
        var suspended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        zk.StateChanged += (_, e) =>
        {
            if (e.Current == ConnectionState.Suspended) suspended.TrySetResult();
        };
        await Assert.ThrowsAsync<ConnectionLossException>(() => zk.ExistsAsync("/a").WaitAsync(Deadline));
        await suspended.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task SetDataAsync_ThrowsOutcomeUnknown_WhenConnectionDropsAfterSending()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            await s.ReadRequestAsync();
            s.Socket.Close();
        });
        await using var zk = await ConnectAsync(server);
        var ex = await Assert.ThrowsAsync<OperationOutcomeUnknownException>(() => zk.SetDataAsync("/a", new byte[] { 1 }).WaitAsync(Deadline));
        Assert.Equal("/a", ex.Path);
        Assert.Contains("may or may not", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeouts_DoNotCorruptTheStream_WhenRepliesArriveLate()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var first = await s.ReadRequestAsync();
            var second = await s.ReadRequestAsync();
            await release.Task;
            await s.SendReplyAsync(first!.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([1]));
            await s.SendReplyAsync(second!.Xid, 0, []);
            while (await s.ReadRequestAsync() is { } req)
                await s.SendReplyAsync(req.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([3]));
        });
        await using var zk = await ConnectAsync(server, operationTimeout: TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<OperationTimeoutException>(() => zk.GetDataAsync("/slow").WaitAsync(Deadline));
        await Assert.ThrowsAsync<OperationOutcomeUnknownException>(() => zk.DeleteAsync("/slow").WaitAsync(Deadline));
        release.SetResult();
        var after = await zk.GetDataAsync("/next").WaitAsync(Deadline);
        Assert.Equal(new byte[] { 3 }, after.Data);
        Assert.Equal(ConnectionState.Connected, zk.State);
    }

    [Fact]
    public async Task Cancellation_AfterSending_StopsOnlyTheWait_AndLaterRepliesStayMatched()
    {
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var first = await s.ReadRequestAsync();
            firstArrived.TrySetResult();
            var second = await s.ReadRequestAsync();
            await s.SendReplyAsync(first!.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([1]));
            await s.SendReplyAsync(second!.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([2]));
            await s.HoldAsync();
        });
        await using var zk = await ConnectAsync(server);
        using var cts = new CancellationTokenSource();
        var cancelled = zk.GetDataAsync("/a", ct: cts.Token);
        await firstArrived.Task.WaitAsync(Deadline);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Deadline));
        var second = await zk.GetDataAsync("/b").WaitAsync(Deadline);
        Assert.Equal(new byte[] { 2 }, second.Data);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Cancellation_BeforeSending_MeansTheRequestIsNeverSent()
    {
        var seen = new List<string>();
        await using var server = new FakeZooKeeperServer(async s =>
        {
            while (await s.ReadRequestAsync() is { } req)
            {
                lock (seen) seen.Add(System.Text.Encoding.UTF8.GetString(req.Body, 4, req.Body.Length - 5));
                await s.SendReplyAsync(req.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([3]));
            }
        });
        await using var zk = await ConnectAsync(server);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => zk.SetDataAsync("/never", new byte[] { 1 }, ct: cts.Token));
        Assert.Equal(new byte[] { 3 }, (await zk.GetDataAsync("/after").WaitAsync(Deadline)).Data);
        lock (seen) Assert.Equal(["/after"], seen);
    }

    [Fact]
    public async Task ConnectAsync_ThrowsSessionExpired_WhenServerGrantsZeroTimeout()
    {
        await using var server = new FakeZooKeeperServer(s => s.HoldAsync(), sessionTimeoutMs: 0);
        await Assert.ThrowsAsync<SessionExpiredException>(() => ConnectAsync(server).WaitAsync(Deadline));
    }

    [Fact]
    public async Task ConnectAsync_ThrowsConnectionLossNamingHosts_WhenNothingListens()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ex = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = $"127.0.0.1:{port}",
            ConnectTimeout = TimeSpan.FromSeconds(1),
        }).WaitAsync(Deadline));
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_TimesOut_WhenServerAcceptsButNeverAnswersTheHandshake()
    {
        // The handshake is a blocking read on the connect thread: only the attempt timeout disposing the socket ends it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<System.Net.Sockets.Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await listener.AcceptSocketAsync());
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            var ex = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
            {
                ConnectString = $"127.0.0.1:{port}",
                // Each attempt gets 2 s (session timeout / hosts), so attempts have timed out before ConnectAsync gives up.
                SessionTimeout = TimeSpan.FromSeconds(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            }).WaitAsync(Deadline));
            Assert.Contains($"127.0.0.1:{port}: timed out", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
            await accepting;
            foreach (var socket in accepted) socket.Dispose();
        }
    }

    [Fact]
    public async Task Client_MovesOn_WhenServerGoesSilent()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            // Never answers anything, pings included.
            while (await s.ReadFrameAsync() is not null)
            {
            }
        }, sessionTimeoutMs: 1500);
        await using var zk = await ConnectAsync(server);
        var call = zk.GetDataAsync("/a");
        var ex = await Assert.ThrowsAsync<ConnectionLossException>(() => call.WaitAsync(Deadline));
        Assert.Contains("read timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataTooLarge_IsRefusedBeforeSending()
    {
        var requests = 0;
        await using var server = new FakeZooKeeperServer(async s =>
        {
            while (await s.ReadRequestAsync() is not null) Interlocked.Increment(ref requests);
        });
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = server.ConnectString, MaxDataLength = 100 });
        var ex = await Assert.ThrowsAsync<DataTooLargeException>(() => zk.SetDataAsync("/a", new byte[101]));
        Assert.Contains("MaxDataLength", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DataTooLargeException>(() => zk.CreateAsync("/a", new byte[101], Acls.OpenUnsafe));
        await Assert.ThrowsAsync<InvalidPathException>(() => zk.GetDataAsync("/a/"));
        Assert.Equal(0, Volatile.Read(ref requests));
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSigned()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    private static Func<FakeZooKeeperServer.Session, Task> EchoData(byte value) => async s =>
    {
        while (await s.ReadRequestAsync() is { } req)
            await s.SendReplyAsync(req.Xid, 0, FakeZooKeeperServer.Session.GetDataBody([value]));
    };

    [Fact]
    public async Task Tls_Works_WhenCertificateValidationAcceptsTheServer()
    {
        using var cert = SelfSigned();
        await using var server = new FakeZooKeeperServer(EchoData(7), tlsCertificate: cert);
        var seen = 0;
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = server.ConnectString,
            Tls = new ZooKeeperTlsOptions
            {
                TargetHost = "localhost",
                ServerCertificateValidation = (_, c, _, _) =>
                {
                    Interlocked.Increment(ref seen);
                    return c?.Subject == "CN=localhost";
                },
            },
        }).WaitAsync(Deadline);
        Assert.Equal(new byte[] { 7 }, (await zk.GetDataAsync("/x").WaitAsync(Deadline)).Data);
        Assert.True(Volatile.Read(ref seen) >= 1);
    }

    [Fact]
    public async Task Tls_RefusesUntrustedServer_ByDefault()
    {
        using var cert = SelfSigned();
        await using var server = new FakeZooKeeperServer(EchoData(7), tlsCertificate: cert);
        var ex = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = server.ConnectString,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            Tls = new ZooKeeperTlsOptions { TargetHost = "localhost" },
        }).WaitAsync(Deadline));
        Assert.Contains(server.ConnectString, ex.Message, StringComparison.Ordinal);
    }
}
