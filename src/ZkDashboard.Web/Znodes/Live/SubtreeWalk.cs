using ZkDashboard.Core.Cache;

namespace ZkDashboard.Web.Znodes.Live;

/// <summary>
/// A breadth-first walk below a node, one page of children at a time, shared by the subtree search and the
/// ephemeral-owner scan. Bounded (the caller says when a bound is reached, checked before each node), cancellable,
/// with throttled progress. A node whose children cannot be listed is counted in <see cref="Skipped"/> and passed over.
/// </summary>
public sealed class SubtreeWalk
{
    /// <summary>Children looked at (the start node is not counted).</summary>
    public int Visited { get; private set; }

    /// <summary>Nodes whose children were listed.</summary>
    public int Listed { get; private set; }

    /// <summary>Nodes that could not be listed or read.</summary>
    public int Skipped { get; private set; }

    /// <summary>The walk stopped at a bound.</summary>
    public bool Truncated { get; private set; }

    /// <summary>The walk was cancelled.</summary>
    public bool Cancelled { get; private set; }

    /// <summary>Counts a node the visitor could not read.</summary>
    public void CountSkipped() => Skipped++;

    /// <summary>
    /// Walks below <paramref name="start"/>. <paramref name="listPage"/> reads one page of a node's children from an
    /// offset; <paramref name="visit"/> sees each child and says whether to walk below it; <paramref name="atBound"/>
    /// ends the walk as truncated; <paramref name="progress"/> runs at most every <paramref name="progressEveryMs"/>.
    /// Cancellation ends the walk with <see cref="Cancelled"/> set instead of throwing.
    /// </summary>
    public async Task RunAsync(
        string start,
        Func<string, int, CancellationToken, Task<ChildrenPage>> listPage,
        Func<ChildEntry, CancellationToken, Task<bool>> visit,
        Func<bool> atBound,
        Func<Task> progress,
        long progressEveryMs,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listPage);
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(atBound);
        ArgumentNullException.ThrowIfNull(progress);
        var queue = new Queue<string>();
        queue.Enqueue(start);
        var lastReport = Environment.TickCount64;
        try
        {
            while (queue.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                if (atBound())
                {
                    Truncated = true;
                    return;
                }

                var parent = queue.Dequeue();
                Listed++;
                for (var offset = 0; ;)
                {
                    ChildrenPage page;
                    try
                    {
                        page = await listPage(parent, offset, ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Skipped++;
                        break;
                    }

                    foreach (var child in page.Items)
                    {
                        if (atBound())
                        {
                            Truncated = true;
                            return;
                        }

                        Visited++;
                        if (await visit(child, ct).ConfigureAwait(false))
                        {
                            queue.Enqueue(child.Path);
                        }
                    }

                    offset += page.Items.Count;
                    if (page.Items.Count == 0 || offset >= page.MatchingChildren)
                    {
                        break;
                    }
                }

                if (Environment.TickCount64 - lastReport > progressEveryMs)
                {
                    lastReport = Environment.TickCount64;
                    await progress().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            Cancelled = true;
        }
    }
}
