using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Diagnostics;

/// <summary>
/// For tasks nobody awaits (background loops, fire-and-forget cleanup): a failure is logged with what the task was
/// doing, never dropped. Use it only where the caller cannot await and has nobody to show the error to.
/// </summary>
internal static class BackgroundTasks
{
    /// <summary>Logs a fault of <paramref name="task"/> at <paramref name="level"/> (cancellation is not a fault).</summary>
    public static void Observe(this Task task, ILogger logger, string what, LogLevel level = LogLevel.Error)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }
        task.ContinueWith(
            static (t, state) =>
            {
                var (log, doing, lvl) = ((ILogger, string, LogLevel))state!;
                log.Log(lvl, t.Exception!.GetBaseException(), "Background work failed: {What}", doing);
            },
            (logger, what, level),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
