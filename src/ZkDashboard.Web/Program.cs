using ZkDashboard.Core;
using ZkDashboard.Web.Api;
using ZkDashboard.Web.Api.V1;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Hosting;
using ZkDashboard.Web.Hubs;

var builder = ZkDashboardHost.CreateBuilder(args);

builder.Services.AddZkDashboardWeb(builder.Configuration);
builder.Services.AddZkDashboardCore(builder.Configuration);
builder.Services.AddZkDashboardAuth(builder.Configuration);
builder.Services.AddZkHub();
builder.Services.AddZkMemoryDiagnostics(builder.Configuration);
builder.Services.AddZkDashboardApiV1(builder.Configuration);

var app = builder.Build();
if (DemoAccounts.IsCommand(args))
{
    return await DemoAccounts.RunAsync(app.Services, Console.Out);
}

app.UseZkDashboardWeb();
app.MapZkDashboardWeb();
app.MapZkHub();
app.MapZkMetrics().AllowAnonymous(); // open by default for scrapers; ZkDashboard:Security:MetricsToken closes it
app.MapZkAlertRules();
app.MapZkDashboardApiV1().MapAudit().MapChanges().MapTransfer();
app.MapZkMemoryDiagnostics();

await app.RunAsync();
return 0;

/// <summary>The web host's entry point (public for WebApplicationFactory&lt;Program&gt; in tests).</summary>
public partial class Program;
