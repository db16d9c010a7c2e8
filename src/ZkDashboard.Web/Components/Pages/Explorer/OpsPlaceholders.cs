// TEMPORARY until the ops engineer's OPS-SKELETON lands: same names and parameters, no behaviour.
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

public sealed class NodeActions : ComponentBase
{
    [Parameter] public string Ensemble { get; set; } = string.Empty;
    [Parameter] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }
    [Parameter] public EventCallback<string> OnNavigate { get; set; }

    public Task RequestDeleteAsync() => Task.CompletedTask;
}

public sealed class NodeDataEditor : ComponentBase
{
    [Parameter] public string Ensemble { get; set; } = string.Empty;
    [Parameter] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public EventCallback OnSaved { get; set; }

    public Task SaveAsync() => Task.CompletedTask;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.OpenComponent<ZkDashboard.Web.Components.Shared.DataViewer>(0);
        builder.AddAttribute(1, "Data", Node?.Data);
        builder.CloseComponent();
    }
}

public sealed class NodeAclPanel : ComponentBase
{
    [Parameter] public string Ensemble { get; set; } = string.Empty;
    [Parameter] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public EventCallback OnSaved { get; set; }
}
