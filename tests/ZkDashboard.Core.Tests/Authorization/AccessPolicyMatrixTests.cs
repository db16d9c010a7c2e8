using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Tests.Authorization;

/// <summary>The decision matrix: role × action × path glob × ensemble glob × read-only × protected × masks × token scope.</summary>
public sealed class AccessPolicyMatrixTests
{
    private static AccessRules Rules(Action<AccessOptions>? configure = null)
    {
        var o = new AccessOptions();
        o.Roles.Add(new AccessOptions.RoleEntry { Name = "deployer", Actions = ["read", "watch", "setData"] });
        o.Roles.Add(new AccessOptions.RoleEntry { Name = "peeker", Actions = ["read"] });
        o.Bindings.Add(new() { Subject = "group:viewers", Role = "viewer", Ensembles = "*", Paths = "/**" });
        o.Bindings.Add(new() { Subject = "group:operators", Role = "operator", Ensembles = "sandbox", Paths = "/**" });
        o.Bindings.Add(new() { Subject = "group:kafka", Role = "operator", Ensembles = "prod-*", Paths = "/kafka/**" });
        o.Bindings.Add(new() { Subject = "group:deployers", Role = "deployer", Ensembles = "*", Paths = "/configs/*/prod" });
        o.Bindings.Add(new() { Subject = "group:admins", Provider = "local", Role = "admin", Ensembles = "*", Paths = "/**" });
        o.Bindings.Add(new() { Subject = "user:pat", Role = "peeker", Ensembles = "*", Paths = "/**" });
        o.ProtectedPaths.Add("/zookeeper/**");
        o.SensitiveData.Add("/secure/**");
        configure?.Invoke(o);
        return AccessRules.Build(o, []);
    }

    private static ActingUser In(string group, string provider = "local") => new($"u-{group}", [group], null) { Provider = provider };

