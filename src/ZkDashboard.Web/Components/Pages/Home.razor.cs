using Microsoft.AspNetCore.Components;

namespace ZkDashboard.Web.Components.Pages;

/// <summary>Start page: the ensembles configured under <c>ZkDashboard:Ensembles</c>, each linking to its explorer.</summary>
public partial class Home
{
    private const string ExampleConfig = """
        "ZkDashboard": {
          "Ensembles": [
            { "Name": "production", "ConnectString": "zk1:2181,zk2:2181,zk3:2181" }
          ]
        }
        """;

    private List<EnsembleCard> ensembles = [];
    private List<string> problems = [];

    [Inject]
    private IConfiguration Configuration { get; set; } = default!;

    protected override void OnInitialized()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in Configuration.GetSection("ZkDashboard:Ensembles").GetChildren())
        {
            var name = section["Name"]?.Trim();
            var connectString = section["ConnectString"]?.Trim();
            var where = $"ZkDashboard:Ensembles:{section.Key}";
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"{where} has no Name. Give every ensemble a unique name; it appears in links as /e/<name>/.");
                continue;
            }

            if (string.IsNullOrEmpty(connectString))
            {
                problems.Add($"{where} (\"{name}\") has no ConnectString. Set it to host:port pairs, e.g. \"zk1:2181,zk2:2181\".");
                continue;
            }

            if (!seen.Add(name))
            {
                problems.Add($"{where}: the name \"{name}\" is used twice. Ensemble names must be unique.");
                continue;
            }

            ensembles.Add(new EnsembleCard(name, connectString));
        }
    }

    private sealed record EnsembleCard(string Name, string ConnectString)
    {
        public string Href => $"e/{Uri.EscapeDataString(Name)}/";

        public int ServerCount
        {
            get
            {
                var hosts = ConnectString.Split('/', 2)[0];
                return hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
            }
        }
    }
}
