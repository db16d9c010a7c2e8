namespace ZkDashboard.Web.Auth.External;

/// <summary>Where group names come from.</summary>
public enum LdapGroupSource
{
    /// <summary>The user entry's <c>memberOf</c> attribute (group DNs; the name is the value of the first RDN).</summary>
    MemberOf,

    /// <summary>A search under <see cref="LdapOptions.GroupSearchBase"/> with <see cref="LdapOptions.GroupSearchFilter"/>.</summary>
    Search,

    /// <summary>No groups (bindings then name users only).</summary>
    None,
}

/// <summary>Settings <c>ZkDashboard:Auth:Ldap</c>: sign-in by binding to an LDAP directory as the user.</summary>
public sealed class LdapOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ZkDashboard:Auth:Ldap";

    /// <summary><c>ldap://host:port</c> or <c>ldaps://host:port</c> (TLS from the first byte). Setting it turns LDAP sign-in on.</summary>
    public string? Url { get; set; }

    /// <summary>Upgrade an <c>ldap://</c> connection with StartTLS before any bind (the password never crosses in clear).</summary>
    public bool StartTls { get; set; }

    /// <summary>The service account that searches for users (and groups); empty: search anonymously, or use <see cref="UserDnTemplate"/>.</summary>
    public string? BindDn { get; set; }

    /// <summary>The service account's password (keep it out of appsettings.json: environment or a secret store).</summary>
    public string? BindPassword { get; set; }

    /// <summary>Where users are searched, e.g. <c>ou=people,dc=example,dc=org</c>.</summary>
    public string? UserSearchBase { get; set; }

    /// <summary>The user search filter; <c>{0}</c> is the typed user name, escaped per RFC 4515.</summary>
    public string UserSearchFilter { get; set; } = "(uid={0})";

    /// <summary>Instead of a search: the user's DN, <c>{0}</c> being the typed user name escaped per RFC 4514,
    /// e.g. <c>uid={0},ou=people,dc=example,dc=org</c>.</summary>
    public string? UserDnTemplate { get; set; }

    /// <summary>The attribute whose value becomes the dashboard user name (bindings say <c>user:NAME</c>).</summary>
    public string UserNameAttribute { get; set; } = "uid";

    /// <summary>The attribute shown as the person's display name.</summary>
    public string DisplayNameAttribute { get; set; } = "cn";

    /// <summary>Where group names come from.</summary>
    public LdapGroupSource GroupSource { get; set; } = LdapGroupSource.MemberOf;

    /// <summary>For <see cref="LdapGroupSource.Search"/>: where groups are searched, e.g. <c>ou=groups,dc=example,dc=org</c>.</summary>
    public string? GroupSearchBase { get; set; }

    /// <summary>For <see cref="LdapGroupSource.Search"/>: <c>{dn}</c> is the user's DN and <c>{0}</c> the user name, both escaped per RFC 4515.</summary>
    public string GroupSearchFilter { get; set; } = "(member={dn})";

    /// <summary>The group entry's attribute that holds its name (for a search), or the RDN attribute expected in memberOf DNs.</summary>
    public string GroupNameAttribute { get; set; } = "cn";

    /// <summary>Time limit of one sign-in check (connection, searches and binds together), in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>True when <see cref="Url"/> is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url);

    /// <summary>What is wrong with these settings, one message per problem (empty when they are usable).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!TryParseUrl(Url, out _, out _, out _))
        {
            errors.Add($"{Section}:Url \"{Url}\" is not an LDAP address; write ldap://host:port or ldaps://host:port.");
        }
        else if (StartTls && Url!.StartsWith("ldaps:", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Section}: StartTls is for ldap:// addresses; an ldaps:// address is already encrypted. Remove one of them.");
        }

        if (string.IsNullOrWhiteSpace(UserDnTemplate) && string.IsNullOrWhiteSpace(UserSearchBase))
        {
            errors.Add($"{Section}: set UserSearchBase (with UserSearchFilter) or UserDnTemplate, so that a user name can be turned into an entry.");
        }

        if (!string.IsNullOrWhiteSpace(UserDnTemplate) && !UserDnTemplate.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add($"{Section}:UserDnTemplate must contain {{0}} where the user name goes, e.g. uid={{0}},ou=people,dc=example,dc=org.");
        }

        if (string.IsNullOrWhiteSpace(UserDnTemplate) && !UserSearchFilter.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add($"{Section}:UserSearchFilter must contain {{0}} where the user name goes, e.g. (uid={{0}}).");
        }

        if (GroupSource == LdapGroupSource.Search && string.IsNullOrWhiteSpace(GroupSearchBase))
        {
            errors.Add($"{Section}: GroupSource Search needs GroupSearchBase, e.g. ou=groups,dc=example,dc=org.");
        }

        if (!string.IsNullOrEmpty(BindDn) && string.IsNullOrEmpty(BindPassword))
        {
            errors.Add($"{Section}: BindDn is set but BindPassword is empty; an empty password would be an anonymous bind. Set the service account's password.");
        }

        if (TimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"{Section}:TimeoutSeconds must be between 1 and 300.");
        }

        return errors;
    }

    /// <summary>Parses <c>ldap[s]://host[:port]</c> (default ports 389 and 636).</summary>
    public static bool TryParseUrl(string? url, out string host, out int port, out bool ldaps)
    {
        host = "";
        port = 0;
        ldaps = false;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || (uri.AbsolutePath is not ("" or "/")))
        {
            return false;
        }

        ldaps = uri.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        if (!ldaps && !uri.Scheme.Equals("ldap", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        host = uri.Host;
        port = uri.IsDefaultPort || uri.Port <= 0 ? (ldaps ? 636 : 389) : uri.Port;
        return true;
    }
}
