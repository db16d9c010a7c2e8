using System.Net;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Web.Api;

/// <summary>
/// Opt-in memory figures for the browser benchmark: GET /_diag/memory forces a full, compacting GC and answers the
/// managed heap, the process working set and the number of open circuits. Off unless
/// <c>ZkDashboard:Diagnostics:MemoryEndpoint</c> is true, and even then it answers only requests from loopback.
/// </summary>
public static class MemoryDiagnostics
{
    /// <summary>The configuration switch.</summary>
    public const string EnabledKey = "ZkDashboard:Diagnostics:MemoryEndpoint";

    /// <summary>The endpoint path.</summary>
    public const string Path = "/_diag/memory";

    /// <summary>Counts open circuits when the endpoint is enabled.</summary>
    public static IServiceCollection AddZkMemoryDiagnostics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetValue(EnabledKey, false))
        {
            services.TryAddSingleton<CircuitCounter>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<CircuitHandler, CircuitCounter>(sp => sp.GetRequiredService<CircuitCounter>()));
        }

        return services;
    }

    /// <summary>Maps <see cref="Path"/> when <see cref="EnabledKey"/> is true; otherwise maps nothing.</summary>
    public static WebApplication MapZkMemoryDiagnostics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Configuration.GetValue(EnabledKey, false))
        {
            return app;
        }

        app.MapGet(Path, (HttpContext context, CircuitCounter circuits) =>
        {
            if (context.Connection.RemoteIpAddress is not { } ip || !IPAddress.IsLoopback(ip))
            {
                return Results.NotFound();
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            return Results.Json(new MemoryReport(
                GC.GetTotalMemory(forceFullCollection: false),
                GC.GetGCMemoryInfo().HeapSizeBytes,
                self.WorkingSet64,
                circuits.Open));
        }).ExcludeFromDescription().AllowAnonymous(); // loopback-only benchmark probe, off by default
        return app;
    }

    /// <summary>One reading, after a forced full GC.</summary>
    public sealed record MemoryReport(long ManagedBytes, long HeapSizeBytes, long WorkingSetBytes, int OpenCircuits);

    /// <summary>Open circuits (opened and not yet closed; a disconnected circuit still counts until it is evicted).</summary>
    public sealed class CircuitCounter : CircuitHandler
    {
        private int open;

        public int Open => Volatile.Read(ref open);

        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref open);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref open);
            return Task.CompletedTask;
        }
    }
}
