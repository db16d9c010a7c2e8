using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZkDashboard.Testing.Identity;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Auth.External;

namespace ZkDashboard.Web.Tests.Auth.External;

/// <summary>LDAP sign-in against a real slapd started by the fixture.</summary>
public sealed class LdapPasswordAuthenticatorTests(SlapdFixture slapd) : IClassFixture<SlapdFixture>
{
    private LdapOptions SearchSettings(LdapGroupSource groups = LdapGroupSource.MemberOf) => new()
    {
        Url = slapd.Server.Url,
        BindDn = SlapdServer.ServiceDn,
        BindPassword = SlapdServer.ServicePassword,
        UserSearchBase = SlapdServer.PeopleBase,
        UserSearchFilter = "(&(objectClass=inetOrgPerson)(uid={0}))",
        GroupSource = groups,
        GroupSearchBase = SlapdServer.GroupsBase,
        TimeoutSeconds = 5,
    };

    private LdapOptions TemplateSettings() => new()
    {
        Url = slapd.Server.Url,
        UserDnTemplate = "uid={0}," + SlapdServer.PeopleBase,
        GroupSource = LdapGroupSource.MemberOf,
        TimeoutSeconds = 5,
    };

    private static LdapPasswordAuthenticator Authenticator(LdapOptions settings) =>
        new(Options.Create(settings), NullLogger<LdapPasswordAuthenticator>.Instance);

    [Theory]
    [InlineData(LdapGroupSource.MemberOf)]
    [InlineData(LdapGroupSource.Search)]
    public async Task AuthenticateAsync_ReturnsNameAndGroups_WhenPasswordIsRight(LdapGroupSource source)
    {
        var identity = await Authenticator(SearchSettings(source)).AuthenticateAsync("alice", "alice-pw", CancellationToken.None);

        Assert.NotNull(identity);
        Assert.Equal(new ExternalIdentity("ldap", "alice", identity.Groups, "Alice Admin"), identity);
        Assert.Equal(["admins", "operators"], identity.Groups);
    }

    [Fact]
    public async Task AuthenticateAsync_BindsThroughTheDnTemplate_WithoutServiceAccount()
    {
        var identity = await Authenticator(TemplateSettings()).AuthenticateAsync("bob", "bob-pw", CancellationToken.None);

        Assert.NotNull(identity);
        Assert.Equal("bob", identity.Name);
        Assert.Equal(["viewers"], identity.Groups);
    }

    [Theory]
    [InlineData("alice", "wrong")]
    [InlineData("alice", "bob-pw")]
    [InlineData("nobody", "alice-pw")]
    [InlineData("ALICE ", "alice-PW")]
    public async Task AuthenticateAsync_ReturnsNull_WhenPasswordIsWrongOrUserUnknown(string user, string password)
    {
        Assert.Null(await Authenticator(SearchSettings()).AuthenticateAsync(user, password, CancellationToken.None));
        Assert.Null(await Authenticator(TemplateSettings()).AuthenticateAsync(user, password, CancellationToken.None));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("nobody")]
    public async Task AuthenticateAsync_ReturnsNull_WhenPasswordIsEmpty(string user)
    {
        // An empty simple-bind password is an anonymous bind that the server accepts for any DN.
        Assert.Null(await Authenticator(SearchSettings()).AuthenticateAsync(user, "", CancellationToken.None));
        Assert.Null(await Authenticator(TemplateSettings()).AuthenticateAsync(user, "", CancellationToken.None));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("al*")]
    [InlineData("*)(uid=alice")]
    [InlineData("alice)(|(uid=*")]
    [InlineData("alice\0")]
    public async Task AuthenticateAsync_EscapesFilterCharacters_InTheUserName(string user)
    {
        // Unescaped, each of these filters would match alice's entry and her password would sign in.
        Assert.Null(await Authenticator(SearchSettings()).AuthenticateAsync(user, "alice-pw", CancellationToken.None));
    }

