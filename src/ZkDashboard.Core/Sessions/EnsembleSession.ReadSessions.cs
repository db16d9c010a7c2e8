using Microsoft.Extensions.Logging;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Sessions;

public sealed partial class EnsembleSession
{
    private int _readSessionsOpen;

    /// <summary>Extra read sessions open at the moment (see <see cref="OpenReadSessionsAsync"/>).</summary>
    public int ReadSessionsOpen => Volatile.Read(ref _readSessionsOpen);

    /// <summary>
    /// Opens up to <paramref name="count"/> extra sessions with this ensemble's settings and credentials, for one bulk
    /// read (an export or compare of a large subtree: ZooKeeper serves one session's reads one after the other, so
    /// several sessions read faster). Each is synced on <paramref name="root"/> once open, so it sees at least what the
    /// shared session saw when the job started. Sessions that cannot be opened are logged and left out (the lease may
    /// hold none: the caller reads over the shared session then). The caller disposes the lease, which closes them all;
    /// cancelling <paramref name="ct"/> closes those already open and throws.
    /// </summary>
    internal async Task<ReadSessionLease> OpenReadSessionsAsync(int count, string root, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var lease = new ReadSessionLease(this);
        if (count <= 0)
        {
            return lease;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposed.Token);
        var opening = Enumerable.Range(0, count).Select(_ => OpenReadSessionAsync(root, linked.Token)).ToArray();
        try
        {
            await Task.WhenAll(opening).ConfigureAwait(false);
        }
        catch (Exception) when (opening.All(t => t.IsCompleted))
        {
            // Looked at one by one below.
        }
        foreach (var t in opening)
        {
            if (t.IsCompletedSuccessfully)
            {
                lease.Add(t.Result);
            }
            else if (!t.IsCanceled && t.Exception?.GetBaseException() is { } ex)
            {
                _logger.LogWarning("Ensemble {Ensemble}: an extra read session could not be opened; reading over fewer sessions: {Reason}", Name, Describe(ex).Reason);
            }
        }
        if (ct.IsCancellationRequested || _disposed.IsCancellationRequested)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(true, this);
        }
        return lease;
    }

    private async Task<ZooKeeperClient> OpenReadSessionAsync(string root, CancellationToken ct)
    {
        var client = await ZooKeeperClient.ConnectAsync(BuildClientOptions(), ct).ConfigureAwait(false);
        Interlocked.Increment(ref _readSessionsOpen);
        try
        {
            await client.SyncAsync(root, ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await CloseReadSessionAsync(client).ConfigureAwait(false);
            throw;
        }
    }

    private async Task CloseReadSessionAsync(ZooKeeperClient client)
    {
        try
        {
            await client.DisposeAsync().ConfigureAwait(false); // closeSession with a bounded wait; never throws
        }
        finally
        {
            Interlocked.Decrement(ref _readSessionsOpen);
        }
    }

    /// <summary>Extra read sessions of one job (<see cref="OpenReadSessionsAsync"/>); disposing closes them.</summary>
    internal sealed class ReadSessionLease(EnsembleSession owner) : IAsyncDisposable
    {
        private readonly List<ZooKeeperClient> _clients = [];
        private int _disposed;

        /// <summary>The open sessions (may be none).</summary>
        public IReadOnlyList<ZooKeeperClient> Clients => _clients;

        internal void Add(ZooKeeperClient client) => _clients.Add(client);

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            await Task.WhenAll(_clients.Select(owner.CloseReadSessionAsync)).ConfigureAwait(false);
        }
    }
}
