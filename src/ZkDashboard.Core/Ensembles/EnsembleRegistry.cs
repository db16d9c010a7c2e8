using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Ensembles;

/// <summary>
/// Configuration ensembles (validated once; an invalid entry is skipped and reported, the others keep working) plus
/// runtime ensembles from the database, loaded lazily on first use. Writes are serialized; readers see immutable snapshots.
/// </summary>
internal sealed partial class EnsembleRegistry : IEnsembleRegistry
{
    internal const string ProtectorPurpose = "ZkDashboard.Ensembles.Credentials.v1";

    private readonly EnsembleRegistryOptions _options;
    private readonly IDashboardStore _store;
    private readonly IDataProtector _protector;
    private readonly IFourLetterWordTransport _fourLetterWords;
    private readonly ILogger<EnsembleRegistry> _logger;
    private readonly TimeProvider _time;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _loadLock = new();
    private volatile State? _state;
    private Task<State>? _loading;

    public EnsembleRegistry(IOptions<EnsembleRegistryOptions> options, IDashboardStore store, IDataProtectionProvider dataProtection,
        IFourLetterWordTransport fourLetterWords, IAccessPolicy policy, IAuditSink audit, ILogger<EnsembleRegistry> logger, TimeProvider? time = null)
    {
        _policy = policy;
        _audit = audit;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dataProtection);
        _options = options.Value;
        _store = store;
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
        _fourLetterWords = fourLetterWords;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    private sealed record State(IReadOnlyList<EnsembleDefinition> Configured, IReadOnlyDictionary<string, EnsembleDefinition> Runtime, IReadOnlyList<string> Errors)
    {
        public IReadOnlyList<EnsembleDefinition> All { get; } =
            [.. Configured.OrderBy(e => e.Name, StringComparer.Ordinal), .. Runtime.Values.OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed;

    public IReadOnlyList<EnsembleDefinition> All => Current.All;

    public IReadOnlyList<string> ConfigurationErrors => Current.Errors;

    public EnsembleDefinition? Find(string name)
    {
        var state = Current;
        return state.Configured.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? state.Runtime.GetValueOrDefault(name);
    }

    /// <summary>
    /// The loaded state. In the app the registry is loaded before the first request (<see cref="EnsembleRegistryInitializer"/>,
    /// awaiting <see cref="EnsureLoadedAsync"/>), so this never waits. Without the host (tools, tests) the first reader waits for the
    /// one shared load; no lock is held while it waits, and concurrent first readers share that load.
    /// </summary>
    private State Current => _state ?? StartLoad().GetAwaiter().GetResult();

    /// <summary>True once the configuration and the stored ensembles are loaded.</summary>
    internal bool IsLoaded => _state is not null;

    /// <summary>Loads the registry once (the configuration and the stored runtime ensembles); later calls return at once.</summary>
    public Task EnsureLoadedAsync(CancellationToken ct = default) => _state is not null ? Task.CompletedTask : StartLoad().WaitAsync(ct);

    private async Task<State> LoadedAsync(CancellationToken ct) => _state ?? await StartLoad().WaitAsync(ct).ConfigureAwait(false);

    /// <summary>The one load in flight (a failed load is retried by the next caller).</summary>
    private Task<State> StartLoad()
    {
        lock (_loadLock)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                _loading = Task.Run(LoadAsync);
            }
            return _loading;
        }
    }

