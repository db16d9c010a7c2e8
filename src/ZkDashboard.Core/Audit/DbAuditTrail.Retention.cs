using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Audit;

public sealed partial class DbAuditTrail
{
    /// <summary>
    /// Purges records beyond the retention (<see cref="AuditOptions.RetentionDays"/>, <see cref="AuditOptions.RetentionRows"/>),
    /// oldest first, and moves the anchor to the last purged record so that verification still holds. The purge is itself
    /// recorded (operation <c>Purge</c>). Returns how many records were purged.
    /// </summary>
    public async Task<long> PurgeAsync(CancellationToken ct = default)
    {
        if (_options.RetentionDays is null && _options.RetentionRows is null)
        {
            return 0;
        }
        var purged = await EnqueueAsync(new WorkItem(null, () => PurgeNowAsync(ct))).WaitAsync(ct).ConfigureAwait(false);
        if (purged > 0)
        {
            await AppendAsync(new AuditRecord(_time.GetUtcNow(), new OperationContext(ActingUser.System, AllEnsembles, ZkOperationKind.ManageAccess, "/"),
                AuditOutcome.Succeeded, $"retention purged {purged} record(s) (days: {_options.RetentionDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, rows: {_options.RetentionRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})")
            { OperationName = "Purge" }, required: false, ct).ConfigureAwait(false);
        }
        return purged;
    }

    /// <summary>Runs on the writer task (so appends and the purge never interleave in this process).</summary>
    private async Task<long> PurgeNowAsync(CancellationToken ct)
    {
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync(ct).ConfigureAwait(false);
        var postgres = db.Database.IsNpgsql();
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        var chain = await LockChainAsync(conn, tx, postgres, read: null, ct).ConfigureAwait(false);
        long cutoff = chain.AnchorId;
        if (_options.RetentionRows is { } keep && chain.HeadId - chain.AnchorId > keep)
        {
            cutoff = Math.Max(cutoff, chain.HeadId - Math.Max(0, keep));
        }
        if (_options.RetentionDays is { } days)
        {
            var ms = (_time.GetUtcNow() - TimeSpan.FromDays(days)).ToUnixTimeMilliseconds();
            var old = await ScalarAsync(conn, tx, "SELECT MAX(\"Id\") FROM \"AuditRecords\" WHERE \"AtMs\" < @p0", ct, ms).ConfigureAwait(false);
            if (old is long o)
            {
                cutoff = Math.Max(cutoff, o);
            }
        }
        if (cutoff <= chain.AnchorId)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return 0;
        }
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT \"Hash\" FROM \"AuditRecords\" WHERE \"Id\" = @p0";
            var p = cmd.CreateParameter();
            p.ParameterName = "@p0";
            p.Value = cutoff;
            cmd.Parameters.Add(p);
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not string hash)
            {
                throw new InvalidOperationException($"Audit retention: record {cutoff} is missing, so the chain cannot be anchored there; verify the trail (GET /api/v1/audit/verify).");
            }
            await ExecAsync(conn, tx, "DELETE FROM \"AuditRecords\" WHERE \"Id\" <= @p0", ct, cutoff).ConfigureAwait(false);
            await ExecAsync(conn, tx, "UPDATE \"AuditChain\" SET \"AnchorId\" = @p0, \"AnchorHash\" = @p1 WHERE \"Id\" = 1", ct, cutoff, hash).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return cutoff - chain.AnchorId;
    }

    private async Task<long?> ScalarAsync(DbConnection conn, DbTransaction tx, string sql, CancellationToken ct, params object[] args)
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
        var value = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
