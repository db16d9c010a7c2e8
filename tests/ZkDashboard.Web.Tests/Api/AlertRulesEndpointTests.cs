using System.Net;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace ZkDashboard.Web.Tests.Api;

/// <summary>GET /api/v1/alerts/prometheus-rules.yaml on the real host.</summary>
public sealed class AlertRulesEndpointTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Get_PrometheusRules_ServesYamlWithAGroupPerConfiguredEnsemble()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var response = await client.GetAsync("/api/v1/alerts/prometheus-rules.yaml");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        using var root = JsonDocument.Parse(File.ReadAllText(RepoPaths.AppSettings));
        var first = root.RootElement.GetProperty("ZkDashboard").GetProperty("Ensembles")[0].GetProperty("Name").GetString();
        var group = Assert.Single(groups.Cast<YamlMappingNode>(), g => ((YamlScalarNode)g["name"]).Value == "zkdashboard-" + first);
        Assert.Contains(((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>(), r => ((YamlScalarNode)r["alert"]).Value == "ZooKeeperServerDown");
    }

    [Fact]
    public async Task Get_PrometheusRules_RefusesAnonymous()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync("/api/v1/alerts/prometheus-rules.yaml");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("ZooKeeperServerDown", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
