using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Authorization;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Changes;

/// <summary>The access policy with <c>RequireApproval</c> globs: what needs approval, what is refused outright, what stays direct.</summary>
public sealed class ApprovalPolicyTests
{
    private static AccessRules Rules(Action<AccessOptions>? configure = null)
    {
        var o = new AccessOptions();
        o.Roles.Add(new AccessOptions.RoleEntry { Name = "approver", Actions = ["read", "approveChanges"] });
        o.Bindings.Add(new() { Subject = "group:admins", Role = "admin" });
        o.Bindings.Add(new() { Subject = "group:operators", Role = "operator", Ensembles = "sandbox", RequireApproval = ["/configs/checkout", "/payments/**"] });
        o.Bindings.Add(new() { Subject = "group:deployers", Role = "operator", Ensembles = "*", Paths = "/configs/*" });
        o.Bindings.Add(new() { Subject = "group:careful-admins", Role = "admin", RequireApproval = ["/configs/**"] });
        o.Bindings.Add(new() { Subject = "group:approvers", Role = "approver", Paths = "/payments/**" });
        o.Bindings.Add(new() { Subject = "group:viewers", Role = "viewer" });
        o.ProtectedPaths.Add("/zookeeper/**");
        configure?.Invoke(o);
        return AccessRules.Build(o, []);
    }

    private static ActingUser In(params string[] groups) => new("u-" + string.Join('-', groups), groups, null);

