using Microsoft.Extensions.Logging.Abstractions;
using ZkDashboard.Core.Sessions;

namespace ZkDashboard.Core.Tests.Sessions;

public sealed class OrderedEventQueueTests
{
    [Fact]
    public async Task Post_HandlerStillRunning_NextWaitsAndOrderIsKept()
    {
        var queue = new OrderedEventQueue("main", NullLogger.Instance);
        var order = new List<int>();
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var releaseFirst = new ManualResetEventSlim();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var postingThread = Environment.CurrentManagedThreadId;
        var ranInsidePost = false;
        var posting = true; // true while Post("first") is on the stack: a handler must never run there
        queue.Post("first", () =>
        {
            ranInsidePost |= Volatile.Read(ref posting) && Environment.CurrentManagedThreadId == postingThread;
            firstRunning.SetResult();
            releaseFirst.Wait(TimeSpan.FromSeconds(30));
            lock (order) { order.Add(0); }
        });
        Volatile.Write(ref posting, false);
        await firstRunning.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 1; i <= 1000; i++)
        {
            var n = i;
            queue.Post("next", () =>
            {
                lock (order) { order.Add(n); }
                if (n == 1000)
                {
                    done.SetResult();
                }
            });
        }

        // Independent thread-pool items would run now; the ordered queue holds them behind the first.
        Assert.Equal(1000, queue.Pending);
        lock (order) { Assert.Empty(order); }
        releaseFirst.Set();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 1001), order);
        Assert.False(ranInsidePost);
    }

    [Fact]
    public async Task Post_HandlerThrows_LaterEventsStillRaised()
    {
        var queue = new OrderedEventQueue("main", NullLogger.Instance);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Post("bad", () => throw new InvalidOperationException("handler bug"));
        queue.Post("good", () => done.SetResult(42));
        Assert.Equal(42, await done.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
