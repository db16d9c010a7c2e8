using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.ZooKeeper.Internal;

/// <summary>
/// Runs watch and state handlers on a worker task, never on the I/O loops, one at a time and in order.
/// Replies that arrive while events are still queued are completed through the same queue, after
/// those events' handlers returned: a watch event is delivered before the reply to any later read.
/// Watch events are bounded by the configured capacity; when full, new watch events are dropped and
/// every drop is logged (state changes and replies are never dropped).
/// </summary>
internal sealed class EventDispatcher
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private readonly ILogger _logger;
    private readonly Action<WatchedEvent> _onWatch;
    private readonly Action<ConnectionStateChangedEventArgs> _onState;
    private readonly Task _worker;
    private int _backlog;
    private int _events;
    private long _dropped;

    public EventDispatcher(int capacity, ILogger logger, Action<WatchedEvent> onWatch, Action<ConnectionStateChangedEventArgs> onState)
    {
        _capacity = Math.Max(1, capacity);
        _logger = logger;
        _onWatch = onWatch;
        _onState = onState;
        _worker = Task.Run(RunAsync);
    }

    /// <summary>True while items wait to be handled (replies must then queue behind them).</summary>
    public bool HasBacklog => Volatile.Read(ref _backlog) > 0;

    /// <summary>Number of watch events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void EnqueueWatch(WatchedEvent e, bool force = false)
    {
        if (!force && Interlocked.Increment(ref _events) > _capacity)
        {
            Interlocked.Decrement(ref _events);
            var n = Interlocked.Increment(ref _dropped);
            Log.EventDropped(_logger, e.Type, e.Path, _capacity, n);
            return;
        }
        if (force) Interlocked.Increment(ref _events);
        Post(e);
    }

    public void EnqueueState(ConnectionStateChangedEventArgs e) => Post(e);

    public void EnqueueCompletion(IPendingCall call) => Post(call);

    private void Post(object item)
    {
        Interlocked.Increment(ref _backlog);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _backlog);
            if (item is WatchedEvent) Interlocked.Decrement(ref _events);
            if (item is IPendingCall c) c.Deliver();
        }
    }

    /// <summary>Stops accepting items; queued ones are still handled.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _worker;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    switch (item)
                    {
                        case WatchedEvent w:
                            Interlocked.Decrement(ref _events);
                            _onWatch(w);
                            break;
                        case ConnectionStateChangedEventArgs s:
                            _onState(s);
                            break;
                        case IPendingCall c:
                            c.Deliver();
                            break;
                    }
                }
                catch (Exception ex)
                {
                    Log.HandlerFailed(_logger, ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _backlog);
                }
            }
        }
    }
}
