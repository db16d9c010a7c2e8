namespace ZkDashboard.E2E.Explorer;

/// <summary>Deep links as a person would copy them: every path segment percent-escaped.</summary>
internal static class ExplorerLink
{
    public static string To(string path, string ensemble = "sandbox") =>
        $"e/{Uri.EscapeDataString(ensemble)}/" + string.Join('/', path.TrimStart('/').Split('/').Select(Uri.EscapeDataString));

    public static string NewRoot() => "/e2e-" + Guid.NewGuid().ToString("N")[..12];
}
