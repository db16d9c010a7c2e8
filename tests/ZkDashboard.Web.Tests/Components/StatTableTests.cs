using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Components;

public sealed class StatTableTests
{
    private static readonly Stat Sample = new(
        Czxid: 0x100000002, Mzxid: 0x100000005, Ctime: 1_763_730_000_000, Mtime: 1_763_730_180_000,
        Version: 3, Cversion: 7, Aversion: 1, EphemeralOwner: 0x1000a2b3c4d0001, DataLength: 1536, NumChildren: 2, Pzxid: 0x100000009);

    private static Task<string> Render(Stat stat) => ComponentRenderer.RenderAsync<StatTable>(new()
    {
        [nameof(StatTable.Stat)] = stat,
        [nameof(StatTable.Now)] = DateTimeOffset.FromUnixTimeMilliseconds(1_763_730_360_000),
        [nameof(StatTable.TimeZone)] = TimeZoneInfo.Utc,
    });

    [Fact]
    public async Task Render_NamesAllElevenFieldsLikeZkCli_InZkCliOrder()
    {
        var html = await Render(Sample);
        string[] names = ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion", "aclVersion", "ephemeralOwner", "dataLength", "numChildren"];
        var last = -1;
        foreach (var name in names)
        {
            var at = html.IndexOf($">{name}</th>", StringComparison.Ordinal);
            Assert.True(at > last, $"{name} missing or out of order");
            last = at;
        }
    }

    [Fact]
    public async Task Render_ShowsZxidsAndOwnerInHex()
    {
        var html = await Render(Sample);
        Assert.Contains("0x100000002", html);
        Assert.Contains("0x100000009", html);
        Assert.Contains("0x1000a2b3c4d0001", html);
        Assert.Contains("ephemeral owner session", html);
    }

    [Fact]
    public async Task Render_ShowsTimesUtcLocalAndRelativeAge()
    {
        var html = System.Net.WebUtility.HtmlDecode(await Render(Sample));
        Assert.Contains("2025-11-21 13:00:00 UTC", html);
        Assert.Contains("6 min ago", html); // ctime
        Assert.Contains("3 min ago", html); // mtime
        Assert.Contains("(UTC+00:00)", html);
        Assert.Contains("datetime=\"2025-11-21T13:00:00.0000000+00:00\"", html);
    }

    [Fact]
    public async Task Render_NonEphemeral_ShowsZeroOwnerWithoutSessionHint()
    {
        var html = await Render(Sample with { EphemeralOwner = 0 });
        Assert.Contains(">0x0</code>", html);
        Assert.DoesNotContain("ephemeral owner session", html);
    }

    [Fact]
    public async Task Render_DataLength_ShowsHumanSize()
    {
        var html = await Render(Sample);
        Assert.Contains("1.5 KiB", html);
    }
}
