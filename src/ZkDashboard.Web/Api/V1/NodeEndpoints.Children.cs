using System.Globalization;
using System.Text;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Web.Api.V1;

// GET …/nodes/{path}?children=true: one page of children, and the opaque cursor (index and last name) that finds the next one.
public static partial class NodeEndpoints
{
    private static async Task<IResult> ChildrenAsync(HttpContext context, string e, string path, IZooKeeperOperations ops, CancellationToken ct)
    {
        var request = context.Request;
        var (limit, limitError) = ApiInput.Int(request, "limit", 100, 1, 10_000);
        if (limitError is not null)
        {
            return limitError;
        }
        var (desc, descError) = ApiInput.Bool(request, "desc");
        if (descError is not null)
        {
            return descError;
        }
        var sortText = request.Query["sort"].ToString();
        ChildSort sort;
        switch (sortText.ToLowerInvariant())
        {
            case "" or "name": sort = ChildSort.Name; break;
            case "sequence": sort = ChildSort.Sequence; break;
            case "mtime": sort = ChildSort.Mtime; break;
            case "size": sort = ChildSort.Size; break;
            case "childcount": sort = ChildSort.ChildCount; break;
            default: return ApiProblems.Invalid("sort", $"unknown sort '{sortText}'; allowed: name, sequence, mtime, size, childCount.");
        }
        var user = ApiV1.User(context);
        var after = request.Query["after"].ToString();
        var offset = 0;
        IReadOnlyList<ChildEntry> items;
        ChildrenPage page;
        if (after.Length == 0)
        {
            page = await ops.GetChildrenAsync(user, e, path, new ChildrenQuery(sort, desc, Offset: 0, Limit: limit), ct).ConfigureAwait(false);
            items = page.Items;
        }
        else
        {
            if (!TryReadCursor(after, out var next, out var lastName))
            {
                return ApiProblems.Invalid("after", "not a cursor of this API: pass the 'next' value of the previous page unchanged.");
            }
            // The page after lastName: expected at next; when the list changed, look for lastName in a window around it.
            page = await ops.GetChildrenAsync(user, e, path, new ChildrenQuery(sort, desc, Offset: Math.Max(0, next - 1), Limit: Math.Min(10_000, limit + 1)), ct).ConfigureAwait(false);
            var at = page.Offset;
            var index = IndexOf(page.Items, lastName);
            if (index < 0 || next == 0)
            {
                var start = Math.Max(0, next - 1 - 1000);
                page = await ops.GetChildrenAsync(user, e, path, new ChildrenQuery(sort, desc, Offset: start, Limit: Math.Min(10_000, 2000 + limit)), ct).ConfigureAwait(false);
                at = page.Offset;
                index = IndexOf(page.Items, lastName);
                if (index < 0)
                {
                    return ApiProblems.Problem(StatusCodes.Status409Conflict, ApiProblems.StaleCursor, "The cursor lost its place.",
                        $"'{lastName}' (the last child of the previous page) is no longer near where it was in {path}'s children; the list changed. Start again without 'after'.",
                        new Dictionary<string, object?> { ["field"] = "after" });
                }
            }
            items = page.Items.Skip(index + 1).Take(limit).ToList();
            offset = at + index + 1;
        }
        var end = offset + items.Count;
        var nextCursor = items.Count > 0 && end < page.MatchingChildren ? Cursor(end, items[^1].Name) : null;
        return TypedResults.Json(new ChildrenResponse(page.Ensemble, page.Path, items.Select(i => new ChildResponse(i.Name, i.Path, StatResponse.From(i.Stat))).ToList(),
            page.TotalChildren, page.HiddenChildren, nextCursor, page.Stale, page.AsOf), ApiJsonContext.Default.ChildrenResponse);
    }

    private static int IndexOf(IReadOnlyList<ChildEntry> items, string name)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Cursor(int next, string lastName)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(next.ToString(CultureInfo.InvariantCulture) + ":" + lastName)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryReadCursor(string cursor, out int next, out string lastName)
    {
        next = 0;
        lastName = "";
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=')));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out next))
            {
                return false;
            }
            lastName = text[(colon + 1)..];
            return lastName.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
