namespace ZkDashboard.Core.Access;

/// <summary>
/// An immutable, compiled snapshot of roles, bindings, protected paths and sensitive-data masks. Bindings are
/// indexed by subject, so a decision only looks at the user's own bindings (a group's binding can never
/// grant anyone outside that group), and every glob is compiled once.
/// </summary>
public sealed class AccessRules
{
    private static readonly CompiledBinding[] None = [];
    private readonly Dictionary<string, AccessRole> _roles;
    private readonly Dictionary<string, CompiledBinding[]> _byUser;
    private readonly Dictionary<string, CompiledBinding[]> _byGroup;
    private readonly PathGlob[] _protected;
    private readonly PathGlob[] _sensitive;

    internal sealed record CompiledBinding(AccessBinding Binding, string? Provider, AccessRole Role, EnsembleGlob Ensembles, PathGlob Paths)
    {
        /// <summary>Where this binding's node writes need approval (empty: nowhere).</summary>
        public PathGlob[] Approval { get; init; } = [];

        /// <summary>The approval glob matching <paramref name="path"/>, or null.</summary>
        public PathGlob? ApprovalAt(string path)
        {
            foreach (var g in Approval)
            {
                if (g.IsMatch(path))
                {
                    return g;
                }
            }
            return null;
        }

        /// <summary>The approval glob matching <paramref name="path"/> or a node below it, or null.</summary>
        public PathGlob? ApprovalAtOrBelow(string path)
        {
            foreach (var g in Approval)
            {
                if (g.CouldMatchAtOrBelow(path))
                {
                    return g;
                }
            }
            return null;
        }
    }

    private AccessRules(Dictionary<string, AccessRole> roles, List<CompiledBinding> bindings, PathGlob[] protectedPaths, PathGlob[] sensitive)
    {
        _roles = roles;
        Bindings = [.. bindings.Select(b => b.Binding)];
        _byUser = Index(bindings, "user:");
        _byGroup = Index(bindings, "group:");
        _protected = protectedPaths;
        _sensitive = sensitive;
        Roles = [.. roles.Values.OrderBy(r => !r.BuiltIn).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Every role (built-in first).</summary>
    public IReadOnlyList<AccessRole> Roles { get; }

    /// <summary>Every binding (configuration first, then stored).</summary>
    public IReadOnlyList<AccessBinding> Bindings { get; }

    /// <summary>Protected path globs (node writes need admin).</summary>
    public IReadOnlyList<string> ProtectedPaths => [.. _protected.Select(g => g.Pattern)];

    /// <summary>Sensitive-data globs (data needs readData).</summary>
    public IReadOnlyList<string> SensitiveData => [.. _sensitive.Select(g => g.Pattern)];

    /// <summary>No roles beyond the built-ins and no bindings: nobody but the system may do anything.</summary>
    public static AccessRules Empty { get; } = Build(new AccessOptions(), []);

    /// <summary>
    /// Compiles settings plus stored bindings. Throws <see cref="AccessConfigurationException"/> naming the bad
    /// settings entry (<c>ZkDashboard:Access:Bindings:2: unknown role 'deployr'…</c>). A bad stored binding is
    /// skipped and reported in <paramref name="storedErrors"/> (stored bindings are validated when saved).
    /// </summary>
    public static AccessRules Build(AccessOptions options, IEnumerable<AccessBinding> stored, ICollection<string>? storedErrors = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var roles = AccessRole.BuiltInRoles.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Roles.Count; i++)
        {
            var entry = options.Roles[i];
            var where = $"{AccessOptions.SectionName}:Roles:{i}";
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                throw new AccessConfigurationException($"{where}: the role has no Name.");
            }
            var name = entry.Name.Trim();
            if (roles.TryGetValue(name, out var existing))
            {
                throw new AccessConfigurationException(existing.BuiltIn
                    ? $"{where}: '{name}' is a built-in role and cannot be redefined; pick another name."
                    : $"{where}: the role '{name}' is defined twice.");
            }
            var actions = new HashSet<AccessAction>();
            foreach (var a in entry.Actions)
            {
                if (!AccessActions.TryParse(a, out var action))
                {
                    throw new AccessConfigurationException(
                        $"{where} ('{name}'): unknown action '{a}'. Known: {string.Join(", ", AccessActions.All.Select(AccessActions.Name))}.");
                }
                actions.Add(action);
            }
            if (actions.Count == 0)
            {
                throw new AccessConfigurationException($"{where} ('{name}'): the role has no Actions.");
            }
            roles[name] = new AccessRole(name, actions, false);
        }

        var compiled = new List<CompiledBinding>();
        for (var i = 0; i < options.Bindings.Count; i++)
        {
            var e = options.Bindings[i];
            var binding = new AccessBinding($"config:{i}", e.Subject?.Trim() ?? "", Normalize(e.Provider), e.Role?.Trim() ?? "",
                string.IsNullOrWhiteSpace(e.Ensembles) ? "*" : e.Ensembles.Trim(), string.IsNullOrWhiteSpace(e.Paths) ? "/**" : e.Paths.Trim(),
                AccessBindingSource.Configuration)
            {
                RequireApproval = [.. e.RequireApproval.Select(g => g?.Trim() ?? "")],
            };
            try
            {
                compiled.Add(Compile(binding, roles));
            }
            catch (AccessConfigurationException ex)
            {
                throw new AccessConfigurationException($"{AccessOptions.SectionName}:Bindings:{i} ({e.Subject} → {e.Role}): {ex.Message}");
            }
        }
        foreach (var b in stored)
        {
            try
            {
                compiled.Add(Compile(b, roles));
            }
            catch (AccessConfigurationException ex)
            {
                storedErrors?.Add($"Stored binding {b.Id} ({b.Subject} → {b.Role}) is ignored: {ex.Message}");
            }
        }
        return new AccessRules(roles, compiled,
            CompileGlobs(options.ProtectedPaths, "ProtectedPaths"), CompileGlobs(options.SensitiveData, "SensitiveData"));
    }

