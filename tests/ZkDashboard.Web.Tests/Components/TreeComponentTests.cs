using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Znodes.Tree;
using ZkDashboard.Web.Preview;

namespace ZkDashboard.Web.Tests.Components;

public sealed class TreeComponentTests
{
    private static Task<string> RenderRow(TreeRow row, bool selected = false) => ComponentRenderer.RenderAsync<ZkTreeRow>(new()
    {
        [nameof(ZkTreeRow.Row)] = row,
        [nameof(ZkTreeRow.RowId)] = "r1",
        [nameof(ZkTreeRow.Selected)] = selected,
    });

    private static TreeRow Row(TreeNodeInfo info, bool expanded = false, int level = 2) =>
        new(1, TreeRowKind.Node, info.Path, info.Name, level, 4, 10, info, expanded);

    [Fact]
    public async Task Row_HasTreeItemAriaAttributes()
    {
        var html = await RenderRow(Row(new TreeNodeInfo("config", "/config", 3, 10, null), expanded: true), selected: true);
        Assert.Contains("role=\"treeitem\"", html);
        Assert.Contains("aria-level=\"2\"", html);
        Assert.Contains("aria-setsize=\"10\"", html);
        Assert.Contains("aria-posinset=\"4\"", html);
        Assert.Contains("aria-expanded=\"true\"", html);
        Assert.Contains("aria-selected=\"true\"", html);
        Assert.Contains("aria-label=\"config\"", html);
        Assert.Contains("3 children", html);
    }

    [Fact]
    public async Task Row_Leaf_HasNoAriaExpanded()
    {
        var html = await RenderRow(Row(new TreeNodeInfo("leaf", "/leaf", 0, 0, null)));
        Assert.DoesNotContain("aria-expanded", html);
        Assert.Contains("aria-selected=\"false\"", html);
    }

    [Fact]
    public async Task Row_HostileName_IsRenderedAsText()
    {
        var info = new TreeNodeInfo(HostileContent.Payload, "/" + HostileContent.Payload, 0, 0, null);
        HostileContent.AssertRenderedAsText(await RenderRow(Row(info)));
    }

    [Fact]
    public async Task Row_Markers_ShowOwnerLockAndCreatedHere()
    {
        var info = new TreeNodeInfo("worker", "/worker", 0, 0, null, EphemeralOwner: 0x1000a2b3c4d0001, NoAuth: true, CreatedHereAs: "TTL 60 s");
        var html = await RenderRow(Row(info));
        Assert.Contains("0x1000a2b3c4d0001", html);
        Assert.Contains("zk-badge-lock", html);
        Assert.Contains("no read permission", html);
        Assert.Contains("TTL 60 s", html);
        Assert.Contains("created here as TTL 60 s", html);
    }

    [Fact]
    public async Task Row_Status_IsDisabledTreeItem()
    {
        var row = new TreeRow(2, TreeRowKind.Status, "/a#status", "x", 3, 1, 1, null, false, StatusText: "No permission to list the children (NoAuth)", StatusIsError: true);
        var html = await RenderRow(row);
        Assert.Contains("aria-disabled=\"true\"", html);
        Assert.Contains("No permission to list the children (NoAuth)", html);
    }

    [Fact]
    public async Task Row_LargeChildCount_IsAbbreviated()
    {
        var html = await RenderRow(Row(new TreeNodeInfo("big", "/big", 100_000, 0, null)));
        Assert.Contains(">100k</span>", html);
        Assert.Contains("100,000 children", html);
    }

    [Fact]
    public async Task Tree_RendersAriaTreeAndChildrenToolbar()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/a");
        source.Add("/b");
        source.Add("/" + HostileContent.Payload);
        var html = await ComponentRenderer.RenderAsync<ZkTree>(new()
        {
            [nameof(ZkTree.DataSource)] = source,
            [nameof(ZkTree.AriaLabel)] = "Nodes of local",
        });
        Assert.Contains("role=\"tree\"", html);
        Assert.Contains("aria-label=\"Nodes of local\"", html);
        Assert.Contains("role=\"toolbar\"", html);
        Assert.Contains("3 children", html);
        Assert.Contains("Sort children by", html);
        Assert.Contains("Filter children", html);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }
}
