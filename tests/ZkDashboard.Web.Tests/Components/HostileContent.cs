namespace ZkDashboard.Web.Tests.Components;

internal static class HostileContent
{
    public const string Payload = "<img src=x onerror=alert(1)>";

    /// <summary>The payload appears escaped and never as a live element.</summary>
    public static void AssertRenderedAsText(string html)
    {
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
    }
}
