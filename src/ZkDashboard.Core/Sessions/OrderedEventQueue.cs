using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Sessions;

/// <summary>
/// One ordered queue of event raisers for one ensemble session: handlers run on the thread pool (never on the
/// client's I/O loop or the caller's thread), one at a time, in the order the events were posted. A throwing
/// handler is logged and the queue goes on with the next event.
/// </summary>
internal sealed class OrderedEventQueue(string ensemble, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Queue<(string What, Action Raise)> _queue = new();
    private bool _draining;

    /// <summary>Events waiting or running now (for tests and diagnostics).</summary>
    public int Pending { get { lock (_gate) { return _queue.Count; } } }

    /// <summary>Queues <paramref name="raise"/> after everything posted before it.</summary>
    public void Post(string what, Action raise)
    {
        lock (_gate)
        {
            _queue.Enqueue((what, raise));
            if (_draining)
            {
                return;
            }
            _draining = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static q => q.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            (string What, Action Raise) next;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }
            }
            try
            {
                next.Raise();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Ensemble {Ensemble}: a {Event} handler failed", ensemble, next.What);
            }
        }
    }
}
