using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Tracking;

/// <summary>
/// Writes tracked versions to the store in batches, in the order they were recorded, off the tracker's read path.
/// A failing store is retried (with back-off) until it accepts the batch: nothing recorded is dropped while the
/// process runs. Count updates (later events of a burst that turned out to be the same version) follow their insert.
/// </summary>
internal sealed partial class NodeVersionWriter : IAsyncDisposable
{
    private abstract record Op;
    private sealed record Insert(NodeVersionRecord Record) : Op;
    private sealed record AddCount(NodeVersionRecord Record, int Count) : Op;

    private readonly Channel<Op> _ops = Channel.CreateUnbounded<Op>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDashboardStore _store;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _pending;

    public NodeVersionWriter(IDashboardStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Raised after each batch is committed (on the writer's thread), with the new records (ids set).</summary>
    public event Action<IReadOnlyList<NodeVersionRecord>>? Committed;

    /// <summary>Records queued and not yet committed.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public void Enqueue(NodeVersionRecord record)
    {
        Interlocked.Increment(ref _pending);
        _ops.Writer.TryWrite(new Insert(record));
    }

    public void EnqueueCount(NodeVersionRecord record, int count) => _ops.Writer.TryWrite(new AddCount(record, count));

    private async Task RunAsync()
    {
        var batch = new List<Op>(512);
        var delay = TimeSpan.FromMilliseconds(100);
        while (await _ops.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 500 && _ops.Reader.TryRead(out var op))
            {
                batch.Add(op);
            }
            while (true)
            {
                try
                {
                    var inserted = await CommitAsync(batch).ConfigureAwait(false);
                    Interlocked.Add(ref _pending, -inserted.Count);
                    delay = TimeSpan.FromMilliseconds(100);
                    if (inserted.Count > 0)
                    {
                        try
                        {
                            Committed?.Invoke(inserted);
                        }
                        catch (Exception ex)
                        {
                            LogHandlerFailed(ex);
                        }
                    }
                    break;
                }
                catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or IOException or TimeoutException)
                {
                    LogStoreFailed(ex, batch.Count, delay);
                    await Task.Delay(delay).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
                }
            }
            batch.Clear();
        }
    }

    private async Task<List<NodeVersionRecord>> CommitAsync(List<Op> batch)
    {
        await using var db = await _store.CreateContextAsync().ConfigureAwait(false);
        var inserted = new List<NodeVersionRecord>();
        var updates = new List<(long Id, int Count)>();
        foreach (var op in batch)
        {
            switch (op)
            {
                case Insert i when i.Record.Id == 0:
                    db.NodeVersions.Add(i.Record);
                    inserted.Add(i.Record);
                    break;
                case AddCount { Record.Id: 0 } c:
                    c.Record.Count += c.Count; // its insert is in this batch
                    break;
                case AddCount c:
                    updates.Add((c.Record.Id, c.Count));
                    break;
            }
        }
        if (inserted.Count > 0)
        {
            await db.SaveChangesAsync().ConfigureAwait(false);
        }
        foreach (var (id, count) in updates)
        {
            await db.NodeVersions.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Count, r => r.Count + count)).ConfigureAwait(false);
        }
        return inserted;
    }

    /// <summary>Waits until everything queued so far is committed (bounded by <paramref name="ct"/>).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        while (Pending > 0)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ops.Writer.TryComplete();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _loop.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogNotFlushed(Pending);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Node history: the store refused a batch of {Count} operations; retrying in {Delay} (nothing is dropped)")]
    private partial void LogStoreFailed(Exception ex, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node history: a Recorded handler failed")]
    private partial void LogHandlerFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node history: shutting down with {Count} tracked versions not yet stored (the store did not accept them in time)")]
    private partial void LogNotFlushed(long count);
}
