using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>Settings of export, import and compare, bound from <c>ZkDashboard:Transfer</c>.</summary>
public sealed class TransferOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "ZkDashboard:Transfer";

    /// <summary>Where export jobs write their files (default: a folder in the system temp directory). Files are removed with their job.</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>Operations per multi when importing (default: the sessions' BulkBatchSize).</summary>
    public int? BatchSize { get; set; }

    /// <summary>
    /// Extra read-only sessions an export or compare opens for a large subtree (per subtree read; 0: the shared session
    /// only). ZooKeeper serves one session's reads one after the other; several sessions read faster.
    /// </summary>
    public int ReadConnections { get; set; } = 4;

    /// <summary>Fewest nodes (the subtree's getAllChildrenNumber + 1) for which the extra read sessions are opened.</summary>
    public long ReadConnectionsMinNodes { get; set; } = 20_000;
}

/// <summary>The transfer boundary (see <see cref="ITransferService"/>).</summary>
public sealed partial class TransferService : ITransferService
{
    private readonly IEnsembleSessions _sessions;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly ICreatedNodeRegistry _created;
    private readonly IBulkJobs _jobs;
    private readonly int _batchSize;
    private readonly string _exportDirectory;
    private readonly int _readConnections;
    private readonly long _readConnectionsMinNodes;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, string> _exportFiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExportRequest> _exportRequests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApplyResult> _applyResults = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    public TransferService(IEnsembleSessions sessions, IAccessPolicy policy, IAuditSink audit, ICreatedNodeRegistry created, IBulkJobs jobs,
        IOptions<SessionOptions> sessionOptions, IOptions<TransferOptions> options, ILogger<TransferService> logger)
    {
        _sessions = sessions;
        _policy = policy;
        _audit = audit;
        _created = created;
        _jobs = jobs;
        _batchSize = Math.Max(1, options.Value.BatchSize ?? sessionOptions.Value.BulkBatchSize);
        _exportDirectory = options.Value.ExportDirectory ?? Path.Combine(Path.GetTempPath(), "zkdashboard-exports");
        _readConnections = Math.Clamp(options.Value.ReadConnections, 0, 32);
        _readConnectionsMinNodes = Math.Max(0, options.Value.ReadConnectionsMinNodes);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ExportSummary> ExportAsync(ActingUser user, ExportRequest request, Stream output, IProgress<BulkProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        PathUtils.Validate(request.Path);
        var op = new OperationContext(user, request.Ensemble, ZkOperationKind.Read, request.Path);
        await RequireBrowseAsync(op, "export", ct).ConfigureAwait(false);
        var session = _sessions.Get(request.Ensemble);
        ExportSummary? summary = null;
        try
        {
            progress?.Report(new BulkProgress("counting", 0, 0, request.Path));
            var client = await session.GetClientAsync(ct).ConfigureAwait(false);
            var total = await client.GetAllChildrenNumberAsync(request.Path, ct).ConfigureAwait(false) + 1L;
            await using var reads = await OpenReadSessionsAsync(session, request.Path, total, ct).ConfigureAwait(false);
            var walker = new SubtreeWalker(c => session.GetClientAsync(c), request.Path, Scope(user, request.Ensemble), Created(request.Ensemble))
            {
                IncludeStats = request.IncludeStats,
                ReadClients = reads?.Clients ?? [],
            };
            var counting = new CountingStream(output);
            Stream target = counting;
            GZipStream? gzip = null;
            if (request.Gzip)
            {
                gzip = new GZipStream(counting, CompressionLevel.Fastest, leaveOpen: true);
                target = gzip;
            }
            try
            {
                await using (var writer = new TransferWriter(target, request.Format, request.Path))
                {
                    writer.WriteHeader(request.Ensemble, user.Name, DateTimeOffset.UtcNow, request.IncludeStats);
                    long n = 0;
                    await foreach (var node in walker.WalkAsync(ct).ConfigureAwait(false))
                    {
                        await writer.WriteNodeAsync(node, ct).ConfigureAwait(false);
                        if (++n % 1000 == 0)
                        {
                            progress?.Report(new BulkProgress("exporting", n, total, TransferPaths.Absolute(request.Path, node.RelativePath)));
                        }
                    }
                    summary = new ExportSummary(walker.Nodes, walker.Hidden, walker.Masked, walker.Omitted + walker.Unreadable.Count, 0);
                    await writer.WriteEndAsync(summary, ct).ConfigureAwait(false);
                }
                if (gzip is not null)
                {
                    await gzip.DisposeAsync().ConfigureAwait(false);
                }
                await output.FlushAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                if (gzip is not null)
                {
                    await gzip.DisposeAsync().ConfigureAwait(false);
                }
            }
            summary = summary! with { Bytes = counting.Written };
            progress?.Report(new BulkProgress("exporting", summary.Nodes, summary.Nodes, request.Path));
            await AuditAsync(op, AuditOutcome.Succeeded, summary.Describe(request.Ensemble, request.Path), "Export",
                new Audit.AuditChange { Done = (int)summary.Nodes, Total = (int)total }).ConfigureAwait(false);
            return summary;
        }
        catch (Exception ex)
        {
            await AuditAsync(op, AuditOutcome.Failed, ex is OperationCanceledException ? "Export cancelled." : $"Export failed: {ex.Message}", "Export", null).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public BulkJobSnapshot StartExport(ActingUser user, ExportRequest request)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        PathUtils.Validate(request.Path);
        _sessions.Get(request.Ensemble); // unknown ensembles are refused before a job starts
        Directory.CreateDirectory(_exportDirectory);
        SweepExports();
        var file = Path.Combine(_exportDirectory, Guid.NewGuid().ToString("N") + ".part");
        var snapshot = _jobs.StartCustom(user, BulkJobKind.Export, request.Ensemble, request.Path, null, null, async (progress, ct) =>
        {
            try
            {
                ExportSummary summary;
                await using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    summary = await ExportAsync(user, request, stream, progress, ct).ConfigureAwait(false);
                }
                var done = Path.ChangeExtension(file, ".export");
                File.Move(file, done);
                return new BulkResult("export", request.Path, summary.Nodes, summary.Nodes, true, false, false, [],
                    summary.Describe(request.Ensemble, request.Path) + string.Create(System.Globalization.CultureInfo.InvariantCulture, $" {summary.Bytes:N0} bytes; download it from the export page."));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                TryDelete(file);
                return new BulkResult("export", request.Path, 0, 0, false, true, false, [], "Cancelled; no file was kept.");
            }
            catch
            {
                TryDelete(file);
                throw;
            }
        });
        _exportFiles[snapshot.Id] = Path.ChangeExtension(file, ".export");
        _exportRequests[snapshot.Id] = request;
        return snapshot;
    }

    /// <inheritdoc />
    public ExportFile OpenExport(ActingUser user, string jobId)
    {
        var job = _jobs.Get(user, jobId); // throws for strangers and unknown ids
        if (job.Kind != BulkJobKind.Export || job.State != BulkJobState.Succeeded || !_exportFiles.TryGetValue(jobId, out var file) || !File.Exists(file))
        {
            throw new BulkJobNotFoundException(jobId);
        }
        var request = _exportRequests[jobId];
        return new ExportFile(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true), request.FileName,
            request.Gzip ? "application/gzip" : "application/json");
    }

