using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// The 11 stat fields named as <c>zkCli stat</c> prints them: zxids in hex, times local and UTC with a relative age,
/// the ephemeral owner in hex (with a slot to turn it into a link).
/// </summary>
public partial class StatTable
{
    [Parameter, EditorRequired]
    public Stat Stat { get; set; } = default!;

    /// <summary>The time zone for "local" times (the browser's zone when known); the server's zone by default.</summary>
    [Parameter]
    public TimeZoneInfo? TimeZone { get; set; }

    /// <summary>"Now" for relative ages; the current time by default.</summary>
    [Parameter]
    public DateTimeOffset? Now { get; set; }

    /// <summary>Renders the ephemeral owner session id (non-zero), e.g. as a link to that session's ephemerals.</summary>
    [Parameter]
    public RenderFragment<long>? EphemeralOwnerTemplate { get; set; }

    /// <summary>Extra <c>&lt;tr&gt;</c> rows after the 11 fields (e.g. "created here as TTL", expiry).</summary>
    [Parameter]
    public RenderFragment? ExtraRows { get; set; }

    [Parameter]
    public string AriaLabel { get; set; } = "Stat";

    private IReadOnlyList<StatRow> Rows { get; set; } = [];

    private TimeZoneInfo Zone => TimeZone ?? TimeZoneInfo.Local;

    private DateTimeOffset CurrentTime => Now ?? DateTimeOffset.UtcNow;

    protected override void OnParametersSet() => Rows = StatRows.Build(Stat);

    /// <summary>Session ids as zkCli prints them ("0x1000a2b3c4d0001").</summary>
    public static string SessionHex(long sessionId) => StatRows.Hex(sessionId);
}
