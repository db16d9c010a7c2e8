using System.Globalization;
using System.Text.Unicode;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Web.Components.Pages.Transfer;

/// <summary>Wording shared by the export, import and compare pages.</summary>
internal static class TransferText
{
    /// <summary>Data as the diff view shows it: the text when it is UTF-8, else a base64 line with the size.</summary>
    public static string? Data(byte[]? data)
        => data is null ? null : Utf8.IsValid(data) ? System.Text.Encoding.UTF8.GetString(data)
            : string.Create(CultureInfo.InvariantCulture, $"(binary, {data.Length:N0} bytes, base64)\n{Convert.ToBase64String(data)}");

    /// <summary>Percent of a job's progress.</summary>
    public static double Percent(BulkProgress? p) => p is { Total: > 0 } x ? Math.Min(100, 100.0 * x.Done / x.Total) : 0;

    /// <summary>"Running — writing: 1,000 of 5,000".</summary>
    public static string State(BulkJobSnapshot job) => job.State switch
    {
        BulkJobState.Running when job.CancelRequested => "Cancelling — " + job.Summary,
        BulkJobState.Running => "Running — " + job.Summary,
        BulkJobState.Succeeded => "Done — " + job.Summary,
        BulkJobState.Cancelled => "Cancelled — " + job.Summary,
        BulkJobState.Incomplete => "Incomplete — " + job.Summary,
        _ => "Failed — " + job.Summary,
    };
}
