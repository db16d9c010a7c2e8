using System.Globalization;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Web.Znodes.Formats;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.NodeHistory;

/// <summary>
/// "What changed under this path between T1 and T2" over the tracked versions (<see cref="INodeHistory.GetChangesBetweenAsync"/>,
/// read access on the path checked in Core; nodes the user may not read are left out). Deep links:
/// <c>/history/{ensemble}/changes?path=/configs&amp;from=2026-12-03T10:00:00Z&amp;to=…</c> (ISO 8601).
/// </summary>
public sealed partial class ChangesBetween : IDisposable
{
    private const string InputFormat = "yyyy-MM-ddTHH:mm:ss";
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private IReadOnlyList<NodeChangeSummary>? _changes;
    private string? _error;
    private DateTimeOffset _from;
    private DateTimeOffset _to;
    private string _pathInput = "/";
    private string? _fromInput;
    private string? _toInput;
    private string? _loadedKey;

    [Parameter] public string Ensemble { get; set; } = string.Empty;

    [SupplyParameterFromQuery(Name = "path")] public string? QueryPath { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? QueryFrom { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? QueryTo { get; set; }

    [CascadingParameter] public ViewerTimeZone? Viewer { get; set; }

    [Inject] private INodeHistory Histories { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private ViewerTimeZone Viewing => Viewer ?? ViewerTimeZone.Server;

    private string NodePath => string.IsNullOrWhiteSpace(QueryPath) ? "/" : QueryPath.Trim();

    /// <summary>A base-relative link to the page (times as ISO 8601 UTC; null: the last hour).</summary>
    public static string Href(string ensemble, string path, DateTimeOffset? from, DateTimeOffset? to)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var href = $"history/{Uri.EscapeDataString(ensemble)}/changes?path={Uri.EscapeDataString(path)}";
        if (from is { } f)
        {
            href += "&from=" + Uri.EscapeDataString(f.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }
        if (to is { } t)
        {
            href += "&to=" + Uri.EscapeDataString(t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }
        return href;
    }

    protected override async Task OnParametersSetAsync()
    {
        var key = $"{Ensemble}\n{QueryPath}\n{QueryFrom}\n{QueryTo}\n{Viewing.Zone.Id}";
        if (key == _loadedKey)
        {
            return;
        }
        _loadedKey = key;
        _error = null;
        var now = DateTimeOffset.UtcNow;
        if (!TryParseTime(QueryFrom, now.AddHours(-1), out _from) || !TryParseTime(QueryTo, now, out _to))
        {
            _changes = [];
            _error = $"The times in the link are not valid (from '{QueryFrom}', to '{QueryTo}'): use ISO 8601, for example 2026-12-03T10:00:00Z.";
            return;
        }
        _pathInput = NodePath;
        _fromInput = ToInput(_from);
        _toInput = ToInput(_to);
        _changes = null;
        _open.Clear();
        try
        {
            PathUtils.Validate(NodePath);
            _changes = await Histories.GetChangesBetweenAsync(CurrentUser.User, Ensemble, NodePath, _from, _to, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (AccessDeniedException ex)
        {
            _error = $"Not shown: {ex.Reason}";
        }
        catch (Exception ex) when (ex is ArgumentException or ZooKeeperException or Core.Sessions.UnknownEnsembleException or InvalidOperationException)
        {
            _error = ex.Message;
        }
    }

    private static bool TryParseTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private string ToInput(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Viewing.Zone).ToString(InputFormat, CultureInfo.InvariantCulture);

    private bool TryFromInput(string? text, out DateTimeOffset value)
    {
        value = default;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        value = new DateTimeOffset(unspecified, Viewing.Zone.GetUtcOffset(unspecified));
        return true;
    }

    private Task ShowAsync()
    {
        if (!TryFromInput(_fromInput, out var from) || !TryFromInput(_toInput, out var to))
        {
            _error = "Enter both times (date and time).";
            return Task.CompletedTask;
        }
        if (to < from)
        {
            _error = "The end is before the start; swap them.";
            return Task.CompletedTask;
        }
        Navigation.NavigateTo(Href(Ensemble, string.IsNullOrWhiteSpace(_pathInput) ? "/" : _pathInput.Trim(), from, to));
        return Task.CompletedTask;
    }

    private void Toggle(string path)
    {
        if (!_open.Remove(path))
        {
            _open.Add(path);
        }
    }

    private static string KindText(NodeChangeKind kind) => kind switch
    {
        NodeChangeKind.Created => "created",
        NodeChangeKind.Deleted => "deleted",
        _ => "changed",
    };

    private static string KindClass(NodeChangeKind kind) => KindText(kind);

    private static string TextOf(NodeVersionView? v)
        => v is null ? string.Empty
            : v.Data is { } d ? FormatDetector.Detect(d).Text ?? $"(binary data, {d.Length:N0} bytes)"
            : $"({v.DataUnavailableReason ?? "no content"})";

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
