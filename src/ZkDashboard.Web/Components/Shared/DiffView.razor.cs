using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Znodes.Diff;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// Side-by-side line diff of two texts (theirs on the left, mine on the right). Long unchanged stretches are
/// folded to a few lines of context and can be expanded.
/// </summary>
public partial class DiffView
{
    [Parameter]
    public string? Theirs { get; set; }

    [Parameter]
    public string? Mine { get; set; }

    [Parameter]
    public string LeftLabel { get; set; } = "Theirs (on the server)";

    [Parameter]
    public string RightLabel { get; set; } = "Mine (unsaved)";

    [Parameter]
    public string AriaLabel { get; set; } = "Differences";

    /// <summary>Unchanged lines kept around each change when folding; null shows every line.</summary>
    [Parameter]
    public int? Context { get; set; } = 3;

    /// <summary>CSS max-height of the scrolling area, e.g. "60vh".</summary>
    [Parameter]
    public string? MaxHeight { get; set; } = "60vh";

    internal SideBySideDiff Diff { get; private set; } = new([], 0, 0, 0);

    private readonly HashSet<int> _expandedGaps = [];
    private string? _lastTheirs;
    private string? _lastMine;

    internal readonly record struct Item(DiffRow? Row, int GapId, int GapCount);

    internal IReadOnlyList<Item> Items { get; private set; } = [];

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_lastTheirs, Theirs) || !ReferenceEquals(_lastMine, Mine) || Items.Count == 0)
        {
            _lastTheirs = Theirs;
            _lastMine = Mine;
            _expandedGaps.Clear();
            Diff = LineDiff.Compare(Theirs, Mine);
        }

        Items = Fold(Diff.Rows, Context, _expandedGaps);
    }

    private void ExpandGap(int gapId)
    {
        _expandedGaps.Add(gapId);
        Items = Fold(Diff.Rows, Context, _expandedGaps);
    }

    /// <summary>Replaces runs of unchanged rows farther than <paramref name="context"/> from a change by a gap item.</summary>
    internal static IReadOnlyList<Item> Fold(IReadOnlyList<DiffRow> rows, int? context, ISet<int> expanded)
    {
        if (context is not { } ctx)
        {
            return rows.Select(r => new Item(r, 0, 0)).ToList();
        }

        var keep = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Kind != DiffKind.Unchanged)
            {
                for (var k = Math.Max(0, i - ctx); k <= Math.Min(rows.Count - 1, i + ctx); k++)
                {
                    keep[k] = true;
                }
            }
        }

        var items = new List<Item>();
        var i2 = 0;
        while (i2 < rows.Count)
        {
            if (keep[i2])
            {
                items.Add(new Item(rows[i2], 0, 0));
                i2++;
                continue;
            }

            var start = i2;
            while (i2 < rows.Count && !keep[i2])
            {
                i2++;
            }

            if (expanded.Contains(start) || i2 - start <= 1)
            {
                // Expanded (or a single line: a fold would not save space).
                for (var k = start; k < i2; k++)
                {
                    items.Add(new Item(rows[k], 0, 0));
                }
            }
            else
            {
                items.Add(new Item(null, start, i2 - start));
            }
        }

        return items;
    }

    private static string KindClass(DiffKind kind) => kind switch
    {
        DiffKind.Added => "added",
        DiffKind.Removed => "removed",
        DiffKind.Changed => "changed",
        _ => "same",
    };

    private static string LeftMark(DiffKind kind) => kind switch
    {
        DiffKind.Removed => "−",
        DiffKind.Changed => "~",
        _ => string.Empty,
    };

    private static string RightMark(DiffKind kind) => kind switch
    {
        DiffKind.Added => "+",
        DiffKind.Changed => "~",
        _ => string.Empty,
    };
}
