using ZkDashboard.Core.Access;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

public sealed partial class ZooKeeperOperations
{
    /// <inheritdoc />
    public Task<WriteResult> CreateAsync(ActingUser user, string ensemble, CreateNodeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var capture = new AuditCapture();
        return RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Create, request.Path), async (client, session) =>
        {
            capture.Change = new AuditChange { DataAfter = request.Data, AclAfter = FormatAcl(request.Acl) };
            PathUtils.Validate(request.Path, request.Mode.IsSequential());
            if (request.Mode.IsTtl() && request.TtlMs <= 0)
            {
                throw new ArgumentException("A TTL node needs a TTL in milliseconds greater than 0.", nameof(request));
            }
            if (!request.Mode.IsTtl() && request.TtlMs != 0)
            {
                throw new ArgumentException($"A TTL is only allowed for TTL modes, not {request.Mode}.", nameof(request));
            }
            WriteResult result;
            try
            {
                var created = await client.CreateAsync(request.Path, request.Data, request.Acl, request.Mode, request.TtlMs, ct).ConfigureAwait(false);
                result = new WriteResult(created.Path, created.Stat);
            }
            catch (OperationOutcomeUnknownException ex)
            {
                result = await ResolveCreateAsync(session, request, ex, ct).ConfigureAwait(false);
            }
            capture.Change = capture.Change with { ResultVersion = result.Stat?.Version, ResultMzxid = result.Stat?.Mzxid };
            if (result.Stat is { } stat)
            {
                await _created.RecordAsync(new CreatedNodeRecord(ensemble, result.Path, request.Mode, request.TtlMs, stat.Czxid, DateTimeOffset.UtcNow, user.Name), ct).ConfigureAwait(false);
            }
            return result;
        }, ct, capture: capture, approval: () => new(Changes.ChangeOperation.Create, request.Path, request.Data.ToArray(), request.Acl, request.Mode, request.TtlMs));
    }

    /// <inheritdoc />
    public Task<WriteResult> SetDataAsync(ActingUser user, string ensemble, string path, ReadOnlyMemory<byte> data, int expectedVersion, CancellationToken ct = default)
    {
        var capture = new AuditCapture();
        return RunAsync(new OperationContext(user, ensemble, ZkOperationKind.SetData, path), async (client, session) =>
        {
            PathUtils.Validate(path);
            capture.Change = new AuditChange { ExpectedVersion = expectedVersion, DataAfter = data };
            // Read before, pipelined with the write on the same session (ZooKeeper answers in order): no extra round trip.
            var before = _audit.CapturesChanges ? client.GetDataAsync(path, watch: false, ct) : null;
            before?.Observe(_logger, $"reading {ensemble}:{path} before a setData for the audit trail", LogLevel.Debug);
            try
            {
                var stat = await client.SetDataAsync(path, data, expectedVersion, ct).ConfigureAwait(false);
                capture.Change = capture.Change with { ResultVersion = stat.Version, ResultMzxid = stat.Mzxid, DataBefore = await ReplacedDataAsync(before, stat).ConfigureAwait(false) };
                return new WriteResult(path, stat);
            }
            catch (ZooKeeperException e) when (e is not OperationOutcomeUnknownException)
            {
                capture.Change = capture.Change with { DataBefore = await DataOrNullAsync(before).ConfigureAwait(false) };
                throw;
            }
            catch (OperationOutcomeUnknownException ex)
            {
                var now = await ReReadAsync(session, path, ex, (c, t) => c.GetDataAsync(path, false, t), ct).ConfigureAwait(false);
                var sameData = now.Data.AsSpan().SequenceEqual(data.Span);
                if (expectedVersion >= 0 && now.Stat.Version == expectedVersion + 1 && sameData)
                {
                    return new WriteResult(path, now.Stat, ConfirmedAfterConnectionLoss: true);
                }
                if (expectedVersion >= 0 && now.Stat.Version == expectedVersion)
                {
                    throw new WriteNotAppliedException(ensemble, path, $"the node still at version {expectedVersion}", ex);
                }
                if (expectedVersion < 0 && sameData)
                {
                    return new WriteResult(path, now.Stat, ConfirmedAfterConnectionLoss: true);
                }
                throw new WriteOutcomeUnknownException(ensemble, path,
                    $"the node is now at version {now.Stat.Version} with {(sameData ? "the data you wrote" : "other data")}; someone else may have written it meanwhile.", ex);
            }
        }, ct, capture: capture, approval: () => new(Changes.ChangeOperation.SetData, path, data.ToArray(), null, null, 0) { ExpectedVersion = expectedVersion });
    }

    /// <summary>
    /// The data a successful setData replaced: what <paramref name="read"/> (sent just before the write on the same session)
    /// saw, when it is of the version the write replaced: the same node (same czxid) one version below <paramref name="result"/>.
    /// Null when another client's write came between the read and this one on the server: what it replaced is then not known,
    /// and a record must not claim it.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>?> ReplacedDataAsync(Task<DataResult>? read, Stat result)
    {
        if (read is null)
        {
            return null;
        }
        try
        {
            var seen = await read.ConfigureAwait(false);
            return seen.Stat.Czxid == result.Czxid && unchecked(seen.Stat.Version + 1) == result.Version ? (ReadOnlyMemory<byte>?)seen.Data : null;
        }
        catch (Exception e) when (e is ZooKeeperException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task<WriteResult> DeleteAsync(ActingUser user, string ensemble, string path, int expectedVersion, CancellationToken ct = default)
    {
        var capture = new AuditCapture();
        return RunAsync(new OperationContext(user, ensemble, ZkOperationKind.Delete, path), async (client, session) =>
        {
            PathUtils.Validate(path);
            capture.Change = new AuditChange { ExpectedVersion = expectedVersion };
            var before = _audit.CapturesChanges ? client.GetDataAsync(path, watch: false, ct) : null;
            before?.Observe(_logger, $"reading {ensemble}:{path} before a delete for the audit trail", LogLevel.Debug);
            var aclBefore = _audit.CapturesChanges ? client.GetAclAsync(path, ct) : null;
            aclBefore?.Observe(_logger, $"reading the ACL of {ensemble}:{path} before a delete for the audit trail", LogLevel.Debug);
            async Task CaptureBeforeAsync()
            {
                capture.Change = capture.Change with
                {
                    DataBefore = await DataOrNullAsync(before).ConfigureAwait(false),
                    AclBefore = aclBefore is not null && await TryAclAsync(aclBefore).ConfigureAwait(false) is { } a ? FormatAcl(a) : null,
                };
            }
            try
            {
                await client.DeleteAsync(path, expectedVersion, ct).ConfigureAwait(false);
                await CaptureBeforeAsync().ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e is not OperationOutcomeUnknownException)
            {
                await CaptureBeforeAsync().ConfigureAwait(false);
                throw;
            }
            catch (OperationOutcomeUnknownException ex)
            {
                var now = await ReReadAsync(session, path, ex, (c, t) => c.ExistsAsync(path, false, t), ct).ConfigureAwait(false);
                if (now is not null)
                {
                    if (expectedVersion < 0 || now.Version == expectedVersion)
                    {
                        throw new WriteNotAppliedException(ensemble, path, "the node still exists", ex);
                    }
                    throw new WriteOutcomeUnknownException(ensemble, path, $"the node exists at version {now.Version}, not {expectedVersion}.", ex);
                }
                await _created.ForgetAsync(ensemble, path, ct).ConfigureAwait(false);
                return new WriteResult(path, null, ConfirmedAfterConnectionLoss: true);
            }
            await _created.ForgetAsync(ensemble, path, ct).ConfigureAwait(false);
            return new WriteResult(path, null);
        }, ct, capture: capture, approval: () => new(Changes.ChangeOperation.Delete, path, null, null, null, 0) { ExpectedVersion = expectedVersion });
    }

    /// <inheritdoc />
    public Task<WriteResult> SetAclAsync(ActingUser user, string ensemble, string path, IReadOnlyList<Acl> acl, int expectedAclVersion, CancellationToken ct = default)
    {
        var capture = new AuditCapture();
        return RunAsync(new OperationContext(user, ensemble, ZkOperationKind.SetAcl, path), async (client, session) =>
        {
            PathUtils.Validate(path);
            if (acl is not { Count: > 0 })
            {
                throw new ArgumentException("An ACL needs at least one entry (for example world:anyone:r).", nameof(acl));
            }
            capture.Change = new AuditChange { ExpectedVersion = expectedAclVersion, AclAfter = FormatAcl(acl) };
            var before = _audit.CapturesChanges ? client.GetAclAsync(path, ct) : null;
            before?.Observe(_logger, $"reading the ACL of {ensemble}:{path} before a setAcl for the audit trail", LogLevel.Debug);
            try
            {
                var stat = await client.SetAclAsync(path, acl, expectedAclVersion, ct).ConfigureAwait(false);
                capture.Change = capture.Change with
                {
                    ResultVersion = stat.Aversion, ResultMzxid = stat.Mzxid,
                    AclBefore = before is not null && await TryAclAsync(before).ConfigureAwait(false) is { } a ? FormatAcl(a) : null,
                };
                return new WriteResult(path, stat);
            }
            catch (ZooKeeperException e) when (e is not OperationOutcomeUnknownException)
            {
                capture.Change = capture.Change with { AclBefore = before is not null && await TryAclAsync(before).ConfigureAwait(false) is { } was ? FormatAcl(was) : null };
                throw;
            }
            catch (OperationOutcomeUnknownException ex)
            {
                var now = await ReReadAsync(session, path, ex, (c, t) => c.GetAclAsync(path, t), ct).ConfigureAwait(false);
                var same = now.Acl.Count == acl.Count && now.Acl.All(acl.Contains);
                if (same && (expectedAclVersion < 0 || now.Stat.Aversion == expectedAclVersion + 1))
                {
                    return new WriteResult(path, now.Stat, ConfirmedAfterConnectionLoss: true);
                }
                if (expectedAclVersion >= 0 && now.Stat.Aversion == expectedAclVersion)
                {
                    throw new WriteNotAppliedException(ensemble, path, $"the ACL still at version {expectedAclVersion}", ex);
                }
                throw new WriteOutcomeUnknownException(ensemble, path, $"the ACL is now at version {now.Stat.Aversion}.", ex);
            }
        }, ct, capture: capture, approval: () => new(Changes.ChangeOperation.SetAcl, path, null, acl, null, 0) { ExpectedVersion = expectedAclVersion });
    }

    private static async Task<ReadOnlyMemory<byte>?> DataOrNullAsync(Task<DataResult>? read)
    {
        if (read is null)
        {
            return null;
        }
        try
        {
            return (await read.ConfigureAwait(false)).Data;
        }
        catch (Exception e) when (e is ZooKeeperException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<WriteResult> ResolveCreateAsync(EnsembleSession session, CreateNodeRequest request, OperationOutcomeUnknownException ex, CancellationToken ct)
    {
        if (request.Mode.IsSequential())
        {
            throw new WriteOutcomeUnknownException(session.Name, request.Path,
                "a sequential node's name is only known from the reply; list the parent to see whether it was created.", ex);
        }
        var stat = await ReReadAsync(session, request.Path, ex, (c, t) => c.ExistsAsync(request.Path, false, t), ct).ConfigureAwait(false);
        if (stat is null)
        {
            throw new WriteNotAppliedException(session.Name, request.Path, "no node at that path", ex);
        }
        if (request.Mode.IsEphemeral())
        {
            var owner = session.CurrentClient?.SessionId ?? 0;
            return stat.EphemeralOwner == owner && owner != 0
                ? new WriteResult(request.Path, stat, ConfirmedAfterConnectionLoss: true)
                : throw new WriteOutcomeUnknownException(session.Name, request.Path, $"a node exists there but is owned by session 0x{stat.EphemeralOwner:x}.", ex);
        }
        var data = await ReReadAsync(session, request.Path, ex, (c, t) => c.GetDataAsync(request.Path, false, t), ct).ConfigureAwait(false);
        return data.Data.AsSpan().SequenceEqual(request.Data.Span)
            ? new WriteResult(request.Path, data.Stat, ConfirmedAfterConnectionLoss: true)
            : throw new WriteOutcomeUnknownException(session.Name, request.Path, "a node exists there with other data; someone else may have created it.", ex);
    }

    /// <summary>
    /// Re-reads after a write lost its connection: waits (bounded) for the session to be usable again, then
    /// reads. When the ensemble stays unreachable, the outcome is reported as unknown.
    /// </summary>
    private async Task<T> ReReadAsync<T>(EnsembleSession session, string path, Exception original, Func<ZooKeeperClient, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.ConnectTimeout + TimeSpan.FromSeconds(5);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var client = await session.GetClientAsync(ct).ConfigureAwait(false);
                await client.SyncAsync(path == "/" ? "/" : path, ct).ConfigureAwait(false);
                return await read(client, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                throw new WriteOutcomeUnknownException(session.Name, path, "the node no longer exists.", original);
            }
            catch (Exception ex) when (ex is ConnectionLossException or EnsembleUnavailableException or SessionExpiredException or OperationTimeoutException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new WriteOutcomeUnknownException(session.Name, path, $"the ensemble is still unreachable ({ex.Message}).", original) { EnsembleUnreachable = true };
                }
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }
}
