using System.Text;

namespace ZkDashboard.Web.Explorer.Acl;

/// <summary>ZooKeeper permission bits (same values as ZooDefs.Perms and the client's <c>Perms</c>).</summary>
[Flags]
public enum AclPermissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Create = 4,
    Delete = 8,
    Admin = 16,
    All = Read | Write | Create | Delete | Admin,
}

/// <summary>Letters (as zkCli prints them: <c>cdrwa</c>) and words for permissions.</summary>
public static class AclPermissionText
{
    /// <summary>Each permission with its letter and word, in zkCli's display order.</summary>
    public static IReadOnlyList<(AclPermissions Perm, char Letter, string Word)> Each { get; } =
    [
        (AclPermissions.Create, 'c', "Create"),
        (AclPermissions.Delete, 'd', "Delete"),
        (AclPermissions.Read, 'r', "Read"),
        (AclPermissions.Write, 'w', "Write"),
        (AclPermissions.Admin, 'a', "Admin"),
    ];

    /// <summary>"cdrwa" for all; "r" for read only; "" for none.</summary>
    public static string Letters(AclPermissions perms)
    {
        var sb = new StringBuilder(5);
        foreach (var (perm, letter, _) in Each)
        {
            if ((perms & perm) != 0)
            {
                sb.Append(letter);
            }
        }

        return sb.ToString();
    }

    /// <summary>"Create, Delete, Read, Write, Admin"; "None" when empty.</summary>
    public static string Words(AclPermissions perms)
    {
        var words = Each.Where(e => (perms & e.Perm) != 0).Select(e => e.Word).ToList();
        return words.Count == 0 ? "None" : string.Join(", ", words);
    }

    /// <summary>Parses permission letters (any order, case-insensitive); the error names the unknown letter.</summary>
    public static bool TryParse(string text, out AclPermissions perms, out string? error)
    {
        perms = AclPermissions.None;
        error = null;
        foreach (var ch in text)
        {
            var match = Each.FirstOrDefault(e => e.Letter == char.ToLowerInvariant(ch));
            if (match.Letter == '\0')
            {
                error = $"unknown permission letter '{ch}' (use c=Create, d=Delete, r=Read, w=Write, a=Admin)";
                return false;
            }

            perms |= match.Perm;
        }

        return true;
    }
}
