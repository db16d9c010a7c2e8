using System.Security.Cryptography;
using ZkDashboard.Core.Store;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tracking;

// Turning one read of a node (or its absence) into a recorded version: what is new, what only adds to a record's count.
internal sealed partial class TrackedRoot
{
    private async Task<string?> ReadAclIfMovedAsync(ZooKeeperClient client, string path, Stat stat, CancellationToken ct)
    {
        bool needed;
        lock (_gate)
        {
            needed = !_known.TryGetValue(path, out var k) || k.Deleted || k.Czxid != stat.Czxid || k.Aversion != stat.Aversion;
        }
        if (!needed)
        {
            return null;
        }
        try
        {
            var acl = await client.GetAclAsync(path, ct).ConfigureAwait(false);
            return FormatAcl(acl.Acl);
        }
        catch (Exception ex) when (ex is NoNodeException or NoAuthException)
        {
            return null;
        }
    }

    internal static string FormatAcl(IReadOnlyList<Acl> acl)
        => string.Join(',', acl.Select(a => $"{a.Id.Scheme}:{a.Id.Ident}:{Operations.NodeAccessDeniedException.PermLetters(a.Perms)}"));

    private void Record(string path, byte[] data, Stat stat, string? acl, int count, NodeObservation observation)
    {
        NodeVersionRecord record;
        lock (_gate)
        {
            _known.TryGetValue(path, out var k);
            var sameNode = k is { Deleted: false } && k.Czxid == stat.Czxid;
            if (sameNode && stat.Mzxid < k!.Mzxid)
            {
                return; // an older read finishing late; the newer version is recorded already
            }
            if (sameNode && stat.Mzxid == k!.Mzxid && stat.Aversion == k.Aversion)
            {
                if (observation == NodeObservation.Event && k.Record is { } same)
                {
                    _tracker.Writer.EnqueueCount(same, count); // events of a burst whose version was read already
                }
                return;
            }
            var kind = observation == NodeObservation.Baseline && k is null ? NodeChangeKind.Existing
                : sameNode ? NodeChangeKind.Changed
                : NodeChangeKind.Created;
            var cap = _tracker.Options.ContentCapBytes;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            record = new NodeVersionRecord
            {
                Ensemble = Ensemble,
                Root = Root,
                Path = path,
                Kind = kind,
                Observation = observation,
                AtMs = kind == NodeChangeKind.Existing ? stat.Mtime : Math.Max(stat.Mtime, kind == NodeChangeKind.Created ? stat.Ctime : stat.Mtime),
                ObservedAtMs = now,
                Count = Math.Max(1, count),
                Version = stat.Version,
                Cversion = stat.Cversion,
                Aversion = stat.Aversion,
                Czxid = stat.Czxid,
                Mzxid = stat.Mzxid,
                Pzxid = stat.Pzxid,
                CtimeMs = stat.Ctime,
                MtimeMs = stat.Mtime,
                EphemeralOwner = stat.EphemeralOwner,
                DataLength = data.Length,
                NumChildren = stat.NumChildren,
                Data = data.Length <= cap ? data : null,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(data)),
                Acl = acl,
            };
            _known[path] = new Known { Czxid = stat.Czxid, Mzxid = stat.Mzxid, Aversion = stat.Aversion, Record = record };
            _recorded++;
        }
        _tracker.Writer.Enqueue(record);
    }

    private void RecordDeleted(string path, int count, NodeObservation observation)
    {
        NodeVersionRecord record;
        lock (_gate)
        {
            if (!_known.TryGetValue(path, out var k))
            {
                return; // created and deleted before it could be read: nothing to record
            }
            if (k.Deleted)
            {
                if (observation == NodeObservation.Event && k.Record is { } same)
                {
                    _tracker.Writer.EnqueueCount(same, count);
                }
                return;
            }
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            record = new NodeVersionRecord
            {
                Ensemble = Ensemble,
                Root = Root,
                Path = path,
                Kind = NodeChangeKind.Deleted,
                Observation = observation,
                AtMs = now,
                ObservedAtMs = now,
                Count = Math.Max(1, count),
                Czxid = k.Czxid,
            };
            k.Deleted = true;
            k.Record = record;
            _recorded++;
        }
        _tracker.Writer.Enqueue(record);
    }
}