    [Theory]
    [InlineData("alice,ou=people")]
    [InlineData("*")]
    public async Task AuthenticateAsync_EscapesDnCharacters_InTheUserName(string user)
    {
        Assert.Null(await Authenticator(TemplateSettings()).AuthenticateAsync(user, "alice-pw", CancellationToken.None));
    }

    [Fact]
    public async Task AuthenticateAsync_SignsInUserWhoseNameNeedsEscaping()
    {
        var bySearch = await Authenticator(SearchSettings(LdapGroupSource.Search)).AuthenticateAsync(SlapdFixture.Odd.Uid, "odd-pw", CancellationToken.None);
        var byTemplate = await Authenticator(TemplateSettings()).AuthenticateAsync(SlapdFixture.Odd.Uid, "odd-pw", CancellationToken.None);

        Assert.NotNull(bySearch);
        Assert.NotNull(byTemplate);
        Assert.Equal(SlapdFixture.Odd.Uid, bySearch.Name);
        Assert.Equal(["ops, eu"], bySearch.Groups);
        Assert.Equal(["ops, eu"], byTemplate.Groups);
    }

    [Fact]
    public async Task AuthenticateAsync_ThrowsClearError_WhenDirectoryIsUnreachable()
    {
        var settings = SearchSettings();
        settings.Url = $"ldap://127.0.0.1:{SlapdServer.FreePort()}";

        var error = await Assert.ThrowsAsync<LdapUnavailableException>(
            () => Authenticator(settings).AuthenticateAsync("alice", "alice-pw", CancellationToken.None));

        Assert.Equal($"The directory at {settings.Url} is not reachable; try again or sign in with a local account.", error.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_ThrowsClearError_WhenDirectoryNeverAnswers()
    {
        // Accepts the connection and never answers: a hung directory must not look like a wrong password.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var settings = SearchSettings();
        settings.Url = $"ldap://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
        settings.TimeoutSeconds = 1;

        var error = await Assert.ThrowsAsync<LdapUnavailableException>(
            () => Authenticator(settings).AuthenticateAsync("alice", "alice-pw", CancellationToken.None));

        Assert.StartsWith($"The directory at {settings.Url} ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("try again or sign in with a local account.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_ThrowsClearError_WhenServiceAccountIsRefused()
    {
        var settings = SearchSettings();
        settings.BindPassword = "not-the-service-password";

        var error = await Assert.ThrowsAsync<LdapUnavailableException>(
            () => Authenticator(settings).AuthenticateAsync("alice", "alice-pw", CancellationToken.None));

        Assert.Contains("refused the dashboard's service account", error.Message, StringComparison.Ordinal);
        Assert.Contains("ZkDashboard:Auth:Ldap:BindDn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddZkLdap_RegistersAuthenticator_OnlyWhenConfigured()
    {
        var none = new ServiceCollection().AddZkLdap(new ConfigurationBuilder().Build());
        Assert.DoesNotContain(none, d => d.ServiceType == typeof(IExternalPasswordAuthenticator));

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Ldap:Url"] = slapd.Server.Url,
            ["ZkDashboard:Auth:Ldap:UserDnTemplate"] = "uid={0}," + SlapdServer.PeopleBase,
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddZkLdap(config).BuildServiceProvider();
        var authenticator = Assert.Single(provider.GetServices<IExternalPasswordAuthenticator>());
        Assert.Equal("ldap", authenticator.Provider);
    }

    [Fact]
    public void AddZkLdap_FailsWithTheSettingsName_WhenSettingsAreIncomplete()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Ldap:Url"] = "http://directory",
            ["ZkDashboard:Auth:Ldap:BindDn"] = "cn=svc",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddZkLdap(config).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LdapOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("ZkDashboard:Auth:Ldap:Url \"http://directory\"", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("UserSearchBase", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("BindPassword is empty", StringComparison.Ordinal));
    }
}
