using Microsoft.Extensions.Logging;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// Work a component starts from a live event (a watch, a status change, a cache change) or after a render, that
/// nobody awaits. A failure is never dropped: it is logged and handed to the component's
/// <c>DispatchExceptionAsync</c>, so the layout's error boundary shows it. A failure after the component went
/// away (<paramref name="stopping"/> cancelled) is only logged at debug level.
/// </summary>
public static class LiveWork
{
    /// <summary>Starts <paramref name="work"/>; see the class remarks for what happens when it fails.</summary>
    public static void Run(Func<Task> work, ILogger logger, string what, Func<Exception, Task> dispatch, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(dispatch);
        _ = RunAsync(work, logger, what, dispatch, stopping); // never faults: RunAsync catches everything
    }

    private static async Task RunAsync(Func<Task> work, ILogger logger, string what, Func<Exception, Task> dispatch, CancellationToken stopping)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (stopping.IsCancellationRequested)
        {
            logger.LogDebug("{What} ended with the page: {Message}", what, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{What} failed", what);
            try
            {
                await dispatch(ex).ConfigureAwait(false);
            }
            catch (Exception shown)
            {
                logger.LogError(shown, "Could not show the failure of {What} on the page", what);
            }
        }
    }
}
