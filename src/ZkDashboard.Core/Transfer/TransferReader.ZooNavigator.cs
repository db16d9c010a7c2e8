using System.Text.Json;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

// ZooNavigator's export: an array of trees of {"h": node, "t": [children]}, flattened into one document.
public static partial class TransferReader
{
    /// <summary>ZooNavigator: <c>[{"h":{"acl":[…],"path":"/a","data":"base64"},"t":[…]}]</c>.</summary>
    private static TransferDocument ReadZooNavigator(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state)
    {
        var heads = new List<(TransferNode Node, string Path, List<TransferNode> Below)>();
        var i = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            var below = new List<TransferNode>();
            var (head, headPath) = ReadTree(ref reader, utf8, state, $"[{i}]", null, below);
            heads.Add((head, headPath, below));
            i++;
        }
        if (heads.Count == 0)
        {
            return new TransferDocument(TransferFormat.ZooNavigator, null, "/", [], false);
        }
        var nodes = new List<TransferNode>();
        string root;
        if (heads.Count == 1)
        {
            root = heads[0].Path;
            nodes.Add(heads[0].Node with { RelativePath = "" });
            nodes.AddRange(heads[0].Below);
        }
        else
        {
            // Several trees (several nodes selected in ZooNavigator): siblings under a common parent.
            root = PathUtils.Parent(heads[0].Path);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (head, path, below) in heads)
            {
                var name = "/" + PathUtils.Name(path);
                if (!seen.Add(name))
                {
                    throw new TransferFormatException($"Two trees are named {name[1..]}; they would land on the same node.", 0, 0, "[].h.path");
                }
                nodes.Add(head with { RelativePath = name });
                nodes.AddRange(below.Select(n => n with { RelativePath = name + n.RelativePath }));
            }
        }
        nodes.Sort((a, b) => TransferPaths.Compare(a.RelativePath, b.RelativePath));
        return new TransferDocument(TransferFormat.ZooNavigator, null, root, nodes, false);
    }

    /// <summary>One tree; descendants go to <paramref name="below"/> relative to the tree's head.</summary>
    private static (TransferNode Head, string Path) ReadTree(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field,
        (string HeadPath, string ParentPath, string ParentRelative)? under, List<TransferNode> below)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a tree {\"h\": node, \"t\": [children]}");
        TransferNode? head = null;
        string? headPath = null;
        string? relative = null;
        var sawChildren = false;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            switch (name)
            {
                case "h":
                    (head, headPath) = ReadZooNavigatorNode(ref reader, utf8, state, $"{field}.h");
                    if (under is { } u)
                    {
                        if (PathUtils.Parent(headPath) != u.ParentPath)
                        {
                            throw state.Error(utf8, reader, $"'{headPath}' is not a child of {u.ParentPath}: it would escape its tree.", $"{field}.h.path");
                        }
                        relative = u.ParentRelative + "/" + PathUtils.Name(headPath);
                    }
                    else
                    {
                        relative = "";
                    }
                    if (!state.Seen.Add(headPath))
                    {
                        throw state.Error(utf8, reader, $"The path {headPath} appears twice.", $"{field}.h.path");
                    }
                    break;
                case "t":
                    if (head is null)
                    {
                        throw state.Error(utf8, reader, "\"h\" must come before \"t\".", $"{field}.h");
                    }
                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, $"{field}.t", "an array of child trees");
                    sawChildren = true;
                    var i = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        var (child, _) = ReadTree(ref reader, utf8, state, $"{field}.t[{i}]", (under?.HeadPath ?? headPath!, headPath!, relative!), below);
                        below.Add(child);
                        i++;
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (head is null || headPath is null)
        {
            throw state.Error(utf8, reader, "The tree has no \"h\" (its node).", field);
        }
        _ = sawChildren;
        return (head with { RelativePath = relative! }, headPath);
    }

    private static (TransferNode Node, string Path) ReadZooNavigatorNode(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a node {\"acl\", \"path\", \"data\"}");
        string? path = null;
        byte[] data = [];
        IReadOnlyList<Acl>? acl = null;
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
                    if (PathUtils.GetError(path) is { } error)
                    {
                        throw state.Error(utf8, reader, $"'{path}' is not a valid ZooKeeper path: {error}.", f);
                    }
                    break;
                case "data":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw state.Error(utf8, reader, $"Expected a base64 string, found {Describe(reader.TokenType)}.", f);
                    }
                    data = Base64(ref reader, utf8, state, f);
                    if (data.Length > MaxDataBytes)
                    {
                        throw state.Error(utf8, reader, $"The data is {data.Length:N0} bytes; ZooKeeper takes at most {MaxDataBytes:N0} (1 MiB).", f);
                    }
                    break;
                case "acl":
                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, f, "an array of ACL entries");
                    var list = new List<Acl>();
                    var i = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        var af = $"{f}[{i}]";
                        Expect(ref reader, utf8, state, JsonTokenType.StartObject, af, "an ACL entry {\"id\", \"scheme\", \"permissions\"}");
                        string? scheme = null;
                        string? id = null;
                        var perms = Perms.None;
                        while (Next(ref reader) != JsonTokenType.EndObject)
                        {
                            var an = PropertyName(ref reader, utf8, state, af);
                            reader.Read();
                            switch (an)
                            {
                                case "scheme":
                                    scheme = String(ref reader, utf8, state, $"{af}.scheme");
                                    break;
                                case "id":
                                    id = String(ref reader, utf8, state, $"{af}.id");
                                    break;
                                case "permissions":
                                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, $"{af}.permissions", "an array of permission names");
                                    while (Next(ref reader) != JsonTokenType.EndArray)
                                    {
                                        var p = String(ref reader, utf8, state, $"{af}.permissions");
                                        perms |= p switch
                                        {
                                            "create" => Perms.Create,
                                            "read" => Perms.Read,
                                            "write" => Perms.Write,
                                            "delete" => Perms.Delete,
                                            "admin" => Perms.Admin,
                                            _ => throw state.Error(utf8, reader, $"Unknown permission '{p}'; use create, read, write, delete or admin.", $"{af}.permissions"),
                                        };
                                    }
                                    break;
                                default:
                                    reader.Skip();
                                    break;
                            }
                        }
                        if (scheme is null || id is null)
                        {
                            throw state.Error(utf8, reader, "An ACL entry needs \"scheme\" and \"id\".", af);
                        }
                        list.Add(new Acl(perms, new Id(scheme, id)));
                        i++;
                    }
                    acl = list.Count == 0 ? null : list;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (path is null)
        {
            throw state.Error(utf8, reader, "The node has no \"path\".", $"{field}.path");
        }
        return (new TransferNode("", data, acl, CreateMode.Persistent, 0, null, null, null), path);
    }
}
