namespace ZkDashboard.Web.Znodes.Diff;

/// <summary>How a side-by-side row differs between the left ("theirs") and right ("mine") text.</summary>
public enum DiffKind
{
    Unchanged,
    /// <summary>Only on the left: present in theirs, gone from mine.</summary>
    Removed,
    /// <summary>Only on the right: new in mine.</summary>
    Added,
    /// <summary>Both sides have a line here and they differ.</summary>
    Changed,
}

/// <summary>One row of a side-by-side diff. Line numbers are 1-based; a missing side is <c>null</c>.</summary>
public sealed record DiffRow(DiffKind Kind, int? LeftNumber, string? Left, int? RightNumber, string? Right);

/// <summary>A side-by-side line diff with counts of each kind of row.</summary>
public sealed record SideBySideDiff(IReadOnlyList<DiffRow> Rows, int Added, int Removed, int Changed)
{
    public bool IsIdentical => Added == 0 && Removed == 0 && Changed == 0;
}

/// <summary>Line diff by Myers' O(ND) algorithm, laid out side by side.</summary>
public static class LineDiff
{
    /// <summary>Above this edit distance the middle section is shown as one replaced block (bounded time and memory).</summary>
    public const int MaxEditDistance = 2000;

    public static IReadOnlyList<string> SplitLines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        // A trailing newline does not make an extra empty line.
        return lines.Length > 1 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    public static SideBySideDiff Compare(string? theirs, string? mine) =>
        Compare(SplitLines(theirs), SplitLines(mine));

    public static SideBySideDiff Compare(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var ops = Script(left, right);
        var rows = new List<DiffRow>(Math.Max(left.Count, right.Count));
        int added = 0, removed = 0, changed = 0;
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == OpKind.Equal)
            {
                rows.Add(new DiffRow(DiffKind.Unchanged, ops[i].Left + 1, left[ops[i].Left], ops[i].Right + 1, right[ops[i].Right]));
                i++;
                continue;
            }

            // Gather a run of deletions and insertions and pair them up as changed lines.
            var dels = new List<int>();
            var ins = new List<int>();
            while (i < ops.Count && ops[i].Kind != OpKind.Equal)
            {
                if (ops[i].Kind == OpKind.Delete)
                {
                    dels.Add(ops[i].Left);
                }
                else
                {
                    ins.Add(ops[i].Right);
                }

                i++;
            }

            var paired = Math.Min(dels.Count, ins.Count);
            for (var k = 0; k < paired; k++)
            {
                rows.Add(new DiffRow(DiffKind.Changed, dels[k] + 1, left[dels[k]], ins[k] + 1, right[ins[k]]));
                changed++;
            }

            for (var k = paired; k < dels.Count; k++)
            {
                rows.Add(new DiffRow(DiffKind.Removed, dels[k] + 1, left[dels[k]], null, null));
                removed++;
            }

            for (var k = paired; k < ins.Count; k++)
            {
                rows.Add(new DiffRow(DiffKind.Added, null, null, ins[k] + 1, right[ins[k]]));
                added++;
            }
        }

        return new SideBySideDiff(rows, added, removed, changed);
    }

    internal enum OpKind { Equal, Delete, Insert }

    internal readonly record struct Op(OpKind Kind, int Left, int Right);

    /// <summary>The shortest edit script turning <paramref name="a"/> into <paramref name="b"/>.</summary>
    internal static List<Op> Script(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var ops = new List<Op>(a.Count + b.Count);
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && string.Equals(a[prefix], b[prefix], StringComparison.Ordinal))
        {
            ops.Add(new Op(OpKind.Equal, prefix, prefix));
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix
               && string.Equals(a[a.Count - 1 - suffix], b[b.Count - 1 - suffix], StringComparison.Ordinal))
        {
            suffix++;
        }

        var n = a.Count - prefix - suffix;
        var m = b.Count - prefix - suffix;
        var middle = Myers(a, b, prefix, n, m);
        if (middle is null)
        {
            for (var k = 0; k < n; k++)
            {
                ops.Add(new Op(OpKind.Delete, prefix + k, -1));
            }

            for (var k = 0; k < m; k++)
            {
                ops.Add(new Op(OpKind.Insert, -1, prefix + k));
            }
        }
        else
        {
            ops.AddRange(middle);
        }

        for (var k = 0; k < suffix; k++)
        {
            ops.Add(new Op(OpKind.Equal, a.Count - suffix + k, b.Count - suffix + k));
        }

        return ops;
    }

    /// <summary>Myers' greedy forward algorithm on a[offset..offset+n) vs b[offset..offset+m); null when too far apart.</summary>
    private static List<Op>? Myers(IReadOnlyList<string> a, IReadOnlyList<string> b, int offset, int n, int m)
    {
        var result = new List<Op>();
        if (n == 0 && m == 0)
        {
            return result;
        }

        var max = n + m;
        var limit = Math.Min(max, MaxEditDistance);
        // trace[d] holds V for k in [-d, d] (index k + d) after step d.
        var trace = new List<int[]>();
        var v = new int[2 * max + 3];
        var center = max + 1;
        var found = -1;
        for (var d = 0; d <= limit && found < 0; d++)
        {
            for (var k = -d; k <= d; k += 2)
            {
                int x;
                if (k == -d || (k != d && v[center + k - 1] < v[center + k + 1]))
                {
                    x = v[center + k + 1];
                }
                else
                {
                    x = v[center + k - 1] + 1;
                }

                var y = x - k;
                while (x < n && y < m && string.Equals(a[offset + x], b[offset + y], StringComparison.Ordinal))
                {
                    x++;
                    y++;
                }

                v[center + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }

            var snapshot = new int[2 * d + 1];
            Array.Copy(v, center - d, snapshot, 0, 2 * d + 1);
            trace.Add(snapshot);
        }

        if (found < 0)
        {
            return null;
        }

        // Backtrack from (n, m) to (0, 0).
        var reversed = new List<Op>();
        int cx = n, cy = m;
        for (var d = found; d > 0; d--)
        {
            var prev = trace[d - 1];
            var k = cx - cy;
            int prevK;
            if (k == -d || (k != d && Get(prev, d - 1, k - 1) < Get(prev, d - 1, k + 1)))
            {
                prevK = k + 1;
            }
            else
            {
                prevK = k - 1;
            }

            var prevX = Get(prev, d - 1, prevK);
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY)
            {
                cx--;
                cy--;
                reversed.Add(new Op(OpKind.Equal, offset + cx, offset + cy));
            }

            if (cx == prevX)
            {
                cy--;
                reversed.Add(new Op(OpKind.Insert, -1, offset + cy));
            }
            else
            {
                cx--;
                reversed.Add(new Op(OpKind.Delete, offset + cx, -1));
            }
        }

        while (cx > 0 && cy > 0)
        {
            cx--;
            cy--;
            reversed.Add(new Op(OpKind.Equal, offset + cx, offset + cy));
        }

        reversed.Reverse();
        result.AddRange(reversed);
        return result;
    }

    private static int Get(int[] snapshot, int d, int k) => k < -d || k > d ? -1 : snapshot[k + d];
}
