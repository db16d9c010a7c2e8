using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ZkDashboard.Web.Hosting;

/// <summary>Creates the web host builder with the app root (root appsettings.json, wwwroot/) as content root.</summary>
public static class ZkDashboardHost
{
    /// <summary>
    /// Like <see cref="WebApplication.CreateBuilder(string[])"/>, but the content root is the app root
    /// (see <see cref="AppRoot"/>) unless one holding an appsettings.json is given explicitly (<c>--contentRoot</c>,
    /// <c>ASPNETCORE_CONTENTROOT</c>).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var explicitContentRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"));
        var appRoot = AppRoot.Find(AppContext.BaseDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ZkDashboardHost).Assembly.GetName().Name,
            ContentRootPath = explicitContentRoot ? null : appRoot,
        });

        // A content root without appsettings.json (e.g. the project folder that WebApplicationFactory passes as
        // --contentRoot) is not where our settings live: point the environment and appsettings*.json at the app root.
        if (appRoot is not null && !SameDirectory(appRoot, builder.Environment.ContentRootPath)
            && !File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")))
        {
            UseAppRoot(builder, appRoot);
        }

        // Static web assets (Radzen, blazor.web.js, root wwwroot/) are served from the build manifest in every
        // environment when the app is not published; a published app has no manifest, and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    private static void UseAppRoot(WebApplicationBuilder builder, string appRoot)
    {
        var env = builder.Environment;
        env.ContentRootPath = appRoot;
        env.ContentRootFileProvider = new PhysicalFileProvider(appRoot);
        var webRoot = Path.Combine(appRoot, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            env.WebRootPath = webRoot;
            env.WebRootFileProvider = new PhysicalFileProvider(webRoot);
        }

        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        string[] names = ["appsettings.json", $"appsettings.{env.EnvironmentName}.json"];
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && names.Contains(path, StringComparer.OrdinalIgnoreCase))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    FileProvider = new PhysicalFileProvider(appRoot),
                };
            }
        }
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            StringComparison.Ordinal);
}
