using System.Runtime.ExceptionServices;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>
/// How the walk reads a chunk of siblings: data and children by multiRead with the ACLs pipelined beside them, spread over
/// the extra read sessions; browse-only nodes by exists; one request per read when multiRead is refused.
/// </summary>
internal sealed partial class SubtreeWalker
{
    private async Task FetchAsync(List<Fetched> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var client = await _client(ct).ConfigureAwait(false);
        if (!IncludeContent)
        {
            client = NextReader(client);
            var reads = client.Pipeline(() =>
            {
                var t = new Task<ChildrenResult>[batch.Count];
                for (var i = 0; i < t.Length; i++)
                {
                    t[i] = Start(() => client.GetChildrenAsync(batch[i].Path, false, ct));
                }
                return t;
            });
            await ((Task)Task.WhenAll(reads)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            for (var i = 0; i < reads.Length; i++)
            {
                var n = batch[i];
                try
                {
                    var c = await reads[i].ConfigureAwait(false); // completed: no wait
                    n.Stat = c.Stat;
                    n.Children = Sorted(c.Children);
                }
                catch (NoNodeException)
                {
                    n.Gone = true;
                }
            }
            return;
        }
        // Data and children of readable nodes in multiRead round trips (one server request per chunk instead of two per
        // node), their ACLs beside them in the same socket write (getACL cannot be part of a multiRead); browse-only nodes
        // by exists.
        var tasks = new List<Task>();
        var readable = new List<Fetched>(batch.Count);
        foreach (var n in batch)
        {
            if (n.Scope.HasFlag(ReadScope.Node) && UseMultiRead)
            {
                readable.Add(n);
            }
            else
            {
                tasks.Add(ReadAsync(client, n, ct));
            }
        }
        // Each chunk (its multiRead and its ACL reads) goes to the next session in turn when there are extra ones.
        foreach (var chunk in readable.Chunk(MultiReadChunk))
        {
            tasks.Add(ReadChunkAsync(NextReader(client), chunk, ct));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var withChildren = batch.Where(n => !n.Gone && n.Children is null && n.Stat is { NumChildren: > 0 }).ToList();
        if (withChildren.Count > 0)
        {
            await Task.WhenAll(withChildren.Select(async n =>
            {
                try
                {
                    n.Children = Sorted((await client.GetChildrenAsync(n.Path, false, ct).ConfigureAwait(false)).Children);
                }
                catch (NoNodeException)
                {
                    n.Gone = true;
                }
                catch (NoAuthException)
                {
                    lock (Unreadable)
                    {
                        Unreadable.Add(n.Path);
                    }
                }
            })).ConfigureAwait(false);
        }
    }

    /// <summary>A call started now; a synchronous throw (cancelled already) becomes its failed task.</summary>
    private static Task<T> Start<T>(Func<Task<T>> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <summary>Nodes per multiRead (getData + getChildren each); 128 and 256 were not faster in the bulk benchmark.</summary>
    private const int MultiReadChunk = 64;

    /// <summary>Extra read-only sessions to spread the reads over, beside the shared one (none: the shared one only).</summary>
    public IReadOnlyList<ZooKeeperClient> ReadClients { get; init; } = [];

    private int _nextReader;

    private ZooKeeperClient NextReader(ZooKeeperClient shared)
    {
        var readers = ReadClients;
        if (readers.Count == 0)
        {
            return shared;
        }
        var i = (int)((uint)Interlocked.Increment(ref _nextReader) % (uint)(readers.Count + 1));
        return i == readers.Count ? shared : readers[i];
    }

    /// <summary>Read data and children with multiRead (ZooKeeper 3.6+); false falls back to one request per read.</summary>
    public bool UseMultiRead { get; init; } = true;

    /// <summary>
    /// One chunk: its multiRead and its getACLs, written to the socket together (one write and one server read instead of
    /// one per node), then their results in order, without a task per node.
    /// </summary>
    private async Task ReadChunkAsync(ZooKeeperClient client, Fetched[] chunk, CancellationToken ct)
    {
        var (multi, acls) = client.Pipeline(() =>
        {
            var ops = new Op[2 * chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                ops[2 * i] = Op.GetData(chunk[i].Path);
                ops[2 * i + 1] = Op.GetChildren(chunk[i].Path);
            }
            var m = Start(() => client.MultiReadAsync(ops, ct));
            var a = new Task<AclResult>[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                a[i] = Start(() => client.GetAclAsync(chunk[i].Path, ct));
            }
            return (m, a);
        });
        try
        {
            await MultiReadAsync(client, chunk, multi, ct).ConfigureAwait(false);
        }
        finally
        {
            // Replies come in order, so these are mostly complete by now; none is left running.
            await ((Task)Task.WhenAll(acls)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Exception? failure = null;
            for (var i = 0; i < acls.Length; i++)
            {
                var t = acls[i];
                if (t.IsCompletedSuccessfully)
                {
                    chunk[i].Acl = t.Result.Acl;
                }
                else if (t.IsCanceled)
                {
                    failure ??= new TaskCanceledException(t);
                }
                else if (t.Exception!.InnerException is not ZooKeeperException || ct.IsCancellationRequested)
                {
                    failure ??= t.Exception.InnerException;
                }
                // Else the data read decides whether the node is there; a missing ACL leaves the ACL unknown.
            }
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    private async Task MultiReadAsync(ZooKeeperClient client, Fetched[] chunk, Task<IReadOnlyList<OpResult>> multi, CancellationToken ct)
    {
        IReadOnlyList<OpResult> results;
        try
        {
            results = await multi.ConfigureAwait(false);
        }
        catch (ZooKeeperException ex) when (ex is not ConnectionLossException && !ct.IsCancellationRequested)
        {
            // The server refused the multiRead as a whole (too large a reply, an old server): one request per read.
            await Task.WhenAll(chunk.Select(n => ReadAsync(client, n, ct, aclRead: true))).ConfigureAwait(false);
            return;
        }
        for (var i = 0; i < chunk.Length; i++)
        {
            var n = chunk[i];
            switch (results[2 * i])
            {
                case GetDataOpResult d:
                    n.Data = d.Data;
                    n.Stat = d.Stat;
                    break;
                case ErrorOpResult { Code: ErrorCode.NoAuth }:
                    n.Gone = true;
                    lock (Unreadable)
                    {
                        Unreadable.Add(n.Path);
                    }
                    continue;
                default:
                    n.Gone = true; // NoNode: deleted meanwhile
                    continue;
            }
            if (results[2 * i + 1] is GetChildrenOpResult c)
            {
                n.Children = Sorted(c.Children);
            }
            if (_created is not null && n.Stat is { EphemeralOwner: 0 } s)
            {
                n.Mode = await _created(n.Path, s.Czxid).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadAsync(ZooKeeperClient client, Fetched n, CancellationToken ct, bool aclRead = false)
    {
        try
        {
            if (!n.Scope.HasFlag(ReadScope.Node))
            {
                n.Stat = await client.ExistsAsync(n.Path, false, ct).ConfigureAwait(false);
                n.Gone = n.Stat is null;
                return;
            }
            var aclTask = aclRead ? null : client.GetAclAsync(n.Path, ct);
            try
            {
                var data = await client.GetDataAsync(n.Path, false, ct).ConfigureAwait(false);
                n.Data = data.Data;
                n.Stat = data.Stat;
            }
            finally
            {
                try
                {
                    if (aclTask is not null)
                    {
                        n.Acl = (await aclTask.ConfigureAwait(false)).Acl;
                    }
                }
                catch (ZooKeeperException)
                {
                    // The data read's error (or success) decides; a missing ACL leaves the ACL unknown.
                }
            }
            if (_created is not null && n.Stat is { EphemeralOwner: 0 } s)
            {
                n.Mode = await _created(n.Path, s.Czxid).ConfigureAwait(false);
            }
        }
        catch (NoNodeException)
        {
            n.Gone = true;
        }
        catch (NoAuthException)
        {
            n.Gone = true;
            lock (Unreadable)
            {
                Unreadable.Add(n.Path);
            }
        }
    }

    private static string[] Sorted(IReadOnlyList<string> names)
    {
        var a = names.ToArray();
        Array.Sort(a, StringComparer.Ordinal);
        return a;
    }
}
