using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Tests.Components;

public sealed class DataEditorTests
{
    private static Task<string> Render(string text, DataFormat format, int? max = null) => ComponentRenderer.RenderAsync<DataEditor>(new()
    {
        [nameof(DataEditor.Value)] = text,
        [nameof(DataEditor.Format)] = format,
        [nameof(DataEditor.MaxBytes)] = max,
    });

    [Fact]
    public async Task Render_InvalidJson_MarksTheLineAndOffersSaveAnyway()
    {
        var html = await Render("{\n  \"a\": 1\n  \"b\": 2\n}", DataFormat.Json);
        Assert.Contains("Invalid JSON: Line 3, column 3:", html);
        Assert.Matches("<div class=\"err\"[^>]*>3</div>", html);
        Assert.Contains("Save anyway", html);
        Assert.Contains("aria-invalid=\"true\"", html);
    }

    [Fact]
    public async Task Render_ValidYaml_SaysValid()
    {
        var html = await Render("a:\n  b: 1\n", DataFormat.Yaml);
        Assert.Contains("Valid YAML", html);
        Assert.DoesNotContain("Save anyway", html);
        Assert.Contains("aria-label=\"Edit node data\"", html);
    }

    [Fact]
    public async Task Render_OverLimit_RefusesWithAdvice()
    {
        var html = await Render(new string('x', 2000), DataFormat.Text, max: 1024);
        Assert.Contains("larger than the ensemble's limit of 1.0 KiB (1,024 bytes)", html);
        Assert.Contains("zk-ed-size over", html);
        Assert.Contains("jute.maxbuffer", html);
    }

    [Fact]
    public async Task Render_HostileText_IsEscapedInTheHighlightLayerAndTextarea()
    {
        var html = await Render(HostileContent.Payload, DataFormat.Text);
        HostileContent.AssertRenderedAsText(html);
    }
}
