using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class TtlExpiryTests
{
    private static readonly DateTimeOffset Mtime = new(2026, 11, 21, 14, 0, 0, TimeSpan.Zero);

    private static Stat StatWith(int children) =>
        new(1, 1, Mtime.ToUnixTimeMilliseconds(), Mtime.ToUnixTimeMilliseconds(), 0, 0, 0, 0, 0, children, 1);

    [Fact]
    public void EligibleAt_IsLastChangePlusTtl()
    {
        Assert.Equal(Mtime.AddMinutes(90), TtlExpiry.EligibleAt(StatWith(0), 90 * 60_000));
    }

    [Fact]
    public void Describe_NoChildren_SaysWhenItBecomesEligible()
    {
        var text = TtlExpiry.Describe(StatWith(0), 3_600_000, "60 min", Mtime.AddMinutes(15), TimeZoneInfo.Utc);
        Assert.Equal("eligible to expire from 2026-11-21 15:00:00 (in 45 min): 60 min after its last change, as it has no children", text);
    }

    [Fact]
    public void Describe_PastTheTtl_SaysEligibleSinceAndThatTheServerRemovesIt()
    {
        var text = TtlExpiry.Describe(StatWith(0), 60_000, "60 s", Mtime.AddMinutes(5), TimeZoneInfo.Utc);
        Assert.StartsWith("eligible to expire since 2026-11-21 14:01:00 (4 min ago)", text);
        Assert.EndsWith("the server removes it at its next check", text);
    }

    [Fact]
    public void Describe_WithChildren_SaysItCannotExpireWhileItHasThem()
    {
        var text = TtlExpiry.Describe(StatWith(3), 3_600_000, "60 min", Mtime, TimeZoneInfo.Utc);
        Assert.StartsWith("not while it has children (it has 3 children)", text);
        Assert.Contains("(that would be 2026-11-21 15:00:00 (in 1 h))", text);
    }
}
