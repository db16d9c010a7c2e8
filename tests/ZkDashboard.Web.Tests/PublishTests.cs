using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace ZkDashboard.Web.Tests;

/// <summary>
/// `dotnet publish` of the web project yields a self-contained folder: the root appsettings.json and wwwroot/
/// (plus Radzen and blazor.web.js) are in it, and the published app serves them when started from elsewhere.
/// Publishes the already built project (--no-build) without brotli (slow on 2 cores; the Dockerfile keeps it).
/// </summary>
public sealed partial class PublishTests : IDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(4);
    private readonly DirectoryInfo output = Directory.CreateTempSubdirectory("zk-publish-");

    [Fact]
    public async Task Publish_CopiesRootAppSettingsAndWebRoot_AndPublishedAppServesThem()
    {
        var publish = await RunAsync(
            ["publish", RepoPaths.WebProject, "--no-build", "-c", RepoPaths.BuildConfiguration, "-o", output.FullName,
             "-p:CompressionEnabled=false", "-nologo"],
            RepoPaths.Root);
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed ({publish.ExitCode}):\n{publish.Output}");

        Assert.Equal(await File.ReadAllTextAsync(RepoPaths.AppSettings),
            await File.ReadAllTextAsync(Path.Combine(output.FullName, "appsettings.json")));
        foreach (var asset in new[] { "css/app.css", "favicon.svg", "js/zkdashboard.js" })
        {
            Assert.True(File.Exists(Path.Combine(output.FullName, "wwwroot", asset)), $"wwwroot/{asset} is missing from the publish output");
        }

        Assert.True(File.Exists(Path.Combine(output.FullName, "wwwroot", "_framework", "blazor.web.js")));
        Assert.False(File.Exists(Path.Combine(output.FullName, "ZkDashboard.Web.staticwebassets.runtime.json")),
            "A published app must not point back into the repository");

        // Start the published app from an unrelated working directory: it must find its files next to itself.
        await using var app = await PublishedApp.StartAsync(Path.Combine(output.FullName, "ZkDashboard.Web.dll"));
        using var client = new HttpClient { BaseAddress = app.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoPaths.WebRoot, "css", "app.css")), await client.GetStringAsync("css/app.css"));
        Assert.Contains("components-reconnect-show", await client.GetStringAsync("_framework/blazor.web.js"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("_content/Radzen.Blazor/Radzen.Blazor.js")).StatusCode);
        // Pages need sign-in: the home page sends a fresh app (no account yet) to the login form.
        Assert.Matches("<h1[^>]*>Sign in</h1>", await client.GetStringAsync(""));
    }

    public void Dispose() => output.Delete(recursive: true);

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] args, string workingDirectory)
    {
        using var process = Process.Start(StartInfo(args, workingDirectory))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {PublishTimeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args, string workingDirectory)
    {
        var info = new ProcessStartInfo(DotNet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningRegex();

    private sealed class PublishedApp : IAsyncDisposable
    {
        private readonly Process process;

        private PublishedApp(Process process, Uri baseUri)
        {
            this.process = process;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public static async Task<PublishedApp> StartAsync(string dll)
        {
            var info = StartInfo([dll, "--urls", "http://127.0.0.1:0"], Path.GetTempPath());
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var process = Process.Start(info)!;
            var log = new System.Text.StringBuilder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                while (true)
                {
                    var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                        ?? throw new InvalidOperationException($"The published app exited before listening:\n{log}{await process.StandardError.ReadToEndAsync()}");
                    log.AppendLine(line);
                    var match = ListeningRegex().Match(line);
                    if (match.Success)
                    {
                        _ = DrainAsync(process.StandardOutput);
                        _ = DrainAsync(process.StandardError);
                        return new PublishedApp(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
                    }
                }
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        private static async Task DrainAsync(StreamReader reader)
        {
            try
            {
                while (await reader.ReadLineAsync() is not null)
                {
                }
            }
            catch (InvalidOperationException)
            {
                // The process was disposed.
            }
        }
    }
}
