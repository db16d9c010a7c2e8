using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Changes;
using ZkDashboard.Core.Operations;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.E2E.Operations;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Changes;

/// <summary>
/// Four-eyes changes in the browser: an operator whose binding requires approval on a node saves it and is told
/// "Submitted for approval" (the node is unchanged on the ensemble); an admin approves it on /changes and the node
/// holds the proposal. The app of this test has its own bindings (operators → operator with RequireApproval).
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ChangeRequestsE2ETests(SandboxAppFixture app)
{
    [Fact]
    public async Task OperatorSave_SubmittedForApproval_AdminApprovesOnChanges_NodeUpdated()
    {
        var root = $"/e2e-approvals-{Guid.NewGuid():N}";
        var path = root + "/checkout";
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        await observer.CreateAsync(root, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await observer.CreateAsync(path, "{\"limit\": 1}"u8.ToArray(), Acls.OpenUnsafe);

        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Access:Bindings:1:Subject"] = "group:operators";
        settings["ZkDashboard:Access:Bindings:1:Role"] = "operator";
        settings["ZkDashboard:Access:Bindings:1:RequireApproval:0"] = path;
        await using var server = await WebAppServer.StartAsync(settings);
        var operatorAccount = await SignIn.EnsureAccountAsync(server.Services, "e2e-operator", "operators");
        var operatorContext = await app.Browser.NewContextAsync(server.BaseUrl);
        IBrowserContext? adminContext = null;
        try
        {
            await SignIn.SignInAsync(operatorContext, operatorAccount);
            var page = await operatorContext.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await OpsPage.GoToAsync(page, path);
            await Expect(page.GetByRole(AriaRole.Note).Filter(new() { HasText = "Needs approval: setData on " + path })).ToContainTextAsync("needs approval for operator", OpsPage.SlowText);
            await Expect(page.Button("Edit data")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await page.Button("Edit data").ClickAsync();
            await OpsPage.Editor(page).FillAsync("{\"limit\": 2}");
            await page.Button("Submit for approval").ClickAsync();

            var message = page.Locator(".zk-nde-msg");
            await Expect(message).ToContainTextAsync(new Regex(@"Submitted for approval as request #\d+"), OpsPage.SlowText);
            await Expect(message).Not.ToContainTextAsync("Saved ");
            var id = Regex.Match(await message.InnerTextAsync(), @"request #(\d+)").Groups[1].Value;
            await page.SaveScreenshotAsync("changes-submitted");
            var (before, beforeStat) = await observer.GetDataAsync(path);
            Assert.Equal("{\"limit\": 1}", Encoding.UTF8.GetString(before));
            Assert.Equal(0, beforeStat.Version);
            await Expect(page.GetByTestId("pending-changes")).ToContainTextAsync($"change request #{id} pending", OpsPage.SlowText);

            // The author sees the request but cannot approve it.
            await page.GotoAndWaitForInteractiveAsync($"changes?id={id}");
            await Expect(page.GetByText("You wrote this request")).ToBeVisibleAsync(OpsPage.Slow);
            await Expect(page.Button("Approve and apply")).ToBeDisabledAsync();

            adminContext = await app.NewContextAsync(server.BaseUrl);
            var admin = await adminContext.NewPageAsync();
            admin.SetDefaultTimeout(30_000);
            await admin.GotoAndWaitForInteractiveAsync("changes");
            // The header's Changes link counts the open requests this admin may see (this one among them).
            var changesLink = admin.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(@"^Changes(, \d+ open)?$") });
            await Expect(changesLink).ToHaveAttributeAsync("aria-label", new Regex(@"^Changes, [1-9]\d* open$"), new() { Timeout = 30_000 });
            var openBefore = int.Parse(Regex.Match(await changesLink.GetAttributeAsync("aria-label") ?? "", @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
            await admin.Link($"Review request #{id}").ClickAsync();
            await Expect(admin.GetByTestId("request-state")).ToHaveTextAsync("pending", OpsPage.SlowHave);
            await Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Differences between base and proposed" })).ToContainTextAsync("\"limit\": 2");
            await admin.Labelled("Comment").FillAsync("ok for the sale");
            await admin.Button("Approve and apply").ClickAsync();
            await Expect(admin.GetByTestId("change-message")).ToContainTextAsync($"Approved and applied request #{id}", OpsPage.SlowText);
            await admin.SaveScreenshotAsync("changes-approved");
            // The count follows the approval without a reload.
            await Expect(changesLink).ToHaveAttributeAsync("aria-label", openBefore == 1 ? "Changes" : $"Changes, {openBefore - 1} open", new() { Timeout = 30_000 });

            await observer.SyncAsync(path);
            var (after, afterStat) = await observer.GetDataAsync(path);
            Assert.Equal("{\"limit\": 2}", Encoding.UTF8.GetString(after));
            Assert.Equal(1, afterStat.Version);
            // The operator's node panel follows: the badge goes away.
            await OpsPage.GoToAsync(page, path);
            await Expect(page.GetByTestId("pending-changes")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        }
        finally
        {
            await operatorContext.CloseAsync();
            if (adminContext is not null)
            {
                await adminContext.CloseAsync();
            }
        }
    }
    [Fact]
    public async Task Approve_NodeChangedOutside_PageShowsThreeWay_RebaseThenApprove()
    {
        var root = $"/e2e-approvals-{Guid.NewGuid():N}";
        var path = root + "/checkout";
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        await observer.CreateAsync(root, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await observer.CreateAsync(path, "base-line"u8.ToArray(), Acls.OpenUnsafe);

        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Access:Bindings:1:Subject"] = "group:operators";
        settings["ZkDashboard:Access:Bindings:1:Role"] = "operator";
        settings["ZkDashboard:Access:Bindings:1:RequireApproval:0"] = path;
        await using var server = await WebAppServer.StartAsync(settings);
        // The operator's save, through the same boundary the editor uses.
        var operatorUser = new ActingUser("e2e-operator", ["operators"], null);
        var submitted = await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() =>
            server.Services.GetRequiredService<IZooKeeperOperations>().SetDataAsync(operatorUser, SandboxAppFixture.EnsembleName, path, "proposed-line"u8.ToArray(), 0));
        var id = submitted.Request.Id;
        await observer.SetDataAsync(path, "outside-line"u8.ToArray(), -1);

        var adminContext = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var admin = await adminContext.NewPageAsync();
            admin.SetDefaultTimeout(30_000);
            await admin.GotoAndWaitForInteractiveAsync($"changes?id={id}");
            await Expect(admin.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The node moved on" })).ToContainTextAsync("the request was made against version 0", OpsPage.SlowText);
            await Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Differences between base and server" })).ToContainTextAsync("outside-line");
            await Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Differences between server and proposed" })).ToContainTextAsync("proposed-line");
            await admin.SaveScreenshotAsync("changes-three-way");

            // Approving anyway is refused with the conflict; nothing is written.
            await admin.Button("Approve and apply").ClickAsync();
            await Expect(admin.GetByTestId("change-message")).ToContainTextAsync("was not applied", OpsPage.SlowText);
            await Expect(admin.GetByTestId("request-state")).ToHaveTextAsync("conflict: rebase or reject", OpsPage.SlowHave);
            var (still, _) = await observer.GetDataAsync(path);
            Assert.Equal("outside-line", Encoding.UTF8.GetString(still));

            await admin.Button("Rebase onto version 1").ClickAsync();
            await Expect(admin.Locator(".zk-chg-meta")).ToContainTextAsync($"by {SignIn.AdminName} from #{id} (revision 2)", OpsPage.SlowText);
            await Expect(admin.GetByTestId("request-state")).ToHaveTextAsync("pending", OpsPage.SlowHave);
            await admin.Button("Approve and apply").ClickAsync();
            await Expect(admin.GetByTestId("change-message")).ToContainTextAsync("Approved and applied", OpsPage.SlowText);

            await observer.SyncAsync(path);
            var (after, stat) = await observer.GetDataAsync(path);
            Assert.Equal("proposed-line", Encoding.UTF8.GetString(after));
            Assert.Equal(2, stat.Version);
        }
        finally
        {
            await adminContext.CloseAsync();
        }
    }
}
