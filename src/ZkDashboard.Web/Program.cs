using ZkDashboard.Web.Hosting;

var builder = ZkDashboardHost.CreateBuilder(args);

builder.Services.AddZkDashboardWeb(builder.Configuration);

var app = builder.Build();

app.UseZkDashboardWeb();
app.MapZkDashboardWeb();

app.Run();

/// <summary>The web host's entry point (public for WebApplicationFactory&lt;Program&gt; in tests).</summary>
public partial class Program;
