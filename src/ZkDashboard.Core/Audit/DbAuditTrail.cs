using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Audit;

/// <summary>
/// The durable, tamper-evident audit trail in the dashboard store (<see cref="IAuditSink"/> and <see cref="IAuditTrail"/>).
/// One writer task appends records in batches (or, when it is idle, a caller waiting for its record commits the batch
/// itself: <see cref="SubmitRequired"/>), each batch one transaction that takes the store's lock (SQLite: the
/// immediate write lock; PostgreSQL: an advisory transaction lock and the chain row <c>FOR UPDATE</c>), reads the chain
/// head, gives each record the next id and its hash, and moves the head. Several dashboard instances on one PostgreSQL
/// database therefore extend one chain; a unique index on the previous hash refuses a fork.
/// </summary>
public sealed partial class DbAuditTrail : IAuditSink, IAuditTrail, IAsyncDisposable
{
    private const long PostgresLockKey = 0x7A6B_6441_7564_6974; // "zkdAudit"
    private readonly IDashboardStore _store;
    private readonly AuditOptions _options;
    private readonly IAccessPolicy _policy;
    private readonly ILogger<DbAuditTrail> _logger;
    private readonly TimeProvider _time;
    // Read by the writer task and by a caller committing inline (one at a time, under _writeGate).
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = false });
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0); // released for each queued item somebody waits for
    private int _urgent; // queued items somebody waits for
    private volatile bool _disposed;
    private readonly Lock _startLock = new();
    private Task? _writer;
    private long _reads;

    /// <summary>Creates the trail over <paramref name="store"/>.</summary>
    public DbAuditTrail(IDashboardStore store, IOptions<AuditOptions> options, IAccessPolicy policy, ILogger<DbAuditTrail> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _policy = policy;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The options in effect.</summary>
    public AuditOptions Options => _options;

    /// <inheritdoc />
    public bool CapturesChanges => true;

    /// <inheritdoc />
    public async ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
        => await AppendAsync(record, required: false, ct).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<long?> AppendAsync(AuditRecord record, bool required, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!ShouldStore(record))
        {
            LogRecord(record);
            return null;
        }
        var row = ToRow(record, _options.ContentCapBytes);
        if (!required)
        {
            // Not a precondition of anything (an outcome, a denial, a login): queued for the writer, which commits it with the
            // next batch; readers of the trail flush the queue first. A failure is logged by the writer (never silently dropped).
            var queued = EnqueueAsync(new WorkItem(row, null) { Lazy = true });
            _ = queued.ContinueWith(t => LogStoreFailed(t.Exception!.GetBaseException(), row.Operation, row.Ensemble, row.Path, false),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return queued.IsCompletedSuccessfully ? queued.Result : null;
        }
        try
        {
            return await SubmitRequired(new WorkItem(row, null)).WaitAsync(_options.StoreTimeout + TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogStoreFailed(ex, row.Operation, row.Ensemble, row.Path, required && !_options.FailOpen);
            LogRecord(record);
            if (required && !_options.FailOpen)
            {
                throw new AuditUnavailableException($"{row.Operation} {row.Path} on '{row.Ensemble}'", ex);
            }
            return null;
        }
    }

    private bool ShouldStore(AuditRecord record)
    {
        if (!record.Operation.IsRead || record.Outcome != AuditOutcome.Succeeded || record.OperationName is not null)
        {
            return true;
        }
        return _options.Reads switch
        {
            AuditReadRecording.All => true,
            AuditReadRecording.Sampled => Interlocked.Increment(ref _reads) % Math.Max(1, _options.ReadSampleEvery) == 0,
            _ => false,
        };
    }

    private void LogRecord(AuditRecord record)
    {
        var op = record.Operation;
        if (op.IsRead && record.Outcome == AuditOutcome.Succeeded)
        {
            LogReadLine(op.User.ToString(), op.Kind, op.Ensemble, op.Path);
        }
        else
        {
            LogLine(op.User.ToString(), record.OperationName ?? op.Kind.ToString(), op.Ensemble, op.Path, record.Outcome, record.Detail);
        }
    }

    /// <summary>The row for <paramref name="record"/> (id and hashes are set by the writer).</summary>
    internal static AuditRecordRow ToRow(AuditRecord record, int cap)
    {
        var op = record.Operation;
        var c = record.Change;
        var row = new AuditRecordRow
        {
            AtMs = record.At.ToUnixTimeMilliseconds(),
            User = op.User.Name,
            Provider = op.User.Provider,
            ClientIp = op.User.RemoteAddress,
            UserAgent = Clip(op.User.UserAgent, 512),
            RequestId = Clip(op.User.RequestId, 128),
            Ensemble = op.Ensemble,
            Operation = record.OperationName ?? op.Kind.ToString(),
            Path = op.Path,
            TargetEnsemble = op.TargetEnsemble,
            TargetPath = op.TargetPath,
            Reason = Clip(op.Reason, 2000),
            Outcome = (int)record.Outcome,
            Detail = Clip(record.Detail, 4000),
        };
        if (c is not null)
        {
            row.ExpectedVersion = c.ExpectedVersion;
            row.ResultVersion = c.ResultVersion;
            row.ResultMzxid = c.ResultMzxid;
            row.AclBefore = c.AclBefore;
            row.AclAfter = c.AclAfter;
            row.Done = c.Done;
            row.Total = c.Total;
            row.LinkedId = c.LinkedId;
            row.RestoredFromId = c.RestoredFromId;
            row.LinkedNodeVersionId = c.LinkedNodeVersionId;
            if (c.DataBefore is { } before)
            {
                row.SizeBefore = before.Length;
                row.Sha256Before = AuditHashing.Sha256(before.Span);
                row.DataBefore = before.Length <= cap ? before.ToArray() : null;
            }
            if (c.DataAfter is { } after)
            {
                row.SizeAfter = after.Length;
                row.Sha256After = AuditHashing.Sha256(after.Span);
                row.DataAfter = after.Length <= cap ? after.ToArray() : null;
            }
        }
        return row;
    }

    private static string? Clip(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private async Task WriteBatchAsync(List<WorkItem> batch)
    {
        try
        {
            var rows = batch.Select(b => b.Row!).ToList();
            await AppendRowsAsync(rows, CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(rows[i].Id);
            }
        }
        catch (Exception ex)
        {
            foreach (var item in batch)
            {
                item.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>Appends <paramref name="rows"/> in one transaction under the store's lock (sets their ids and hashes).</summary>
    private async Task AppendRowsAsync(List<AuditRecordRow> rows, CancellationToken ct)
    {
        if (await SqliteWriterAsync(ct).ConfigureAwait(false) is { } sqlite)
        {
            try
            {
                await AppendRowsOnAsync(sqlite, postgres: false, rows, ct).ConfigureAwait(false);
            }
            catch
            {
                await CloseSqliteWriterAsync().ConfigureAwait(false); // the next batch opens a fresh connection
                throw;
            }
            return;
        }
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await AppendRowsOnAsync(conn, db.Database.IsNpgsql(), rows, ct).ConfigureAwait(false);
    }

    private async Task AppendRowsOnAsync(DbConnection conn, bool postgres, List<AuditRecordRow> rows, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        // The SQLite writer's connection keeps its commands (each prepared once: a prepare per statement and commit was part
        // of the intent's commit time); other connections make them per batch.
        var kept = ReferenceEquals(conn, _sqliteWriter);
        var chain = await LockChainAsync(conn, tx, postgres, kept ? _sqliteChainRead ??= CreateChainRead(conn) : null, ct).ConfigureAwait(false);
        var id = chain.HeadId;
        var prev = chain.HeadHash;
        var insert = kept ? _sqliteInsert ??= CreateInsert(conn, tx) : CreateInsert(conn, tx);
        insert.Transaction = tx;
        try
        {
            foreach (var row in rows)
            {
                row.Id = ++id;
                row.PrevHash = prev;
                row.Hash = AuditHashing.Compute(row);
                prev = row.Hash;
                Bind(insert, row);
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!kept)
            {
                await insert.DisposeAsync().ConfigureAwait(false);
            }
        }
        if (kept)
        {
            var head = _sqliteHeadUpdate ??= CreateHeadUpdate(conn);
            head.Transaction = tx;
            head.Parameters[0].Value = id;
            head.Parameters[1].Value = prev;
            await head.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await ExecAsync(conn, tx, HeadUpdateSql, ct, id, prev).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private const string HeadUpdateSql = "UPDATE \"AuditChain\" SET \"HeadId\" = @p0, \"HeadHash\" = @p1 WHERE \"Id\" = 1";

    private DbCommand CreateHeadUpdate(DbConnection conn)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = HeadUpdateSql;
        cmd.CommandTimeout = Math.Max(1, (int)_options.StoreTimeout.TotalSeconds);
        foreach (var (name, type) in new[] { ("@p0", System.Data.DbType.Int64), ("@p1", System.Data.DbType.String) })
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.DbType = type;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static DbCommand CreateChainRead(DbConnection conn)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = ChainReadSql;
        return cmd;
    }

    /// <summary>Takes the chain lock and returns the chain row (created on first use).</summary>
    /// <param name="read">A kept command to read the chain row with (SQLite's writer connection), or null for a new one.</param>
    private async Task<AuditChainRow> LockChainAsync(DbConnection conn, DbTransaction tx, bool postgres, DbCommand? read, CancellationToken ct)
    {
        if (postgres)
        {
            await ExecAsync(conn, tx, $"SELECT pg_advisory_xact_lock({PostgresLockKey})", ct).ConfigureAwait(false);
        }
        AuditChainRow? chain;
        if (read is null)
        {
            chain = await ReadChainAsync(conn, tx, postgres, ct).ConfigureAwait(false);
        }
        else
        {
            read.Transaction = tx;
            chain = await ReadChainOnAsync(read, ct).ConfigureAwait(false);
        }
        if (chain is not null)
        {
            return chain;
        }
        await ExecAsync(conn, tx, "INSERT INTO \"AuditChain\" (\"Id\", \"AnchorId\", \"AnchorHash\", \"HeadId\", \"HeadHash\") VALUES (1, 0, @p0, 0, @p0)", ct,
            AuditHashing.Genesis).ConfigureAwait(false);
        return new AuditChainRow { Id = 1, AnchorId = 0, AnchorHash = AuditHashing.Genesis, HeadId = 0, HeadHash = AuditHashing.Genesis };
    }

    private const string ChainReadSql = "SELECT \"AnchorId\", \"AnchorHash\", \"HeadId\", \"HeadHash\" FROM \"AuditChain\" WHERE \"Id\" = 1";

    private static async Task<AuditChainRow?> ReadChainAsync(DbConnection conn, DbTransaction? tx, bool postgres, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = ChainReadSql + (postgres && tx is not null ? " FOR UPDATE" : "");
        return await ReadChainOnAsync(cmd, ct).ConfigureAwait(false);
    }

    private static async Task<AuditChainRow?> ReadChainOnAsync(DbCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }
        return new AuditChainRow { Id = 1, AnchorId = reader.GetInt64(0), AnchorHash = reader.GetString(1), HeadId = reader.GetInt64(2), HeadHash = reader.GetString(3) };
    }

    private static readonly string[] Columns =
    [
        "Id", "AtMs", "User", "Provider", "ClientIp", "UserAgent", "RequestId", "Ensemble", "Operation", "Path", "TargetEnsemble", "TargetPath",
        "ExpectedVersion", "ResultVersion", "ResultMzxid", "SizeBefore", "SizeAfter", "Sha256Before", "Sha256After", "DataBefore", "DataAfter",
        "AclBefore", "AclAfter", "Reason", "Outcome", "Detail", "Done", "Total", "LinkedId", "RestoredFromId", "LinkedNodeVersionId", "PrevHash", "Hash",
    ];

    private static readonly string InsertSql = "INSERT INTO \"AuditRecords\" (" + string.Join(", ", Columns.Select(c => $"\"{c}\""))
        + ") VALUES (" + string.Join(", ", Columns.Select((_, i) => $"@c{i}")) + ")";

    private DbCommand CreateInsert(DbConnection conn, DbTransaction tx)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = InsertSql;
        cmd.CommandTimeout = Math.Max(1, (int)_options.StoreTimeout.TotalSeconds);
        for (var i = 0; i < Columns.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = $"@c{i}";
            p.DbType = Columns[i] switch
            {
                "Id" or "AtMs" or "ResultMzxid" or "LinkedId" or "RestoredFromId" or "LinkedNodeVersionId" => System.Data.DbType.Int64,
                "ExpectedVersion" or "ResultVersion" or "SizeBefore" or "SizeAfter" or "Outcome" or "Done" or "Total" => System.Data.DbType.Int32,
                "DataBefore" or "DataAfter" => System.Data.DbType.Binary,
                _ => System.Data.DbType.String,
            };
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static void Bind(DbCommand cmd, AuditRecordRow r)
    {
        object?[] values =
        [
            r.Id, r.AtMs, r.User, r.Provider, r.ClientIp, r.UserAgent, r.RequestId, r.Ensemble, r.Operation, r.Path, r.TargetEnsemble, r.TargetPath,
            r.ExpectedVersion, r.ResultVersion, r.ResultMzxid, r.SizeBefore, r.SizeAfter, r.Sha256Before, r.Sha256After, r.DataBefore, r.DataAfter,
            r.AclBefore, r.AclAfter, r.Reason, r.Outcome, r.Detail, r.Done, r.Total, r.LinkedId, r.RestoredFromId, r.LinkedNodeVersionId, r.PrevHash, r.Hash,
        ];
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private async Task ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = Math.Max(1, (int)_options.StoreTimeout.TotalSeconds);
        for (var i = 0; i < args.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = $"@p{i}";
            p.Value = args[i];
            cmd.Parameters.Add(p);
        }
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _queue.Writer.TryComplete();
        _wake.Release();
        if (_writer is { } w)
        {
            await w.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await StopCheckpointsAsync().ConfigureAwait(false);
        // An inline commit that started before _disposed was set finishes before the connection closes.
        var gate = await _writeGate.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await CloseSqliteWriterAsync().ConfigureAwait(false);
        if (gate)
        {
            _writeGate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit record of {Operation} {Ensemble}:{Path} could not be stored (write refused: {Refused})")]
    private partial void LogStoreFailed(Exception ex, string operation, string? ensemble, string? path, bool refused);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit {User} {Operation} {Ensemble}:{Path} {Outcome} {Detail}")]
    private partial void LogLine(string user, string operation, string ensemble, string path, AuditOutcome outcome, string? detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit {User} {Kind} {Ensemble}:{Path}")]
    private partial void LogReadLine(string user, ZkOperationKind kind, string ensemble, string path);
}
