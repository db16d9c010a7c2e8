using System.Buffers;
using System.Text.Json;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

// ZkDashboard's own document: the header fields, then one object per node (path, data, ACL, mode, TTL, stat).
public static partial class TransferReader
{
    private static TransferDocument ReadZkDashboard(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state)
    {
        string? format = null;
        string? ensemble = null;
        string? root = null;
        var nodes = new List<TransferNode>();
        var hasVersions = false;
        long? summaryNodes = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, "");
            reader.Read();
            state.Field = name;
            switch (name)
            {
                case "format":
                    format = String(ref reader, utf8, state, name);
                    if (format != TransferWriter.FormatName)
                    {
                        throw state.Error(utf8, reader, $"Unknown format '{format}'; expected '{TransferWriter.FormatName}'.", name);
                    }
                    break;
                case "version":
                    var v = Int(ref reader, utf8, state, name);
                    if (v != 1)
                    {
                        throw state.Error(utf8, reader, $"Version {v} of the format is not known; this dashboard reads version 1.", name);
                    }
                    break;
                case "ensemble":
                    ensemble = String(ref reader, utf8, state, name);
                    break;
                case "root":
                    root = String(ref reader, utf8, state, name);
                    if (PathUtils.GetError(root) is { } rootError)
                    {
                        throw state.Error(utf8, reader, $"The root '{root}' is not a valid ZooKeeper path: {rootError}.", name);
                    }
                    break;
                case "nodes":
                    if (root is null)
                    {
                        throw state.Error(utf8, reader, "The field 'root' must come before 'nodes'.", "root");
                    }
                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, name, "an array of nodes");
                    var i = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        var node = ReadNode(ref reader, utf8, state, root, $"nodes[{i}]");
                        hasVersions |= node.Version is not null;
                        nodes.Add(node);
                        i++;
                    }
                    break;
                case "summary":
                    Expect(ref reader, utf8, state, JsonTokenType.StartObject, name, "an object");
                    while (Next(ref reader) != JsonTokenType.EndObject)
                    {
                        var sname = PropertyName(ref reader, utf8, state, name);
                        reader.Read();
                        if (sname == "nodes")
                        {
                            summaryNodes = Int(ref reader, utf8, state, "summary.nodes");
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (format is null)
        {
            throw new TransferFormatException($"The field 'format' is missing; a ZkDashboard export has \"format\": \"{TransferWriter.FormatName}\".", 1, 1, "format");
        }
        if (root is null)
        {
            throw new TransferFormatException("The field 'root' is missing.", 1, 1, "root");
        }
        if (summaryNodes is { } sn && sn != nodes.Count)
        {
            throw new TransferFormatException($"The summary says {sn} node(s) but the file holds {nodes.Count}; the file is incomplete or was edited.", 0, 0, "summary.nodes");
        }
        nodes.Sort((a, b) => TransferPaths.Compare(a.RelativePath, b.RelativePath));
        return new TransferDocument(TransferFormat.ZkDashboard, ensemble, root, nodes, hasVersions);
    }

    private static TransferNode ReadNode(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string root, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a node object");
        string? path = null;
        string? relative = null;
        string? encoding = null;
        byte[]? data = null;
        long dataIndex = 0;
        IReadOnlyList<Acl>? acl = null;
        var mode = CreateMode.Persistent;
        long ttl = 0;
        int? version = null;
        int? aclVersion = null;
        Stat? stat = null;
        var hidden = false;
        var masked = false;
        var start = reader.TokenStartIndex;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            var f = $"{field}.{name}";
            state.Field = f;
            switch (name)
            {
                case "path":
                    path = String(ref reader, utf8, state, f);
                    relative = CheckPath(ref reader, utf8, state, f, root, path);
                    break;
                case "hidden":
                    hidden = Bool(ref reader, utf8, state, f);
                    break;
                case "masked":
                    masked = Bool(ref reader, utf8, state, f);
                    break;
                case "encoding":
                    encoding = String(ref reader, utf8, state, f);
                    if (encoding is not ("utf8" or "base64"))
                    {
                        throw state.Error(utf8, reader, $"Unknown encoding '{encoding}'; use \"utf8\" or \"base64\".", f);
                    }
                    break;
                case "data":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw state.Error(utf8, reader, $"Expected a string, found {Describe(reader.TokenType)}.", f);
                    }
                    // Kept as text; decoded once the node is read ("encoding" may come after "data").
                    dataIndex = reader.TokenStartIndex;
                    data = Utf8Bytes(ref reader);
                    break;
                case "acl":
                    acl = ReadAcl(ref reader, utf8, state, f);
                    break;
                case "mode":
                    var m = String(ref reader, utf8, state, f);
                    mode = TransferModes.Parse(m) ?? throw state.Error(utf8, reader,
                        $"Unknown mode '{m}'; use persistent, ephemeral, persistent_sequential, ephemeral_sequential, container, persistent_ttl or persistent_sequential_ttl.", f);
                    break;
                case "ttlMs":
                    ttl = Long(ref reader, utf8, state, f);
                    if (ttl < 0 || ttl > ZooKeeperClient.MaxTtl)
                    {
                        throw state.Error(utf8, reader, $"The TTL {ttl} is outside 0..{ZooKeeperClient.MaxTtl} ms.", f);
                    }
                    break;
                case "version":
                    version = Int(ref reader, utf8, state, f);
                    break;
                case "aclVersion":
                    aclVersion = Int(ref reader, utf8, state, f);
                    break;
                case "stat":
                    stat = ReadStat(ref reader, utf8, state, f);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (path is null || relative is null)
        {
            var (line, pos) = state.Locate(utf8, start);
            throw new TransferFormatException("The node has no 'path'.", line, pos, $"{field}.path");
        }
        if (encoding == "base64" && data is not null)
        {
            var decoded = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(data.Length)];
            if (System.Buffers.Text.Base64.DecodeFromUtf8(data, decoded, out _, out var written) != OperationStatus.Done)
            {
                var (line, pos) = state.Locate(utf8, dataIndex);
                throw new TransferFormatException($"The data of {path} is declared base64 but is not valid base64.", line, pos, $"{field}.data");
            }
            data = decoded.AsSpan(0, written).ToArray();
        }
        if (data is { Length: > MaxDataBytes })
        {
            var (line, pos) = state.Locate(utf8, dataIndex);
            throw new TransferFormatException($"The data of {path} is {data.Length:N0} bytes; ZooKeeper takes at most {MaxDataBytes:N0} (1 MiB).", line, pos, $"{field}.data");
        }
        if (!state.Seen.Add(relative))
        {
            var (line, pos) = state.Locate(utf8, start);
            throw new TransferFormatException($"The path {path} appears twice.", line, pos, $"{field}.path");
        }
        return new TransferNode(relative, data ?? [], hidden ? null : acl, mode, ttl, version, aclVersion, stat) { Hidden = hidden, DataMasked = masked };
    }

    private static string CheckPath(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field, string root, string path)
    {
        if (PathUtils.GetError(path) is { } error)
        {
            throw state.Error(utf8, reader, $"'{path}' is not a valid ZooKeeper path: {error}. Paths must be absolute and under the document's root {root}; '..' may not escape it.", field);
        }
        return TransferPaths.Relative(root, path)
            ?? throw state.Error(utf8, reader, $"'{path}' is outside the document's root {root}: it would escape the import target. Every path must be {root} or below it.", field);
    }

    private static IReadOnlyList<Acl> ReadAcl(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartArray, field, "an array of ACL entries");
        var list = new List<Acl>();
        var i = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            var f = $"{field}[{i}]";
            Expect(ref reader, utf8, state, JsonTokenType.StartObject, f, "an ACL entry {\"scheme\", \"id\", \"perms\"}");
            string? scheme = null;
            string? id = null;
            Perms? perms = null;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = PropertyName(ref reader, utf8, state, f);
                reader.Read();
                switch (name)
                {
                    case "scheme":
                        scheme = String(ref reader, utf8, state, $"{f}.scheme");
                        break;
                    case "id":
                        id = String(ref reader, utf8, state, $"{f}.id");
                        break;
                    case "perms":
                        var letters = String(ref reader, utf8, state, $"{f}.perms");
                        perms = TransferAcl.ParseLetters(letters) ?? throw state.Error(utf8, reader, $"'{letters}' is not a set of permission letters (c, d, r, w, a).", $"{f}.perms");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (scheme is null || id is null || perms is null)
            {
                throw state.Error(utf8, reader, "An ACL entry needs \"scheme\", \"id\" and \"perms\".", f);
            }
            list.Add(new Acl(perms.Value, new Id(scheme, id)));
            i++;
        }
        if (list.Count == 0)
        {
            throw state.Error(utf8, reader, "The ACL is empty; ZooKeeper needs at least one entry (for example world:anyone:r).", field);
        }
        return list;
    }

    private static Stat ReadStat(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a stat object");
        var v = new Dictionary<string, long>(StringComparer.Ordinal);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            v[name] = Long(ref reader, utf8, state, $"{field}.{name}");
        }
        long G(string k) => v.TryGetValue(k, out var x) ? x : 0;
        return new Stat(G("czxid"), G("mzxid"), G("ctime"), G("mtime"), (int)G("version"), (int)G("cversion"), (int)G("aversion"),
            G("ephemeralOwner"), (int)G("dataLength"), (int)G("numChildren"), G("pzxid"));
    }
}
