using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

public sealed partial class TransferService
{
    private const int MaxBatchBytes = 512 * 1024;

    /// <inheritdoc />
    public BulkJobSnapshot StartApply(ActingUser user, ImportPlan plan)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(plan);
        var holder = new ApplyHolder();
        var snapshot = _jobs.StartCustom(user, plan.IsCompareApply ? BulkJobKind.CompareApply : BulkJobKind.Import, plan.Request.Ensemble, plan.Request.Path, null, null,
            async (progress, ct) =>
            {
                var result = await ApplyAsync(user, plan, progress, ct).ConfigureAwait(false);
                holder.Result = result;
                if (holder.Id is { } id)
                {
                    _applyResults[id] = result;
                }
                return new BulkResult(plan.IsCompareApply ? "compare apply" : "import", plan.Request.Path, result.Total, result.Done, result.Completed, result.Cancelled, false,
                    [.. result.Failures, .. result.Unknown.Select(u => "unknown outcome: " + u)], result.Summary);
            });
        holder.Id = snapshot.Id;
        if (holder.Result is { } r)
        {
            _applyResults[snapshot.Id] = r;
        }
        return snapshot;
    }

    private sealed class ApplyHolder
    {
        public volatile string? Id;
        public volatile ApplyResult? Result;
    }

    /// <inheritdoc />
    public ApplyResult? GetApplyResult(ActingUser user, string jobId)
    {
        _jobs.Get(user, jobId); // throws for strangers
        return _applyResults.TryGetValue(jobId, out var r) ? r : null;
    }

    /// <inheritdoc />
    public async Task<ApplyResult> ApplyAsync(ActingUser user, ImportPlan plan, IProgress<BulkProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(plan);
        var request = plan.Request;
        var name = plan.IsCompareApply ? "CompareApply" : "Import";
        var session = _sessions.Get(request.Ensemble);
        var op = new OperationContext(user, request.Ensemble, ZkOperationKind.Create, request.Path) { Reason = request.Reason };
        if (!string.Equals(plan.PlannedBy, user.Name, StringComparison.Ordinal) && !user.IsSystem)
        {
            throw new ArgumentException($"This plan was made by {plan.PlannedBy}; make your own dry run first.", nameof(plan));
        }
        var writes = plan.Entries.Where(e => e.Action is PlanAction.Create or PlanAction.Update or PlanAction.AclChange or PlanAction.Delete
            || (e.Action == PlanAction.Conflict && request.OverwriteConflicts)).ToList();
        // The access policy is asked again: rules may have changed since the dry run.
        var allowed = new List<PlanEntry>(writes.Count);
        var failures = new List<string>();
        foreach (var w in writes)
        {
            var checkedEntry = await CheckAccessAsync(user, request.Ensemble, w, ct).ConfigureAwait(false);
            if (checkedEntry.Action == PlanAction.Denied)
            {
                failures.Add($"{w.Path}: {checkedEntry.Note}");
            }
            else
            {
                allowed.Add(w);
            }
        }
        var state = new ApplyState(writes.Count) { Failures = failures };
        try
        {
            EnsureWritable(session);
            var creates = allowed.Where(e => e.WritesData).ToList(); // path order: parents first
            var acls = allowed.Where(e => e.Action is PlanAction.Update or PlanAction.AclChange or PlanAction.Conflict && e.AclChanges).ToList();
            var deletes = allowed.Where(e => e.Action == PlanAction.Delete).Reverse().ToList(); // deepest first
            // Entries that need neither (a conflict overwritten with nothing to change) count as done.
            await WriteBatchesAsync(user, session, creates, state, progress, ct).ConfigureAwait(false);
            if (!state.Cancelled)
            {
                await WriteAclsAsync(user, session, acls, state, progress, ct).ConfigureAwait(false);
            }
            if (!state.Cancelled)
            {
                await DeleteBatchesAsync(user, session, deletes, state, progress, ct).ConfigureAwait(false);
            }
            // An update with an ACL change counts once (its data write).
            var notAttempted = state.Cancelled ? Math.Max(0, allowed.Count - state.Attempted) : 0;
            var result = new ApplyResult(writes.Count, state.Created, state.Updated, state.AclChangedOnly, state.Deleted, state.Failures, state.Unknown,
                notAttempted, state.Cancelled);
            var outcome = result.Completed ? AuditOutcome.Succeeded : result.Unknown.Count > 0 ? AuditOutcome.Unknown : result.Done > 0 ? AuditOutcome.Partial : AuditOutcome.Failed;
            await AuditAsync(op, outcome, $"{name} into {request.Ensemble}:{request.Path} ({request.Mode}) from {plan.Source}: {result.Summary}", name,
                new AuditChange { Done = (int)result.Done, Total = (int)result.Total }).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex)
        {
            await AuditAsync(op, state.Done > 0 ? AuditOutcome.Partial : AuditOutcome.Failed,
                $"{name} into {request.Ensemble}:{request.Path} broke off after {state.Done:N0} of {writes.Count:N0} write(s): {ex.Message}", name,
                new AuditChange { Done = (int)state.Done, Total = writes.Count }).ConfigureAwait(false);
            throw;
        }
    }

    private sealed class ApplyState(int total)
    {
        public int Total { get; } = total;
        public long Created;
        public long Updated;
        public long AclChangedOnly;
        public long Deleted;
        public int Attempted;
        public bool Cancelled;
        public List<string> Failures { get; init; } = [];
        public List<string> Unknown { get; } = [];
        public long Done => Created + Updated + AclChangedOnly + Deleted;
    }

    private static Op ToOp(PlanEntry e) => e.Action == PlanAction.Create
        ? Op.Create(e.Path, e.DataAfter ?? [], e.AclAfter ?? Acls.OpenUnsafe, e.Mode, e.Mode.IsTtl() ? e.TtlMs : 0)
        : Op.SetData(e.Path, e.DataAfter ?? [], e.ExpectedVersion);

    /// <summary>Creates and data updates in path order, in multi batches.</summary>
    private async Task WriteBatchesAsync(ActingUser user, EnsembleSession session, List<PlanEntry> entries, ApplyState state, IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        var batch = new List<PlanEntry>();
        var bytes = 0;
        long done = 0;
        foreach (var e in entries)
        {
            var size = (e.DataAfter?.Length ?? 0) + e.Path.Length + 64;
            if (batch.Count > 0 && (batch.Count >= _batchSize || bytes + size > MaxBatchBytes))
            {
                if (ct.IsCancellationRequested)
                {
                    state.Cancelled = true;
                    return;
                }
                await RunBatchAsync(user, session, batch, state).ConfigureAwait(false);
                done += batch.Count;
                progress?.Report(new BulkProgress("writing", done, entries.Count, batch[^1].Path));
                batch.Clear();
                bytes = 0;
            }
            batch.Add(e);
            bytes += size;
        }
        if (batch.Count > 0)
        {
            if (ct.IsCancellationRequested)
            {
                state.Cancelled = true;
                return;
            }
            await RunBatchAsync(user, session, batch, state).ConfigureAwait(false);
            progress?.Report(new BulkProgress("writing", done + batch.Count, entries.Count, batch[^1].Path));
        }
    }

    private async Task RunBatchAsync(ActingUser user, EnsembleSession session, List<PlanEntry> batch, ApplyState state)
    {
        state.Attempted += batch.Count;
        var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var results = await client.MultiAsync(batch.Select(ToOp), CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                await DoneAsync(user, session, batch[i], results[i] switch
                {
                    SetDataOpResult s => s.Stat,
                    CreateOpResult c => c.Stat,
                    _ => null,
                }, state).ConfigureAwait(false);
            }
        }
        catch (MultiOperationException)
        {
            // One op failed, so none was applied: each on its own, to tell which and do the rest.
            foreach (var e in batch)
            {
                await WriteOneAsync(user, session, e, state).ConfigureAwait(false);
            }
        }
        catch (ConnectionLossException)
        {
            // Sent, but no reply: re-read each node. A multi is atomic, so it was applied whole or not at all.
            var verdicts = new List<(PlanEntry Entry, bool? Applied)>();
            foreach (var e in batch)
            {
                verdicts.Add((e, await ReReadAsync(session, e).ConfigureAwait(false)));
            }
            foreach (var (e, applied) in verdicts)
            {
                if (applied == true)
                {
                    await DoneAsync(user, session, e, null, state).ConfigureAwait(false);
                }
                else if (applied == false)
                {
                    await WriteOneAsync(user, session, e, state).ConfigureAwait(false);
                }
                else
                {
                    state.Unknown.Add($"{e.Path}: the connection was lost and a re-read could not tell whether it was written");
                }
            }
        }
    }

    /// <summary>Whether a create/setData/delete was applied: true, false, or null when that cannot be told.</summary>
    private static async Task<bool?> ReReadAsync(EnsembleSession session, PlanEntry e)
    {
        try
        {
            var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
            await client.SyncAsync(e.Path, CancellationToken.None).ConfigureAwait(false);
            if (e.Action == PlanAction.Delete)
            {
                var stat = await client.ExistsAsync(e.Path, false, CancellationToken.None).ConfigureAwait(false);
                return stat is null ? true : stat.Version == e.ExpectedVersion ? false : null;
            }
            DataResult now;
            try
            {
                now = await client.GetDataAsync(e.Path, false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                return e.Action == PlanAction.Create ? false : null;
            }
            var same = now.Data.AsSpan().SequenceEqual(e.DataAfter ?? []);
            if (e.Action == PlanAction.Create)
            {
                return same ? true : null;
            }
            return now.Stat.Version == e.ExpectedVersion + 1 && same ? true : now.Stat.Version == e.ExpectedVersion ? false : null;
        }
        catch (ZooKeeperException)
        {
            return null;
        }
        catch (EnsembleUnavailableException)
        {
            return null;
        }
    }

    private async Task WriteOneAsync(ActingUser user, EnsembleSession session, PlanEntry e, ApplyState state)
    {
        try
        {
            var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
            Stat? stat;
            if (e.Action == PlanAction.Create)
            {
                stat = (await client.CreateAsync(e.Path, e.DataAfter ?? [], e.AclAfter ?? Acls.OpenUnsafe, e.Mode, e.Mode.IsTtl() ? e.TtlMs : 0, CancellationToken.None).ConfigureAwait(false)).Stat;
            }
            else
            {
                stat = await client.SetDataAsync(e.Path, e.DataAfter ?? [], e.ExpectedVersion, CancellationToken.None).ConfigureAwait(false);
            }
            await DoneAsync(user, session, e, stat, state).ConfigureAwait(false);
        }
        catch (ConnectionLossException)
        {
            switch (await ReReadAsync(session, e).ConfigureAwait(false))
            {
                case true:
                    await DoneAsync(user, session, e, null, state).ConfigureAwait(false);
                    break;
                case false:
                    state.Failures.Add($"{e.Path}: not written (the connection was lost; a re-read shows it unchanged) — try again");
                    break;
                default:
                    state.Unknown.Add($"{e.Path}: the connection was lost and a re-read could not tell whether it was written");
                    break;
            }
        }
        catch (NodeExistsException)
        {
            state.Failures.Add($"{e.Path}: exists already (created by someone else since the dry run)");
        }
        catch (BadVersionException)
        {
            state.Failures.Add($"{e.Path}: changed since the dry run (expected version {e.ExpectedVersion}); not written — run the dry run again");
        }
        catch (NoNodeException ex)
        {
            state.Failures.Add(e.Action == PlanAction.Create
                ? $"{e.Path}: its parent does not exist ({ex.Message})"
                : $"{e.Path}: deleted since the dry run");
        }
        catch (ZooKeeperException ex)
        {
            state.Failures.Add($"{e.Path}: {ex.Code} ({ex.Message})");
        }
    }

    /// <summary>Counts a write and records per-node audit for updates; remembers created container/TTL modes.</summary>
    private async Task DoneAsync(ActingUser user, EnsembleSession session, PlanEntry e, Stat? stat, ApplyState state)
    {
        var ensemble = session.Name;
        if (e.Action == PlanAction.Create)
        {
            state.Created++;
            if (e.Mode is CreateMode.Container or CreateMode.PersistentWithTtl)
            {
                var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
                stat ??= await client.ExistsAsync(e.Path, false, CancellationToken.None).ConfigureAwait(false);
                if (stat is not null)
                {
                    await _created.RecordAsync(new CreatedNodeRecord(ensemble, e.Path, e.Mode, e.TtlMs, stat.Czxid, DateTimeOffset.UtcNow, user.Name), CancellationToken.None).ConfigureAwait(false);
                }
            }
            return;
        }
        state.Updated++;
        await AuditAsync(new OperationContext(user, ensemble, ZkOperationKind.SetData, e.Path), AuditOutcome.Succeeded, "import: data updated", null,
            new AuditChange
            {
                ExpectedVersion = e.ExpectedVersion,
                ResultVersion = stat?.Version ?? e.ExpectedVersion + 1,
                ResultMzxid = stat?.Mzxid,
                DataBefore = e.DataBefore,
                DataAfter = e.DataAfter,
            }).ConfigureAwait(false);
    }
}
