using System.Collections.Concurrent;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

/// <summary>How the dashboard created a node (ZooKeeper does not tell clients about container and TTL modes).</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="Path">Node path.</param>
/// <param name="Mode">Create mode used.</param>
/// <param name="TtlMs">TTL in milliseconds (TTL modes), else 0.</param>
/// <param name="Czxid">The node's czxid, so a later node at the same path is not mistaken for this one.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="CreatedBy">Who.</param>
public sealed record CreatedNodeRecord(string Ensemble, string Path, CreateMode Mode, long TtlMs, long Czxid, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>Remembers nodes created through the dashboard. In memory now; the store replaces it later.</summary>
public interface ICreatedNodeRegistry
{
    /// <summary>Records a created node.</summary>
    ValueTask RecordAsync(CreatedNodeRecord record, CancellationToken ct = default);

    /// <summary>The record for the node at <paramref name="path"/> whose czxid is <paramref name="czxid"/>, if any.</summary>
    ValueTask<CreatedNodeRecord?> FindAsync(string ensemble, string path, long czxid, CancellationToken ct = default);

    /// <summary>Forgets a node (deleted).</summary>
    ValueTask ForgetAsync(string ensemble, string path, CancellationToken ct = default);
}

/// <summary>The in-memory <see cref="ICreatedNodeRegistry"/> (lost on restart).</summary>
public sealed class InMemoryCreatedNodeRegistry : ICreatedNodeRegistry
{
    private readonly ConcurrentDictionary<(string, string), CreatedNodeRecord> _records = new();

    /// <inheritdoc />
    public ValueTask RecordAsync(CreatedNodeRecord record, CancellationToken ct = default)
    {
        _records[(record.Ensemble, record.Path)] = record;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<CreatedNodeRecord?> FindAsync(string ensemble, string path, long czxid, CancellationToken ct = default)
        => ValueTask.FromResult(_records.TryGetValue((ensemble, path), out var r) && r.Czxid == czxid ? r : null);

    /// <inheritdoc />
    public ValueTask ForgetAsync(string ensemble, string path, CancellationToken ct = default)
    {
        _records.TryRemove((ensemble, path), out _);
        return ValueTask.CompletedTask;
    }
}
