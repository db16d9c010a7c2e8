using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Web.Api;

namespace ZkDashboard.Web.Tests;

/// <summary>The benchmark's memory endpoint: absent unless switched on, then answering loopback callers only.</summary>
public sealed class MemoryDiagnosticsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Get_MemoryEndpoint_NotFound_WhenNotEnabled()
    {
        await using var app = WithCaller(IPAddress.Loopback, enabled: false);
        using var client = await CreateAdminClientAsync(app);

        using var response = await client.GetAsync(MemoryDiagnostics.Path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_MemoryEndpoint_ReportsHeapWorkingSetAndCircuits_WhenEnabledAndCalledFromLoopback()
    {
        await using var app = WithCaller(IPAddress.Loopback, enabled: true);
        using var client = await CreateAdminClientAsync(app);

        using var response = await client.GetAsync(MemoryDiagnostics.Path);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(json.RootElement.GetProperty("managedBytes").GetInt64() > 0);
        Assert.True(json.RootElement.GetProperty("workingSetBytes").GetInt64() >= json.RootElement.GetProperty("managedBytes").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("openCircuits").GetInt32());
    }

    [Fact]
    public async Task Get_MemoryEndpoint_NotFound_WhenEnabledButCalledFromAnotherHost()
    {
        await using var app = WithCaller(IPAddress.Parse("192.0.2.10"), enabled: true);
        using var client = await CreateAdminClientAsync(app);

        using var response = await client.GetAsync(MemoryDiagnostics.Path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // Signed in, so that a missing endpoint answers 404 instead of the login redirect.
    private static async Task<HttpClient> CreateAdminClientAsync(WebApplicationFactory<Program> app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TestSignIn.AdminTokenAsync(app.Services));
        return client;
    }

    /// <summary>The app with the endpoint switched on or off, seeing every request as coming from <paramref name="caller"/>.</summary>
    private WebApplicationFactory<Program> WithCaller(IPAddress caller, bool enabled) =>
        factory.WithWebHostBuilder(b =>
        {
            b.UseSetting(MemoryDiagnostics.EnabledKey, enabled ? "true" : "false");
            b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new CallerFilter(caller)));
        });

    private sealed class CallerFilter(IPAddress caller) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = caller;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
