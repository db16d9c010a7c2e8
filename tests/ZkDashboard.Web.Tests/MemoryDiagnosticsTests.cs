using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using ZkDashboard.Web.Api;

namespace ZkDashboard.Web.Tests;

/// <summary>The benchmark's memory endpoint: absent unless switched on, and then answering a forced-GC reading.</summary>
public sealed class MemoryDiagnosticsTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Get_MemoryEndpoint_NotFound_WhenNotEnabled()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(MemoryDiagnostics.Path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_MemoryEndpoint_ReportsHeapWorkingSetAndCircuits_WhenEnabled()
    {
        await using var enabled = factory.WithWebHostBuilder(b => b.UseSetting(MemoryDiagnostics.EnabledKey, "true"));
        using var client = enabled.CreateClient();

        using var response = await client.GetAsync(MemoryDiagnostics.Path);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(json.RootElement.GetProperty("managedBytes").GetInt64() > 0);
        Assert.True(json.RootElement.GetProperty("workingSetBytes").GetInt64() >= json.RootElement.GetProperty("managedBytes").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("openCircuits").GetInt32());
    }
}
