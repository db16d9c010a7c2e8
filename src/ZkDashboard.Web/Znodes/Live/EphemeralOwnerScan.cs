using System.Globalization;
using ZkDashboard.Core.Cache;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Live;

/// <summary>
/// Finds the ephemeral nodes of a session that is not the dashboard's own: ZooKeeper's getEphemerals answers only
/// for the calling session, so this walks a subtree breadth first and keeps the nodes whose stat names
/// <see cref="Owner"/> as ephemeralOwner. Bounded (nodes looked at, results), cancellable, with progress; what it
/// could not list is counted, and a bounded or cancelled scan says that its list is incomplete.
/// </summary>
public sealed class EphemeralOwnerScan
{
    /// <summary>Most nodes looked at by default.</summary>
    public const int DefaultMaxVisited = 20_000;

    /// <summary>Most results kept.</summary>
    public const int MaxResults = 500;

    private const int PageSize = 5_000;
    private readonly List<string> _found = [];
    private readonly SubtreeWalk walk = new();
    private bool rootSeen;
    private bool cancelledAtRoot;

    /// <summary>A scan of <paramref name="root"/>'s subtree for ephemerals of <paramref name="owner"/>.</summary>
    public EphemeralOwnerScan(long owner, string root, int maxVisited = DefaultMaxVisited)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVisited, 1);
        Owner = owner;
        Root = root;
        MaxVisited = maxVisited;
    }

    /// <summary>The session whose ephemerals are looked for.</summary>
    public long Owner { get; }

    /// <summary>Where the scan starts.</summary>
    public string Root { get; }

    /// <summary>The bound on nodes looked at.</summary>
    public int MaxVisited { get; }

    /// <summary>Nodes whose stat was looked at (the root and the walk's nodes).</summary>
    public int Visited => (rootSeen ? 1 : 0) + walk.Visited;

    /// <summary>Nodes whose children could not be listed (NoAuth, deleted meanwhile, errors).</summary>
    public int Skipped => walk.Skipped;

    /// <summary>Matching paths, in the order found.</summary>
    public IReadOnlyList<string> Found => _found;

    /// <summary>True until the scan ends.</summary>
    public bool Running { get; private set; } = true;

    /// <summary>The scan was cancelled: <see cref="Found"/> is incomplete.</summary>
    public bool Cancelled => cancelledAtRoot || walk.Cancelled;

    /// <summary>The scan stopped at a bound: <see cref="Found"/> is incomplete.</summary>
    public bool Truncated => walk.Truncated;

    /// <summary>Why the scan could not start (the root could not be read), if so.</summary>
    public string? Error { get; private set; }

    /// <summary>True when the result may miss nodes (bounded, cancelled, failed or with unlistable nodes).</summary>
    public bool Incomplete => Cancelled || Truncated || Error is not null || Skipped > 0;

    /// <summary>One line of progress or outcome, in words.</summary>
    public string Summary
    {
        get
        {
            var looked = Visited.ToString("N0", CultureInfo.InvariantCulture);
            var found = _found.Count == 1 ? "1 ephemeral node" : $"{_found.Count.ToString("N0", CultureInfo.InvariantCulture)} ephemeral nodes";
            if (Running)
            {
                return $"Scanning {Root}… {looked} nodes looked at, {found} found";
            }

            if (Error is not null)
            {
                return $"Scan failed: {Error}";
            }

            var skipped = Skipped > 0 ? $"; {Skipped.ToString("N0", CultureInfo.InvariantCulture)} node(s) could not be listed" : string.Empty;
            var end = Cancelled ? "Cancelled, the list is incomplete"
                : Truncated ? $"Stopped at the limit of {MaxVisited.ToString("N0", CultureInfo.InvariantCulture)} nodes, the list is incomplete"
                : Skipped > 0 ? "Done, the list may be incomplete"
                : "Done";
            return $"{end}: {found} of session {StatRowsHex(Owner)} under {Root} ({looked} nodes looked at{skipped})";
        }
    }

    /// <summary>
    /// Runs the scan. <paramref name="list"/> reads one page of a node's children (offset, limit);
    /// <paramref name="exists"/> reads one stat (when the page has none yet); <paramref name="progress"/> is
    /// called now and then, and once at the end. Never throws for ZooKeeper errors: they end up in
    /// <see cref="Skipped"/> or <see cref="Error"/>.
    /// </summary>
    public async Task RunAsync(
        Func<string, int, int, CancellationToken, Task<ChildrenPage>> list,
        Func<string, CancellationToken, Task<Stat?>> exists,
        Action progress,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(exists);
        ArgumentNullException.ThrowIfNull(progress);
        try
        {
            var rootStat = await exists(Root, ct).ConfigureAwait(false);
            if (rootStat is null)
            {
                Error = $"{Root} does not exist.";
                return;
            }

            rootSeen = true;
            Consider(Root, rootStat);
            if (rootStat.NumChildren > 0)
            {
                await walk.RunAsync(
                    Root,
                    (parent, offset, token) => list(parent, offset, PageSize, token),
                    async (child, token) =>
                    {
                        var stat = child.Stat ?? await TryExistsAsync(exists, child.Path, token).ConfigureAwait(false);
                        if (stat is null)
                        {
                            return false;
                        }

                        Consider(child.Path, stat);
                        return stat.NumChildren > 0;
                    },
                    () => Visited >= MaxVisited || _found.Count >= MaxResults,
                    () =>
                    {
                        progress();
                        return Task.CompletedTask;
                    },
                    250,
                    ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            cancelledAtRoot = true;
        }
        catch (Exception ex)
        {
            Error = $"{Root} could not be read ({ex.Message}).";
        }
        finally
        {
            Running = false;
            progress();
        }
    }

    private void Consider(string path, Stat stat)
    {
        if (stat.EphemeralOwner == Owner && Owner != 0)
        {
            _found.Add(path);
        }
    }

    private async Task<Stat?> TryExistsAsync(Func<string, CancellationToken, Task<Stat?>> exists, string path, CancellationToken ct)
    {
        try
        {
            return await exists(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            walk.CountSkipped();
            return null;
        }
    }

    private static string StatRowsHex(long session) => Stats.StatRows.Hex(session);
}
