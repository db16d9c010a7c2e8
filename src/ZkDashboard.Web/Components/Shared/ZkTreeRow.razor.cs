using System.Globalization;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Znodes.Tree;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>One row of <see cref="ZkTree"/>: an ARIA treeitem with markers for ephemeral, NoAuth and created-here nodes.</summary>
public partial class ZkTreeRow
{
    /// <summary>Pixels of indentation per level.</summary>
    public const int IndentPx = 16;

    [Parameter, EditorRequired]
    public TreeRow Row { get; set; } = default!;

    [Parameter]
    public string? RowId { get; set; }

    [Parameter]
    public bool Selected { get; set; }

    [Parameter]
    public int Height { get; set; } = 28;

    [Parameter]
    public EventCallback<TreeRow> OnSelect { get; set; }

    [Parameter]
    public EventCallback<TreeRow> OnToggle { get; set; }

    private (TreeRow Row, string? RowId, bool Selected, int Height) _rendered;

    private string RowStyle => string.Create(CultureInfo.InvariantCulture,
        $"height:{Height}px;padding-left:{((Row.Level - 1) * IndentPx) + 4}px");

    private string? AriaExpanded => Row.HasChildren ? (Row.Expanded ? "true" : "false") : null;

    private string OwnerHex => "0x" + (Row.Info?.EphemeralOwner ?? 0).ToString("x", CultureInfo.InvariantCulture);

    private string Icon => Row.Info switch
    {
        { IsEphemeral: true } => "timer",
        _ when Row.Path == "/" => "account_tree",
        _ when Row.Expanded => "folder_open",
        { NumChildren: > 0 } => "folder",
        _ => "draft",
    };

    /// <summary>Extra facts for assistive technology (the visible badges).</summary>
    internal string? Description
    {
        get
        {
            if (Row.Info is not { } info)
            {
                return null;
            }

            var parts = new List<string>();
            if (info.NumChildren > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{info.NumChildren:N0} children"));
            }

            if (info.IsEphemeral)
            {
                parts.Add($"ephemeral, owner session {OwnerHex}");
            }

            if (info.NoAuth)
            {
                parts.Add("no read permission");
            }

            if (info.CreatedHereAs is { } c)
            {
                parts.Add($"created here as {c}");
            }

            if (Row.ChangeNote is { } note)
            {
                parts.Add($"children changed {note}");
            }

            return parts.Count == 0 ? null : string.Join("; ", parts);
        }
    }

    /// <summary>"7", "12.3k", "100k", "1.2M".</summary>
    internal static string CountText(int count) => count switch
    {
        < 1000 => count.ToString(CultureInfo.InvariantCulture),
        < 10_000 => (count / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        < 1_000_000 => (count / 1000).ToString(CultureInfo.InvariantCulture) + "k",
        _ => (count / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "M",
    };

    protected override void OnInitialized() => _rendered = (Row, RowId, Selected, Height);

    /// <summary>
    /// Renders again only when what the row shows changed. The tree re-renders its visible rows whenever the page
    /// re-renders (e.g. on every live change of the open node); <see cref="TreeRow"/> is an immutable record, so an
    /// equal row draws the same markup and its render (and diff) is skipped.
    /// </summary>
    protected override bool ShouldRender()
    {
        var now = (Row, RowId, Selected, Height);
        if ((ReferenceEquals(now.Row, _rendered.Row) || now.Row.Equals(_rendered.Row))
            && now.RowId == _rendered.RowId && now.Selected == _rendered.Selected && now.Height == _rendered.Height)
        {
            return false;
        }

        _rendered = now;
        return true;
    }

    private Task SelectAsync() => OnSelect.InvokeAsync(Row);

    private Task ToggleAsync() => OnToggle.InvokeAsync(Row);
}