    public static TheoryData<string, AccessAction, string, string, bool> Matrix() => new()
    {
        // group, action, ensemble, path, expected
        { "viewers", AccessAction.Read, "any", "/a/b", true },
        { "viewers", AccessAction.ReadData, "any", "/secure/x", true },
        { "viewers", AccessAction.Watch, "any", "/", true },
        { "viewers", AccessAction.SetData, "any", "/a", false },
        { "viewers", AccessAction.Create, "sandbox", "/a", false },
        { "viewers", AccessAction.ManageEnsembles, "any", "/", false },
        { "operators", AccessAction.SetData, "sandbox", "/a", true },
        { "operators", AccessAction.DeleteRecursive, "SANDBOX", "/a/b", true },
        { "operators", AccessAction.SetData, "prod-1", "/a", false },
        { "operators", AccessAction.Read, "prod-1", "/a", false },
        { "operators", AccessAction.FourLetterWords, "sandbox", "/", true },
        { "operators", AccessAction.ManageAccess, "sandbox", "/", false },
        { "operators", AccessAction.Reconfig, "sandbox", "/", false },
        { "operators", AccessAction.SetData, "sandbox", "/zookeeper/config", false },
        { "operators", AccessAction.Read, "sandbox", "/zookeeper/config", true },
        { "kafka", AccessAction.SetData, "prod-eu", "/kafka", true },
        { "kafka", AccessAction.SetData, "prod-eu", "/kafka/topics/t1", true },
        { "kafka", AccessAction.SetData, "prod-eu", "/kafkax", false },
        { "kafka", AccessAction.SetData, "staging", "/kafka/topics", false },
        { "kafka", AccessAction.FourLetterWords, "prod-eu", "/", false },
        { "deployers", AccessAction.SetData, "x", "/configs/app/prod", true },
        { "deployers", AccessAction.SetData, "x", "/configs/app/dev", false },
        { "deployers", AccessAction.SetData, "x", "/configs/app/prod/child", false },
        { "deployers", AccessAction.SetData, "x", "/configs/prod", false },
        { "deployers", AccessAction.Delete, "x", "/configs/app/prod", false },
        { "admins", AccessAction.SetData, "any", "/zookeeper/quota", true },
        { "admins", AccessAction.ManageAccess, "*", "/", true },
        { "admins", AccessAction.Reconfig, "any", "/", true },
        { "nobody", AccessAction.Read, "any", "/", false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Decide_FollowsBindings_ForRoleActionPathAndEnsemble(string group, AccessAction action, string ensemble, string path, bool expected)
    {
        var d = AccessEvaluator.Decide(Rules(), In(group), ensemble, action, path, ensembleReadOnly: false);
        Assert.Equal(expected, d.Allowed);
        Assert.False(string.IsNullOrWhiteSpace(d.Reason));
        if (expected)
        {
            Assert.NotNull(d.Binding);
        }
    }

    [Theory]
    [InlineData(AccessAction.Create)]
    [InlineData(AccessAction.SetData)]
    [InlineData(AccessAction.Delete)]
    [InlineData(AccessAction.DeleteRecursive)]
    [InlineData(AccessAction.SetAcl)]
    [InlineData(AccessAction.CopyMove)]
    public void Decide_RefusesWrites_OnReadOnlyEnsembleEvenForAdminAndSystem(AccessAction action)
    {
        var rules = Rules();
        var admin = AccessEvaluator.Decide(rules, In("admins"), "ro", action, "/a", ensembleReadOnly: true);
        var system = AccessEvaluator.Decide(rules, ActingUser.System, "ro", action, "/a", ensembleReadOnly: true);
        Assert.False(admin.Allowed);
        Assert.False(system.Allowed);
        Assert.Contains("read-only", admin.Reason, StringComparison.Ordinal);
        Assert.True(AccessEvaluator.Decide(rules, In("admins"), "ro", AccessAction.Read, "/a", ensembleReadOnly: true).Allowed);
    }

    [Fact]
    public void Decide_ProtectedPath_NeedsAdmin_WithReason()
    {
        var d = AccessEvaluator.Decide(Rules(), In("operators"), "sandbox", AccessAction.Create, "/zookeeper/x", false);
        Assert.False(d.Allowed);
        Assert.Contains("/zookeeper/x is a protected path", d.Reason, StringComparison.Ordinal);
        Assert.Contains("ask an admin", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DenialReason_SaysWhatIsNeededAndWhomToAsk()
    {
        var d = AccessEvaluator.Decide(Rules(), In("viewers"), "sandbox", AccessAction.SetData, "/configs/a", false);
        Assert.Equal("setData needs operator on /configs/a on ensemble 'sandbox', and no binding gives u-viewers that — ask an admin.", d.Reason);
    }

    [Fact]
    public void Decide_ProviderRestrictedBinding_IgnoresOtherProviders()
    {
        var rules = Rules();
        Assert.True(AccessEvaluator.Decide(rules, In("admins", "local"), "a", AccessAction.ManageEnsembles, "/", false).Allowed);
        Assert.False(AccessEvaluator.Decide(rules, In("admins", "oidc"), "a", AccessAction.ManageEnsembles, "/", false).Allowed);
        Assert.False(AccessEvaluator.Decide(rules, In("admins", "proxy"), "a", AccessAction.Read, "/", false).Allowed);
    }

    [Fact]
    public void Decide_TokenRoleScope_LimitsEffectiveRoles()
    {
        var rules = Rules();
        var token = new ActingUser("ann", ["admins"], null) { Provider = "local", RoleScope = ["viewer"] };
        Assert.True(AccessEvaluator.Decide(rules, token, "a", AccessAction.Read, "/x", false).Allowed);
        var write = AccessEvaluator.Decide(rules, token, "a", AccessAction.SetData, "/x", false);
        Assert.False(write.Allowed);
        Assert.Contains("API token is limited to the role(s) viewer", write.Reason, StringComparison.Ordinal);
        var empty = new ActingUser("ann", ["admins"], null) { Provider = "local", RoleScope = [] };
        Assert.False(AccessEvaluator.Decide(rules, empty, "a", AccessAction.Read, "/x", false).Allowed);
    }

    [Fact]
    public void Decide_SystemMayDoEverything_AnonymousNothing()
    {
        var rules = Rules();
        foreach (var action in AccessActions.All)
        {
            Assert.True(AccessEvaluator.Decide(rules, ActingUser.System, "e", action, "/zookeeper/x", false).Allowed);
            var anon = AccessEvaluator.Decide(rules, ActingUser.Anonymous, "e", action, "/", false);
            Assert.False(anon.Allowed);
            Assert.Contains("nobody is signed in", anon.Reason, StringComparison.Ordinal);
        }
        // A name bound directly but without a provider (not authenticated) still gets nothing.
        var unnamed = new ActingUser("", ["admins"], null);
        Assert.False(AccessEvaluator.Decide(rules, unnamed, "e", AccessAction.Read, "/", false).Allowed);
        var anonymousInAdmins = new ActingUser("anonymous", ["admins"], null) { Provider = "anonymous" };
        Assert.False(AccessEvaluator.Decide(rules, anonymousInAdmins, "e", AccessAction.Read, "/", false).Allowed);
    }

    [Fact]
    public void GetReadScope_SensitiveMask_HidesDataKeepsNode()
    {
        var rules = Rules();
        var peeker = new ActingUser("pat", [], null);
        var secure = AccessEvaluator.GetReadScope(rules, peeker, "e", "/secure/key");
        Assert.True(secure.HasFlag(ReadScope.Node));
        Assert.False(secure.HasFlag(ReadScope.Data));
        var plain = AccessEvaluator.GetReadScope(rules, peeker, "e", "/plain");
        Assert.True(plain.HasFlag(ReadScope.Data));
        // Below the root the mask may apply, so the subtree is not wholesale visible for peeker; viewers have readData.
        Assert.False(AccessEvaluator.GetReadScope(rules, peeker, "e", "/").HasFlag(ReadScope.Subtree));
        Assert.True(AccessEvaluator.GetReadScope(rules, In("viewers"), "e", "/").HasFlag(ReadScope.Subtree));
    }

    [Fact]
    public void GetReadScope_BrowseDownToGrantedSubtree()
    {
        var rules = Rules();
        var kafka = In("kafka");
        Assert.Equal(ReadScope.Browse, AccessEvaluator.GetReadScope(rules, kafka, "prod-1", "/"));
        Assert.True(AccessEvaluator.GetReadScope(rules, kafka, "prod-1", "/kafka").HasFlag(ReadScope.Subtree));
        Assert.Equal(ReadScope.None, AccessEvaluator.GetReadScope(rules, kafka, "prod-1", "/secret"));
        Assert.Equal(ReadScope.None, AccessEvaluator.GetReadScope(rules, kafka, "dev", "/kafka"));
        var deployer = In("deployers");
        Assert.Equal(ReadScope.Browse, AccessEvaluator.GetReadScope(rules, deployer, "x", "/configs/app"));
        Assert.Equal(ReadScope.None, AccessEvaluator.GetReadScope(rules, deployer, "x", "/configs/app/dev"));
    }

    [Fact]
    public void Explain_ListsEveryActionWithEachBindingVerdict()
    {
        var user = new ActingUser("ops", ["operators", "viewers"], null);
        var lines = AccessEvaluator.Explain(Rules(), user, "sandbox", "/zookeeper/config", ensembleReadOnly: false);
        Assert.Equal(AccessActions.All.Count, lines.Count);
        var set = lines.Single(l => l.Decision.Action == AccessAction.SetData);
        Assert.False(set.Decision.Allowed);
        Assert.Contains(set.Considered, v => v.Binding.Subject == "group:operators" && v.Why.Contains("protected path", StringComparison.Ordinal));
        Assert.Contains(set.Considered, v => v.Binding.Subject == "group:viewers" && v.Why == "role viewer does not include setData");
        var read = lines.Single(l => l.Decision.Action == AccessAction.Read);
        Assert.True(read.Decision.Allowed);
        Assert.Equal(2, read.Considered.Count(v => v.Grants));
        Assert.DoesNotContain(read.Considered, v => v.Binding.Subject == "group:admins");
    }
}
