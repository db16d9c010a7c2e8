using ZkDashboard.Testing.Identity;

namespace ZkDashboard.Web.Tests.Auth.External;

/// <summary>One real slapd for the LDAP tests, with people whose names need escaping.</summary>
public sealed class SlapdFixture : IAsyncLifetime
{
    public static readonly DirectoryUser Alice = new("alice", "alice-pw", "Alice Admin", "admins", "operators");
    public static readonly DirectoryUser Bob = new("bob", "bob-pw", "Bob Viewer", "viewers");

    /// <summary>A uid with every character RFC 4515 escapes in filters and several RFC 4514 escapes in DNs.</summary>
    public static readonly DirectoryUser Odd = new("o(dd)*\\na,me", "odd-pw", "Odd Name", "ops, eu");

    private SlapdServer? server;

    public SlapdServer Server => server ?? throw new InvalidOperationException("slapd is not started.");

    public async Task InitializeAsync() => server = await SlapdServer.StartAsync([Alice, Bob, Odd]);

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
