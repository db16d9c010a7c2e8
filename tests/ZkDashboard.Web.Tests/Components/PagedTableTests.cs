using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Components.Pages.Transfer;

namespace ZkDashboard.Web.Tests.Components;

/// <summary>The transfer pages' plan / differences table: header, one page of rows, the pager.</summary>
public sealed class PagedTableTests
{
    private static Task<string> Render(int count) => ComponentRenderer.RenderAsync<PagedTable<int>>(new()
    {
        [nameof(PagedTable<int>.Items)] = Enumerable.Range(1, count).ToList(),
        [nameof(PagedTable<int>.AriaLabel)] = "Planned changes",
        [nameof(PagedTable<int>.Header)] = (RenderFragment)(b =>
        {
            b.OpenElement(0, "tr");
            b.OpenElement(1, "th");
            b.AddAttribute(2, "scope", "col");
            b.AddContent(3, "Path");
            b.CloseElement();
            b.CloseElement();
        }),
        [nameof(PagedTable<int>.Row)] = (RenderFragment<int>)(i => b =>
        {
            b.OpenElement(0, "tr");
            b.OpenElement(1, "td");
            b.AddContent(2, $"row-{i}.");
            b.CloseElement();
            b.CloseElement();
        }),
    });

    private static bool Disabled(string html, string button)
    {
        var m = Regex.Match(html, "<button([^>]*)>" + button + "</button>");
        Assert.True(m.Success, $"no {button} button in {html}");
        return Regex.IsMatch(m.Groups[1].Value, @"\bdisabled\b");
    }

    [Fact]
    public async Task Render_MoreThanAPage_ShowsTheFirstPageOnlyAndCanGoNext()
    {
        var html = await Render(250);

        Assert.Contains("aria-label=\"Planned changes\"", html);
        Assert.Matches("<thead[^>]*><tr><th scope=\"col\">Path</th></tr></thead>", html);
        Assert.Equal(PagedTable<int>.PageSize, Regex.Matches(html, "<td>row-").Count);
        Assert.Contains("row-1.", html);
        Assert.Contains("row-100.", html);
        Assert.DoesNotContain("row-101.", html);
        Assert.Contains("Page 1 of 3", html);
        Assert.True(Disabled(html, "Previous"));
        Assert.False(Disabled(html, "Next"));
    }

    [Fact]
    public async Task Render_ExactlyOnePage_HasNoNextPage()
    {
        var html = await Render(PagedTable<int>.PageSize);

        Assert.Equal(PagedTable<int>.PageSize, Regex.Matches(html, "<td>row-").Count);
        Assert.Contains("Page 1 of 1", html);
        Assert.True(Disabled(html, "Previous"));
        Assert.True(Disabled(html, "Next"));
    }

    [Fact]
    public async Task Render_NoItems_ShowsTheHeaderAndPageOneOfOne()
    {
        var html = await Render(0);

        Assert.Contains("<th scope=\"col\">Path</th>", html);
        Assert.DoesNotContain("<td>", html);
        Assert.Contains("Page 1 of 1", html);
        Assert.True(Disabled(html, "Next"));
    }
}
