var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "ZkDashboard");
app.Run();

public partial class Program;
