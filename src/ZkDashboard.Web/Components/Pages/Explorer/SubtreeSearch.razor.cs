using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// Background search by name or path fragment under the open node: breadth first through the node cache,
/// bounded (nodes visited, nodes listed, results), cancellable, with progress; results link to their nodes.
/// </summary>
public sealed partial class SubtreeSearch : IDisposable
{
    /// <summary>Most nodes looked at.</summary>
    public const int MaxVisited = 50_000;

    /// <summary>Most nodes whose children are listed.</summary>
    public const int MaxListed = 2_000;

    /// <summary>Most results kept.</summary>
    public const int MaxResults = 200;

    private readonly string id = "zk-search-" + Guid.NewGuid().ToString("N")[..6];
    private ElementReference input;
    private string? query;
    private SearchState? state;
    private CancellationTokenSource? run;

    [Parameter, EditorRequired]
    public string Ensemble { get; set; } = string.Empty;

    /// <summary>Where the search starts (the open node).</summary>
    [Parameter]
    public string RootPath { get; set; } = "/";

    [Parameter]
    public EventCallback<string> OnOpen { get; set; }

    [Inject]
    private ILogger<SubtreeSearch> Logger { get; set; } = default!;

    [Inject]
    private IZooKeeperOperations Operations { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>Focuses the search box (the '/' shortcut).</summary>
    public async Task FocusAsync()
    {
        try
        {
            await input.FocusAsync();
        }
        catch (JSException)
        {
            // Not rendered yet.
        }
    }

    private async Task StartAsync()
    {
        await CancelAsync();
        var fragment = query?.Trim();
        if (string.IsNullOrEmpty(fragment))
        {
            state = null;
            return;
        }

        run = new CancellationTokenSource();
        var current = new SearchState(fragment, RootPath);
        state = current;
        var token = run.Token;
        LiveWork.Run(() => RunAsync(current, token), Logger, $"Searching under {RootPath}", DispatchExceptionAsync, token);
    }

    private async Task RunAsync(SearchState s, CancellationToken ct)
    {
        var matchPath = s.Fragment.Contains('/', StringComparison.Ordinal);
        try
        {
            await s.Walk.RunAsync(
                s.Root,
                (parent, offset, token) => Operations.GetChildrenAsync(CurrentUser.User, Ensemble, parent,
                    new ChildrenQuery(ChildSort.Name, false, null, null, offset, 10_000), token),
                (child, _) =>
                {
                    var hit = matchPath
                        ? child.Path.Contains(s.Fragment, StringComparison.OrdinalIgnoreCase)
                        : child.Name.Contains(s.Fragment, StringComparison.OrdinalIgnoreCase);
                    if (hit)
                    {
                        s.Results.Add(child.Path);
                    }

                    return Task.FromResult(child.Stat is not { NumChildren: 0 });
                },
                () => s.Walk.Listed >= MaxListed || s.Walk.Visited >= MaxVisited || s.Results.Count >= MaxResults,
                () => InvokeAsync(StateHasChanged),
                200,
                ct);
        }
        finally
        {
            s.Running = false;
            if (ReferenceEquals(state, s))
            {
                await InvokeAsync(StateHasChanged);
            }
        }
    }

    private async Task CancelAsync()
    {
        if (run is not null)
        {
            await run.CancelAsync();
            run.Dispose();
            run = null;
        }
    }

    private async Task CloseAsync()
    {
        await CancelAsync();
        state = null;
    }

    private async Task OpenAsync(string path) => await OnOpen.InvokeAsync(path);

    public void Dispose()
    {
        run?.Cancel();
        run?.Dispose();
    }

    private sealed class SearchState(string fragment, string root)
    {
        public string Fragment { get; } = fragment;
        public string Root { get; } = root;
        public List<string> Results { get; } = [];
        public SubtreeWalk Walk { get; } = new();
        public bool Running { get; set; } = true;

        public string Summary
        {
            get
            {
                var visited = Walk.Visited.ToString("N0", CultureInfo.InvariantCulture);
                var found = Results.Count == 1 ? "1 match" : $"{Results.Count} matches";
                var where = $"for \"{Fragment}\" under {Root}";
                if (Running)
                {
                    return $"Searching {where}… {visited} nodes looked at, {found}";
                }

                var end = Walk.Cancelled ? "Cancelled" : Walk.Truncated ? "Stopped at the search limit" : "Done";
                var skipped = Walk.Skipped > 0 ? $", {Walk.Skipped} not listable" : "";
                return $"{end}: {found} {where} ({visited} nodes looked at{skipped})";
            }
        }
    }
}