    private async Task<State> LoadAsync()
    {
        var errors = new List<string>();
        var configured = new List<EnsembleDefinition>();
        for (var i = 0; i < _options.Ensembles.Count; i++)
        {
            var definition = _options.Ensembles[i].ToDefinition();
            var problems = EnsembleValidator.Validate(definition).ToList();
            if (configured.Any(e => string.Equals(e.Name, definition.Name, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"Ensemble '{definition.Name}' is defined twice in {EnsembleRegistryOptions.EnsemblesSection}; names must be unique (entry #{i}).");
            }
            if (problems.Count > 0)
            {
                foreach (var p in problems)
                {
                    errors.Add($"{EnsembleRegistryOptions.EnsemblesSection}:{i}: {p}");
                    LogConfigProblem(i, p);
                }
                continue;
            }
            configured.Add(definition);
        }

        var runtime = new Dictionary<string, EnsembleDefinition>(StringComparer.OrdinalIgnoreCase);
        var db = await _store.CreateContextAsync().ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            foreach (var record in await db.Ensembles.AsNoTracking().ToListAsync().ConfigureAwait(false))
            {
                if (configured.Any(e => string.Equals(e.Name, record.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    var message = $"Runtime ensemble '{record.Name}' is hidden: the configuration defines an ensemble with the same name.";
                    errors.Add(message);
                    LogRuntimeProblem(record.Name, message);
                    continue;
                }
                try
                {
                    runtime[record.Name] = FromRecord(record);
                }
                catch (System.Security.Cryptography.CryptographicException ex)
                {
                    var message = $"Runtime ensemble '{record.Name}': its stored credentials cannot be decrypted (was the Data Protection key ring lost?); re-enter them.";
                    errors.Add(message);
                    LogRuntimeProblem(record.Name, message + " " + ex.Message);
                    runtime[record.Name] = FromRecord(record, decrypt: false);
                }
            }
        }
        LogLoaded(configured.Count, runtime.Count);
        var state = new State(configured, runtime, errors);
        // A write that finished meanwhile cannot exist: writes wait for the load (LoadedAsync) first.
        var current = _state ??= state;
        return current;
    }

    public Task<EnsembleDefinition> AddAsync(EnsembleDefinition definition, ActingUser user, CancellationToken ct = default)
        => AddAsync(definition, user, EnsembleSaveOptions.Default, ct);

    public async Task<EnsembleDefinition> AddAsync(EnsembleDefinition definition, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        await RequireManageAsync(user, definition.Name, "add an ensemble", ct).ConfigureAwait(false);
        definition = Normalize(definition);
        EnsembleValidator.ThrowIfInvalid(definition);
        if (!options.SkipReachabilityCheck)
        {
            await RequireReachableAsync(definition, ct).ConfigureAwait(false);
        }

        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var state = await LoadedAsync(ct).ConfigureAwait(false);
            if (Find(definition.Name) is { } existing)
            {
                throw new EnsembleConflictException(existing.Source == EnsembleSource.Configuration
                    ? $"An ensemble named '{existing.Name}' is already defined in configuration; choose another name."
                    : $"An ensemble named '{existing.Name}' already exists; edit it or choose another name.");
            }
            var now = _time.GetUtcNow();
            await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
            {
                var record = new EnsembleRecord { CreatedAt = now, CreatedBy = user.Name };
                Fill(record, definition, now, user);
                db.Ensembles.Add(record);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
            var runtime = new Dictionary<string, EnsembleDefinition>(state.Runtime, StringComparer.OrdinalIgnoreCase) { [definition.Name] = definition };
            _state = state with { Runtime = runtime };
            LogChanged("added", definition.Name, user.Name);
        }
        finally
        {
            _writeGate.Release();
        }
        await RecordChangeAsync(user, definition.Name, "AddEnsemble", $"added ensemble '{definition.Name}' ({definition.ConnectString})").ConfigureAwait(false);
        Changed?.Invoke(this, new EnsembleRegistryChangedEventArgs(EnsembleChangeKind.Added, definition.Name, definition, null));
        return definition;
    }

    public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition definition, ActingUser user, CancellationToken ct = default)
        => UpdateAsync(definition, user, EnsembleSaveOptions.Default, ct);

    public async Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition definition, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        await RequireManageAsync(user, definition.Name, "edit an ensemble", ct).ConfigureAwait(false);
        var previous = RequireRuntime(definition.Name, "edited");
        definition = Normalize(definition);
        if (options.KeepExistingCredentials)
        {
            definition = definition with
            {
                Credentials = definition.Credentials ?? previous.Credentials,
                Tls = definition.Tls is { ClientCertificatePassword: null } t && previous.Tls is { } pt ? t with { ClientCertificatePassword = pt.ClientCertificatePassword } : definition.Tls,
            };
        }
        EnsembleValidator.ThrowIfInvalid(definition);
        if (!options.SkipReachabilityCheck)
        {
            await RequireReachableAsync(definition, ct).ConfigureAwait(false);
        }

        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            previous = RequireRuntime(definition.Name, "edited");
            var state = await LoadedAsync(ct).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
            {
                var record = await db.Ensembles.SingleOrDefaultAsync(e => e.Name == previous.Name, ct).ConfigureAwait(false)
                             ?? throw new EnsembleConflictException($"Ensemble '{definition.Name}' was removed from the database meanwhile.");
                Fill(record, definition with { Name = previous.Name }, now, user);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
            definition = definition with { Name = previous.Name };
            var runtime = new Dictionary<string, EnsembleDefinition>(state.Runtime, StringComparer.OrdinalIgnoreCase) { [definition.Name] = definition };
            _state = state with { Runtime = runtime };
            LogChanged("updated", definition.Name, user.Name);
        }
        finally
        {
            _writeGate.Release();
        }
        await RecordChangeAsync(user, definition.Name, "EditEnsemble",
            $"edited ensemble '{definition.Name}' ({previous.ConnectString} → {definition.ConnectString}{(previous.ReadOnly != definition.ReadOnly ? $", read-only {previous.ReadOnly} → {definition.ReadOnly}" : "")})").ConfigureAwait(false);
        Changed?.Invoke(this, new EnsembleRegistryChangedEventArgs(EnsembleChangeKind.Updated, definition.Name, definition, previous));
        return definition;
    }

