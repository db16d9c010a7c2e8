using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Auth;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>The "go to path" box: autocompletes the children of the typed parent (by prefix) from the node cache.</summary>
public sealed partial class GoToPath : IDisposable
{
    private const int MaxSuggestions = 25;
    private readonly string id = "zk-goto-" + Guid.NewGuid().ToString("N")[..6];
    private string? text;
    private string? error;
    private IReadOnlyList<string> suggestions = [];
    private CancellationTokenSource? lookup;

    [Parameter, EditorRequired]
    public string Ensemble { get; set; } = string.Empty;

    [Parameter]
    public string CurrentPath { get; set; } = "/";

    [Parameter]
    public EventCallback<string> OnGo { get; set; }

    [Inject]
    private IZooKeeperOperations Operations { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    private async Task OnInputAsync(ChangeEventArgs e)
    {
        text = e.Value?.ToString();
        error = null;
        if (lookup is not null)
        {
            await lookup.CancelAsync();
            lookup.Dispose();
        }

        lookup = new CancellationTokenSource();
        var ct = lookup.Token;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            suggestions = [];
            return;
        }

        var slash = text.LastIndexOf('/');
        var parent = slash == 0 ? "/" : text[..slash];
        var prefix = text[(slash + 1)..];
        if (!PathUtils.IsValid(parent))
        {
            suggestions = [];
            return;
        }

        try
        {
            var page = await Operations.GetChildrenAsync(CurrentUser.User, Ensemble, parent,
                new ChildrenQuery(ChildSort.Sequence, false, prefix.Length == 0 ? null : prefix, null, 0, MaxSuggestions), ct);
            if (!ct.IsCancellationRequested)
            {
                suggestions = page.Items.Select(i => i.Path).ToList();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            suggestions = [];
        }
        catch (OperationCanceledException)
        {
            // A newer keystroke replaced this lookup.
        }
    }

    private async Task GoAsync()
    {
        var path = text?.Trim();
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        if (path.Length > 1 && path.EndsWith('/'))
        {
            path = path.TrimEnd('/');
        }

        if (PathUtils.GetError(path) is { } problem)
        {
            error = $"Not a valid path: {problem}. Type an absolute path such as /app/config, or pick a suggestion.";
            return;
        }

        error = null;
        text = null;
        suggestions = [];
        await OnGo.InvokeAsync(path);
    }

    public void Dispose()
    {
        lookup?.Cancel();
        lookup?.Dispose();
    }
}
