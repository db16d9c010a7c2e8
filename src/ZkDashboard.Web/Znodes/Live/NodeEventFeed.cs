using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Watches;

namespace ZkDashboard.Web.Znodes.Live;

/// <summary>One line of the Events tab.</summary>
/// <param name="Sequence">Arrival order (1-based).</param>
/// <param name="Notification">The hub's (possibly coalesced) notification.</param>
public sealed record NodeEventEntry(long Sequence, WatchNotification Notification)
{
    /// <summary>True when this line stands for a burst of server events.</summary>
    public bool Coalesced => Notification.CoalescedCount > 1;
}

/// <summary>
/// The live watch log of the open node (or its subtree) through <see cref="IWatchFanout"/>: bounded, pausable,
/// clearable. It survives tab switches (owned by the page). Notifications for the node itself are also
/// raised as <see cref="NodeChanged"/> so the page re-reads it.
/// </summary>
public sealed class NodeEventFeed : IDisposable
{
    /// <summary>Most lines kept.</summary>
    public const int Capacity = 500;

    private readonly Lock _gate = new();
    private readonly LinkedList<NodeEventEntry> _entries = new();
    private IWatchSubscription _subscription;
    private long _sequence;
    private long _droppedWhilePaused;

    private NodeEventFeed(string ensemble, string path, bool subtree)
    {
        Ensemble = ensemble;
        Path = path;
        Subtree = subtree;
        _subscription = null!;
    }

    /// <summary>
    /// Subscribes for <paramref name="user"/> (Data kind for the node only, Subtree for the node and everything below;
    /// subtree events of nodes the person may not see are left out). Throws
    /// <see cref="ZkDashboard.Core.Access.AccessDeniedException"/> (audited) when the person may not watch the node.
    /// </summary>
    public static async Task<NodeEventFeed> CreateAsync(IUserWatches watches, ActingUser user, string ensemble, string path, bool subtree, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(watches);
        var feed = new NodeEventFeed(ensemble, path, subtree);
        feed._subscription = await watches.SubscribeAsync(user, ensemble, path, subtree ? WatchKind.Subtree : WatchKind.Data,
            WatchSubscriber.Create(feed.OnNotification), ct).ConfigureAwait(false);
        return feed;
    }

    /// <summary>The ensemble.</summary>
    public string Ensemble { get; }

    /// <summary>The watched node.</summary>
    public string Path { get; }

    /// <summary>True when the whole subtree is watched.</summary>
    public bool Subtree { get; }

    /// <summary>Completes when the server watch is registered (faults when it could not be, for now).</summary>
    public Task Ready => _subscription.Ready;

    /// <summary>While paused, events still count but are not added to the log.</summary>
    public bool Paused { get; private set; }

    /// <summary>Events that arrived while paused (not shown).</summary>
    public long MissedWhilePaused => Interlocked.Read(ref _droppedWhilePaused);

    /// <summary>Raised (thread pool) after a line was added or the log cleared.</summary>
    public event Action? Updated;

    /// <summary>Raised (thread pool) when the node itself changed (or a resync asks to re-read everything).</summary>
    public event Action<WatchNotification>? NodeChanged;

    /// <summary>The lines, newest first.</summary>
    public IReadOnlyList<NodeEventEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    /// <summary>Pauses or resumes the log.</summary>
    public void SetPaused(bool paused)
    {
        Paused = paused;
        if (!paused)
        {
            Interlocked.Exchange(ref _droppedWhilePaused, 0);
        }

        Updated?.Invoke();
    }

    /// <summary>Empties the log.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }

        Updated?.Invoke();
    }

    private void OnNotification(WatchNotification n)
    {
        if (n.Path == Path || n.Change == WatchChange.Resync)
        {
            NodeChanged?.Invoke(n);
        }

        if (Paused)
        {
            Interlocked.Add(ref _droppedWhilePaused, n.CoalescedCount);
            Updated?.Invoke();
            return;
        }

        lock (_gate)
        {
            _entries.AddFirst(new NodeEventEntry(++_sequence, n));
            while (_entries.Count > Capacity)
            {
                _entries.RemoveLast();
            }
        }

        Updated?.Invoke();
    }

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
