using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Auth.External;

namespace ZkDashboard.Web.Tests.Auth.External;

public sealed class OidcSignInTests
{
    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "AuthenticationTypes.Federation"));

    [Fact]
    public void ToDashboardPrincipal_MapsNameGroupsAndProvider_FromConfiguredClaims()
    {
        var settings = new OidcOptions { NameClaim = "email", GroupsClaim = "roles" };
        var token = Token(("sub", "42"), ("email", "carol@example.org"), ("preferred_username", "carol"),
            ("roles", "zk-admins"), ("roles", " zk-viewers "), ("roles", "zk-admins"), ("groups", "ignored"));

        var principal = OidcSignIn.ToDashboardPrincipal(token, settings, out var error);

        Assert.Null(error);
        Assert.NotNull(principal);
        Assert.Equal("carol@example.org", principal.Identity?.Name);
        Assert.Equal("oidc", principal.FindFirstValue(ZkClaimTypes.Provider));
        Assert.Equal("42", principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal(["zk-admins", "zk-viewers"], principal.FindAll(ZkClaimTypes.Group).Select(c => c.Value));
    }

    [Fact]
    public void ToDashboardPrincipal_RefusesWithTheSettingsName_WhenNameClaimIsMissing()
    {
        var principal = OidcSignIn.ToDashboardPrincipal(Token(("sub", "42")), new OidcOptions(), out var error);

        Assert.Null(principal);
        Assert.Contains("\"preferred_username\"", error, StringComparison.Ordinal);
        Assert.Contains("ZkDashboard:Auth:Oidc:NameClaim", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/e/local/", "/e/local/")]
    [InlineData(null, "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("e/local", "/")]
    public void LocalReturnUrl_KeepsOnlyLocalPaths(string? returnUrl, string expected) =>
        Assert.Equal(expected, OidcSignIn.LocalReturnUrl(returnUrl));

    [Fact]
    public async Task AddZkOidc_RegistersCodeFlowIntoCookies_WhenConfigured()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Oidc:Authority"] = "https://login.example.org/realms/ops",
            ["ZkDashboard:Auth:Oidc:ClientId"] = "zkdashboard",
            ["ZkDashboard:Auth:Oidc:DisplayName"] = "Example SSO",
            ["ZkDashboard:Auth:Oidc:Scopes:0"] = "groups",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddZkOidc(config).BuildServiceProvider();

        var scheme = await provider.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync("oidc");
        var options = provider.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get("oidc");

        Assert.Equal("Example SSO", scheme?.DisplayName);
        Assert.Equal("Cookies", options.SignInScheme);
        Assert.Equal("code", options.ResponseType);
        Assert.True(options.UsePkce);
        Assert.False(options.MapInboundClaims);
        Assert.Equal(["openid", "groups"], options.Scope);
    }

    [Fact]
    public void AddZkOidc_DoesNothing_WhenNotConfigured()
    {
        var services = new ServiceCollection().AddZkOidc(new ConfigurationBuilder().Build());

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IConfigureOptions<OidcOptions>));
    }

    [Fact]
    public void AddZkOidc_FailsNamingTheSetting_WhenAuthorityIsHttpAndHttpsIsRequired()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Oidc:Authority"] = "http://login.example.org/",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddZkOidc(config).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OidcOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("RequireHttpsMetadata", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ZkDashboard:Auth:Oidc:ClientId is empty", StringComparison.Ordinal));
    }
}
