using Microsoft.EntityFrameworkCore;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Access;

/// <summary>
/// Roles and bindings for the admin page. Reading them, editing stored bindings and explaining another user's
/// access all need <see cref="AccessAction.ManageAccess"/> (on every ensemble, <c>/**</c>); refusals and edits are audited.
/// Configuration bindings cannot be edited here (change appsettings).
/// </summary>
public interface IAccessAdministration
{
    /// <summary>The current roles, bindings, protected paths and masks.</summary>
    Task<AccessRules> GetRulesAsync(ActingUser user, CancellationToken ct = default);

    /// <summary>Validates and stores a binding; throws <see cref="AccessConfigurationException"/> saying what is wrong.</summary>
    Task<AccessBinding> AddBindingAsync(ActingUser user, AccessBindingInput input, CancellationToken ct = default);

    /// <summary>Replaces a stored binding (<c>store:N</c>).</summary>
    Task<AccessBinding> UpdateBindingAsync(ActingUser user, string id, AccessBindingInput input, CancellationToken ct = default);

    /// <summary>Deletes a stored binding (<c>store:N</c>).</summary>
    Task RemoveBindingAsync(ActingUser user, string id, CancellationToken ct = default);

    /// <summary>"Why can/can't they": every action for <paramref name="subject"/> at a path.</summary>
    Task<IReadOnlyList<AccessExplanation>> ExplainAsync(ActingUser user, ActingUser subject, string ensemble, string path, CancellationToken ct = default);
}

/// <summary>The store-backed <see cref="IAccessAdministration"/>.</summary>
public sealed class AccessAdministration(AccessPolicy policy, IDashboardStore store, IAuditSink audit, TimeProvider? time = null) : IAccessAdministration
{
    /// <summary>The ensemble name used in audit records for dashboard-wide access changes.</summary>
    public const string AllEnsembles = "*";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<AccessRules> GetRulesAsync(ActingUser user, CancellationToken ct = default)
    {
        await RequireAsync(user, "view access rules", ct).ConfigureAwait(false);
        return policy.Rules;
    }

