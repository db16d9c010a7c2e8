using Microsoft.AspNetCore.Components;

namespace ZkDashboard.Web.Components.Pages.Transfer;

/// <summary>
/// The table of the import plan and of the compare differences: <see cref="Header"/> in the head, <see cref="Row"/>
/// for each item of the current page of <see cref="Items"/> (<see cref="PageSize"/> a page), and a pager. A new
/// <see cref="Items"/> list (the page filtered again) starts at the first page.
/// </summary>
/// <typeparam name="TItem">One row's entry.</typeparam>
public sealed partial class PagedTable<TItem>
{
    /// <summary>Rows a page.</summary>
    public const int PageSize = 100;

    private IReadOnlyList<TItem>? shown;
    private int page;

    /// <summary>The rows to show (already filtered), in order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<TItem> Items { get; set; } = [];

    /// <summary>The table's accessible name.</summary>
    [Parameter, EditorRequired] public string AriaLabel { get; set; } = "";

    /// <summary>The head's row (a <c>&lt;tr&gt;</c> of <c>&lt;th scope="col"&gt;</c>).</summary>
    [Parameter, EditorRequired] public RenderFragment Header { get; set; } = default!;

    /// <summary>One row (a <c>&lt;tr&gt;</c>) for an item.</summary>
    [Parameter, EditorRequired] public RenderFragment<TItem> Row { get; set; } = default!;

    private IEnumerable<TItem> PageOfItems => Items.Skip(page * PageSize).Take(PageSize);

    private int PageCount => (Items.Count + PageSize - 1) / PageSize;

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(shown, Items))
        {
            shown = Items;
            page = 0;
        }
    }
}
