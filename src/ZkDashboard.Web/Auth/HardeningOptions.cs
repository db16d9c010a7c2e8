namespace ZkDashboard.Web.Auth;

/// <summary>"ZkDashboard:Security": Origin checks, the /metrics token, security headers.</summary>
public sealed class HardeningOptions
{
    public const string Section = "ZkDashboard:Security";

    /// <summary>Origins (scheme://host[:port]) allowed to open the hub and the circuit's WebSocket besides the
    /// request's own host. Empty: only same-origin.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>When set, GET /metrics needs <c>Authorization: Bearer &lt;MetricsToken&gt;</c> (off by default, as
    /// Prometheus scrapers expect an open endpoint).</summary>
    public string? MetricsToken { get; set; }

    /// <summary>Send the security headers (CSP, nosniff, frame denial, referrer policy). On by default.</summary>
    public bool SecurityHeaders { get; set; } = true;
}