    /// <inheritdoc />
    public async Task<AccessBinding> AddBindingAsync(ActingUser user, AccessBindingInput input, CancellationToken ct = default)
    {
        var detail = Describe(input);
        await RequireAsync(user, "add binding " + detail, ct).ConfigureAwait(false);
        var clean = Validate(input);
        var now = _time.GetUtcNow();
        var record = new AccessBindingRecord
        {
            Subject = clean.Subject, Provider = clean.Provider, Role = clean.Role, Ensembles = clean.Ensembles, Paths = clean.Paths,
            CreatedBy = user.Name, CreatedAt = now, UpdatedBy = user.Name, UpdatedAt = now,
        };
        var globs = string.Join('\n', clean.RequireApproval);
        await using (var db = await store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            db.AccessBindings.Add(record);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            if (globs.Length > 0)
            {
                db.AccessBindingApprovals.Add(new AccessBindingApprovalRecord { BindingId = record.Id, Globs = globs });
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        await policy.ReloadAsync(ct).ConfigureAwait(false);
        var binding = AccessPolicy.ToBinding(record, globs);
        await RecordAsync(user, AuditOutcome.Succeeded, "added binding " + binding).ConfigureAwait(false);
        return binding;
    }

    /// <inheritdoc />
    public async Task<AccessBinding> UpdateBindingAsync(ActingUser user, string id, AccessBindingInput input, CancellationToken ct = default)
    {
        await RequireAsync(user, $"change binding {id} to {Describe(input)}", ct).ConfigureAwait(false);
        var key = StoredKey(id);
        var clean = Validate(input);
        var globs = string.Join('\n', clean.RequireApproval);
        AccessBindingRecord record;
        await using (var db = await store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            record = await db.AccessBindings.SingleOrDefaultAsync(b => b.Id == key, ct).ConfigureAwait(false)
                ?? throw new AccessConfigurationException($"There is no stored binding {id} (was it removed meanwhile?); reload the page.");
            record.Subject = clean.Subject;
            record.Provider = clean.Provider;
            record.Role = clean.Role;
            record.Ensembles = clean.Ensembles;
            record.Paths = clean.Paths;
            record.UpdatedBy = user.Name;
            record.UpdatedAt = _time.GetUtcNow();
            var approval = await db.AccessBindingApprovals.SingleOrDefaultAsync(a => a.BindingId == key, ct).ConfigureAwait(false);
            if (globs.Length == 0 && approval is not null)
            {
                db.AccessBindingApprovals.Remove(approval);
            }
            else if (globs.Length > 0 && approval is null)
            {
                db.AccessBindingApprovals.Add(new AccessBindingApprovalRecord { BindingId = key, Globs = globs });
            }
            else if (approval is not null)
            {
                approval.Globs = globs;
            }
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        await policy.ReloadAsync(ct).ConfigureAwait(false);
        var binding = AccessPolicy.ToBinding(record, globs);
        await RecordAsync(user, AuditOutcome.Succeeded, "changed binding " + binding).ConfigureAwait(false);
        return binding;
    }

    /// <inheritdoc />
    public async Task RemoveBindingAsync(ActingUser user, string id, CancellationToken ct = default)
    {
        await RequireAsync(user, $"remove binding {id}", ct).ConfigureAwait(false);
        var key = StoredKey(id);
        await using (var db = await store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            var record = await db.AccessBindings.SingleOrDefaultAsync(b => b.Id == key, ct).ConfigureAwait(false)
                ?? throw new AccessConfigurationException($"There is no stored binding {id} (was it removed meanwhile?); reload the page.");
            db.AccessBindings.Remove(record);
            if (await db.AccessBindingApprovals.SingleOrDefaultAsync(a => a.BindingId == key, ct).ConfigureAwait(false) is { } approval)
            {
                db.AccessBindingApprovals.Remove(approval);
            }
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await RecordAsync(user, AuditOutcome.Succeeded, "removed binding " + AccessPolicy.ToBinding(record)).ConfigureAwait(false);
        }
        await policy.ReloadAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AccessExplanation>> ExplainAsync(ActingUser user, ActingUser subject, string ensemble, string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        await RequireAsync(user, $"explain the access of {subject.Name}", ct).ConfigureAwait(false);
        ZooKeeper.PathUtils.Validate(path);
        return await policy.ExplainAsync(subject, ensemble, path, ct).ConfigureAwait(false);
    }

    private AccessBindingInput Validate(AccessBindingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var clean = new AccessBindingInput(input.Subject?.Trim() ?? "", AccessRules.Normalize(input.Provider), input.Role?.Trim() ?? "",
            string.IsNullOrWhiteSpace(input.Ensembles) ? "*" : input.Ensembles.Trim(), string.IsNullOrWhiteSpace(input.Paths) ? "/**" : input.Paths.Trim())
        {
            RequireApproval = [.. (input.RequireApproval ?? []).Select(g => g?.Trim() ?? "").Where(g => g.Length > 0).Distinct(StringComparer.Ordinal)],
        };
        policy.Rules.Validate(new AccessBinding("new", clean.Subject, clean.Provider, clean.Role, clean.Ensembles, clean.Paths, AccessBindingSource.Store)
        {
            RequireApproval = clean.RequireApproval,
        });
        return clean;
    }

    private static long StoredKey(string id)
        => id.StartsWith("store:", StringComparison.Ordinal) && long.TryParse(id.AsSpan(6), out var key)
            ? key
            : throw new AccessConfigurationException($"Binding {id} is not a stored binding; configuration bindings are changed in appsettings ({AccessOptions.SectionName}:Bindings).");

    private static string Describe(AccessBindingInput i) => $"{i.Subject} → {i.Role} on {i.Ensembles} {i.Paths}"
        + (i.RequireApproval is { Count: > 0 } g ? $", approval required on {string.Join(", ", g)}" : "");

    private async Task RequireAsync(ActingUser user, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var op = new OperationContext(user, AllEnsembles, ZkOperationKind.ManageAccess, "/");
        try
        {
            await policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await audit.RecordAsync(new AuditRecord(_time.GetUtcNow(), op, AuditOutcome.Denied, $"{what}: {ex.Reason}"), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private Task RecordAsync(ActingUser user, AuditOutcome outcome, string detail)
        => audit.RecordAsync(new AuditRecord(_time.GetUtcNow(), new OperationContext(user, AllEnsembles, ZkOperationKind.ManageAccess, "/"), outcome, detail),
            CancellationToken.None).AsTask();
}
