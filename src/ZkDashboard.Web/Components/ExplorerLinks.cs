using System.Text;

namespace ZkDashboard.Web.Components;

/// <summary>Deep links of the explorer (<c>e/{ensemble}/{**path}</c>) and path helpers.</summary>
/// <remarks>
/// Tool pages of an ensemble live beside the explorer's catch-all (<c>/e/{ensemble}/health</c>, <c>/sessions</c>,
/// <c>/recipes/{**path}</c>) and win over it, so a root znode with such a name (<c>/health</c>) needs another link: the
/// explorer writes it with the escape segment <c>-</c> first (<c>/e/{ensemble}/-/health</c>). Every other path keeps its plain
/// link, so existing bookmarks stay valid; <c>/e/{ensemble}/-/x/y</c> is accepted for any path (a znode named <c>-</c> at the
/// root is <c>/e/{ensemble}/-/-</c>).
/// </remarks>
public static class ExplorerLinks
{
    /// <summary>The first segment that marks the rest of the route as a znode path, whatever its first segment is.</summary>
    public const string EscapeSegment = "-";

    /// <summary>
    /// Route segments after <c>/e/{ensemble}/</c> taken by pages other than the explorer. ADD HERE the first segment of every new
    /// page route under <c>/e/{Ensemble}/…</c> (the Web tests fail when a page's route is missing from this list), so that
    /// explorer links to a root znode of that name get the <see cref="EscapeSegment"/>. Compared case-insensitively, as the router does.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedSegments = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        EscapeSegment, "health", "sessions", "recipes",
    };

    /// <summary>A base-relative link to a node: every segment escaped (spaces, %, #, ?, unicode survive).</summary>
    public static string Href(string ensemble, string path)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var sb = new StringBuilder("e/").Append(Uri.EscapeDataString(ensemble)).Append('/');
        if (!string.IsNullOrEmpty(path) && path != "/")
        {
            var segments = path.TrimStart('/').Split('/');
            if (ReservedSegments.Contains(segments[0]))
            {
                sb.Append(EscapeSegment).Append('/');
            }
            sb.AppendJoin('/', segments.Select(Uri.EscapeDataString));
        }

        return sb.ToString();
    }

    /// <summary>The ZooKeeper path for the route's catch-all value (null or empty: the root; a leading <see cref="EscapeSegment"/> is dropped).</summary>
    public static string FromRoute(string? routePath)
    {
        if (string.IsNullOrEmpty(routePath))
        {
            return "/";
        }

        var trimmed = routePath.Trim('/');
        if (trimmed == EscapeSegment)
        {
            return "/";
        }
        if (trimmed.StartsWith(EscapeSegment + "/", StringComparison.Ordinal))
        {
            trimmed = trimmed[(EscapeSegment.Length + 1)..];
        }
        return trimmed.Length == 0 ? "/" : "/" + trimmed;
    }

    /// <summary>The parent of a path ("/" for top-level nodes and the root).</summary>
    public static string Parent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    /// <summary>The last segment ("/" for the root).</summary>
    public static string Name(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path == "/" ? "/" : path[(path.LastIndexOf('/') + 1)..];
    }

    /// <summary>A child path.</summary>
    public static string Join(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;

    /// <summary>Breadcrumbs: (label, path) from the root to <paramref name="path"/>.</summary>
    public static IReadOnlyList<(string Label, string Path)> Crumbs(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var crumbs = new List<(string, string)> { ("/", "/") };
        if (path == "/")
        {
            return crumbs;
        }

        var current = "/";
        foreach (var segment in path.TrimStart('/').Split('/'))
        {
            current = Join(current, segment);
            crumbs.Add((segment, current));
        }

        return crumbs;
    }
}
