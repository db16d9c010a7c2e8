using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ZkDashboard.Web.Tests.Api;

/// <summary>/api/v1/changes on the real host: wiring, ProblemDetails errors and the refusal of anonymous callers.</summary>
public sealed class ChangesEndpointsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Get_Changes_AdminGetsJsonArray_UnknownIdIs404Problem()
    {
        using var client = await factory.CreateAdminClientAsync();

        using var list = await client.GetAsync("/api/v1/changes?state=open");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var doc = JsonDocument.Parse(await list.Content.ReadAsStringAsync()))
        {
            Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        }

        using var missing = await client.GetAsync("/api/v1/changes/987654");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no change request #987654", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var approve = await client.PostAsJsonAsync("/api/v1/changes/987654/approve", new { comment = "x" });
        Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode);

        using var bad = await client.GetAsync("/api/v1/changes?state=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Unknown state 'maybe'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Changes_RefusesAnonymous()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync("/api/v1/changes");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
    }
}
