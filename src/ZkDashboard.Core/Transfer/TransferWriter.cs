using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>
/// Writes an export document node by node to a stream (<see cref="Utf8JsonWriter"/>, flushed every 64 KB), so memory
/// does not grow with the tree. Nodes must come in pre-order (<see cref="TransferPaths.Compare"/> order).
/// </summary>
internal sealed class TransferWriter : IAsyncDisposable
{
    /// <summary>The <c>format</c> value of ZkDashboard documents.</summary>
    public const string FormatName = "zkdashboard-export";

    private const int FlushAt = 64 * 1024;
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false, SkipValidation = false };

    private readonly Utf8JsonWriter _json;
    private readonly TransferFormat _format;
    private readonly string _root;
    private readonly Stack<int> _open = new(); // ZooNavigator: depths of the open trees
    private long _nodes;

    public TransferWriter(Stream output, TransferFormat format, string root)
    {
        _json = new Utf8JsonWriter(output, Options);
        _format = format;
        _root = root;
    }

    public long BytesCommitted => _json.BytesCommitted + _json.BytesPending;

    public void WriteHeader(string ensemble, string exportedBy, DateTimeOffset at, bool stats)
    {
        if (_format == TransferFormat.ZooNavigator)
        {
            _json.WriteStartArray();
            return;
        }
        _json.WriteStartObject();
        _json.WriteString("format", FormatName);
        _json.WriteNumber("version", 1);
        _json.WriteString("ensemble", ensemble);
        _json.WriteString("root", _root);
        _json.WriteString("exportedAt", at);
        _json.WriteString("exportedBy", exportedBy);
        _json.WriteBoolean("stats", stats);
        _json.WriteStartArray("nodes");
    }

    public async ValueTask WriteNodeAsync(TransferNode node, CancellationToken ct)
    {
        _nodes++;
        if (_format == TransferFormat.ZooNavigator)
        {
            WriteZooNavigator(node);
        }
        else
        {
            WriteZkDashboard(node);
        }
        if (_json.BytesPending >= FlushAt)
        {
            await _json.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    public async ValueTask WriteEndAsync(ExportSummary summary, CancellationToken ct)
    {
        if (_format == TransferFormat.ZooNavigator)
        {
            while (_open.Count > 0)
            {
                CloseTree();
            }
            _json.WriteEndArray();
        }
        else
        {
            _json.WriteEndArray();
            _json.WriteStartObject("summary");
            _json.WriteNumber("nodes", summary.Nodes);
            _json.WriteNumber("hidden", summary.Hidden);
            _json.WriteNumber("masked", summary.Masked);
            _json.WriteNumber("omitted", summary.Omitted);
            _json.WriteEndObject();
            _json.WriteEndObject();
        }
        await _json.FlushAsync(ct).ConfigureAwait(false);
    }

    private void WriteZkDashboard(TransferNode node)
    {
        _json.WriteStartObject();
        _json.WriteString("path", TransferPaths.Absolute(_root, node.RelativePath));
        if (node.Hidden)
        {
            _json.WriteBoolean("hidden", true);
            _json.WriteEndObject();
            return;
        }
        if (node.DataMasked)
        {
            _json.WriteBoolean("masked", true);
        }
        else if (System.Text.Unicode.Utf8.IsValid(node.Data))
        {
            _json.WriteString("encoding", "utf8");
            _json.WriteString("data", node.Data);
        }
        else
        {
            _json.WriteString("encoding", "base64");
            _json.WriteBase64String("data", node.Data);
        }
        if (node.Acl is { } acl)
        {
            _json.WriteStartArray("acl");
            foreach (var a in acl)
            {
                _json.WriteStartObject();
                _json.WriteString("scheme", a.Id.Scheme);
                _json.WriteString("id", a.Id.Ident);
                _json.WriteString("perms", TransferAcl.Letters(a.Perms));
                _json.WriteEndObject();
            }
            _json.WriteEndArray();
        }
        _json.WriteString("mode", TransferModes.Name(node.Mode));
        if (node.TtlMs > 0)
        {
            _json.WriteNumber("ttlMs", node.TtlMs);
        }
        if (node.Version is { } v)
        {
            _json.WriteNumber("version", v);
        }
        if (node.AclVersion is { } av)
        {
            _json.WriteNumber("aclVersion", av);
        }
        if (node.Stat is { } s)
        {
            _json.WriteStartObject("stat");
            _json.WriteNumber("czxid", s.Czxid);
            _json.WriteNumber("mzxid", s.Mzxid);
            _json.WriteNumber("ctime", s.Ctime);
            _json.WriteNumber("mtime", s.Mtime);
            _json.WriteNumber("version", s.Version);
            _json.WriteNumber("cversion", s.Cversion);
            _json.WriteNumber("aversion", s.Aversion);
            _json.WriteNumber("ephemeralOwner", s.EphemeralOwner);
            _json.WriteNumber("dataLength", s.DataLength);
            _json.WriteNumber("numChildren", s.NumChildren);
            _json.WriteNumber("pzxid", s.Pzxid);
            _json.WriteEndObject();
        }
        _json.WriteEndObject();
    }

    private static readonly string[] PermNames = ["create", "read", "write", "delete", "admin"];
    private static readonly Perms[] PermFlags = [Perms.Create, Perms.Read, Perms.Write, Perms.Delete, Perms.Admin];

    /// <summary>ZooNavigator: <c>{"h":{"acl":[{"id","scheme","permissions":[…]}],"path","data":base64},"t":[…]}</c>, nested.</summary>
    private void WriteZooNavigator(TransferNode node)
    {
        var depth = TransferPaths.Depth(node.RelativePath);
        while (_open.Count > 0 && _open.Peek() >= depth)
        {
            CloseTree();
        }
        _json.WriteStartObject();
        _json.WriteStartObject("h");
        _json.WriteStartArray("acl");
        foreach (var a in node.Acl ?? Acls.OpenUnsafe)
        {
            _json.WriteStartObject();
            _json.WriteString("id", a.Id.Ident);
            _json.WriteString("scheme", a.Id.Scheme);
            _json.WriteStartArray("permissions");
            for (var i = 0; i < PermFlags.Length; i++)
            {
                if (a.Perms.HasFlag(PermFlags[i]))
                {
                    _json.WriteStringValue(PermNames[i]);
                }
            }
            _json.WriteEndArray();
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteString("path", TransferPaths.Absolute(_root, node.RelativePath));
        _json.WriteBase64String("data", node.Data);
        _json.WriteEndObject();
        _json.WriteStartArray("t");
        _open.Push(depth);
    }

    private void CloseTree()
    {
        _open.Pop();
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    public ValueTask DisposeAsync() => _json.DisposeAsync();
}
