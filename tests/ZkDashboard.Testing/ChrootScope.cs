using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Testing;

/// <summary>
/// A test's private subtree: creates a chroot node with a root-level client, hands out clients rooted
/// in it, and on dispose closes them and deletes the whole subtree.
/// </summary>
public sealed class ChrootScope : IAsyncDisposable
{
    private readonly List<ZooKeeperClient> _clients = [];
    private readonly ZooKeeperClient _root;

    private ChrootScope(string baseConnectString, string chroot, ZooKeeperClient root)
    {
        BaseConnectString = baseConnectString;
        Chroot = chroot;
        _root = root;
    }

    /// <summary>The ensemble's connect string without chroot.</summary>
    public string BaseConnectString { get; }
    /// <summary>The chroot path, e.g. "/t-0123…".</summary>
    public string Chroot { get; }
    /// <summary>Connect string rooted in the chroot.</summary>
    public string ConnectString => BaseConnectString + Chroot;
    /// <summary>A client at the ensemble root (no chroot), owned by the scope.</summary>
    public ZooKeeperClient Root => _root;

    /// <summary>Creates the chroot node (named <paramref name="chroot"/> or "/t-&lt;guid&gt;").</summary>
    public static async Task<ChrootScope> CreateAsync(string baseConnectString, string? chroot = null, CancellationToken ct = default)
    {
        chroot ??= "/t-" + Guid.NewGuid().ToString("N");
        var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = baseConnectString, ConnectTimeout = TimeSpan.FromSeconds(30) }, ct);
        try
        {
            await root.EnsurePathAsync(chroot, ct: ct);
        }
        catch
        {
            await root.DisposeAsync();
            throw;
        }
        return new ChrootScope(baseConnectString, chroot, root);
    }

    /// <summary>Opens a client rooted in the chroot; it is closed when the scope is disposed.</summary>
    public async Task<ZooKeeperClient> ConnectAsync(Func<ZooKeeperClientOptions, ZooKeeperClientOptions>? configure = null, CancellationToken ct = default)
    {
        var options = new ZooKeeperClientOptions { ConnectString = ConnectString, ConnectTimeout = TimeSpan.FromSeconds(30) };
        if (configure is not null) options = configure(options);
        var client = await ZooKeeperClient.ConnectAsync(options, ct);
        lock (_clients) _clients.Add(client);
        return client;
    }

    /// <summary>Closes the scope's clients and deletes the chroot subtree.</summary>
    public async ValueTask DisposeAsync()
    {
        ZooKeeperClient[] clients;
        lock (_clients) clients = [.. _clients];
        foreach (var c in clients) await c.DisposeAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _root.DeleteRecursiveAsync(Chroot, cts.Token);
        }
        catch (ZooKeeperException)
        {
            // Best effort: the ensemble may be down at the end of a fault test.
        }
        finally
        {
            await _root.DisposeAsync();
        }
    }
}
