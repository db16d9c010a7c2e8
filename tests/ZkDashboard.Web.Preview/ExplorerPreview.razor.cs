using System.Text;
using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Znodes.Acl;
using ZkDashboard.Web.Znodes.Tree;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Preview;

/// <summary>
/// Test-only gallery of the explorer components over an in-memory tree (100,000 children under /big, hostile names,
/// ephemeral, NoAuth and created-here markers), for visual checks and screenshots. It ships in no product assembly.
/// </summary>
public partial class ExplorerPreview
{
    private const string Theirs = "{\n  \"feature\": true,\n  \"limit\": 10,\n  \"owner\": \"ops\"\n}";
    private const string Mine = "{\n  \"feature\": false,\n  \"limit\": 10,\n  \"owner\": \"ops\",\n  \"note\": \"<img src=x onerror=alert(1)>\"\n}";

    private static readonly InMemoryTreeDataSource SharedSource = BuildSource();

    private readonly InMemoryTreeDataSource _source = SharedSource;
    private ZkTree? _tree;
    private string _editText = "{\n  \"feature\": true,\n  \"limit\": 10\n}";
    private ZkDashboard.Web.Znodes.Formats.DataFormat _editFormat = ZkDashboard.Web.Znodes.Formats.DataFormat.Json;
    private string? _selected = "/config/app";
    private int _added;
    private byte[] _data = Encoding.UTF8.GetBytes("{\"feature\":true,\"limit\":10,\"owner\":\"ops\",\"hosts\":[\"a\",\"b\"],\"ratio\":0.25,\"note\":null}");
    private readonly Stat _stat = new(0x100000002, 0x100000005, DateTimeOffset.UtcNow.AddHours(-5).ToUnixTimeMilliseconds(),
        DateTimeOffset.UtcNow.AddMinutes(-3).ToUnixTimeMilliseconds(), 3, 7, 1, 0x1000a2b3c4d0001, 97, 2, 0x100000009);
    private IReadOnlyList<AclEntry> _acl =
    [
        AclEntry.WorldAnyone(Perms.Read),
        new AclEntry("digest", DigestHelper.ComputeId("admin", "secret"), Perms.All),
        new AclEntry("ip", "10.0.0.0/8", Perms.Read | Perms.Write),
    ];
    private readonly DashboardIdentities _identities = DashboardIdentities.FromDigestIds([DigestHelper.ComputeId("admin", "secret")]);

    private static InMemoryTreeDataSource BuildSource()
    {
        var s = new InMemoryTreeDataSource();
        var now = DateTimeOffset.UtcNow;
        s.Add("/config", mtime: now.AddDays(-2));
        s.Add("/config/app", dataLength: 97, mtime: now.AddMinutes(-3));
        s.Add("/config/db", dataLength: 312, mtime: now.AddHours(-1));
        s.Add("/config/<img src=x onerror=alert(1)>", dataLength: 5);
        s.Add("/services");
        s.Add("/services/worker-1", ephemeralOwner: 0x1000a2b3c4d0001);
        s.Add("/services/worker-2", ephemeralOwner: 0x1000a2b3c4d0002);
        s.Add("/locks");
        s.Add("/locks/lock-0000000003");
        s.Add("/locks/lock-0000000012");
        s.Add("/locks/read-0000000007");
        s.Add("/secret", noAuth: true);
        s.DenyListing("/secret");
        s.Add("/jobs", createdHereAs: "container");
        s.Add("/jobs/cleanup", createdHereAs: "TTL 60 s");
        s.Add("/big");
        s.AddMany("/big", 100_000);
        s.Add("/zookeeper");
        s.Add("/zookeeper/quota");
        return s;
    }

    private async Task AddChildAsync()
    {
        var parent = _selected is { } p && _tree?.Model?.IsExpanded(p) == true ? p : "/config";
        var name = $"added-{++_added}";
        _source.Add(InMemoryTreeDataSource.Join(parent, name), dataLength: 1);
        if (_tree is not null)
        {
            await _tree.ApplyChildrenChangedAsync(parent, [name], []);
        }
    }

    private async Task RemoveChildAsync()
    {
        if (_selected is null || _selected == "/")
        {
            return;
        }

        var parent = InMemoryTreeDataSource.ParentOf(_selected);
        var name = _selected[(_selected.LastIndexOf('/') + 1)..];
        _source.Remove(_selected);
        if (_tree is not null)
        {
            await _tree.ApplyChildrenChangedAsync(parent, [], [name]);
        }
    }

    private void SaveAcl(IReadOnlyList<AclEntry> entries) => _acl = entries;
}
