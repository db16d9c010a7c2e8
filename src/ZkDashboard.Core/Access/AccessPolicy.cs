using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Access;

/// <summary>
/// The dashboard's access policy: deny unless a binding allows. Bindings come from <c>ZkDashboard:Access</c>
/// (compiled at start-up; a bad entry fails start-up with its name) and from the store (admins edit them through
/// <see cref="IAccessAdministration"/>). Decisions run on an immutable compiled snapshot (<see cref="AccessRules"/>),
/// replaced whole when stored bindings change.
/// </summary>
public sealed partial class AccessPolicy : IAccessPolicy
{
    private readonly AccessOptions _options;
    private readonly IDashboardStore? _store;
    private readonly IServiceProvider _services;
    private readonly ILogger<AccessPolicy> _logger;
    private readonly Lock _loadLock = new();
    private volatile AccessRules? _rules;
    private IEnsembleRegistry? _registry;
    private bool _registryResolved;
    private IReadOnlyList<string> _storedErrors = [];

    /// <summary>Creates the policy; throws <see cref="AccessConfigurationException"/> for bad settings.</summary>
    public AccessPolicy(IOptions<AccessOptions> options, IServiceProvider services, ILogger<AccessPolicy> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _services = services;
        _store = services.GetService<IDashboardStore>();
        _logger = logger;
        ConfigurationRules = AccessRules.Build(_options, []);
        if (_store is null)
        {
            _rules = ConfigurationRules;
        }
    }

    /// <summary>True when bindings are also stored (a dashboard store is registered).</summary>
    public bool HasStore => _store is not null;

    /// <summary>The rules from settings alone (validated in the constructor).</summary>
    internal AccessRules ConfigurationRules { get; }

    /// <summary>The current compiled rules (settings plus stored bindings; loads the store on first use).</summary>
    public AccessRules Rules
    {
        get
        {
            if (_rules is { } r)
            {
                return r;
            }
            lock (_loadLock)
            {
                return _rules ??= Task.Run(() => LoadAsync(CancellationToken.None)).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Stored bindings that could not be compiled (for the admin page).</summary>
    public IReadOnlyList<string> StoredBindingErrors
    {
        get
        {
            _ = Rules;
            return _storedErrors;
        }
    }

    /// <summary>Re-reads the stored bindings (after an edit).</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var rules = await LoadAsync(ct).ConfigureAwait(false);
        lock (_loadLock)
        {
            _rules = rules;
        }
    }

    /// <summary>The decision on the current rules (synchronous; no I/O after the first load).</summary>
    public AccessDecision Decide(ActingUser user, string ensemble, AccessAction action, string path)
        => AccessEvaluator.Decide(Rules, user, ensemble, action, path, IsReadOnly(ensemble));

    /// <inheritdoc />
    public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var action = AccessActions.For(operation.Kind);
        var d = Decide(operation.User, operation.Ensemble, action, operation.Path);
        if (!d.Allowed)
        {
            throw d.RequiresApproval ? new ApprovalRequiredException(operation, d.Reason, d.Binding) : new AccessDeniedException(operation, d.Reason);
        }
        if (operation.TargetEnsemble is { } te && operation.TargetPath is { } tp
            && !(string.Equals(te, operation.Ensemble, StringComparison.OrdinalIgnoreCase) && tp == operation.Path))
        {
            // Copy and move create nodes at the target: they need the action there too.
            var target = Decide(operation.User, te, action, tp);
            if (!target.Allowed)
            {
                throw new AccessDeniedException(operation, "at the target: " + target.Reason);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<AccessDecision> CanAsync(ActingUser user, string ensemble, AccessAction action, string path, CancellationToken ct = default)
        => ValueTask.FromResult(Decide(user, ensemble, action, path));

    /// <inheritdoc />
    public ValueTask<ReadScope> GetReadScopeAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => ValueTask.FromResult(AccessEvaluator.GetReadScope(Rules, user, ensemble, path));

    /// <inheritdoc />
    public ValueTask<bool> CanAtOrBelowAsync(ActingUser user, string ensemble, AccessAction action, string path, CancellationToken ct = default)
        => ValueTask.FromResult(AccessEvaluator.CanAtOrBelow(Rules, user, ensemble, action, path));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AccessExplanation>> ExplainAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => ValueTask.FromResult(AccessEvaluator.Explain(Rules, user, ensemble, path, IsReadOnly(ensemble)));

    private bool IsReadOnly(string ensemble)
    {
        // Resolved lazily: the registry itself asks this policy (manageEnsembles).
        if (!_registryResolved)
        {
            _registry = _services.GetService<IEnsembleRegistry>();
            _registryResolved = true;
        }
        return _registry?.Find(ensemble)?.ReadOnly == true;
    }

    private async Task<AccessRules> LoadAsync(CancellationToken ct)
    {
        if (_store is null)
        {
            return ConfigurationRules;
        }
        var stored = await ReadStoredAsync(_store, ct).ConfigureAwait(false);
        return Compile(stored);
    }

    private static async Task<(List<AccessBindingRecord> Rows, Dictionary<long, string> Approvals)> ReadStoredAsync(IDashboardStore store, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.AccessBindings.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct).ConfigureAwait(false);
        var approvals = await db.AccessBindingApprovals.AsNoTracking().ToDictionaryAsync(a => a.BindingId, a => a.Globs, ct).ConfigureAwait(false);
        return (rows, approvals);
    }

    private AccessRules Compile((List<AccessBindingRecord> Rows, Dictionary<long, string> Approvals) stored)
    {
        _storedFingerprint = Fingerprint(stored);
        var (rows, approvals) = stored;
        var errors = new List<string>();
        var rules = AccessRules.Build(_options, rows.Select(r => ToBinding(r, approvals.GetValueOrDefault(r.Id))), errors);
        foreach (var e in errors)
        {
            _logger.LogWarning("{Problem}", e);
        }
        _storedErrors = errors;
        return rules;
    }

    internal static AccessBinding ToBinding(AccessBindingRecord r, string? approvalGlobs = null)
        => new($"store:{r.Id}", r.Subject, r.Provider, r.Role, r.Ensembles, r.Paths, AccessBindingSource.Store)
        {
            RequireApproval = SplitGlobs(approvalGlobs),
        };

    internal static IReadOnlyList<string> SplitGlobs(string? globs)
        => string.IsNullOrWhiteSpace(globs) ? [] : globs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
