using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Tests.Components;

public sealed class DiscardEditsDialogTests
{
    [Fact]
    public async Task Render_AsksAboutThePathWithStayAndDiscard()
    {
        var html = await ComponentRenderer.RenderAsync<DiscardEditsDialog>(new()
        {
            [nameof(DiscardEditsDialog.Path)] = "/app/config",
            [nameof(DiscardEditsDialog.What)] = "ACL",
        });

        Assert.Matches("Discard unsaved edits to <code[^>]*>/app/config</code>\\?", html);
        Assert.Contains("changes to the ACL of this node", html, StringComparison.Ordinal);
        Assert.Contains(">Stay<", html, StringComparison.Ordinal);
        Assert.Contains(">Discard<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_HostilePath_RendersAsText()
    {
        var html = await ComponentRenderer.RenderAsync<DiscardEditsDialog>(new()
        {
            [nameof(DiscardEditsDialog.Path)] = "/<img src=x onerror=alert(1)>",
        });

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }
}
