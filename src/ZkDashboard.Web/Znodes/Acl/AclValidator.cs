using ZkDashboard.ZooKeeper;
using System.Net;
using System.Net.Sockets;

namespace ZkDashboard.Web.Znodes.Acl;

/// <summary>Per-scheme validation of ACL entries, with messages that say what to fix.</summary>
public static class AclValidator
{
    /// <summary>Null when the entry is valid; otherwise what is wrong and how to fix it.</summary>
    public static string? Validate(AclEntry entry)
    {
        var scheme = entry.Scheme;
        if (string.IsNullOrWhiteSpace(scheme))
        {
            return "the scheme is missing; use one of " + string.Join(", ", AclSchemes.All);
        }

        if (entry.Perms == Perms.None)
        {
            return "grants no permission; tick at least one of Create, Delete, Read, Write, Admin (or remove the entry)";
        }

        if ((entry.Perms & ~Perms.All) != 0)
        {
            return "has unknown permission bits";
        }

        return scheme switch
        {
            AclSchemes.World => entry.Id == "anyone" ? null : $"the world scheme only has the id 'anyone', not '{entry.Id}'",
            AclSchemes.Auth => null,
            AclSchemes.Digest => ValidateDigestId(entry.Id),
            AclSchemes.Ip => ValidateIp(entry.Id),
            AclSchemes.X509 => string.IsNullOrWhiteSpace(entry.Id)
                ? "x509 needs the certificate's distinguished name, e.g. CN=app,O=Example"
                : null,
            AclSchemes.Sasl => string.IsNullOrWhiteSpace(entry.Id)
                ? "sasl needs a principal, e.g. zkclient or user@REALM"
                : null,
            _ => $"unknown scheme '{scheme}'; use one of " + string.Join(", ", AclSchemes.All),
        };
    }

    /// <summary>Validates a whole ACL: at least one entry, each entry valid. Returns (entry index, message) pairs.</summary>
    public static IReadOnlyList<AclError> ValidateAll(IReadOnlyList<AclEntry> entries)
    {
        var errors = new List<AclError>();
        if (entries.Count == 0)
        {
            errors.Add(new AclError(0, string.Empty, "an ACL needs at least one entry"));
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (Validate(entries[i]) is { } message)
            {
                errors.Add(new AclError(i, entries[i].ToString(), message));
            }
        }

        return errors;
    }

    public static string? ValidateDigestId(string id)
    {
        var colon = id.IndexOf(':');
        if (colon <= 0)
        {
            return "a digest id has the form user:hash, where hash is base64(sha1(user:password)); use the digest helper";
        }

        if (id.IndexOf(':', colon + 1) >= 0)
        {
            return "a digest id has exactly one colon (user:hash); the user name cannot contain ':'";
        }

        var hash = id[(colon + 1)..];
        Span<byte> bytes = stackalloc byte[32];
        if (hash.Length != 28 || !Convert.TryFromBase64String(hash, bytes, out var written) || written != 20)
        {
            return $"'{hash}' is not a digest hash (28 base64 characters of a SHA-1); "
                + "type the password into the digest helper instead of the id field";
        }

        return null;
    }

    public static string? ValidateIp(string id) =>
        TryParseCidr(id, out _, out _, out var error) ? null : error;

    /// <summary>Parses "address" or "address/bits" (IPv4 or IPv6). Bits default to the full address length.</summary>
    public static bool TryParseCidr(string text, out IPAddress address, out int prefixBits, out string? error)
    {
        address = IPAddress.None;
        prefixBits = 0;
        error = null;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            error = "the ip scheme needs an address such as 192.168.1.10 or a network such as 10.0.0.0/8";
            return false;
        }

        var slash = trimmed.IndexOf('/');
        var addressText = slash >= 0 ? trimmed[..slash] : trimmed;
        if (!IPAddress.TryParse(addressText, out var parsed) || !LooksLikeAddress(addressText, parsed))
        {
            error = $"'{addressText}' is not an IPv4 or IPv6 address";
            return false;
        }

        var maxBits = parsed.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        prefixBits = maxBits;
        if (slash >= 0)
        {
            var bitsText = trimmed[(slash + 1)..];
            if (!int.TryParse(bitsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefixBits)
                || prefixBits < 0 || prefixBits > maxBits)
            {
                error = $"the prefix length '/{bitsText}' must be a number from 0 to {maxBits} for this {(maxBits == 32 ? "IPv4" : "IPv6")} address";
                return false;
            }
        }

        address = parsed;
        return true;
    }

    /// <summary>True when <paramref name="candidate"/> lies within the network <paramref name="cidr"/>.</summary>
    public static bool CidrContains(string cidr, IPAddress candidate)
    {
        if (!TryParseCidr(cidr, out var network, out var bits, out _) || network.AddressFamily != candidate.AddressFamily)
        {
            return false;
        }

        var a = network.GetAddressBytes();
        var b = candidate.GetAddressBytes();
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((a[i] & mask) != (b[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>IPAddress.TryParse accepts "1" or "1.2" as IPv4; ZooKeeper wants dotted quads.</summary>
    private static bool LooksLikeAddress(string text, IPAddress parsed) =>
        parsed.AddressFamily == AddressFamily.InterNetworkV6
            ? !text.Contains('%', StringComparison.Ordinal)
            : text.Count(c => c == '.') == 3;
}