    public static TheoryData<string[], AccessAction, string, string, bool, bool> Matrix() => new()
    {
        // groups, action, ensemble, path, allowed, requiresApproval
        { ["operators"], AccessAction.SetData, "sandbox", "/configs/checkout", false, true },
        { ["operators"], AccessAction.Create, "sandbox", "/configs/checkout", false, true },
        { ["operators"], AccessAction.Delete, "sandbox", "/configs/checkout", false, true },
        { ["operators"], AccessAction.SetAcl, "sandbox", "/configs/checkout", false, true },
        { ["operators"], AccessAction.SetData, "sandbox", "/payments/eu/limits", false, true },
        { ["operators"], AccessAction.SetData, "sandbox", "/payments", false, true },
        { ["operators"], AccessAction.SetData, "sandbox", "/configs/checkout/child", true, false },
        { ["operators"], AccessAction.SetData, "sandbox", "/configs/cart", true, false },
        { ["operators"], AccessAction.Read, "sandbox", "/configs/checkout", true, false },
        { ["operators"], AccessAction.ReadData, "sandbox", "/configs/checkout", true, false },
        { ["operators"], AccessAction.Watch, "sandbox", "/configs/checkout", true, false },
        // Bulk writes cannot become change requests: refused at, and above, an approval path.
        { ["operators"], AccessAction.DeleteRecursive, "sandbox", "/configs/checkout", false, false },
        { ["operators"], AccessAction.DeleteRecursive, "sandbox", "/configs", false, false },
        { ["operators"], AccessAction.CopyMove, "sandbox", "/payments/eu", false, false },
        { ["operators"], AccessAction.DeleteRecursive, "sandbox", "/orders", true, false },
        { ["operators"], AccessAction.SetData, "other", "/configs/checkout", false, false },
        // Operators do not approve (approveChanges is admin's, or a custom role's).
        { ["operators"], AccessAction.ApproveChanges, "sandbox", "/configs/checkout", false, false },
        { ["admins"], AccessAction.ApproveChanges, "sandbox", "/configs/checkout", true, false },
        { ["admins"], AccessAction.SetData, "sandbox", "/configs/checkout", true, false },
        { ["viewers"], AccessAction.SetData, "sandbox", "/configs/checkout", false, false },
        { ["viewers"], AccessAction.ApproveChanges, "sandbox", "/configs/checkout", false, false },
        // A grant without approval wins over one that requires it.
        { ["operators", "deployers"], AccessAction.SetData, "sandbox", "/configs/checkout", true, false },
        { ["deployers"], AccessAction.SetData, "sandbox", "/configs/checkout", true, false },
        // Admins can be bound with approval too.
        { ["careful-admins"], AccessAction.SetData, "x", "/configs/checkout", false, true },
        { ["careful-admins"], AccessAction.ApproveChanges, "x", "/configs/checkout", true, false },
        { ["careful-admins"], AccessAction.SetData, "x", "/other", true, false },
        { ["approvers"], AccessAction.ApproveChanges, "x", "/payments/eu", true, false },
        { ["approvers"], AccessAction.ApproveChanges, "x", "/configs/checkout", false, false },
        { ["approvers"], AccessAction.SetData, "x", "/payments/eu", false, false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Decide_RequireApproval_Matrix(string[] groups, AccessAction action, string ensemble, string path, bool allowed, bool requiresApproval)
    {
        var d = AccessEvaluator.Decide(Rules(), In(groups), ensemble, action, path, ensembleReadOnly: false);
        Assert.Equal(allowed, d.Allowed);
        Assert.Equal(requiresApproval, d.RequiresApproval);
        if (!d.Allowed)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Reason));
        }
    }

    [Fact]
    public void Decide_ApprovalPath_ReasonSaysApprovalAndRole()
    {
        var d = AccessEvaluator.Decide(Rules(), In("operators"), "sandbox", AccessAction.SetData, "/configs/checkout", false);
        Assert.StartsWith("setData on /configs/checkout needs approval for operator (binding config:1 requires approval on /configs/checkout)", d.Reason, StringComparison.Ordinal);
        Assert.Contains("change request", d.Reason, StringComparison.Ordinal);
        Assert.Equal("config:1", d.Binding?.Id);
    }

    [Fact]
    public void Decide_BulkAboveApprovalPath_RefusedSayingWhy()
    {
        var d = AccessEvaluator.Decide(Rules(), In("operators"), "sandbox", AccessAction.DeleteRecursive, "/configs", false);
        Assert.Equal("deleteRecursive is refused here: /configs or a node below it needs approval for operator (RequireApproval /configs/checkout), "
            + "and only single-node writes can become change requests.", d.Reason);
    }

    [Fact]
    public void Decide_ReadOnlyEnsemble_NoApprovalOffered()
    {
        var d = AccessEvaluator.Decide(Rules(), In("operators"), "sandbox", AccessAction.SetData, "/configs/checkout", ensembleReadOnly: true);
        Assert.False(d.Allowed);
        Assert.False(d.RequiresApproval);
        Assert.Contains("read-only", d.Reason, StringComparison.Ordinal);
        Assert.False(AccessEvaluator.Decide(Rules(), In("admins"), "sandbox", AccessAction.ApproveChanges, "/configs/checkout", true).Allowed);
    }

    [Fact]
    public void Explain_ApprovalBinding_VerdictSaysOnlyWithApproval()
    {
        var explained = AccessEvaluator.Explain(Rules(), In("operators"), "sandbox", "/configs/checkout", false);
        var setData = explained.Single(e => e.Decision.Action == AccessAction.SetData);
        Assert.True(setData.Decision.RequiresApproval);
        var verdict = Assert.Single(setData.Considered);
        Assert.False(verdict.Grants);
        Assert.Equal("grants it only with approval: RequireApproval /configs/checkout matches /configs/checkout, so it becomes a change request", verdict.Why);
        var approve = explained.Single(e => e.Decision.Action == AccessAction.ApproveChanges);
        Assert.Contains("approveChanges needs admin", approve.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizeAsync_ApprovalPath_ThrowsApprovalRequired_CanAsyncTruthful()
    {
        var options = new AccessOptions();
        options.Bindings.Add(new() { Subject = "group:operators", Role = "operator", RequireApproval = ["/configs/checkout"] });
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var policy = new AccessPolicy(Microsoft.Extensions.Options.Options.Create(options), services, services.GetRequiredService<ILogger<AccessPolicy>>());
        var op = new OperationContext(In("operators"), "e", ZkOperationKind.SetData, "/configs/checkout");
        var ex = await Assert.ThrowsAsync<ApprovalRequiredException>(() => policy.AuthorizeAsync(op, default).AsTask());
        Assert.Equal("config:0", ex.Binding?.Id);
        var can = await ((IAccessPolicy)policy).CanAsync(In("operators"), "e", AccessAction.SetData, "/configs/checkout");
        Assert.True(can.RequiresApproval);
        Assert.False(can.Allowed);
        // The default CanAsync (through AuthorizeAsync) keeps the distinction too.
        var viaDefault = await new DefaultCanPolicy(policy).AsPolicy().CanAsync(In("operators"), "e", AccessAction.SetData, "/configs/checkout");
        Assert.True(viaDefault.RequiresApproval);
    }

    private sealed class DefaultCanPolicy(AccessPolicy inner) : IAccessPolicy
    {
        public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct) => inner.AuthorizeAsync(operation, ct);
        public IAccessPolicy AsPolicy() => this;
    }

    [Theory]
    [InlineData("configs/checkout", "RequireApproval:0 ('configs/checkout'): the path glob \"configs/checkout\" must start with \"/\"")]
    [InlineData("/configs/", "RequireApproval:0 ('/configs/'): the path glob \"/configs/\" ends with \"/\"")]
    [InlineData("", "RequireApproval:0 (''): the path glob is empty")]
    public void Build_BadRequireApprovalGlob_FailsNamingTheEntry(string glob, string expected)
    {
        var o = new AccessOptions();
        o.Bindings.Add(new() { Subject = "group:admins", Role = "admin" });
        o.Bindings.Add(new() { Subject = "group:ops", Role = "operator", RequireApproval = [glob] });
        var ex = Assert.Throws<AccessConfigurationException>(() => AccessRules.Build(o, []));
        Assert.StartsWith("ZkDashboard:Access:Bindings:1 (group:ops → operator): " + expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FromConfiguration_BindsRequireApprovalList()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Access:Bindings:0:Subject"] = "group:operators",
            ["ZkDashboard:Access:Bindings:0:Role"] = "operator",
            ["ZkDashboard:Access:Bindings:0:RequireApproval:0"] = "/configs/checkout",
            ["ZkDashboard:Access:Bindings:0:RequireApproval:1"] = "/payments/**",
        }).Build();
        var options = configuration.GetSection(AccessOptions.SectionName).Get<AccessOptions>()!;
        var rules = AccessRules.Build(options, []);
        var binding = Assert.Single(rules.Bindings);
        Assert.Equal(["/configs/checkout", "/payments/**"], binding.RequireApproval);
        Assert.Contains("approval required on /configs/checkout, /payments/**", binding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredBinding_RequireApproval_SavedAppliedAndSurvivesRestart()
    {
        using var host = new StoreTestHost();
        var audit = new RecordingAuditSink();
        var admin = new ActingUser("root", ["admins"], null);
        var olga = new ActingUser("olga", ["ops"], null);
        var settings = new Dictionary<string, string?>
        {
            ["ZkDashboard:Access:Bindings:0:Subject"] = "group:admins",
            ["ZkDashboard:Access:Bindings:0:Role"] = "admin",
        };
        ServiceProvider Build() => host.Build(settings, (s, c) =>
        {
            s.AddZkDashboardStore(c);
            s.AddZkDashboardAccess(c);
            s.AddSingleton<IAuditSink>(audit);
        });
        string id;
        await using (var sp = Build())
        {
            var administration = sp.GetRequiredService<IAccessAdministration>();
            var bad = await Assert.ThrowsAsync<AccessConfigurationException>(() => administration.AddBindingAsync(admin,
                new AccessBindingInput("group:ops", null, "operator", "*", "/**") { RequireApproval = ["configs"] }));
            Assert.StartsWith("RequireApproval:0 ('configs'):", bad.Message, StringComparison.Ordinal);
            var added = await administration.AddBindingAsync(admin, new AccessBindingInput("group:ops", null, "operator", "*", "/**") { RequireApproval = [" /configs/checkout "] });
            id = added.Id;
            Assert.Equal(["/configs/checkout"], added.RequireApproval);
            var policy = sp.GetRequiredService<IAccessPolicy>();
            Assert.True((await policy.CanAsync(olga, "e", AccessAction.SetData, "/configs/checkout")).RequiresApproval);
            Assert.True((await policy.CanAsync(olga, "e", AccessAction.SetData, "/configs/cart")).Allowed);
            Assert.Contains(audit.Records, r => r.Detail!.Contains("approval required on /configs/checkout", StringComparison.Ordinal));
        }
        await using (var sp = Build())
        {
            var policy = sp.GetRequiredService<IAccessPolicy>();
            Assert.True((await policy.CanAsync(olga, "e", AccessAction.SetData, "/configs/checkout")).RequiresApproval);
            var administration = sp.GetRequiredService<IAccessAdministration>();
            await administration.UpdateBindingAsync(admin, id, new AccessBindingInput("group:ops", null, "operator", "*", "/**"));
            Assert.True((await policy.CanAsync(olga, "e", AccessAction.SetData, "/configs/checkout")).Allowed);
            await administration.UpdateBindingAsync(admin, id, new AccessBindingInput("group:ops", null, "operator", "*", "/**") { RequireApproval = ["/configs/**"] });
            Assert.True((await policy.CanAsync(olga, "e", AccessAction.SetData, "/configs/cart")).RequiresApproval);
            await administration.RemoveBindingAsync(admin, id);
            Assert.False((await policy.CanAsync(olga, "e", AccessAction.SetData, "/configs/cart")).RequiresApproval);
        }
    }
}
