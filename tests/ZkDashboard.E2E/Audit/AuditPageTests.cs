using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Audit;

/// <summary>The audit page in a real browser: filters, the expandable before/after diff, verify, deep links, refusal.</summary>
[Collection(E2ECollection.Name)]
public sealed class AuditPageTests(AppFixture app)
{
    [Fact]
    public async Task AuditPage_FilterExpandVerifyAndDeepLink()
    {
        var path = "/e2e-audit-" + Guid.NewGuid().ToString("N")[..8] + "/cfg";
        var sink = app.Server.Services.GetRequiredService<IAuditSink>();
        var user = new ActingUser("carol", ["admins"], "198.51.100.7") { UserAgent = "e2e-agent" };
        var id = await sink.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, new OperationContext(user, "e2e", ZkOperationKind.SetData, path) { Reason = "raise the limit" },
            AuditOutcome.Succeeded, null)
        {
            Change = new AuditChange { ExpectedVersion = 3, ResultVersion = 4, DataBefore = Encoding.UTF8.GetBytes("limit=10\nmode=a\n"), DataAfter = Encoding.UTF8.GetBytes("limit=20\nmode=a\n") },
        }, required: true, CancellationToken.None);
        Assert.NotNull(id);

        var page = await app.NewPageAsync();
        await page.Link("Audit").ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith("/audit", StringComparison.Ordinal));
        await page.WaitForInteractiveAsync();
        await page.Labelled("Path").FillAsync(path);
        await page.Button("Apply").ClickAsync();
        var row = page.Locator($".zk-audit-row[data-id='{id}']");
        await Expect(row).ToContainTextAsync("raise the limit", new() { Timeout = 30_000 });
        await Expect(page.Locator(".zk-audit-row:not(.placeholder)")).ToHaveCountAsync(1);
        await row.ClickAsync();
        await Expect(row).ToHaveAttributeAsync("aria-expanded", "true");
        var diff = page.GetByRole(AriaRole.Region, new() { Name = $"Before and after of record {id}" });
        await Expect(diff).ToContainTextAsync("limit=10");
        await Expect(diff).ToContainTextAsync("limit=20");
        await Expect(diff).ToContainTextAsync("1 changed");
        await Expect(page.Locator(".zk-audit-detail")).ToContainTextAsync("198.51.100.7");
        await Expect(page.Link("Export CSV")).ToHaveAttributeAsync("href", "api/v1/audit/export.csv?path=" + Uri.EscapeDataString(path));
        await page.SaveScreenshotAsync("audit-expanded");

        await page.Button("Verify chain").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Verification result" })).ToContainTextAsync("Chain verified", new() { Timeout = 30_000 });

        await page.GotoAndWaitForInteractiveAsync($"audit/{id}");
        await Expect(page.Heading($"Record #{id}")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = $"Record {id}", Exact = true })).ToContainTextAsync("raise the limit");
    }

    [Fact]
    public async Task AuditPage_WithoutReadAudit_RefusedAndNoLink()
    {
        var page = await app.NewPageAsUserAsync("audit-viewer", ["viewers"], "audit");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You may not read the audit trail", new() { Timeout = 30_000 });
        await Expect(page.Link("Audit")).ToHaveCountAsync(0);
        await Expect(page.Locator(".zk-audit-row:not(.placeholder)")).ToHaveCountAsync(0);
    }
}
