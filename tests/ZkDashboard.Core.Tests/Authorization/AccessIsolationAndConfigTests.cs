using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Tests.Authorization;

/// <summary>Bindings never leak across subjects (AKHQ #838/#1196), and bad settings fail with the entry's name.</summary>
public sealed class AccessIsolationAndConfigTests
{
    [Fact]
    public void Decide_GroupBinding_NeverGrantsAnotherGroup()
    {
        var o = new AccessOptions();
        for (var i = 0; i < 50; i++)
        {
            o.Bindings.Add(new() { Subject = $"group:team{i}", Role = i % 2 == 0 ? "operator" : "viewer", Ensembles = "*", Paths = $"/team{i}/**" });
        }
        o.Bindings.Add(new() { Subject = "user:team7", Role = "admin", Ensembles = "*", Paths = "/**" });
        var rules = AccessRules.Build(o, []);
        for (var i = 0; i < 50; i++)
        {
            var member = new ActingUser($"m{i}", [$"team{i}"], null);
            for (var j = 0; j < 50; j++)
            {
                var read = AccessEvaluator.Decide(rules, member, "e", AccessAction.Read, $"/team{j}/x", false);
                Assert.Equal(i == j, read.Allowed);
            }
            Assert.Equal(i % 2 == 0, AccessEvaluator.Decide(rules, member, "e", AccessAction.SetData, $"/team{i}/x", false).Allowed);
        }
        // A user binding named like a group does not apply to the group, and vice versa.
        Assert.False(AccessEvaluator.Decide(rules, new ActingUser("m7", ["team7"], null), "e", AccessAction.SetData, "/other", false).Allowed);
        Assert.True(AccessEvaluator.Decide(rules, new ActingUser("team7", [], null), "e", AccessAction.SetData, "/other", false).Allowed);
        Assert.False(AccessEvaluator.Decide(rules, new ActingUser("someone", ["team7x", "team"], null), "e", AccessAction.Read, "/team7/x", false).Allowed);
    }

    [Fact]
    public void Decide_TwoGroups_UnionOfBothOnly()
    {
        var o = new AccessOptions();
        o.Bindings.Add(new() { Subject = "group:a", Role = "viewer", Paths = "/a/**" });
        o.Bindings.Add(new() { Subject = "group:b", Role = "operator", Paths = "/b/**" });
        var rules = AccessRules.Build(o, []);
        var both = new ActingUser("x", ["a", "b"], null);
        Assert.False(AccessEvaluator.Decide(rules, both, "e", AccessAction.SetData, "/a/1", false).Allowed);
        Assert.True(AccessEvaluator.Decide(rules, both, "e", AccessAction.SetData, "/b/1", false).Allowed);
        Assert.True(AccessEvaluator.Decide(rules, both, "e", AccessAction.Read, "/a/1", false).Allowed);
        Assert.False(AccessEvaluator.Decide(rules, both, "e", AccessAction.Read, "/c", false).Allowed);
    }

