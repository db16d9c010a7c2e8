using System.Text;

namespace ZkDashboard.Web.Auth.External;

/// <summary>Escaping of user input put into LDAP filters (RFC 4515) and DNs (RFC 4514), and reading a DN's first RDN.</summary>
public static class LdapEscape
{
    /// <summary>Escapes a value for an LDAP search filter: <c>* ( ) \ NUL</c> and every non-ASCII byte become <c>\XX</c>.</summary>
    public static string FilterValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (byte)'*' or (byte)'(' or (byte)')' or (byte)'\\' or 0 || b >= 0x80)
            {
                sb.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    /// <summary>Escapes a value for an attribute value of a DN: <c>, + " \ &lt; &gt; ; =</c>, NUL, a leading space or <c>#</c>,
    /// and a trailing space.</summary>
    public static string DnValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                sb.Append("\\00");
            }
            else if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                     || (i == 0 && c is ' ' or '#')
                     || (i == value.Length - 1 && c == ' '))
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The value of a DN's first RDN when its attribute is <paramref name="attribute"/>
    /// (<c>cn=ops\, eu,ou=groups,dc=x</c> → <c>ops, eu</c>), else null.</summary>
    public static string? FirstRdnValue(string dn, string attribute)
    {
        ArgumentNullException.ThrowIfNull(dn);
        var eq = dn.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !dn[..eq].Trim().Equals(attribute, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var sb = new StringBuilder();
        for (var i = eq + 1; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\' && i + 1 < dn.Length)
            {
                if (i + 2 < dn.Length && Uri.IsHexDigit(dn[i + 1]) && Uri.IsHexDigit(dn[i + 2]))
                {
                    // \XX escapes are UTF-8 bytes; collect a run of them.
                    var bytes = new List<byte>();
                    while (i + 2 < dn.Length && dn[i] == '\\' && Uri.IsHexDigit(dn[i + 1]) && Uri.IsHexDigit(dn[i + 2]))
                    {
                        bytes.Add(Convert.ToByte(dn.Substring(i + 1, 2), 16));
                        i += 3;
                    }

                    sb.Append(Encoding.UTF8.GetString([.. bytes]));
                    i--;
                    continue;
                }

                sb.Append(dn[++i]);
            }
            else if (c is ',' or '+')
            {
                break;
            }
            else
            {
                sb.Append(c);
            }
        }

        var name = sb.ToString().Trim();
        return name.Length == 0 ? null : name;
    }
}
