namespace ZkDashboard.Web.Components.Layout;

/// <summary>
/// How the browser retries a lost circuit before the reconnect overlay shows "failed" (configuration section
/// <c>ZkDashboard:Web:Reconnect</c>). Passed to <c>Blazor.start</c> by wwwroot/js/zkdashboard.js.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ZkDashboard:Web:Reconnect";

    /// <summary>Attempts before giving up (default 30, about 3 minutes with the default intervals).</summary>
    public int MaxRetries { get; set; } = 30;

    /// <summary>A fixed pause between attempts; unset: 1 s for 5 attempts, then 3 s for 10, then 10 s.</summary>
    public int? RetryIntervalMilliseconds { get; set; }
}
