using ZkDashboard.Web.Znodes.Diff;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class LineDiffTests
{
    [Fact]
    public void Compare_Identical_HasOnlyUnchangedRows()
    {
        var diff = LineDiff.Compare("a\nb\nc", "a\nb\nc");
        Assert.True(diff.IsIdentical);
        Assert.All(diff.Rows, r => Assert.Equal(DiffKind.Unchanged, r.Kind));
        Assert.Equal(3, diff.Rows.Count);
    }

    [Fact]
    public void Compare_ChangedLine_IsPairedSideBySide()
    {
        var diff = LineDiff.Compare("a\nb\nc", "a\nB\nc");
        var changed = Assert.Single(diff.Rows, r => r.Kind == DiffKind.Changed);
        Assert.Equal((2, "b", 2, "B"), (changed.LeftNumber, changed.Left, changed.RightNumber, changed.Right));
        Assert.Equal((0, 0, 1), (diff.Added, diff.Removed, diff.Changed));
    }

    [Fact]
    public void Compare_InsertionAndDeletion_AreMarked()
    {
        var diff = LineDiff.Compare("one\ntwo\nthree\nfour", "zero\none\nthree\nfour\nfive");
        var kinds = diff.Rows.Select(r => (r.Kind, r.Left, r.Right)).ToList();
        Assert.Equal(
        [
            (DiffKind.Added, null, "zero"),
            (DiffKind.Unchanged, "one", "one"),
            (DiffKind.Removed, "two", null),
            (DiffKind.Unchanged, "three", "three"),
            (DiffKind.Unchanged, "four", "four"),
            (DiffKind.Added, null, "five"),
        ], kinds);
    }

    [Fact]
    public void Compare_EveryLineAccountedFor_OnRandomInputs()
    {
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var left = Enumerable.Range(0, random.Next(0, 30)).Select(_ => ((char)('a' + random.Next(0, 5))).ToString()).ToList();
            var right = Enumerable.Range(0, random.Next(0, 30)).Select(_ => ((char)('a' + random.Next(0, 5))).ToString()).ToList();
            var diff = LineDiff.Compare(left, right);
            Assert.Equal(left, diff.Rows.Where(r => r.Left is not null).Select(r => r.Left!).ToList());
            Assert.Equal(right, diff.Rows.Where(r => r.Right is not null).Select(r => r.Right!).ToList());
            Assert.All(diff.Rows.Where(r => r.Kind == DiffKind.Unchanged), r => Assert.Equal(r.Left, r.Right));
            // Myers finds a shortest script: never more edits than delete-all + insert-all minus the common prefix.
            Assert.True(diff.Added + diff.Removed + (2 * diff.Changed) <= left.Count + right.Count);
        }
    }

    [Fact]
    public void Compare_MinimalEdit_ForClassicExample()
    {
        // Myers' paper: ABCABBA -> CBABAC has edit distance 5.
        var diff = LineDiff.Compare([.. "ABCABBA".Select(c => c.ToString())], [.. "CBABAC".Select(c => c.ToString())]);
        Assert.Equal(5, diff.Added + diff.Removed + (2 * diff.Changed));
    }

    [Fact]
    public void SplitLines_TrailingNewline_AddsNoEmptyLine()
    {
        Assert.Equal(["a", "b"], LineDiff.SplitLines("a\r\nb\n"));
        Assert.Empty(LineDiff.SplitLines(""));
    }

    [Fact]
    public void Compare_LargeCompletelyDifferent_FinishesWithAllLinesShown()
    {
        var left = Enumerable.Range(0, 6000).Select(i => "L" + i).ToList();
        var right = Enumerable.Range(0, 6000).Select(i => "R" + i).ToList();
        var diff = LineDiff.Compare(left, right);
        Assert.Equal(6000, diff.Changed);
    }
}
