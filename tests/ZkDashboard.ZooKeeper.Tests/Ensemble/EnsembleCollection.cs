using ZkDashboard.Testing;

namespace ZkDashboard.ZooKeeper.Tests.Ensemble;

[CollectionDefinition(Name)]
public sealed class EnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "Ensemble";
}

/// <summary>Records watch events and state changes of a client, and waits on them with deadlines.</summary>
internal sealed class EventLog
{
    private readonly object _lock = new();
    private readonly List<WatchedEvent> _events = [];
    private readonly List<ConnectionStateChangedEventArgs> _states = [];

    public EventLog(ZooKeeperClient client)
    {
        client.WatchEvent += (_, e) =>
        {
            lock (_lock)
            {
                _events.Add(e);
                Monitor.PulseAll(_lock);
            }
        };
        client.StateChanged += (_, e) =>
        {
            lock (_lock)
            {
                _states.Add(e);
                Monitor.PulseAll(_lock);
            }
        };
    }

    public List<WatchedEvent> NodeEvents
    {
        get
        {
            lock (_lock) return _events.Where(e => e.Type != EventType.None).ToList();
        }
    }

    public List<WatchedEvent> AllEvents
    {
        get
        {
            lock (_lock) return [.. _events];
        }
    }

    public List<ConnectionStateChangedEventArgs> States
    {
        get
        {
            lock (_lock) return [.. _states];
        }
    }

    public Task WaitForAsync(Func<EventLog, bool> condition, TimeSpan? timeout = null, string? what = null) =>
        Eventually.WaitAsync(() => condition(this), timeout, what);
}

internal static class Eventually
{
    public static async Task WaitAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Condition not met in time: {what ?? "(unnamed)"}");
            await Task.Delay(20);
        }
    }

    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Condition not met in time: {what ?? "(unnamed)"}");
            await Task.Delay(50);
        }
    }
}