    /// <summary>Checks a binding against these roles; throws <see cref="AccessConfigurationException"/> saying what is wrong.</summary>
    public void Validate(AccessBinding binding) => Compile(binding, _roles);

    /// <summary>A role by name, or null.</summary>
    public AccessRole? FindRole(string name) => _roles.GetValueOrDefault(name);

    /// <summary>True when node data at <paramref name="path"/> is under a sensitive-data mask.</summary>
    public bool IsSensitive(string path)
    {
        foreach (var g in _sensitive)
        {
            if (g.IsMatch(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when node writes at <paramref name="path"/> need the admin role.</summary>
    public bool IsProtected(string path)
    {
        if (_protected.Length == 0)
        {
            return false;
        }
        foreach (var g in _protected)
        {
            if (g.IsMatch(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when no sensitive-data mask can apply at or below <paramref name="path"/>.</summary>
    internal bool NoSensitiveAtOrBelow(string path)
    {
        foreach (var g in _sensitive)
        {
            if (g.CouldMatchAtOrBelow(path))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The bindings that name this user or one of their groups (nothing else can grant them anything).</summary>
    internal IEnumerable<CompiledBinding> BindingsOf(ActingUser user)
    {
        foreach (var b in _byUser.GetValueOrDefault(user.Name, None))
        {
            yield return b;
        }
        foreach (var g in user.Groups)
        {
            foreach (var b in _byGroup.GetValueOrDefault(g, None))
            {
                yield return b;
            }
        }
    }

    internal CompiledBinding[] UserBindings(string name) => _byUser.GetValueOrDefault(name, None);

    internal CompiledBinding[] GroupBindings(string group) => _byGroup.GetValueOrDefault(group, None);

    /// <summary>The union of the actions of the token scope's roles (all actions when there is no scope).</summary>
    internal uint ScopeMask(ActingUser user)
    {
        if (user.RoleScope is not { } scope)
        {
            return AccessActions.AllMask;
        }
        var mask = 0u;
        foreach (var r in scope)
        {
            if (_roles.TryGetValue(r, out var role))
            {
                mask |= role.Mask;
            }
        }
        return mask;
    }

    private static CompiledBinding Compile(AccessBinding b, Dictionary<string, AccessRole> roles)
    {
        var colon = b.Subject.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? "" : b.Subject[..colon].ToLowerInvariant();
        if (colon < 0 || kind is not ("user" or "group") || b.Subject.Length == colon + 1 || b.Subject[(colon + 1)..].Trim().Length == 0)
        {
            throw new AccessConfigurationException($"the subject \"{b.Subject}\" is not \"user:NAME\" or \"group:NAME\".");
        }
        if (string.IsNullOrWhiteSpace(b.Role) || !roles.TryGetValue(b.Role, out var role))
        {
            throw new AccessConfigurationException(
                $"unknown role '{b.Role}'. Known roles: {string.Join(", ", roles.Keys.Order(StringComparer.OrdinalIgnoreCase))}.");
        }
        if (b.Provider is { } p && p is not ("local" or "ldap" or "oidc" or "proxy" or "token"))
        {
            throw new AccessConfigurationException($"unknown provider '{p}'; use local, ldap, oidc, proxy or token (or leave it out for any).");
        }
        var approval = new PathGlob[b.RequireApproval.Count];
        for (var i = 0; i < approval.Length; i++)
        {
            var glob = b.RequireApproval[i];
            try
            {
                approval[i] = PathGlob.Parse(glob);
            }
            catch (AccessConfigurationException ex)
            {
                throw new AccessConfigurationException($"RequireApproval:{i} ('{glob}'): {ex.Message}");
            }
        }
        return new CompiledBinding(b, b.Provider, role, EnsembleGlob.Parse(b.Ensembles), PathGlob.Parse(b.Paths)) { Approval = approval };
    }

    private static PathGlob[] CompileGlobs(List<string> globs, string key)
    {
        var result = new PathGlob[globs.Count];
        for (var i = 0; i < globs.Count; i++)
        {
            try
            {
                result[i] = PathGlob.Parse(globs[i]);
            }
            catch (AccessConfigurationException ex)
            {
                throw new AccessConfigurationException($"{AccessOptions.SectionName}:{key}:{i}: {ex.Message}");
            }
        }
        return result;
    }

    private static Dictionary<string, CompiledBinding[]> Index(List<CompiledBinding> bindings, string prefix)
        => bindings.Where(b => b.Binding.Subject.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .GroupBy(b => b.Binding.Subject[prefix.Length..].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase);

    internal static string? Normalize(string? provider) => string.IsNullOrWhiteSpace(provider) ? null : provider.Trim().ToLowerInvariant();
}
