using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Operations;

/// <summary>
/// Ensembles that act as the person (ActAsUser) on the real sandbox: writes go through each person's own session
/// authenticated with their stored digest, so ZooKeeper's own ACLs decide; reads stay on the shared session.
/// </summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class ActAsUserTests(EnsembleFixture fx) : IDisposable
{
    private const string AsUser = "asuser";
    private static readonly ActingUser Alice = new("alice", ["operators"], "127.0.0.1");
    private static readonly ActingUser Bob = new("bob", ["operators"], "127.0.0.2");
    private readonly StoreTestHost _store = new();

    [Fact]
    public async Task SetData_NodeAclGrantsAliceOnly_AliceWritesThroughHerSessionAndBobGetsNoAuth()
    {
        await using var h = await StartAsync();
        var credentials = h.Services.GetRequiredService<IUserZkCredentials>();
        var pool = h.Services.GetRequiredService<UserSessionPool>();
        var alice = await credentials.GetIdentityAsync(Alice);
        Assert.Equal("alice", alice.DigestUser);
        Assert.StartsWith("digest:alice:", alice.AclId, StringComparison.Ordinal);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/mine", Encoding.UTF8.GetBytes("v0"),
            [new Acl(Perms.All, new Id("digest", alice.AclId["digest:".Length..])), new Acl(Perms.Read, new Id("world", "anyone"))]);

        // Reads go through the shared session (world:anyone:r lets it read).
        var before = await h.Ops.GetNodeAsync(Alice, AsUser, "/mine");
        var shared = h.Sessions.Get(AsUser).CurrentClient!;
        Assert.Equal(0, pool.OpenCount);

        var written = await h.Ops.SetDataAsync(Alice, AsUser, "/mine", Encoding.UTF8.GetBytes("by alice"), before.Stat.Version);
        Assert.Equal(1, written.Stat!.Version);
        Assert.Equal(1, pool.OpenCount);

        var refused = await Assert.ThrowsAsync<NodeAccessDeniedException>(() => h.Ops.SetDataAsync(Bob, AsUser, "/mine", Encoding.UTF8.GetBytes("by bob"), -1));
        Assert.Contains("(NoAuth)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("your own ZooKeeper identity digest:bob", refused.Message, StringComparison.Ordinal);
        Assert.Contains("digest:alice:", refused.Message, StringComparison.Ordinal); // the ACL, so bob knows whom to ask
        Assert.Contains(h.Audit.Records, r => r.Operation.User.Name == "bob" && r.Outcome == AuditOutcome.Failed && r.Operation.Kind == ZkOperationKind.SetData);

        await ext.SyncAsync("/mine");
        var now = await ext.GetDataAsync("/mine");
        Assert.Equal("by alice", Encoding.UTF8.GetString(now.Data));
        Assert.Equal(1, now.Stat.Version);

        // The shared session was not used for alice's write: it holds no credential of hers, so ZooKeeper refuses it the
        // same write; and the ephemeral node alice creates belongs to her own session.
        await Assert.ThrowsAsync<NoAuthException>(() => shared.SetDataAsync("/mine", Encoding.UTF8.GetBytes("shared"), -1));
        var ephemeral = await h.Ops.CreateAsync(Alice, AsUser, new CreateNodeRequest("/mine/e", Encoding.UTF8.GetBytes("x"), Acls.OpenUnsafe, CreateMode.Ephemeral));
        Assert.NotEqual(0, ephemeral.Stat!.EphemeralOwner);
        Assert.NotEqual(shared.SessionId, ephemeral.Stat.EphemeralOwner);
        Assert.Equal(2, pool.OpenCount); // alice and bob

        // Idle per-user sessions are closed (and alice's ephemeral goes with hers).
        await Eventually.TrueAsync(() => pool.OpenCount == 0, "the idle per-user sessions are closed", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => await ext.ExistsAsync("/mine/e") is null, "the ephemeral of alice's closed session is gone", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Credentials_StoredEncrypted_PasswordShownOnceAndMatchesTheAclId()
    {
        await using var h = await StartAsync();
        var credentials = h.Services.GetRequiredService<IUserZkCredentials>();
        var identity = await credentials.GetIdentityAsync(Alice);
        Assert.Equal(identity, await credentials.GetIdentityAsync(Alice)); // stable
        Assert.Equal("alice@ldap", (await credentials.GetIdentityAsync(Alice with { Provider = "ldap" })).DigestUser);

        var password = await credentials.RevealPasswordOnceAsync(Alice);
        Assert.NotNull(password);
        Assert.Equal(identity.AclId, "digest:" + DigestAuth.MakeDigestId("alice", password));
        Assert.Null(await credentials.RevealPasswordOnceAsync(Alice));
        Assert.True((await credentials.GetIdentityAsync(Alice)).PasswordShown);

        await using var db = await h.Services.GetRequiredService<IDashboardStore>().CreateContextAsync();
        var rows = await db.UserZkCredentials.AsNoTracking().ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.DoesNotContain(rows, r => r.ProtectedPassword.Contains(password, StringComparison.Ordinal));
        await Assert.ThrowsAsync<InvalidOperationException>(() => credentials.GetIdentityAsync(ActingUser.Anonymous));
    }

    [Fact]
    public async Task DeleteRecursive_ActAsUser_RefusedWithoutWriting()
    {
        await using var h = await StartAsync();
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/tree", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await ext.CreateAsync("/tree/a", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Ops.DeleteRecursiveAsync(Alice, AsUser, "/tree"));
        Assert.Contains("acts as the person", refused.Message, StringComparison.Ordinal);
        await ext.SyncAsync("/tree");
        Assert.NotNull(await ext.ExistsAsync("/tree/a"));
    }

    private async Task<SessionsHarness> StartAsync()
    {
        var h = await SessionsHarness.StartAsync(fx, s =>
        {
            s["ZkDashboard:Store:SqlitePath"] = _store.DatabasePath;
            s["ZkDashboard:Sessions:UserSessionIdleTimeout"] = "00:00:02";
        });
        h.Registry.Put(SessionsHarness.Definition(AsUser, h.ConnectString + h.Chroot) with { ActAsUser = true });
        return h;
    }

    public void Dispose() => _store.Dispose();
}
