namespace ZkDashboard.Core.Changes;

/// <summary>"ZkDashboard:Changes": four-eyes change requests.</summary>
public sealed class ChangesOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "ZkDashboard:Changes";

    /// <summary>A request still <see cref="ChangeRequestState.Applying"/> this long after its approval is taken to be
    /// stuck (the dashboard that applied it stopped mid-write) and settled by a re-read of the node. Keep it well above
    /// the time one write can take, so that another dashboard on the same store is never overtaken while it applies
    /// (default 10 minutes).</summary>
    public TimeSpan StuckApplyingAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often stuck requests are looked for (also once at start-up; default 5 minutes).</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMinutes(5);
}
