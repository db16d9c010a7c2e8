using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ZkDashboard.Web.Tests;

public sealed class HostTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public void Configuration_ContainsRootAppSettingsValues_WhenHostedByTestFactory()
    {
        var config = factory.Services.GetRequiredService<IConfiguration>();
        using var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "appsettings.json")));
        var expected = root.RootElement.GetProperty("ZkDashboard").GetProperty("Ensembles")[0].GetProperty("Name").GetString();

        Assert.Equal(expected, config["ZkDashboard:Ensembles:0:Name"]);
    }

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ZkDashboard.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }
    }
}
