using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Api.V1;

// POST …/nodes/{path}: create, and the create modes' names over HTTP (no ephemeral modes: see ParseMode).
public static partial class NodeEndpoints
{
    private static async Task<IResult> CreateAsync(HttpContext context, string e, string? path, IZooKeeperOperations ops, CancellationToken ct)
    {
        var (nodePath, pathError) = ApiInput.NodePath(context, SegmentsBeforePath, path);
        if (pathError is not null)
        {
            return pathError;
        }
        var (body, bodyError) = await ApiInput.JsonBodyAsync<CreateNodeBody>(context, MaxDataBytes * 2 + 64 * 1024, ct).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }
        body ??= new CreateNodeBody(null, null, null, null, null);
        var (mode, modeError) = ParseMode(body.Mode);
        if (modeError is not null)
        {
            return modeError;
        }
        if (mode.IsTtl() && body.TtlMs is not > 0)
        {
            return ApiProblems.Invalid("ttlMs", $"mode {body.Mode} needs ttlMs, the time to live in milliseconds (greater than 0).");
        }
        if (!mode.IsTtl() && body.TtlMs is not (null or 0))
        {
            return ApiProblems.Invalid("ttlMs", $"a TTL is only allowed with the ttl modes (ttl, persistentSequentialTtl), not {ModeName(mode)}.");
        }
        var (data, dataError) = DataEncoding.Decode(body.Data, body.Encoding);
        if (dataError is not null)
        {
            return dataError;
        }
        if (data!.Length > MaxDataBytes)
        {
            return ApiInput.TooLarge("data", data.Length, MaxDataBytes);
        }
        var (acl, aclError) = ApiInput.Acl(body.Acl, "acl", required: false);
        if (aclError is not null)
        {
            return aclError;
        }
        var user = ApiV1.User(context);
        if (body.MakeParents)
        {
            var parents = new List<string>();
            for (var p = PathUtils.Parent(nodePath!); p != "/"; p = PathUtils.Parent(p))
            {
                parents.Add(p);
            }
            parents.Reverse();
            IReadOnlyList<Acl>? parentAcl = null;
            var existing = "/";
            foreach (var parent in parents)
            {
                if (await ops.ExistsAsync(user, e, parent, ct).ConfigureAwait(false) is not null)
                {
                    existing = parent;
                    continue;
                }
                // Missing parents get the ACL of the nearest existing ancestor (they open nothing it does not), else the node's.
                parentAcl ??= (await ops.GetNodeAsync(user, e, existing, ct).ConfigureAwait(false)).Acl ?? acl!;
                try
                {
                    await ops.CreateAsync(user, e, new CreateNodeRequest(parent, ReadOnlyMemory<byte>.Empty, parentAcl), ct).ConfigureAwait(false);
                }
                catch (NodeExistsException)
                {
                    // Created by someone else meanwhile: that is what makeParents asks for.
                }
            }
        }
        var result = await ops.CreateAsync(user, e, new CreateNodeRequest(nodePath!, data, acl!, mode, body.TtlMs ?? 0), ct).ConfigureAwait(false);
        if (result.Stat is { } stat)
        {
            context.Response.Headers.ETag = ETagFor(stat.Version);
        }
        return TypedResults.Created(ApiInput.NodeUrl(e, result.Path), WriteResponse.From(result));
    }

    private static (CreateMode Mode, IResult? Error) ParseMode(string? mode)
    {
        const string allowed = "allowed: persistent, persistentSequential, container, ttl, persistentSequentialTtl";
        var key = (mode ?? "persistent").Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        return key switch
        {
            "persistent" => (CreateMode.Persistent, null),
            "persistentsequential" or "sequential" => (CreateMode.PersistentSequential, null),
            "container" => (CreateMode.Container, null),
            "ttl" or "persistentwithttl" or "persistentttl" => (CreateMode.PersistentWithTtl, null),
            "persistentsequentialttl" or "persistentsequentialwithttl" or "sequentialttl" => (CreateMode.PersistentSequentialWithTtl, null),
            "ephemeral" or "ephemeralsequential" => (default, ApiProblems.Invalid("mode",
                $"{mode} is not available over HTTP: an ephemeral node would belong to the dashboard's shared ZooKeeper session, not to your request, "
                + $"and vanish whenever that session ends. Use a ttl node for something that should go away by itself; {allowed}.")),
            _ => (default, ApiProblems.Invalid("mode", $"unknown mode '{mode}'; {allowed}.")),
        };
    }

    internal static string ModeName(CreateMode mode) => mode switch
    {
        CreateMode.Persistent => "persistent",
        CreateMode.PersistentSequential => "persistentSequential",
        CreateMode.Container => "container",
        CreateMode.PersistentWithTtl => "ttl",
        CreateMode.PersistentSequentialWithTtl => "persistentSequentialTtl",
        CreateMode.Ephemeral => "ephemeral",
        _ => "ephemeralSequential",
    };
}
