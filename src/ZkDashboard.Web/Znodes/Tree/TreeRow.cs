using ZkDashboard.Core.Cache;

namespace ZkDashboard.Web.Znodes.Tree;

/// <summary>What a visible row of the flattened tree is.</summary>
public enum TreeRowKind
{
    /// <summary>A znode.</summary>
    Node,
    /// <summary>A note in place of children: none match the filter, NoAuth, or an error.</summary>
    Status,
}

/// <summary>One visible row of the flattened tree.</summary>
/// <param name="Index">Position in the flattened list (0 = root).</param>
/// <param name="Level">ARIA level: 1 for the root.</param>
/// <param name="PosInSet">1-based position among its (matching) siblings.</param>
/// <param name="SetSize">Number of (matching) siblings.</param>
/// <param name="Highlight">Added by a live change a moment ago (drawn with a brief flash).</param>
/// <param name="ChangeNote">For a parent whose children just changed: e.g. "+2 −1".</param>
public sealed record TreeRow(
    int Index,
    TreeRowKind Kind,
    string Path,
    string Name,
    int Level,
    int PosInSet,
    int SetSize,
    TreeNodeInfo? Info,
    bool Expanded,
    bool Loading = false,
    string? StatusText = null,
    bool StatusIsError = false,
    bool Highlight = false,
    string? ChangeNote = null)
{
    public bool HasChildren => Info is { NumChildren: > 0 } || Expanded;

    /// <summary>The root is shown as "/".</summary>
    public string DisplayName => Path == "/" ? "/" : Name;
}

/// <summary>Sort and filter settings of one expanded node's children.</summary>
public sealed record ChildView(ChildSort Sort = ChildSort.Name, bool Descending = false, string? Filter = null, ChildFilterMode FilterMode = ChildFilterMode.Prefix)
{
    public static ChildView Default { get; } = new();
}

/// <summary>Counts for the children toolbar: "n of N".</summary>
public sealed record ChildSummary(string Path, int Total, int Matched, ChildView View, bool NoAuth, string? Error, bool Stale = false);
