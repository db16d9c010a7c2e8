using System.Security.Cryptography;

namespace ZkDashboard.Core.Accounts;

/// <summary>Name rules and small helpers shared by accounts, sessions and tokens.</summary>
public static class AccountNames
{
    /// <summary>The provider name of local accounts.</summary>
    public const string LocalProvider = "local";

    /// <summary>The provider name of API tokens.</summary>
    public const string TokenProvider = "token";

    /// <summary>The group of the first admin (the root appsettings.json binds it to the admin role).</summary>
    public const string AdminsGroup = "admins";

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();

    /// <summary>Null when <paramref name="name"/> is a valid account name, otherwise what is wrong with it.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "Enter a user name.";
        }
        if (name.Length > 64)
        {
            return "A user name has at most 64 characters.";
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
            {
                return $"'{c}' is not allowed in a user name: use letters, digits, '.', '-', '_' or '@'.";
            }
        }
        return null;
    }

    /// <summary>Groups from free text (commas, spaces or new lines between them), trimmed, without duplicates.</summary>
    public static IReadOnlyList<string> ParseGroups(string? text) =>
        (text ?? "").Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    public static string JoinGroups(IEnumerable<string> groups) =>
        string.Join('\n', groups.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase));

    public static IReadOnlyList<string> SplitGroups(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : stored.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A random password of <paramref name="length"/> letters and digits (about 5.9 bits each).</summary>
    public static string GeneratePassword(int length = 20)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
