using System.Text;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>Path order and mapping for export, import and compare.</summary>
public static class TransferPaths
{
    /// <summary>
    /// The order of a pre-order walk with children sorted by name (ordinal): segment by segment, so a parent comes
    /// before its children and <c>/a/b</c> before <c>/a-b</c> ('/' sorts before every other character).
    /// </summary>
    public static int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }
            if (a == '/')
            {
                return -1;
            }
            if (b == '/')
            {
                return 1;
            }
            return a < b ? -1 : 1;
        }
        return x.Length.CompareTo(y.Length);
    }

    /// <summary>The comparer form of <see cref="Compare"/>.</summary>
    public static IComparer<string> Comparer { get; } = Comparer<string>.Create(Compare);

    /// <summary>Ordinal order of child names, which <see cref="Compare"/> agrees with for siblings... except around '/', which names cannot hold.</summary>
    public static StringComparer NameComparer => StringComparer.Ordinal;

    /// <summary><c>/a/b</c> under root <c>/a</c> is <c>/b</c>; the root itself is <c>""</c>. Null when not under the root.</summary>
    public static string? Relative(string root, string path)
    {
        if (root == "/")
        {
            return path == "/" ? "" : path;
        }
        if (path == root)
        {
            return "";
        }
        return path.Length > root.Length && path.StartsWith(root, StringComparison.Ordinal) && path[root.Length] == '/' ? path[root.Length..] : null;
    }

    /// <summary>The absolute path of <paramref name="relative"/> under <paramref name="root"/>.</summary>
    public static string Absolute(string root, string relative)
        => relative.Length == 0 ? root : root == "/" ? relative : root + relative;

    /// <summary>Depth of a relative path ("" = 0, "/a" = 1).</summary>
    public static int Depth(string relative)
    {
        var d = 0;
        foreach (var c in relative)
        {
            if (c == '/')
            {
                d++;
            }
        }
        return d;
    }
}

/// <summary>ACL text forms and equality.</summary>
public static class TransferAcl
{
    /// <summary>Same entries, in any order.</summary>
    public static bool Equal(IReadOnlyList<Acl>? a, IReadOnlyList<Acl>? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (a.Count != b.Count)
        {
            return false;
        }
        if (a.Count == 1)
        {
            return a[0] == b[0];
        }
        var set = new HashSet<Acl>(a);
        return b.All(set.Contains);
    }

    /// <summary>zkCli letters (cdrwa).</summary>
    public static string Letters(Perms p)
    {
        var sb = new StringBuilder(5);
        if (p.HasFlag(Perms.Create)) sb.Append('c');
        if (p.HasFlag(Perms.Delete)) sb.Append('d');
        if (p.HasFlag(Perms.Read)) sb.Append('r');
        if (p.HasFlag(Perms.Write)) sb.Append('w');
        if (p.HasFlag(Perms.Admin)) sb.Append('a');
        return sb.ToString();
    }

    /// <summary>Parses zkCli letters; null when a letter is not one of cdrwa.</summary>
    public static Perms? ParseLetters(string text)
    {
        var p = Perms.None;
        foreach (var c in text)
        {
            p |= c switch
            {
                'c' or 'C' => Perms.Create,
                'd' or 'D' => Perms.Delete,
                'r' or 'R' => Perms.Read,
                'w' or 'W' => Perms.Write,
                'a' or 'A' => Perms.Admin,
                _ => (Perms)(-1),
            };
            if ((int)p < 0)
            {
                return null;
            }
        }
        return p;
    }

    /// <summary>The audit form: <c>world:anyone:cdrwa,digest:bob:x:r</c>.</summary>
    public static string? Text(IReadOnlyList<Acl>? acl)
        => acl is null ? null : string.Join(',', acl.Select(a => $"{a.Id.Scheme}:{a.Id.Ident}:{Letters(a.Perms)}"));
}

/// <summary>Creation mode names in files.</summary>
public static class TransferModes
{
    /// <summary>"persistent", "ephemeral", "container", "persistent_ttl"…</summary>
    public static string Name(CreateMode mode) => mode switch
    {
        CreateMode.Persistent => "persistent",
        CreateMode.Ephemeral => "ephemeral",
        CreateMode.PersistentSequential => "persistent_sequential",
        CreateMode.EphemeralSequential => "ephemeral_sequential",
        CreateMode.Container => "container",
        CreateMode.PersistentWithTtl => "persistent_ttl",
        CreateMode.PersistentSequentialWithTtl => "persistent_sequential_ttl",
        _ => "persistent",
    };

    /// <summary>Parses <see cref="Name"/>; null for unknown names.</summary>
    public static CreateMode? Parse(string? name) => name switch
    {
        "persistent" => CreateMode.Persistent,
        "ephemeral" => CreateMode.Ephemeral,
        "persistent_sequential" => CreateMode.PersistentSequential,
        "ephemeral_sequential" => CreateMode.EphemeralSequential,
        "container" => CreateMode.Container,
        "persistent_ttl" => CreateMode.PersistentWithTtl,
        "persistent_sequential_ttl" => CreateMode.PersistentSequentialWithTtl,
        _ => null,
    };

    /// <summary>
    /// The mode import creates a node with: the exact name is kept (sequential modes lose their counter), and
    /// ephemeral nodes become persistent (they would belong to the dashboard's session and vanish with it).
    /// </summary>
    public static CreateMode ForImport(CreateMode mode) => mode switch
    {
        CreateMode.Container => CreateMode.Container,
        CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => CreateMode.PersistentWithTtl,
        _ => CreateMode.Persistent,
    };
}
