using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Transfer;

/// <summary>One configured backup: a subtree exported on a schedule, with retention.</summary>
public sealed class BackupSchedule
{
    /// <summary>Ensemble.</summary>
    public string Ensemble { get; set; } = "";
    /// <summary>Subtree root.</summary>
    public string Path { get; set; } = "/";
    /// <summary>How often (default one day).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);
    /// <summary>Files kept per schedule (oldest deleted first).</summary>
    public int Keep { get; set; } = 7;
}

/// <summary>Scheduled backups, bound from <c>ZkDashboard:Transfer:Backups</c> (set by admins in the settings file).</summary>
public sealed class BackupOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "ZkDashboard:Transfer:Backups";

    /// <summary>Folder the files go to (required when schedules are configured).</summary>
    public string? Directory { get; set; }

    /// <summary>The schedules.</summary>
    public List<BackupSchedule> Schedules { get; } = [];
}

/// <summary>
/// Exports the configured subtrees on their schedules (gzip, ZkDashboard format, with stats) into the backup folder as
/// the dashboard itself (<see cref="ActingUser.System"/>; audited as Export), and keeps the newest <see cref="BackupSchedule.Keep"/>
/// files of each.
/// </summary>
public sealed partial class ScheduledBackups(ITransferService transfer, IOptions<BackupOptions> options, ILogger<ScheduledBackups> logger, TimeProvider? time = null)
    : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<int, DateTimeOffset> _last = [];

    /// <summary>The file name prefix of a schedule's backups.</summary>
    public static string Prefix(BackupSchedule s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var name = s.Ensemble + (s.Path == "/" ? "_root" : s.Path.Replace('/', '_'));
        return new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()) + "_";
    }

    /// <summary>Runs every schedule that is due now; returns the files written.</summary>
    public async Task<IReadOnlyList<string>> RunDueAsync(bool force, CancellationToken ct)
    {
        var o = options.Value;
        var written = new List<string>();
        if (o.Schedules.Count == 0)
        {
            return written;
        }
        if (string.IsNullOrWhiteSpace(o.Directory))
        {
            LogNoDirectory(logger);
            return written;
        }
        Directory.CreateDirectory(o.Directory);
        for (var i = 0; i < o.Schedules.Count; i++)
        {
            var s = o.Schedules[i];
            var now = _time.GetUtcNow();
            if (!force && _last.TryGetValue(i, out var last) && now - last < s.Interval)
            {
                continue;
            }
            _last[i] = now;
            var file = System.IO.Path.Combine(o.Directory, Prefix(s) + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + ".zkd.json.gz");
            var part = file + ".part";
            try
            {
                ExportSummary summary;
                await using (var stream = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    summary = await transfer.ExportAsync(ActingUser.System, new ExportRequest(s.Ensemble, s.Path, TransferFormat.ZkDashboard, IncludeStats: true, Gzip: true), stream, null, ct).ConfigureAwait(false);
                }
                File.Move(part, file, overwrite: true);
                written.Add(file);
                LogBackup(logger, s.Ensemble, s.Path, summary.Nodes, file);
                Prune(o.Directory, s);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogBackupFailed(logger, ex, s.Ensemble, s.Path);
                TryDelete(part);
            }
        }
        return written;
    }

    private void Prune(string directory, BackupSchedule s)
    {
        var files = System.IO.Directory.GetFiles(directory, Prefix(s) + "*.zkd.json.gz").OrderDescending(StringComparer.Ordinal).ToList();
        foreach (var old in files.Skip(Math.Max(1, s.Keep)))
        {
            TryDelete(old);
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
            LogDeleteFailed(logger, ex, file);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Schedules.Count == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), _time);
        do
        {
            await RunDueAsync(false, stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled backups are configured but ZkDashboard:Transfer:Backups:Directory is not set; no backup is written.")]
    private static partial void LogNoDirectory(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup of {Ensemble}:{Path}: {Nodes} node(s) to {File}")]
    private static partial void LogBackup(ILogger logger, string ensemble, string path, long nodes, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backup of {Ensemble}:{Path} failed")]
    private static partial void LogBackupFailed(ILogger logger, Exception ex, string ensemble, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the old backup {File}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception ex, string file);
}
