using System.Text;

namespace ZkDashboard.Web.Explorer.Live;

/// <summary>Deep links of the explorer (<c>e/{ensemble}/{**path}</c>) and path helpers.</summary>
public static class ExplorerLinks
{
    /// <summary>A base-relative link to a node: every segment escaped (spaces, %, #, ?, unicode survive).</summary>
    public static string Href(string ensemble, string path)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var sb = new StringBuilder("e/").Append(Uri.EscapeDataString(ensemble)).Append('/');
        if (!string.IsNullOrEmpty(path) && path != "/")
        {
            sb.AppendJoin('/', path.TrimStart('/').Split('/').Select(Uri.EscapeDataString));
        }

        return sb.ToString();
    }

    /// <summary>The ZooKeeper path for the route's catch-all value (null or empty: the root).</summary>
    public static string FromRoute(string? routePath)
    {
        if (string.IsNullOrEmpty(routePath))
        {
            return "/";
        }

        var trimmed = routePath.Trim('/');
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
