using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Core.Transfer;

/// <summary>
/// The boundary for export, import and compare: every call takes the acting user, checks the access policy (export and
/// compare: read, path-scoped — unreadable nodes are left out and masked data is not exported; import: create and
/// setData at the target, delete for mirror, setAcl where ACLs change, checked node by node) and records what it did
/// with <see cref="IAuditSink"/> (Export / Import / CompareApply as one operation with counts, plus one record per
/// updated, re-ACLed or deleted node). Long operations run as server-side jobs (<see cref="IBulkJobs"/>): leaving the
/// page does not stop them; their progress and cancel are the job's.
/// </summary>
public interface ITransferService
{
    /// <summary>Streams an export of a subtree to <paramref name="output"/> (memory does not grow with the tree).</summary>
    /// <exception cref="AccessDeniedException">The user may see nothing at the root.</exception>
    /// <exception cref="ZooKeeper.NoNodeException">The root does not exist.</exception>
    Task<ExportSummary> ExportAsync(ActingUser user, ExportRequest request, Stream output, IProgress<BulkProgress>? progress = null, CancellationToken ct = default);

    /// <summary>Starts an export to a server-side file as a job; download it with <see cref="OpenExport"/> once it succeeded.</summary>
    BulkJobSnapshot StartExport(ActingUser user, ExportRequest request);

    /// <summary>The file of a finished export job (only for users who may see the job).</summary>
    /// <exception cref="BulkJobNotFoundException">No such job, or its file is gone.</exception>
    /// <exception cref="BulkJobAccessDeniedException">Not the owner and not an admin.</exception>
    ExportFile OpenExport(ActingUser user, string jobId);

    /// <summary>Reads and checks an import file (either format, plain or gzip).</summary>
    /// <exception cref="TransferFormatException">The file is malformed: line, field and what is wrong.</exception>
    Task<TransferDocument> ReadFileAsync(Stream input, string? fileName, CancellationToken ct = default);

    /// <summary>The dry run: what importing <paramref name="document"/> would do, node by node. Writes nothing.</summary>
    Task<ImportPlan> PlanImportAsync(ActingUser user, ImportRequest request, TransferDocument document, IProgress<BulkProgress>? progress = null, CancellationToken ct = default);

    /// <summary>Applies a plan now (in multi batches, versioned, cancellable between batches) and returns the truthful result.</summary>
    Task<ApplyResult> ApplyAsync(ActingUser user, ImportPlan plan, IProgress<BulkProgress>? progress = null, CancellationToken ct = default);

    /// <summary>Applies a plan as a job (import or compare apply); its detailed result is <see cref="GetApplyResult"/>.</summary>
    BulkJobSnapshot StartApply(ActingUser user, ImportPlan plan);

    /// <summary>The detailed result of an apply job once it finished (null while running).</summary>
    ApplyResult? GetApplyResult(ActingUser user, string jobId);

    /// <summary>Compares two subtrees (either may be an export file) by streaming both in path order.</summary>
    Task<CompareResult> CompareAsync(ActingUser user, CompareSide left, CompareSide right, IProgress<BulkProgress>? progress = null, CancellationToken ct = default);

    /// <summary>The plan that makes the selected differences of the right side equal to the left (apply it with <see cref="StartApply"/>).</summary>
    Task<ImportPlan> PlanCompareApplyAsync(ActingUser user, CompareResult result, IReadOnlyCollection<string> relativePaths, string? reason = null, CancellationToken ct = default);
}

/// <summary>A finished export's file.</summary>
/// <param name="Content">The file, opened for reading (dispose it).</param>
/// <param name="FileName">Name for the download.</param>
/// <param name="ContentType">MIME type.</param>
public sealed record ExportFile(Stream Content, string FileName, string ContentType);
