using ZkDashboard.Core;
using ZkDashboard.Web.Api;
using ZkDashboard.Web.Hosting;
using ZkDashboard.Web.Hubs;

var builder = ZkDashboardHost.CreateBuilder(args);

builder.Services.AddZkDashboardWeb(builder.Configuration);
builder.Services.AddZkDashboardCore(builder.Configuration);
builder.Services.AddZkHub();
builder.Services.AddZkMemoryDiagnostics(builder.Configuration);

var app = builder.Build();

app.UseZkDashboardWeb();
app.MapZkDashboardWeb();
app.MapZkHub();
app.MapZkMetrics();
app.MapZkAlertRules();
app.MapZkMemoryDiagnostics();

app.Run();

/// <summary>The web host's entry point (public for WebApplicationFactory&lt;Program&gt; in tests).</summary>
public partial class Program;
