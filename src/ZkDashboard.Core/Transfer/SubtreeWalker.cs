using System.Runtime.CompilerServices;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>
/// Reads a subtree in pre-order with children sorted by name (<see cref="TransferPaths.Compare"/> order), without
/// holding the tree: only the child names of the nodes on the current path and a few chunks of siblings per level are
/// in memory. Siblings are read concurrently, a chunk at a time (data and children by multiRead, ACLs beside them).
/// With <see cref="ReadAhead"/>, while a chunk is emitted the next chunk of the same level and the first chunk of the
/// next sibling's children are already being read (at most three chunks per level, so reads stay bounded), and with
/// <see cref="ReadClients"/> the chunks are spread over extra sessions; the output is the same either way. Nodes the
/// user may not see are left out; nodes they may only browse come by name only; masked data is not read into the result.
/// </summary>
internal sealed partial class SubtreeWalker
{
    private const int Chunk = 512;
    private readonly List<Task> _started = [];
    private bool _filter;
    private long _omitted;

    private readonly Func<CancellationToken, ValueTask<ZooKeeperClient>> _client;
    private readonly string _root;
    private readonly Func<string, ValueTask<ReadScope>>? _scope;
    private readonly Func<string, long, ValueTask<CreatedNodeRecord?>>? _created;

    public SubtreeWalker(Func<CancellationToken, ValueTask<ZooKeeperClient>> client, string root, Func<string, ValueTask<ReadScope>>? scope,
        Func<string, long, ValueTask<CreatedNodeRecord?>>? created)
    {
        _client = client;
        _root = root;
        _scope = scope;
        _created = created;
    }

    /// <summary>Read data and ACLs (false: names and stats only, one getChildren per node).</summary>
    public bool IncludeContent { get; init; } = true;

    /// <summary>Keep every node's stat.</summary>
    public bool IncludeStats { get; init; }

    /// <summary>Only visit relative paths for which this is true (and their subtrees, when also true for them).</summary>
    public Func<string, bool>? Visit { get; init; }

    /// <summary>Nodes read.</summary>
    public long Nodes { get; private set; }
    /// <summary>Nodes by name only.</summary>
    public long Hidden { get; private set; }
    /// <summary>Nodes without data (mask).</summary>
    public long Masked { get; private set; }
    /// <summary>Subtrees left out.</summary>
    public long Omitted => Interlocked.Read(ref _omitted);

    /// <summary>Read the next siblings (and the next sibling's first children) while the current ones are emitted.</summary>
    public bool ReadAhead { get; init; } = true;
    /// <summary>Nodes ZooKeeper would not let the dashboard's session read (NoAuth): left out.</summary>
    public List<string> Unreadable { get; } = [];

    private sealed class Fetched
    {
        public required string Path { get; init; }
        public required string Relative { get; init; }
        public ReadScope Scope { get; init; }
        public byte[] Data { get; set; } = [];
        public Stat? Stat { get; set; }
        public IReadOnlyList<Acl>? Acl { get; set; }
        public string[]? Children { get; set; }
        public bool Gone { get; set; }
        public CreatedNodeRecord? Mode { get; set; }
        /// <summary>This node's frame when its first children were read ahead.</summary>
        public Frame? Frame { get; set; }
    }

    private sealed class Frame(string parent, string parentRelative, string[] names)
    {
        public string Parent { get; } = parent;
        public string ParentRelative { get; } = parentRelative;
        public string[] Names { get; } = names;
        public int Next { get; set; }
        public List<Fetched> Buffer { get; set; } = [];
        public int BufferIndex { get; set; }
        /// <summary>The next chunk, being read.</summary>
        public Task<List<Fetched>>? Ahead { get; set; }
    }

