using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Benchmarks.Access;

/// <summary>
/// One access decision with 1,000 bindings (cached compiled globs, bindings indexed by subject). The user is in 8
/// groups that together hold 33 bindings of mixed glob shapes, and the granting one is looked at last; a refused
/// decision (every candidate looked at, reason built) and an ensemble-wide action are measured too.
/// </summary>
public sealed class AccessBenchmark : IBenchmark
{
    private const int Bindings = 1_000;
    private const int CallsPerSample = 20_000;
    private const int Samples = 41;

    public string Name => "access";

    public string Description => "authorization decision cost with 1,000 bindings (RESULT authz-check-ns@1000-bindings)";

    public Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        var load0 = LoadAverage();
        var options = BuildOptions();
        var services = new ServiceCollection().BuildServiceProvider();
        var policy = new AccessPolicy(Options.Create(options), services, NullLogger<AccessPolicy>.Instance);
        Console.WriteLine($"access: {policy.Rules.Bindings.Count} bindings, {policy.Rules.Roles.Count} roles");

        var user = new ActingUser("bench-user", [.. Enumerable.Range(0, 8).Select(g => $"team{g}")], null);
        const string path = "/kafka/team7/topics/orders/partitions/3";

        var allowed = policy.Decide(user, "prod-eu", AccessAction.SetData, path);
        var denied = policy.Decide(user, "prod-eu", AccessAction.SetData, "/zookeeper/config");
        var global = policy.Decide(user, "prod-eu", AccessAction.FourLetterWords, "/");
        if (!allowed.Allowed || denied.Allowed)
        {
            Console.Error.WriteLine($"access benchmark setup is wrong: allowed={allowed.Allowed} ({allowed.Reason}), denied={denied.Allowed}");
            return Task.FromResult(1);
        }
        Console.WriteLine($"allowed: {allowed.Reason}");
        Console.WriteLine($"denied:  {denied.Reason}");
        Console.WriteLine($"global:  {global.Allowed} ({global.Reason})");

        var allowedNs = Measure(() => policy.Decide(user, "prod-eu", AccessAction.SetData, path).Allowed, ct, out var allowedCpuNs);
        var deniedNs = Measure(() => policy.Decide(user, "prod-eu", AccessAction.SetData, "/zookeeper/config").Allowed, ct);
        var scopeNs = Measure(() => AccessEvaluator.GetReadScope(policy.Rules, user, "prod-eu", path) != ReadScope.None, ct);
        var load1 = LoadAverage();

        Console.WriteLine(Inv($"decision allowed (33 candidate bindings, granting one last): median {allowedNs:0} ns"));
        Console.WriteLine(Inv($"decision allowed, on-CPU time of this thread:              median {allowedCpuNs:0} ns (the machine's other load excluded)"));
        Console.WriteLine(Inv($"decision denied (all candidates, reason built):             median {deniedNs:0} ns"));
        Console.WriteLine(Inv($"read scope (children filtering, per child):                 median {scopeNs:0} ns"));
        Console.WriteLine($"load average before: {load0}; after: {load1}");
        // The decision is single-threaded CPU work: on a shared, oversubscribed machine the wall clock mostly measures
        // waiting for a core, so the RESULT is the thread's on-CPU time (the wall-clock figure is printed beside it).
        var figure = double.IsNaN(allowedCpuNs) ? allowedNs : allowedCpuNs;
        Console.WriteLine(Inv($"goal < 2000 ns: {(figure < 2000 ? "met" : "NOT met")} (ratio {figure / 2000.0:0.000} of the goal)"));
        Console.WriteLine(Inv($"RESULT authz-check-ns@1000-bindings={figure:0}"));
        Console.WriteLine(Inv($"RESULT authz-check-wall-ns@1000-bindings={allowedNs:0}"));
        return Task.FromResult(0);
    }

    private static AccessOptions BuildOptions()
    {
        var o = new AccessOptions();
        o.Roles.Add(new AccessOptions.RoleEntry { Name = "deployer", Actions = ["read", "watch", "setData"] });
        o.ProtectedPaths.Add("/zookeeper/**");
        o.SensitiveData.Add("/secure/**");
        string[] roles = ["viewer", "operator", "deployer", "viewer"];
        for (var i = 0; i < Bindings - 1; i++)
        {
            // 200 groups x 4 bindings, plus 199 user bindings; the user's 8 groups hold 32 of them, plus the granting one.
            var group = i < 800 ? i / 4 : -1;
            var subject = group >= 0 ? $"group:team{group % 200}" : $"user:someone{i}";
            var paths = (i % 5) switch
            {
                0 => $"/configs/*/prod{i}",
                1 => $"/apps/app-{i}-*/data",
                2 => $"/**/locks{i}",
                3 => $"/teams/t{i}/**",
                _ => $"/kafka/team{i}/**",
            };
            o.Bindings.Add(new AccessOptions.BindingEntry { Subject = subject, Role = roles[i % roles.Length], Ensembles = i % 3 == 0 ? "*" : "prod-*", Paths = paths });
        }
        // The granting binding: last among the user's candidates.
        o.Bindings.Add(new AccessOptions.BindingEntry { Subject = "group:team7", Role = "operator", Ensembles = "prod-*", Paths = "/kafka/team7/**" });
        return o;
    }

    /// <summary>Median wall-clock ns per decision; <paramref name="cpuNs"/>: median on-CPU ns of this thread per decision
    /// (/proc/thread-self/schedstat), which a loaded machine inflates far less.</summary>
    private static double Measure(Func<bool> decision, CancellationToken ct) => Measure(decision, ct, out _);

    private static double Measure(Func<bool> decision, CancellationToken ct, out double cpuNs)
    {
        var sink = 0;
        for (var i = 0; i < CallsPerSample; i++)
        {
            sink += decision() ? 1 : 0;
        }
        var samples = new double[Samples];
        var cpu = new double[Samples];
        for (var s = 0; s < Samples; s++)
        {
            ct.ThrowIfCancellationRequested();
            var cpu0 = ThreadCpuNs();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < CallsPerSample; i++)
            {
                sink += decision() ? 1 : 0;
            }
            samples[s] = sw.Elapsed.TotalNanoseconds / CallsPerSample;
            cpu[s] = (ThreadCpuNs() - cpu0) / (double)CallsPerSample;
        }
        GC.KeepAlive(sink);
        Array.Sort(samples);
        Array.Sort(cpu);
        cpuNs = cpu[0] < 0 ? double.NaN : cpu[Samples / 2];
        return samples[Samples / 2];
    }

    private static long ThreadCpuNs()
    {
        try
        {
            var text = File.ReadAllText("/proc/thread-self/schedstat");
            return long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
