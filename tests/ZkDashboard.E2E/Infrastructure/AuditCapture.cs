using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// Every record the app's services hand to <see cref="IAuditSink"/>, kept for assertions ("refused and audited"). It wraps
/// the app's own sink (the log, or the durable audit store), which still receives every record.
/// </summary>
public sealed class AuditCapture
{
    private readonly List<AuditRecord> records = [];

    /// <summary>The records so far, oldest first.</summary>
    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (records)
            {
                return [.. records];
            }
        }
    }

    /// <summary>Replaces the app's <see cref="IAuditSink"/> registration with one that records here and then forwards to it.</summary>
    public Action<IServiceCollection> Register => services =>
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IAuditSink));
        if (inner is not null)
        {
            services.Remove(inner);
        }
        services.AddSingleton<IAuditSink>(sp => new Sink(this, inner is null ? null : Resolve(sp, inner)));
    };

    /// <summary>Waits (up to 30 s) for a record matching <paramref name="match"/>; fails naming <paramref name="what"/> and what was recorded.</summary>
    public async Task<AuditRecord> WaitForAsync(Func<AuditRecord, bool> match, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (Records.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"No audit record for {what} within 30 s. Recorded:\n" + string.Join('\n', Records.Select(Describe)));
            }
            await Task.Delay(100);
        }
    }

    /// <summary>One record in one line (for failure messages).</summary>
    public static string Describe(AuditRecord r)
        => $"{r.Outcome} {r.OperationName ?? r.Operation.Kind.ToString()} {r.Operation.User.Name} {r.Operation.Ensemble}:{r.Operation.Path} {r.Detail}";

    private static IAuditSink Resolve(IServiceProvider sp, ServiceDescriptor d)
    {
        if (d.ImplementationInstance is IAuditSink instance)
        {
            return instance;
        }
        if (d.ImplementationFactory is { } factory)
        {
            return (IAuditSink)factory(sp);
        }
        return (IAuditSink)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!);
    }

    private sealed class Sink(AuditCapture capture, IAuditSink? inner) : IAuditSink
    {
        public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
        {
            lock (capture.records)
            {
                capture.records.Add(record);
            }
            return inner?.RecordAsync(record, ct) ?? ValueTask.CompletedTask;
        }
    }
}