    /// <summary>The walk. Throws <see cref="NoNodeException"/> when the root does not exist.</summary>
    public async IAsyncEnumerable<TransferNode> WalkAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var rootScope = _scope is null ? AllScope : await _scope(_root).ConfigureAwait(false);
        _filter = _scope is not null && !rootScope.HasFlag(ReadScope.Subtree);
        var rootNode = new Fetched { Path = _root, Relative = "", Scope = rootScope };
        await FetchAsync([rootNode], ct).ConfigureAwait(false);
        if (rootNode.Gone)
        {
            throw new NoNodeException(_root, $"{_root} does not exist.");
        }
        var stack = new Stack<Frame>();
        var emitted = Emit(rootNode);
        if (emitted is not null)
        {
            yield return emitted;
        }
        if (rootNode.Children is { Length: > 0 } rc)
        {
            stack.Push(new Frame(_root, "", rc));
        }
        try
        {
            while (stack.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                var f = stack.Peek();
                if (f.BufferIndex >= f.Buffer.Count)
                {
                    if (f.Ahead is null)
                    {
                        if (f.Next >= f.Names.Length)
                        {
                            stack.Pop();
                            continue;
                        }
                        f.Ahead = StartBatch(f, ct);
                    }
                    var ahead = f.Ahead;
                    f.Ahead = null;
                    f.Buffer = await ahead.ConfigureAwait(false);
                    f.BufferIndex = 0;
                    if (ReadAhead && f.Next < f.Names.Length)
                    {
                        f.Ahead = StartBatch(f, ct); // the next siblings are read while these are emitted
                    }
                    continue;
                }
                var node = f.Buffer[f.BufferIndex];
                f.Buffer[f.BufferIndex++] = null!; // let it go once emitted
                if (node.Gone)
                {
                    continue;
                }
                var t = Emit(node);
                if (t is not null)
                {
                    yield return t;
                }
                if (node.Children is { Length: > 0 } children)
                {
                    stack.Push(node.Frame ?? new Frame(node.Path, node.Relative, children));
                    node.Frame = null;
                    if (ReadAhead)
                    {
                        PrefetchNextSibling(f, ct);
                    }
                }
            }
        }
        finally
        {
            await DrainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts reading the first children of the next sibling (in the buffer) that has some, unless already started.</summary>
    private void PrefetchNextSibling(Frame f, CancellationToken ct)
    {
        for (var i = f.BufferIndex; i < f.Buffer.Count; i++)
        {
            var next = f.Buffer[i];
            if (next.Gone || next.Children is not { Length: > 0 } names)
            {
                continue;
            }
            if (next.Frame is null)
            {
                next.Frame = new Frame(next.Path, next.Relative, names);
                next.Frame.Ahead = StartBatch(next.Frame, ct);
            }
            return;
        }
    }

    /// <summary>Starts reading the frame's next chunk of siblings.</summary>
    private Task<List<Fetched>> StartBatch(Frame f, CancellationToken ct)
    {
        var start = f.Next;
        var count = Math.Min(Chunk, f.Names.Length - start);
        f.Next += count;
        var task = BatchAsync(f, start, count, ct);
        _started.RemoveAll(t => t.IsCompleted);
        _started.Add(task);
        return task;
    }

    private async Task<List<Fetched>> BatchAsync(Frame f, int start, int count, CancellationToken ct)
    {
        var batch = new List<Fetched>(count);
        for (var i = 0; i < count; i++)
        {
            var name = f.Names[start + i];
            var relative = f.ParentRelative + "/" + name;
            if (Visit is { } visit && !visit(relative))
            {
                continue;
            }
            var path = PathUtils.Join(f.Parent, name);
            var scope = _filter ? await _scope!(path).ConfigureAwait(false) : AllScope;
            if (!scope.HasFlag(ReadScope.Browse))
            {
                Interlocked.Increment(ref _omitted);
                continue;
            }
            batch.Add(new Fetched { Path = path, Relative = relative, Scope = scope });
        }
        await FetchAsync(batch, ct).ConfigureAwait(false);
        return batch;
    }

    /// <summary>Waits for reads started ahead that the walk did not get to (it ended early or failed): none outlives it.</summary>
    private async Task DrainAsync()
    {
        Task[] started = [.. _started];
        _started.Clear();
        try
        {
            await Task.WhenAll(started).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Their failures belong to reads nobody asked for any more; the walk reports its own.
        }
    }

    private const ReadScope AllScope = ReadScope.Browse | ReadScope.Node | ReadScope.Data | ReadScope.Subtree;

    private TransferNode? Emit(Fetched n)
    {
        if (n.Stat is null)
        {
            return null;
        }
        Nodes++;
        if (!n.Scope.HasFlag(ReadScope.Node))
        {
            Hidden++;
            return new TransferNode(n.Relative, [], null, CreateMode.Persistent, 0, null, null, null) { Hidden = true };
        }
        var masked = IncludeContent && !n.Scope.HasFlag(ReadScope.Data);
        if (masked)
        {
            Masked++;
        }
        var mode = n.Stat.EphemeralOwner != 0 ? CreateMode.Ephemeral : CreateMode.Persistent;
        long ttl = 0;
        if (n.Mode is { } m)
        {
            mode = m.Mode;
            ttl = m.TtlMs;
        }
        return new TransferNode(n.Relative, masked ? [] : n.Data, n.Acl, mode, ttl, n.Stat.Version, n.Stat.Aversion, IncludeStats ? n.Stat : null) { DataMasked = masked };
    }
}
