using ZkDashboard.ZooKeeper;
using System.Text.RegularExpressions;

namespace ZkDashboard.Web.Znodes.Acl;

/// <summary>A problem with one entry of an ACL text; <see cref="Index"/> is 0-based.</summary>
public sealed record AclError(int Index, string Text, string Message)
{
    public override string ToString() => $"Entry {Index + 1} ('{Text}'): {Message}";
}

/// <summary>Entries that parsed and validated, and errors for those that did not.</summary>
public sealed record AclParseResult(IReadOnlyList<AclEntry> Entries, IReadOnlyList<AclError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Entries.Count > 0;
}

/// <summary>
/// Parses and formats zkCli's ACL syntax: <c>scheme:id:perms</c> entries separated by commas, e.g.
/// <c>world:anyone:r,digest:alice:Xq...=:cdrwa,ip:10.0.0.0/8:rw</c>. Like zkCli, the id is everything between
/// the first and the last colon (so IPv6 addresses and digest ids work). Unlike zkCli, a comma only starts a new
/// entry when what follows looks like <c>scheme:</c>, so x509 distinguished names may contain commas.
/// </summary>
public static partial class AclParser
{
    [GeneratedRegex(@"^\s*[A-Za-z][A-Za-z0-9_.\-]*:")]
    private static partial Regex EntryStart();

    public static AclParseResult Parse(string? text)
    {
        var entries = new List<AclEntry>();
        var errors = new List<AclError>();
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new AclError(0, string.Empty, "the ACL is empty; give at least one entry such as world:anyone:r"));
            return new AclParseResult(entries, errors);
        }

        var index = 0;
        foreach (var raw in SplitEntries(text))
        {
            var part = raw.Trim();
            if (TryParseEntry(part, out var entry, out var error))
            {
                var invalid = AclValidator.Validate(entry);
                if (invalid is null)
                {
                    entries.Add(entry);
                }
                else
                {
                    errors.Add(new AclError(index, part, invalid));
                }
            }
            else
            {
                errors.Add(new AclError(index, part, error!));
            }

            index++;
        }

        return new AclParseResult(entries, errors);
    }

    /// <summary>Parses one <c>scheme:id:perms</c> entry without semantic validation.</summary>
    public static bool TryParseEntry(string text, out AclEntry entry, out string? error)
    {
        entry = AclEntry.WorldAnyone(Perms.None);
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        if (text.Length == 0)
        {
            error = "empty entry (two commas in a row?)";
            return false;
        }

        if (first < 0 || first == last)
        {
            error = "does not have the form scheme:id:perms (e.g. world:anyone:cdrwa)";
            return false;
        }

        var scheme = text[..first].Trim();
        var id = text[(first + 1)..last];
        if (!AclPermissionText.TryParse(text[(last + 1)..].Trim(), out var perms, out error))
        {
            return false;
        }

        entry = new AclEntry(scheme, id, perms);
        return true;
    }

    /// <summary>zkCli text for a list of entries: <c>scheme:id:perms,scheme:id:perms</c>.</summary>
    public static string Format(IEnumerable<AclEntry> entries) => string.Join(",", entries.Select(e => e.ToString()));

    private static IEnumerable<string> SplitEntries(string text)
    {
        var pieces = text.Split(',');
        var current = pieces[0];
        for (var i = 1; i < pieces.Length; i++)
        {
            if (EntryStart().IsMatch(pieces[i]) || pieces[i].Trim().Length == 0 || current.Trim().Length == 0)
            {
                yield return current;
                current = pieces[i];
            }
            else
            {
                // "x509:CN=a,O=b:r": the comma belongs to the distinguished name.
                current += "," + pieces[i];
            }
        }

        yield return current;
    }
}
