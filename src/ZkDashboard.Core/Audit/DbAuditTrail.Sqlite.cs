using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Audit;

/// <summary>
/// SQLite settings of the writer's connection: WAL, the configured <see cref="AuditSqliteDurability"/>, and checkpoints moved
/// off the commit path. SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages and fsyncs the log
/// and the database there, which made that append (and the write waiting on it) several milliseconds slower. Here the
/// writer's connection turns it off and a background connection checkpoints PASSIVE-ly (without blocking the writer) every
/// <see cref="AuditOptions.SqliteCheckpointInterval"/>. The writer keeps one open connection (no context, pool round trip or
/// PRAGMAs per batch); after a failed batch it closes it and the next batch opens a new one.
/// </summary>
public sealed partial class DbAuditTrail
{
    private readonly CancellationTokenSource _checkpointStop = new();
    private bool _sqlitePrepared;
    private Task? _checkpoints;
    private int _checkpointsStopped;
    private SqliteConnection? _sqliteWriter; // used by the writer task only
    private DbCommand? _sqliteInsert; // prepared on _sqliteWriter
    private DbCommand? _sqliteChainRead; // prepared on _sqliteWriter
    private DbCommand? _sqliteHeadUpdate; // prepared on _sqliteWriter
    private bool _notSqlite;

    /// <summary>The writer's open SQLite connection (opened on first use), or null when the store is not SQLite.</summary>
    private async Task<SqliteConnection?> SqliteWriterAsync(CancellationToken ct)
    {
        if (_sqliteWriter is not null || _notSqlite)
        {
            return _sqliteWriter;
        }
        string connectionString;
        await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            if (Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(db.Database) is not SqliteConnection sqlite)
            {
                _notSqlite = true;
                return null;
            }
            connectionString = sqlite.ConnectionString;
        }
        // DefaultTimeout: how long BEGIN waits for a locked file before the append fails.
        var conn = new SqliteConnection(connectionString) { DefaultTimeout = Math.Max(1, (int)_options.StoreTimeout.TotalSeconds) };
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            await PrepareSqliteAsync(conn, ct).ConfigureAwait(false);
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return _sqliteWriter = conn;
    }

    private async Task CloseSqliteWriterAsync()
    {
        foreach (var kept in new[] { Interlocked.Exchange(ref _sqliteInsert, null), Interlocked.Exchange(ref _sqliteChainRead, null), Interlocked.Exchange(ref _sqliteHeadUpdate, null) })
        {
            if (kept is not null)
            {
                await kept.DisposeAsync().ConfigureAwait(false);
            }
        }
        if (Interlocked.Exchange(ref _sqliteWriter, null) is { } conn)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task PrepareSqliteAsync(DbConnection conn, CancellationToken ct)
    {
        var background = _options.SqliteCheckpointInterval > TimeSpan.Zero;
        if (!_sqlitePrepared)
        {
            // WAL: appends do not block readers of the page; set once, it stays on the database file.
            await ExecAsync(conn, null, "PRAGMA journal_mode=WAL", ct).ConfigureAwait(false);
            if (background)
            {
                _checkpoints = Task.Run(() => CheckpointLoopAsync(conn.ConnectionString, _checkpointStop.Token));
            }
            _sqlitePrepared = true;
        }
        // Per connection: set once when the writer opens it.
        var sync = _options.SqliteDurability == AuditSqliteDurability.Full ? "FULL" : "NORMAL";
        await ExecAsync(conn, null, $"PRAGMA synchronous={sync}; PRAGMA wal_autocheckpoint={(background ? 0 : 1000)}", ct).ConfigureAwait(false);
    }

    private async Task CheckpointLoopAsync(string connectionString, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.SqliteCheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await using var conn = new SqliteConnection(connectionString);
                    await conn.OpenAsync(stop).ConfigureAwait(false);
                    await using var cmd = conn.CreateCommand();
                    cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await cmd.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckpointFailed(ex); // the log keeps growing until a checkpoint succeeds; nothing is lost
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopCheckpointsAsync()
    {
        if (Interlocked.Exchange(ref _checkpointsStopped, 1) == 1)
        {
            return; // disposed before (the container may dispose the trail through more than one registration)
        }
        await _checkpointStop.CancelAsync().ConfigureAwait(false);
        if (_checkpoints is { } c)
        {
            await c.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _checkpointStop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit store's write-ahead log could not be checkpointed (it grows until a checkpoint succeeds)")]
    private partial void LogCheckpointFailed(Exception ex);
}