    public async Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default)
    {
        await RequireManageAsync(user, name, "remove an ensemble", ct).ConfigureAwait(false);
        EnsembleDefinition previous;
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            previous = RequireRuntime(name, "removed");
            var state = await LoadedAsync(ct).ConfigureAwait(false);
            await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
            {
                await db.Ensembles.Where(e => e.Name == previous.Name).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            }
            var runtime = new Dictionary<string, EnsembleDefinition>(state.Runtime, StringComparer.OrdinalIgnoreCase);
            runtime.Remove(previous.Name);
            _state = state with { Runtime = runtime };
            LogChanged("removed", previous.Name, user.Name);
        }
        finally
        {
            _writeGate.Release();
        }
        await RecordChangeAsync(user, previous.Name, "RemoveEnsemble", $"removed ensemble '{previous.Name}' ({previous.ConnectString})").ConfigureAwait(false);
        Changed?.Invoke(this, new EnsembleRegistryChangedEventArgs(EnsembleChangeKind.Removed, previous.Name, null, previous));
    }

    private async Task RecordChangeAsync(ActingUser user, string ensemble, string operation, string detail)
    {
        try
        {
            await _audit.RecordAsync(new AuditRecord(_time.GetUtcNow(), new OperationContext(user, ensemble, ZkOperationKind.ManageEnsembles, "/"), AuditOutcome.Succeeded, detail)
                { OperationName = operation }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception auditError) when (auditError is not OperationCanceledException)
        {
            _logger.LogError(auditError, "Audit sink failed for {Operation} by {User}", operation, user.Name);
        }
    }

    public async Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition definition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var hosts = definition.FourLetterWordHosts.Count > 0 ? definition.FourLetterWordHosts : EnsembleConnectString.DeriveHosts(definition.ConnectString);
        var checks = hosts.Select(async host =>
        {
            try
            {
                var reply = await _fourLetterWords.SendAsync(host, "ruok", _options.ReachabilityTimeout, ct).ConfigureAwait(false);
                return reply.StartsWith("imok", StringComparison.Ordinal)
                    ? new HostReachability(host, true, "imok")
                    : new HostReachability(host, true, "connected, but ruok answered '" + reply.Trim() + "'");
            }
            catch (FourLetterWordProbeException ex) when (ex.Failure == FourLetterWordFailure.Disabled)
            {
                return new HostReachability(host, true, "connected (ruok is not in 4lw.commands.whitelist)");
            }
            catch (FourLetterWordProbeException ex)
            {
                return new HostReachability(host, false, ex.Message);
            }
        });
        return new ReachabilityResult(await Task.WhenAll(checks).ConfigureAwait(false));
    }

    private async Task RequireReachableAsync(EnsembleDefinition definition, CancellationToken ct)
    {
        var result = await CheckReachabilityAsync(definition, ct).ConfigureAwait(false);
        if (!result.IsReachable)
        {
            throw new EnsembleUnreachableException(definition.Name, result);
        }
    }

    private async Task RequireManageAsync(ActingUser user, string ensemble, string action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var op = new OperationContext(user, ensemble ?? "", ZkOperationKind.ManageEnsembles, "/");
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            try
            {
                await _audit.RecordAsync(new AuditRecord(_time.GetUtcNow(), op, AuditOutcome.Denied, $"{action}: {ex.Reason}"), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception auditError) when (auditError is not OperationCanceledException)
            {
                _logger.LogError(auditError, "Audit sink failed for a refused {Action} by {User}", action, user.Name);
            }
            throw;
        }
    }

    private EnsembleDefinition RequireRuntime(string name, string verb)
    {
        var existing = Find(name) ?? throw new EnsembleConflictException($"There is no ensemble named '{name}'.");
        if (existing.Source == EnsembleSource.Configuration)
        {
            throw new EnsembleConflictException(
                $"Ensemble '{existing.Name}' is defined in configuration ({EnsembleRegistryOptions.EnsemblesSection}) and cannot be {verb} at runtime; change appsettings instead.");
        }
        return existing;
    }

    private static EnsembleDefinition Normalize(EnsembleDefinition d)
    {
        var hosts = d.FourLetterWordHosts is { Count: > 0 }
            ? d.FourLetterWordHosts.Select(h => h.Trim()).Where(h => h.Length > 0).ToArray()
            : EnsembleConnectString.DeriveHosts(d.ConnectString);
        return d with { Name = d.Name?.Trim() ?? "", ConnectString = d.ConnectString?.Trim() ?? "", FourLetterWordHosts = hosts, Source = EnsembleSource.Runtime };
    }

    private void Fill(EnsembleRecord record, EnsembleDefinition d, DateTimeOffset now, ActingUser user)
    {
        record.Name = d.Name;
        record.ConnectString = d.ConnectString;
        record.SessionTimeoutSeconds = d.SessionTimeout.TotalSeconds;
        record.ReadOnly = d.ReadOnly;
        record.FourLetterWordHosts = d.FourLetterWordHosts.SequenceEqual(EnsembleConnectString.DeriveHosts(d.ConnectString)) ? "" : string.Join(",", d.FourLetterWordHosts);
        record.DigestUser = d.Credentials?.User;
        record.DigestPasswordProtected = d.Credentials is { } c ? _protector.Protect(c.Password) : null;
        record.TlsEnabled = d.Tls?.Enabled ?? false;
        record.TlsAllowUntrusted = d.Tls?.AllowUntrustedCertificates ?? false;
        record.TlsCaCertificatePath = d.Tls?.CaCertificatePath;
        record.TlsClientCertificatePath = d.Tls?.ClientCertificatePath;
        record.TlsClientCertificatePasswordProtected = d.Tls?.ClientCertificatePassword is { } p ? _protector.Protect(p) : null;
        record.UpdatedAt = now;
        record.UpdatedBy = user.Name;
    }

    private EnsembleDefinition FromRecord(EnsembleRecord r, bool decrypt = true)
    {
        var credentials = r.DigestUser is not null && r.DigestPasswordProtected is not null && decrypt
            ? new DigestCredential(r.DigestUser, _protector.Unprotect(r.DigestPasswordProtected))
            : null;
        var tls = r.TlsEnabled || r.TlsAllowUntrusted || r.TlsCaCertificatePath is not null || r.TlsClientCertificatePath is not null || r.TlsClientCertificatePasswordProtected is not null
            ? new EnsembleTlsSettings(r.TlsEnabled, r.TlsAllowUntrusted, r.TlsCaCertificatePath, r.TlsClientCertificatePath,
                r.TlsClientCertificatePasswordProtected is { } p && decrypt ? _protector.Unprotect(p) : null)
            : null;
        var hosts = string.IsNullOrEmpty(r.FourLetterWordHosts) ? EnsembleConnectString.DeriveHosts(r.ConnectString) : r.FourLetterWordHosts.Split(',');
        return new EnsembleDefinition(r.Name, r.ConnectString, TimeSpan.FromSeconds(r.SessionTimeoutSeconds), credentials, tls, r.ReadOnly, hosts, EnsembleSource.Runtime);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration ensemble entry #{Index} skipped: {Problem}")]
    private partial void LogConfigProblem(int index, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runtime ensemble {Name}: {Problem}")]
    private partial void LogRuntimeProblem(string name, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ensemble registry loaded: {Configured} from configuration, {Runtime} from the database")]
    private partial void LogLoaded(int configured, int runtime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ensemble {Name} {Action} by {User}")]
    private partial void LogChanged(string action, string name, string user);
}
