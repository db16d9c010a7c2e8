using System.Net;
using System.Text;
using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Znodes.Acl;
using ZkDashboard.Web.Znodes.Formats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Components;

public sealed class ViewerComponentTests
{
    private static Task<string> RenderData(byte[] data, DataView? view = null) => ComponentRenderer.RenderAsync<DataViewer>(new()
    {
        [nameof(DataViewer.Data)] = data,
        [nameof(DataViewer.View)] = view,
    });

    [Fact]
    public async Task DataViewer_Json_ShowsFormatSizeAndPrettyText()
    {
        var html = await RenderData(Encoding.UTF8.GetBytes("{\"a\":1}"));
        Assert.Contains(">JSON</span>", html);
        Assert.Contains("7 bytes", html);
        var text = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", string.Empty));
        Assert.Contains("{\n  \"a\": 1\n}", text);
        Assert.Contains("role=\"tablist\"", html);
        Assert.Contains("aria-selected=\"true\"", html);
    }

    [Fact]
    public async Task DataViewer_HostileText_IsEscapedInEveryTextView()
    {
        var data = Encoding.UTF8.GetBytes(HostileContent.Payload);
        HostileContent.AssertRenderedAsText(await RenderData(data));
        HostileContent.AssertRenderedAsText(await RenderData(data, DataView.Raw));
        var hex = await RenderData(data, DataView.Hex);
        Assert.DoesNotContain("<img", hex, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("|", HexDump.Format(data));
    }

    [Fact]
    public async Task DataViewer_HostileXml_IsEscaped()
    {
        var html = await RenderData(Encoding.UTF8.GetBytes("<x><img src=\"x\" onerror=\"alert(1)\"/></x>"));
        Assert.Contains(">XML</span>", html);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;img", html);
    }

    [Fact]
    public async Task DataViewer_Binary_DefaultsToHexAndOffersOnlyHexAndBase64()
    {
        var html = await RenderData([0x00, 0x01, 0x41, 0xFF]);
        Assert.Contains(">Binary</span>", html);
        Assert.Contains("00 01 41 ff", html);
        Assert.Contains("..A.", html);
        Assert.Contains(">Hex</button>", html);
        Assert.Contains(">Base64</button>", html);
        Assert.DoesNotContain(">Formatted</button>", html);
    }

    [Fact]
    public async Task DataViewer_Base64View_ShowsEncoding()
    {
        var html = await RenderData([0x00, 0x01, 0x41, 0xFF], DataView.Base64);
        Assert.Contains("AAFB/w==", html);
    }

    [Fact]
    public async Task DataViewer_Empty_SaysSo()
    {
        var html = await RenderData([]);
        Assert.Contains("no data (0 bytes)", html);
    }

    [Fact]
    public async Task AclTable_ShowsLettersAndWords_AndEscapesIds()
    {
        IReadOnlyList<AclEntry> acl =
        [
            AclEntry.WorldAnyone(Perms.Read),
            new AclEntry("x509", "CN=" + HostileContent.Payload, Perms.All),
        ];
        var html = await ComponentRenderer.RenderAsync<AclTable>(new() { [nameof(AclTable.Acl)] = acl });
        Assert.Contains(">Scheme</th>", html);
        Assert.Contains(">world</span>", html);
        Assert.Contains("anyone", html);
        Assert.Contains(">Read</span>", html);
        Assert.Contains("Create, Delete, Read, Write, Admin", html);
        Assert.Contains("(cdrwa)", html);
        HostileContent.AssertRenderedAsText(html);
    }

    [Fact]
    public async Task AclTable_MarksDashboardIdentity()
    {
        var digest = DigestHelper.ComputeId("dash", "pw");
        var html = await ComponentRenderer.RenderAsync<AclTable>(new()
        {
            [nameof(AclTable.Acl)] = (IReadOnlyList<AclEntry>)[new AclEntry("digest", digest, Perms.All), new AclEntry("ip", "10.0.0.0/8", Perms.Read)],
            [nameof(AclTable.Identities)] = DashboardIdentities.FromDigestIds([digest]),
        });
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "zk-acl-mine"));
    }

    [Fact]
    public async Task AclEditor_LockingAcl_ShowsWarningAndDisablesSave()
    {
        var html = await ComponentRenderer.RenderAsync<AclEditor>(new()
        {
            [nameof(AclEditor.Value)] = (IReadOnlyList<AclEntry>)[new AclEntry("ip", "10.0.0.0/8", Perms.All)],
            [nameof(AclEditor.Identities)] = DashboardIdentities.FromDigestIds([]),
        });
        Assert.Contains("would lock the dashboard out", html);
        Assert.Contains("I understand; save it anyway", html);
        Assert.Matches("<button[^>]*disabled[^>]*>Save ACL</button>", html);
    }

    [Fact]
    public async Task AclEditor_InvalidEntry_ShowsMessageNextToTheId()
    {
        var html = await ComponentRenderer.RenderAsync<AclEditor>(new()
        {
            [nameof(AclEditor.Value)] = (IReadOnlyList<AclEntry>)[new AclEntry("ip", "10.0.0.0/40", Perms.Read)],
        });
        Assert.Contains("from 0 to 32", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.Contains("aria-label=\"Id of entry 1\"", html);
        Assert.Contains("aria-label=\"Read for entry 1\"", html);
        Assert.Contains("aria-label=\"Scheme of entry 1\"", html);
    }

    [Fact]
    public async Task AclEditor_ValidAcl_EnablesSaveAndShowsDigestHelper()
    {
        var html = await ComponentRenderer.RenderAsync<AclEditor>(new()
        {
            [nameof(AclEditor.Value)] = (IReadOnlyList<AclEntry>)[AclEntry.WorldAnyone()],
            [nameof(AclEditor.Identities)] = DashboardIdentities.FromDigestIds([]),
        });
        Assert.DoesNotContain("would lock the dashboard out", html);
        Assert.Matches("<button[^>]*class=\"zk-acle-btn primary\"[^>]*>Save ACL</button>", html);
        Assert.DoesNotMatch("<button[^>]*disabled[^>]*>Save ACL</button>", html);
        Assert.Contains("Digest helper", html);
        Assert.Contains("type=\"password\"", html);
    }

    [Fact]
    public async Task DiffView_RendersSideBySideWithMarkers_AndEscapes()
    {
        var html = await ComponentRenderer.RenderAsync<DiffView>(new()
        {
            [nameof(DiffView.Theirs)] = "a\nb\n" + HostileContent.Payload,
            [nameof(DiffView.Mine)] = "a\nB\n" + HostileContent.Payload + "\nnew",
        });
        Assert.Contains("1 changed", html);
        Assert.Contains("1 added", html);
        Assert.Contains("0 removed", html);
        Assert.Contains("data-kind=\"changed\"", html);
        Assert.Contains("data-kind=\"added\"", html);
        Assert.Contains("Theirs (on the server)", html);
        Assert.Contains("Mine (unsaved)", html);
        HostileContent.AssertRenderedAsText(html);
    }

    [Fact]
    public async Task DiffView_LongUnchangedStretch_IsFolded()
    {
        var theirs = string.Join("\n", Enumerable.Range(0, 100).Select(i => "line " + i));
        var mine = theirs.Replace("line 50", "line fifty", StringComparison.Ordinal);
        var html = await ComponentRenderer.RenderAsync<DiffView>(new()
        {
            [nameof(DiffView.Theirs)] = theirs,
            [nameof(DiffView.Mine)] = mine,
        });
        Assert.Contains("Show 47 unchanged lines", html);
        Assert.Contains("Show 46 unchanged lines", html);
        Assert.DoesNotContain(">line 10<", html);
        Assert.Contains(">line 48<", html);
    }
}