    public static TheoryData<string, Action<AccessOptions>, string> BadSettings() => new()
    {
        { "unknown role", o => o.Bindings.Add(new() { Subject = "group:x", Role = "deployr" }), "ZkDashboard:Access:Bindings:0 (group:x → deployr): unknown role 'deployr'. Known roles: admin, operator, viewer." },
        { "bad subject", o => o.Bindings.Add(new() { Subject = "team:x", Role = "viewer" }), "ZkDashboard:Access:Bindings:0 (team:x → viewer): the subject \"team:x\" is not \"user:NAME\" or \"group:NAME\"." },
        { "empty subject name", o => o.Bindings.Add(new() { Subject = "user:", Role = "viewer" }), "is not \"user:NAME\" or \"group:NAME\"" },
        { "relative glob", o => o.Bindings.Add(new() { Subject = "user:a", Role = "viewer", Paths = "kafka/**" }), "ZkDashboard:Access:Bindings:0 (user:a → viewer): the path glob \"kafka/**\" must start with \"/\"" },
        { "double star inside", o => o.Bindings.Add(new() { Subject = "user:a", Role = "viewer", Paths = "/a**" }), "\"**\" must be a whole segment" },
        { "empty segment", o => o.Bindings.Add(new() { Subject = "user:a", Role = "viewer", Paths = "/a//b" }), "has an empty segment" },
        { "bad ensemble glob", o => o.Bindings.Add(new() { Subject = "user:a", Role = "viewer", Ensembles = "prod/eu" }), "the ensemble glob \"prod/eu\" has the character '/'" },
        { "bad provider", o => o.Bindings.Add(new() { Subject = "user:a", Role = "viewer", Provider = "kerberos" }), "unknown provider 'kerberos'" },
        { "unknown action", o => o.Roles.Add(new() { Name = "r", Actions = ["read", "writeAll"] }), "ZkDashboard:Access:Roles:0 ('r'): unknown action 'writeAll'." },
        { "builtin redefined", o => o.Roles.Add(new() { Name = "Admin", Actions = ["read"] }), "'Admin' is a built-in role and cannot be redefined" },
        { "role without actions", o => o.Roles.Add(new() { Name = "r" }), "ZkDashboard:Access:Roles:0 ('r'): the role has no Actions." },
        { "bad protected glob", o => o.ProtectedPaths.Add("zookeeper"), "ZkDashboard:Access:ProtectedPaths:0: the path glob \"zookeeper\" must start with \"/\"" },
        { "bad mask", o => o.SensitiveData.Add("/s/"), "ZkDashboard:Access:SensitiveData:0: the path glob \"/s/\" ends with \"/\"" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Build_BadSettings_ThrowsNamingTheEntry(string because, Action<AccessOptions> configure, string expected)
    {
        var o = new AccessOptions();
        configure(o);
        var ex = Assert.Throws<AccessConfigurationException>(() => AccessRules.Build(o, []));
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{because}: {ex.Message}");
    }

    [Fact]
    public async Task StartAsync_BadBindingInSettings_FailsStartUpNamingTheEntry()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Access:Bindings:0:Subject"] = "group:admins",
            ["ZkDashboard:Access:Bindings:0:Role"] = "admin",
            ["ZkDashboard:Access:Bindings:1:Subject"] = "group:ops",
            ["ZkDashboard:Access:Bindings:1:Role"] = "operatr",
        });
        builder.Services.AddZkDashboardAccess(builder.Configuration);
        using var host = builder.Build();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var access = ex as AccessConfigurationException ?? ex.InnerException as AccessConfigurationException;
        Assert.NotNull(access);
        Assert.StartsWith("ZkDashboard:Access:Bindings:1 (group:ops → operatr): unknown role 'operatr'.", access.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadStoredBinding_IsSkippedAndReported()
    {
        var errors = new List<string>();
        var rules = AccessRules.Build(new AccessOptions(), [new AccessBinding("store:4", "group:x", null, "gone", "*", "/**", AccessBindingSource.Store)], errors);
        Assert.Empty(rules.Bindings);
        Assert.Equal("Stored binding store:4 (group:x → gone) is ignored: unknown role 'gone'. Known roles: admin, operator, viewer.", Assert.Single(errors));
    }

    [Theory]
    [InlineData("/**", "/", true)]
    [InlineData("/**", "/a/b/c", true)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/a", false)]
    [InlineData("/kafka/**", "/kafka", true)]
    [InlineData("/kafka/**", "/kafka/a/b", true)]
    [InlineData("/kafka/**", "/kafkaesque", false)]
    [InlineData("/configs/*/prod", "/configs/app/prod", true)]
    [InlineData("/configs/*/prod", "/configs/prod", false)]
    [InlineData("/configs/*/prod", "/configs/a/b/prod", false)]
    [InlineData("/configs/**/prod", "/configs/a/b/prod", true)]
    [InlineData("/configs/**/prod", "/configs/prod", true)]
    [InlineData("/configs/**/prod", "/configs/a/prodx", false)]
    [InlineData("/app-*/data", "/app-1/data", true)]
    [InlineData("/app-*/data", "/app/data", false)]
    [InlineData("/a?c", "/abc", true)]
    [InlineData("/a?c", "/ac", false)]
    [InlineData("/**/locks", "/x/y/locks", true)]
    [InlineData("/**/locks", "/locks", true)]
    [InlineData("/**/locks", "/x/locks/y", false)]
    public void PathGlob_IsMatch(string pattern, string path, bool expected)
        => Assert.Equal(expected, PathGlob.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("/kafka/**", "/", true)]
    [InlineData("/kafka/**", "/kafka/x", true)]
    [InlineData("/kafka/**", "/other", false)]
    [InlineData("/configs/*/prod", "/configs", true)]
    [InlineData("/configs/*/prod", "/configs/a", true)]
    [InlineData("/configs/*/prod", "/configs/a/dev", false)]
    [InlineData("/configs/*/prod", "/configs/a/prod/x", false)]
    public void PathGlob_CouldMatchAtOrBelow(string pattern, string path, bool expected)
        => Assert.Equal(expected, PathGlob.Parse(pattern).CouldMatchAtOrBelow(path));

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("prod-*", "PROD-eu", true)]
    [InlineData("prod-*", "staging", false)]
    [InlineData("sandbox", "Sandbox", true)]
    [InlineData("s?ndbox", "sandbox", true)]
    public void EnsembleGlob_IsMatch(string pattern, string ensemble, bool expected)
        => Assert.Equal(expected, EnsembleGlob.Parse(pattern).IsMatch(ensemble));
}
