using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ZkDashboard.Web.Tests;

/// <summary>The real host (Program) in-process: root appsettings.json, root wwwroot/, the Blazor script, health (signed in as an admin).</summary>
public sealed class HostTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public void Configuration_ContainsRootAppSettingsValues_WhenHostedByTestFactory()
    {
        var config = factory.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(FirstRootEnsembleName(), config["ZkDashboard:Ensembles:0:Name"]);
    }

    [Fact]
    public void Environment_UsesRepositoryRootAsContentAndWebRoot_WhenNotPublished()
    {
        var env = factory.Services.GetRequiredService<IWebHostEnvironment>();

        Assert.Equal(Normalize(RepoPaths.Root), Normalize(env.ContentRootPath));
        Assert.Equal(Normalize(RepoPaths.WebRoot), Normalize(env.WebRootPath));
    }

    [Fact]
    public async Task Get_Root_ServesHomePageListingRootAppSettingsEnsembles()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Ensembles · ZkDashboard</title>", html, StringComparison.Ordinal);
        Assert.Matches($"zk-ensemble-card-name\"[^>]*>{System.Text.RegularExpressions.Regex.Escape(FirstRootEnsembleName())}<", html);
        Assert.Contains("id=\"components-reconnect-modal\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"_framework/blazor.web.js\" autostart=\"false\"></script>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("css/app.css", "text/css")]
    [InlineData("favicon.svg", "image/svg+xml")]
    [InlineData("js/zkdashboard.js", "text/javascript")]
    public async Task Get_RootWebRootAsset_ServesTheRepositoryFile(string path, string contentType)
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/" + path);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.WebRoot, path)), body);
    }

    [Fact]
    public async Task Get_BlazorWebJs_ServesScriptExtractedAtBuild()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/_framework/blazor.web.js");
        var script = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        // The .NET 9 script: it starts the circuit and toggles the classes our reconnect overlay styles.
        Assert.Contains("Blazor", script, StringComparison.Ordinal);
        Assert.Contains("components-reconnect-show", script, StringComparison.Ordinal);
        Assert.Contains("components-reconnect-rejected", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RadzenAsset_ServesPackageStaticWebAsset()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/_content/Radzen.Blazor/css/standard-dark-base.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_Healthz_ReturnsHealthy()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_UnknownPath_Returns404WithNotFoundPage()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/no/such/page");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Root_RendersDarkTheme_WhenThemeCookieSaysDark()
    {
        using var client = await factory.CreateAdminClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", "zk-theme=dark");

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"en\" data-theme=\"dark\">", html, StringComparison.Ordinal);
        Assert.Contains("css/standard-dark-base.css", html, StringComparison.Ordinal);
    }

    private static string FirstRootEnsembleName()
    {
        using var root = JsonDocument.Parse(File.ReadAllText(RepoPaths.AppSettings));
        return root.RootElement.GetProperty("ZkDashboard").GetProperty("Ensembles")[0].GetProperty("Name").GetString()
            ?? throw new InvalidOperationException("The root appsettings.json names no ensemble.");
    }

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
