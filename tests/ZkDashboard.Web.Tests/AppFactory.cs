using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Tests;

/// <summary>
/// The real host (Program) with its own store in a temporary folder (so tests never touch the repository's .data/),
/// and clients signed in as an admin (an API token of a seeded local admin) or as nobody.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "zkd-web-" + Guid.NewGuid().ToString("N"));

    /// <summary>The store folder of this app.</summary>
    public string DataDirectory => _dataDir;

    /// <summary>A client whose requests carry an admin's API token (pages, hub and API accept it).</summary>
    public async Task<HttpClient> CreateAdminClientAsync()
    {
        var token = await TestSignIn.AdminTokenAsync(Services);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client that signs in as nobody (and does not follow redirects, to see the login redirect).</summary>
    public HttpClient CreateAnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("ZkDashboard:Store:DataDirectory", _dataDir);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TestSignIn.DeleteDirectory(_dataDir);
        }
    }
}

/// <summary>Seeds accounts and tokens through the app's own services.</summary>
public static class TestSignIn
{
    /// <summary>The seeded admin's name.</summary>
    public const string AdminName = "test-admin";

    /// <summary>Creates (once) a local admin in group "admins" and returns a new API token of it, scoped to the admin role.</summary>
    public static async Task<string> AdminTokenAsync(IServiceProvider services, string userName = AdminName, params string[] groups)
    {
        ArgumentNullException.ThrowIfNull(services);
        var accounts = services.GetRequiredService<IAccountService>();
        var account = await accounts.FindAsync(userName)
            ?? await accounts.CreateAsync(userName, null, groups.Length == 0 ? [AccountNames.AdminsGroup] : groups, AccountNames.GeneratePassword(), "test");
        var created = await services.GetRequiredService<IApiTokenService>()
            .CreateAsync(account.Name, AccountNames.LocalProvider, account.Groups, "test", ["admin"], null);
        return created.Secret;
    }

    internal static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on shutdown; the temp folder is cleaned by the OS.
        }
    }
}
