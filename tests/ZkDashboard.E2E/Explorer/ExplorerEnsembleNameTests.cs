using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>Ensemble names compare case-insensitively; the explorer redirects to the registry's spelling.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerEnsembleNameTests(SandboxAppFixture app)
{
    [Fact]
    public async Task Explorer_EnsembleNameInOtherCase_RedirectsToCanonicalNameAndStaysLive()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var node = scope.Chroot + "/named";
        await scope.Root.CreateAsync(node, "v1"u8.ToArray(), Acls.OpenUnsafe);

        var page = await app.NewPageAsync(ExplorerLink.To(node, ensemble: "SANDBOX"));
        await Expect(page).ToHaveURLAsync(new Regex("/e/sandbox/" + Regex.Escape(node.TrimStart('/')) + "$"), new() { Timeout = 30_000 });
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "named", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });

        // Live changes reach the page (its events carry the same name as its session).
        await scope.Root.CreateAsync(scope.Chroot + "/sibling", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "sibling", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await app.CloseContextsAsync();
    }
}
