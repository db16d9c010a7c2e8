namespace ZkDashboard.ZooKeeper;

/// <summary>Conveniences built from the basic operations.</summary>
public static class ZooKeeperClientExtensions
{
    /// <summary>Creates every missing node of <paramref name="path"/> (persistent, empty data) with the given ACL (default: open).</summary>
    public static async Task EnsurePathAsync(this ZooKeeperClient client, string path, IReadOnlyList<Acl>? acl = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathUtils.Validate(path);
        if (path == "/") return;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "";
        foreach (var segment in segments)
        {
            current += "/" + segment;
            try
            {
                await client.CreateAsync(current, default, acl ?? Acls.OpenUnsafe, CreateMode.Persistent, 0, ct).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
            }
        }
    }

    /// <summary>
    /// Deletes a node and everything below it, depth first. Nodes that vanish meanwhile are ignored;
    /// not atomic (children created concurrently can make it fail with <see cref="NotEmptyException"/>).
    /// </summary>
    public static async Task DeleteRecursiveAsync(this ZooKeeperClient client, string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathUtils.Validate(path);
        IReadOnlyList<string> children;
        try
        {
            children = (await client.GetChildrenAsync(path, false, ct).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            return;
        }
        // Pipelined: up to 256 subtrees at a time, so wide nodes go fast.
        for (var i = 0; i < children.Count; i += 256)
        {
            var batch = new List<Task>(Math.Min(256, children.Count - i));
            for (var j = i; j < Math.Min(i + 256, children.Count); j++)
                batch.Add(client.DeleteRecursiveAsync(PathUtils.Join(path, children[j]), ct));
            await Task.WhenAll(batch).ConfigureAwait(false);
        }
        if (path == "/") return;
        try
        {
            await client.DeleteAsync(path, -1, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
        }
    }
}
