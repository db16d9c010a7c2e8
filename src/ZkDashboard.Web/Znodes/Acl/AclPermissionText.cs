using ZkDashboard.ZooKeeper;

using System.Text;

namespace ZkDashboard.Web.Znodes.Acl;

/// <summary>Letters (as zkCli prints them: <c>cdrwa</c>) and words for permissions.</summary>
public static class AclPermissionText
{
    /// <summary>Each permission with its letter and word, in zkCli's display order.</summary>
    public static IReadOnlyList<(Perms Perm, char Letter, string Word)> Each { get; } =
    [
        (Perms.Create, 'c', "Create"),
        (Perms.Delete, 'd', "Delete"),
        (Perms.Read, 'r', "Read"),
        (Perms.Write, 'w', "Write"),
        (Perms.Admin, 'a', "Admin"),
    ];

    /// <summary>"cdrwa" for all; "r" for read only; "" for none.</summary>
    public static string Letters(Perms perms)
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
    public static string Words(Perms perms)
    {
        var words = Each.Where(e => (perms & e.Perm) != 0).Select(e => e.Word).ToList();
        return words.Count == 0 ? "None" : string.Join(", ", words);
    }

    /// <summary>Parses permission letters (any order, case-insensitive); the error names the unknown letter.</summary>
    public static bool TryParse(string text, out Perms perms, out string? error)
    {
        perms = Perms.None;
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
