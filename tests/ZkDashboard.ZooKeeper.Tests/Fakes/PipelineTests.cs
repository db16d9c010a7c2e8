using System.Text;

namespace ZkDashboard.ZooKeeper.Tests.Fakes;

/// <summary>
/// <see cref="ZooKeeperClient.Pipeline{T}"/> against a loopback fake server, which can see how the requests reach the
/// socket (a real server does not show that).
/// </summary>
public sealed class PipelineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private static Task<ZooKeeperClient> ConnectAsync(FakeZooKeeperServer server) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = server.ConnectString,
            SessionTimeout = TimeSpan.FromSeconds(30), // no ping within the test: only the pipeline's own write sends
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

    [Fact]
    public async Task Pipeline_QueuesTheCallsItStartsAndWritesThemTogether_AndEachGetsItsReply()
    {
        var seen = new TaskCompletionSource<(int AvailableAfterFirst, int RestBytes, int[] Ops)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var first = (await s.ReadRequestAsync())!;
            var available = s.Socket.Available; // what had already arrived with the first request
            var second = (await s.ReadRequestAsync())!;
            var third = (await s.ReadRequestAsync())!;
            seen.SetResult((available, 2 * 12 + second.Body.Length + third.Body.Length, [first.OpCode, second.OpCode, third.OpCode]));
            var n = 0;
            foreach (var r in new[] { first, second, third })
            {
                await s.SendReplyAsync(r.Xid, 0, FakeZooKeeperServer.Session.GetDataBody(Encoding.UTF8.GetBytes("reply" + n++)));
            }
            await s.HoldAsync();
        }, sessionTimeoutMs: 30_000);
        await using var zk = await ConnectAsync(server);

        var queuedInside = false;
        var calls = zk.Pipeline(() =>
        {
            var started = new[] { zk.GetDataAsync("/a"), zk.GetDataAsync("/b"), zk.GetDataAsync("/c") };
            queuedInside = zk.HasQueuedRequests; // not written yet (without the pipeline each call is flushed as it starts)
            return started;
        });

        Assert.True(queuedInside);
        var (availableAfterFirst, restBytes, ops) = await seen.Task.WaitAsync(Deadline);
        Assert.Equal([4, 4, 4], ops); // getData, in the order issued
        Assert.Equal(restBytes, availableAfterFirst); // one write: the other two had arrived with the first
        var replies = await Task.WhenAll(calls).WaitAsync(Deadline);
        Assert.Equal(["reply0", "reply1", "reply2"], replies.Select(r => Encoding.UTF8.GetString(r.Data)));
    }

    [Fact]
    public async Task Pipeline_StillWritesWhatWasQueued_WhenIssueThrows()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            var r = (await s.ReadRequestAsync())!;
            await s.SendReplyAsync(r.Xid, 0, FakeZooKeeperServer.Session.GetDataBody(Encoding.UTF8.GetBytes("here")));
            await s.HoldAsync();
        }, sessionTimeoutMs: 30_000);
        await using var zk = await ConnectAsync(server);
        Task<DataResult>? call = null;

        var ex = Assert.Throws<InvalidOperationException>(() => zk.Pipeline<int>(() =>
        {
            call = zk.GetDataAsync("/a");
            throw new InvalidOperationException("issue failed");
        }));

        Assert.Equal("issue failed", ex.Message);
        Assert.Equal("here", Encoding.UTF8.GetString((await call!.WaitAsync(Deadline)).Data));
    }

    [Fact]
    public async Task Pipeline_Nested_SendsTheInnerCallsToo()
    {
        await using var server = new FakeZooKeeperServer(async s =>
        {
            for (var i = 0; i < 2; i++)
            {
                var r = (await s.ReadRequestAsync())!;
                await s.SendReplyAsync(r.Xid, 0, FakeZooKeeperServer.Session.GetDataBody(Encoding.UTF8.GetBytes("n" + i)));
            }
            await s.HoldAsync();
        }, sessionTimeoutMs: 30_000);
        await using var zk = await ConnectAsync(server);

        var (outer, inner) = zk.Pipeline(() => (zk.GetDataAsync("/a"), zk.Pipeline(() => zk.GetDataAsync("/b"))));

        Assert.Equal("n0", Encoding.UTF8.GetString((await outer.WaitAsync(Deadline)).Data));
        Assert.Equal("n1", Encoding.UTF8.GetString((await inner.WaitAsync(Deadline)).Data));
    }
}