    /// <inheritdoc />
    public Task<TransferDocument> ReadFileAsync(Stream input, string? fileName, CancellationToken ct = default) => TransferReader.ReadAsync(input, fileName, ct);

    private void SweepExports()
    {
        foreach (var (id, file) in _exportFiles)
        {
            bool gone;
            try
            {
                _jobs.Get(ActingUser.System, id);
                gone = false;
            }
            catch (BulkJobNotFoundException)
            {
                gone = true;
            }
            if (gone)
            {
                TryDelete(file);
                _exportFiles.TryRemove(id, out _);
                _exportRequests.TryRemove(id, out _);
                _applyResults.TryRemove(id, out _);
            }
        }
    }

    private void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not delete the export file {File}", file);
        }
    }

    private SubtreeWalker NewWalker(ActingUser user, string ensemble, string root, bool includeContent)
    {
        var session = _sessions.Get(ensemble);
        return new SubtreeWalker(c => session.GetClientAsync(c), root, Scope(user, ensemble), Created(ensemble)) { IncludeContent = includeContent };
    }

    /// <summary>
    /// The extra read sessions for a walk of <paramref name="root"/> when it has at least ReadConnectionsMinNodes nodes
    /// (<paramref name="nodes"/>, counted here when null); null for smaller subtrees or when none is configured.
    /// </summary>
    private async Task<EnsembleSession.ReadSessionLease?> OpenReadSessionsAsync(EnsembleSession session, string root, long? nodes, CancellationToken ct)
    {
        if (_readConnections == 0)
        {
            return null;
        }
        if (nodes is null)
        {
            try
            {
                var client = await session.GetClientAsync(ct).ConfigureAwait(false);
                nodes = await client.GetAllChildrenNumberAsync(root, ct).ConfigureAwait(false) + 1L;
            }
            catch (ZooKeeperException) when (!ct.IsCancellationRequested)
            {
                return null; // the walk itself reports a missing or unreadable root
            }
        }
        if (nodes < _readConnectionsMinNodes)
        {
            return null;
        }
        var lease = await session.OpenReadSessionsAsync(_readConnections, root, ct).ConfigureAwait(false);
        _logger.LogInformation("Reading {Ensemble}:{Path} ({Nodes} nodes) over {Extra} extra read session(s) beside the shared one",
            session.Name, root, nodes, lease.Clients.Count);
        return lease;
    }

    private Func<string, ValueTask<ReadScope>>? Scope(ActingUser user, string ensemble)
        => user.IsSystem ? null : path => _policy.GetReadScopeAsync(user, ensemble, path, CancellationToken.None);

    private Func<string, long, ValueTask<CreatedNodeRecord?>> Created(string ensemble)
        => (path, czxid) => _created.FindAsync(ensemble, path, czxid, CancellationToken.None);

    /// <summary>Refuses (and audits) when the user may see nothing at or below the root.</summary>
    private async Task RequireBrowseAsync(OperationContext op, string what, CancellationToken ct)
    {
        if (op.User.IsSystem)
        {
            return;
        }
        var scope = await _policy.GetReadScopeAsync(op.User, op.Ensemble, op.Path, ct).ConfigureAwait(false);
        if (scope.HasFlag(ReadScope.Browse))
        {
            return;
        }
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(op, AuditOutcome.Denied, $"{what} refused: {ex.Reason}", what == "export" ? "Export" : null, null).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AuditAsync(OperationContext op, AuditOutcome outcome, string? detail, string? operationName, Audit.AuditChange? change)
    {
        try
        {
            await _audit.RecordAsync(new AuditRecord(DateTimeOffset.UtcNow, op, outcome, detail) { OperationName = operationName, Change = change }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Audit sink failed for {Operation} {Ensemble}:{Path}", operationName ?? op.Kind.ToString(), op.Ensemble, op.Path);
        }
    }

    private static void EnsureWritable(EnsembleSession session)
    {
        if (session.Definition.ReadOnly)
        {
            throw new EnsembleReadOnlyException(session.Name, "it is configured read-only (ReadOnly: true). Change the ensemble's settings to allow writes.");
        }
        if (session.Status.State == EnsembleConnectionState.ReadOnly)
        {
            throw new EnsembleReadOnlyException(session.Name, "the connected server is in read-only mode (it lost its quorum). Writes are possible again once the ensemble has a quorum.");
        }
    }

    /// <summary>Counts what passes through (the size of an export).</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Written += buffer.Length;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
