using System.Reflection;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Components;

namespace ZkDashboard.Web.Tests.Components;

/// <summary>Explorer links of znodes whose first segment a tool page (/e/{e}/health…) takes, and the list of those segments.</summary>
public sealed class ExplorerLinksTests
{
    [Theory]
    [InlineData("/health", "e/sandbox/-/health")]
    [InlineData("/Sessions/x", "e/sandbox/-/Sessions/x")]
    [InlineData("/recipes", "e/sandbox/-/recipes")]
    [InlineData("/-", "e/sandbox/-/-")]
    [InlineData("/-/a", "e/sandbox/-/-/a")]
    [InlineData("/a/health", "e/sandbox/a/health")]
    [InlineData("/healthy", "e/sandbox/healthy")]
    [InlineData("/", "e/sandbox/")]
    public void Href_EscapesReservedFirstSegment_AndRoundTrips(string path, string expected)
    {
        var href = ExplorerLinks.Href("sandbox", path);
        Assert.Equal(expected, href);
        Assert.Equal(path, ExplorerLinks.FromRoute(Uri.UnescapeDataString(href["e/sandbox/".Length..])));
    }

    [Theory]
    [InlineData(null, "/")]
    [InlineData("-", "/")]
    [InlineData("-/", "/")]
    [InlineData("-/configs/app", "/configs/app")]
    [InlineData("configs/app", "/configs/app")]
    public void FromRoute_AcceptsTheEscapeForAnyPath(string? route, string expected) => Assert.Equal(expected, ExplorerLinks.FromRoute(route));

    [Fact]
    public void ReservedSegments_ListEveryPageRouteUnderAnEnsemble()
    {
        var segments = typeof(ExplorerLinks).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template.TrimStart('/').Split('/'))
            .Where(s => s.Length >= 3 && s[0] == "e" && s[1] == "{Ensemble}" && !s[2].StartsWith('{'))
            .Select(s => s[2])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

        Assert.Contains("health", segments);
        var missing = segments.Where(s => !ExplorerLinks.ReservedSegments.Contains(s)).ToArray();
        Assert.True(missing.Length == 0, $"Add {string.Join(", ", missing)} to ExplorerLinks.ReservedSegments: root znodes of that name would open the page instead of the explorer.");
    }
}
