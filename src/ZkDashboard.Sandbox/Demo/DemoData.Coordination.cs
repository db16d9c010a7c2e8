using System.Text;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Sandbox.Demo;

public sealed partial class DemoData
{
    private int _orderCounter;

    /// <summary>A live election (ephemeral sequential contenders, lowest wins), a held lock with a waiter (Curator's
    /// naming), and a queue of persistent sequential items.</summary>
    private async Task SeedCoordinationAsync(CancellationToken ct)
    {
        await PutAsync(DemoPaths.Election, """{"recipe":"leader-election","lowestSequenceWins":true}""", ct: ct).ConfigureAwait(false);
        for (var i = 1; i <= 3; i++)
        {
            var contender = await ConnectAsync(ct).ConfigureAwait(false);
            _contenders.Add(contender);
            var instance = i;
            await RetryAsync(() => JoinElectionAsync(contender, instance, ct), ct).ConfigureAwait(false);
        }

        await PutAsync(DemoPaths.Lock, "", ct: ct).ConfigureAwait(false);
        foreach (var owner in new[] { "rebalancer-7f9c", "rebalancer-2b41" })
        {
            var session = await ConnectAsync(ct).ConfigureAwait(false);
            var node = $"{DemoPaths.Lock}/_c_{Guid.NewGuid()}-lock-";
            await RetryAsync(() => session.CreateAsync(node, Encoding.UTF8.GetBytes(owner), Acls.OpenUnsafe, CreateMode.EphemeralSequential, 0, ct), ct).ConfigureAwait(false);
        }

        await PutAsync(DemoPaths.Queue, "", ct: ct).ConfigureAwait(false);
        var random = new Random(7);
        await RetryAsync(
            async () =>
            {
                while ((await _main.GetChildrenAsync(DemoPaths.Queue, false, ct).ConfigureAwait(false)).Children.Count < 12)
                {
                    await EnqueueOrderAsync(random, ct).ConfigureAwait(false);
                }
            },
            ct).ConfigureAwait(false);

        _log($"demo: election at {DemoPaths.Election}, lock at {DemoPaths.Lock}, queue at {DemoPaths.Queue}");
    }

    /// <summary>digest- and ip-protected nodes. The ip:127.0.0.1 node is readable from this machine; the other ip is not.</summary>
    private async Task SeedAclsAsync(CancellationToken ct)
    {
        var admin = new Id("digest", DigestAuth.MakeDigestId(DemoPaths.DigestUser, DemoPaths.DigestPassword));
        IReadOnlyList<Acl> adminOnly = [new Acl(Perms.All, admin)];
        await PutAsync("/secure", """{"note":"ACL examples: digest admin/admin-secret, ip 127.0.0.1, ip 10.20.30.40"}""", ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DigestProtected, """{"db.password":"s3cr3t-only-for-admin"}""", ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DigestProtected + "/api-key", "sk_test_51HxD2eKl0w", ct: ct).ConfigureAwait(false);
        await SetAclIfOpenAsync(DemoPaths.DigestProtected + "/api-key", adminOnly, ct).ConfigureAwait(false);
        await SetAclIfOpenAsync(DemoPaths.DigestProtected, adminOnly, ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DigestWriteOnly, """{"maintenanceWindow":"Sun 02:00-04:00 UTC"}""", acl: [new Acl(Perms.Read, Id.AnyoneUnsafe), new Acl(Perms.All, admin)], ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.IpLocalhost, """{"visibleFrom":"127.0.0.1"}""", acl: [new Acl(Perms.All, Id.Ip("127.0.0.1"))], ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.IpLocked, """{"visibleFrom":"10.20.30.40 only"}""", acl: [new Acl(Perms.All, Id.Ip(DemoPaths.ForeignIp))], ct: ct).ConfigureAwait(false);
        _log($"demo: ACL nodes under /secure (digest {DemoPaths.DigestUser}:{DemoPaths.DigestPassword})");
    }

    private async Task SetAclIfOpenAsync(string path, IReadOnlyList<Acl> acl, CancellationToken ct)
    {
        try
        {
            var current = await _main.GetAclAsync(path, ct).ConfigureAwait(false);
            if (current.Acl.Count == 1 && current.Acl[0].Id == Id.AnyoneUnsafe)
            {
                await _main.SetAclAsync(path, acl, -1, ct).ConfigureAwait(false);
            }
        }
        catch (NoAuthException)
        {
            // already protected (a previous run)
        }
    }

    private static Task JoinElectionAsync(ZooKeeperClient contender, int instance, CancellationToken ct) =>
        contender.CreateAsync(
            DemoPaths.Election + "/n_",
            Encoding.UTF8.GetBytes($$"""{"host":"checkout-{{instance}}.internal","port":8080,"joinedAt":"{{DateTime.UtcNow:O}}"}"""),
            Acls.OpenUnsafe,
            CreateMode.EphemeralSequential,
            0,
            ct);

    /// <summary>The current leader (lowest sequence) resigns and rejoins at the back, so leadership moves.</summary>
    private async Task RotateLeaderAsync(CancellationToken ct)
    {
        var children = (await _main.GetChildrenAsync(DemoPaths.Election, false, ct).ConfigureAwait(false)).Children;
        var leader = children.Order(StringComparer.Ordinal).FirstOrDefault();
        if (leader is null)
        {
            return;
        }

        var path = DemoPaths.Election + "/" + leader;
        var owner = (await _main.ExistsAsync(path, false, ct).ConfigureAwait(false))?.EphemeralOwner;
        var session = _contenders.FirstOrDefault(c => c.SessionId == owner);
        if (session is null)
        {
            return;
        }

        await session.DeleteAsync(path, -1, ct).ConfigureAwait(false);
        await JoinElectionAsync(session, _contenders.IndexOf(session) + 1, ct).ConfigureAwait(false);
    }

    private async Task EnqueueOrderAsync(Random random, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _orderCounter);
        var order = $$"""{"orderId":"ORD-{{100_000 + n}}","customer":"C-{{random.Next(1000, 9999)}}","amount":{{random.Next(500, 50_000) / 100.0:0.00}},"currency":"EUR","createdAt":"{{DateTime.UtcNow:O}}"}""";
        await _main.CreateAsync(DemoPaths.Queue + "/item-", Encoding.UTF8.GetBytes(order), Acls.OpenUnsafe, CreateMode.PersistentSequential, 0, ct).ConfigureAwait(false);
    }

    private async Task DequeueOrderAsync(CancellationToken ct)
    {
        var children = (await _main.GetChildrenAsync(DemoPaths.Queue, false, ct).ConfigureAwait(false)).Children;
        var head = children.Order(StringComparer.Ordinal).FirstOrDefault();
        if (head is null)
        {
            return;
        }

        try
        {
            await _main.DeleteAsync(DemoPaths.Queue + "/" + head, -1, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
        }
    }

    private async Task WriteStatusAsync(long tick, Random random, CancellationToken ct)
    {
        var queue = (await _main.GetChildrenAsync(DemoPaths.Queue, false, ct).ConfigureAwait(false)).Children.Count;
        var json = StatusJson(tick, 800 + random.Next(0, 400), queue);
        await _main.SetDataAsync(DemoPaths.Status, Encoding.UTF8.GetBytes(json), -1, ct).ConfigureAwait(false);
    }
}
