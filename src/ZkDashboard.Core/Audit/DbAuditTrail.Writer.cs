using System.Threading.Channels;

namespace ZkDashboard.Core.Audit;

/// <summary>
/// How records reach the store: the queue, the writer task (with its linger for outcomes nobody waits for), and the inline
/// commit of a record its caller waits for. The commit itself (one transaction per batch) is in DbAuditTrail.cs.
/// </summary>
public sealed partial class DbAuditTrail
{
    /// <summary>Waits until every record queued before this call is committed (or failed).</summary>
    public Task FlushAsync(CancellationToken ct = default)
        => EnqueueAsync(new WorkItem(null, () => Task.FromResult(0L))).WaitAsync(ct);

    private Task<long> EnqueueAsync(WorkItem item)
    {
        EnsureWriter();
        if (!item.Lazy)
        {
            Interlocked.Increment(ref _urgent);
        }
        if (!_queue.Writer.TryWrite(item))
        {
            if (!item.Lazy)
            {
                Interlocked.Decrement(ref _urgent);
            }
            throw new InvalidOperationException("The audit writer has stopped (the dashboard is shutting down).");
        }
        if (!item.Lazy)
        {
            _wake.Release(); // a lingering writer goes now
        }
        return item.Done.Task;
    }

    /// <summary>Takes <paramref name="item"/> off the queue's books (it was read from the queue).</summary>
    private void Taken(WorkItem item)
    {
        if (!item.Lazy)
        {
            Interlocked.Decrement(ref _urgent);
        }
    }

    /// <summary>
    /// Before the writer task commits what is queued: when all of it is lazy (outcome records nobody waits for), it waits up
    /// to <see cref="AuditOptions.WriterLinger"/> so that the next write's intent, committed inline, takes those records into
    /// its own transaction. Without this the writer's commit of one write's outcome held the store's lock just when the next
    /// write's intent came: that intent then waited for the commit and for two thread hand-offs (the audit's p99 cost).
    /// A record anyone waits for (a flush, a purge, an intent that found the writer busy), a full batch, or shutdown ends
    /// the wait at once.
    /// </summary>
    /// <returns>False when an inline commit took everything meanwhile (nothing left for the writer).</returns>
    private async Task<bool> LingerAsync()
    {
        var linger = _options.WriterLinger;
        while (_queue.Reader.TryPeek(out var head))
        {
            if (linger <= TimeSpan.Zero || _disposed || Volatile.Read(ref _urgent) > 0 || _queue.Reader.Count >= Math.Max(1, _options.MaxBatch))
            {
                return true;
            }
            var woken = await _wake.WaitAsync(linger).ConfigureAwait(false);
            while (_wake.Wait(0))
            {
                // signals of items this round writes anyway
            }
            if (woken || (_queue.Reader.TryPeek(out var now) && ReferenceEquals(now, head)))
            {
                return true; // somebody waits, or the head waited its linger
            }
            // An inline commit took the queue meanwhile; whatever came after it gets its own linger.
        }
        return false;
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }
        lock (_startLock)
        {
            _writer ??= Task.Run(WriterLoopAsync);
        }
    }

    /// <summary>
    /// A record the operation waits for (an intent before a write): when no batch is being written, the caller commits it
    /// itself, after whatever was queued before it, instead of handing it to the writer task and waiting to be handed back.
    /// Each of those two hand-offs waits for a free core on a busy machine, and that wait was most of the audit's p99 cost.
    /// </summary>
    private Task<long> SubmitRequired(WorkItem item)
    {
        if (_disposed || !_writeGate.Wait(0))
        {
            return EnqueueAsync(item);
        }
        return WriteInlineAsync(item);
    }

    private async Task<long> WriteInlineAsync(WorkItem item)
    {
        try
        {
            var batch = new List<WorkItem>();
            var max = Math.Max(1, _options.MaxBatch);
            // Records handed over before this one keep their place in the chain; a purge stays for the writer task.
            while (batch.Count < max - 1 && _queue.Reader.TryPeek(out var head) && head.Purge is null && _queue.Reader.TryRead(out head))
            {
                Taken(head);
                batch.Add(head);
            }
            batch.Add(item);
            await WriteBatchAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
        return await item.Done.Task.ConfigureAwait(false);
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<WorkItem>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!await LingerAsync().ConfigureAwait(false))
            {
                continue;
            }
            await _writeGate.WaitAsync().ConfigureAwait(false);
            try
            {
                await WriteQueuedAsync(batch).ConfigureAwait(false);
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }

    /// <summary>One round of the writer task: a batch of what is queued (it may be empty: an inline commit took it), or a purge alone.</summary>
    private async Task WriteQueuedAsync(List<WorkItem> batch)
    {
        batch.Clear();
        while (batch.Count < Math.Max(1, _options.MaxBatch) && _queue.Reader.TryRead(out var item))
        {
            Taken(item);
            if (item.Purge is not null && batch.Count > 0)
            {
                // A purge runs alone; put it first in the next round.
                await WriteBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
            batch.Add(item);
            if (item.Purge is not null)
            {
                break;
            }
        }
        if (batch.Count == 1 && batch[0].Purge is { } purge)
        {
            try
            {
                batch[0].Done.TrySetResult(await purge().ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                batch[0].Done.TrySetException(ex);
            }
            return;
        }
        if (batch.Count > 0)
        {
            await WriteBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private sealed record WorkItem(AuditRecordRow? Row, Func<Task<long>>? Purge)
    {
        /// <summary>Nobody waits for it to be committed (an outcome, a denial): the writer may linger before writing it.</summary>
        public bool Lazy { get; init; }

        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
