using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tests.Authorization;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Jobs;

[Collection(SessionsEnsembleCollection.Name)]
public sealed class BulkJobsTests(EnsembleFixture fx)
{
    private static readonly ActingUser Alice = new("alice", ["operators"], "127.0.0.1");
    private static readonly ActingUser Bob = new("bob", ["operators"], "127.0.0.2");
    private static readonly ActingUser Carol = new("carol", ["admins"], null);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string Main = SessionsHarness.Main;

    [Fact]
    public async Task StartDeleteRecursive_StarterTokenAndSubscriptionGone_JobRunsToTheEnd()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:BulkBatchSize"] = "2");
        await using var ext = await h.ExternalClientAsync();
        var total = await BuildTreeAsync(ext, "/gone", branches: 4, leaves: 100);
        await using var jobs = NewJobs(h);

        // A "circuit": its own token and a subscription, both gone right after the job started.
        BulkJobSnapshot started;
        var seenByCircuit = 0;
        using (var circuit = new CancellationTokenSource())
        {
            var subscription = jobs.Subscribe(Alice, _ => Interlocked.Increment(ref seenByCircuit));
            started = await Task.Run(() => jobs.StartDeleteRecursive(Alice, Main, "/gone"), circuit.Token);
            await Eventually.TrueAsync(() => jobs.Get(Alice, started.Id).Progress is { Phase: "deleting" } || !jobs.Get(Alice, started.Id).IsRunning,
                "the job reaches its deleting phase");
            await circuit.CancelAsync();
            subscription.Dispose();
        }
        var seenWhenGone = Volatile.Read(ref seenByCircuit);

        var final = await jobs.WaitAsync(Carol, started.Id).WaitAsync(Deadline);
        Assert.Equal(BulkJobState.Succeeded, final.State);
        Assert.Equal(total, final.Result!.Done);
        Assert.Equal(total, final.Counted);
        Assert.NotNull(final.FinishedAt);
        await ext.SyncAsync("/gone"); // ext may read from another server: catch up with the leader first
        Assert.Null(await ext.ExistsAsync("/gone"));
        Assert.True(seenWhenGone >= 1, "the circuit saw the job start");
        Assert.Equal(seenWhenGone, Volatile.Read(ref seenByCircuit)); // nothing is sent to a disposed subscription
    }

    [Fact]
    public async Task Cancel_Midway_StopsWithATruthfulPartialResult()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:BulkBatchSize"] = "2");
        await using var ext = await h.ExternalClientAsync();
        var total = await BuildTreeAsync(ext, "/cut", branches: 6, leaves: 300);
        await using var jobs = NewJobs(h);
        var seen = new List<BulkJobSnapshot>();
        using var subscription = jobs.Subscribe(Alice, s =>
        {
            lock (seen)
            {
                seen.Add(s);
            }
        });

        var job = jobs.StartDeleteRecursive(Alice, Main, "/cut");
        await Eventually.TrueAsync(() => jobs.Get(Alice, job.Id).Progress is { Phase: "deleting", Done: >= 10 }, "deleting has started", Deadline);
        var asked = jobs.Cancel(Bob with { Groups = ["admins"] }, job.Id);
        Assert.True(asked.CancelRequested || !asked.IsRunning);

        var final = await jobs.WaitAsync(Alice, job.Id).WaitAsync(Deadline);
        Assert.Equal(BulkJobState.Cancelled, final.State);
        var result = final.Result!;
        Assert.True(result.Cancelled, result.Summary);
        Assert.Equal(total, result.Total);
        Assert.InRange(result.Done, 1, total - 1);
        Assert.StartsWith("Cancelled: deleted", result.Summary);
        // What the job says is what the ensemble has: the root (deleted last) and everything not deleted.
        await ext.SyncAsync("/cut");
        Assert.NotNull(await ext.ExistsAsync("/cut"));
        Assert.Equal(total - result.Done - 1, await ext.GetAllChildrenNumberAsync("/cut"));
        lock (seen)
        {
            Assert.Contains(seen, s => s.Id == job.Id && s.CancelRequested);
            Assert.Contains(seen, s => s.Id == job.Id && s.State == BulkJobState.Cancelled);
        }
        Assert.Same(final, jobs.Cancel(Alice, job.Id)); // cancelling a finished job changes nothing
    }

    [Fact]
    public async Task GetAndCancel_OtherUser_RefusedButOwnerAndAdminsAllowed()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var jobs = NewJobs(h);
        var bobSaw = 0;
        using var bobs = jobs.Subscribe(Bob, _ => Interlocked.Increment(ref bobSaw));

        var job = jobs.StartDeleteRecursive(Alice, Main, "/nothing-here");
        var final = await jobs.WaitAsync(Alice, job.Id).WaitAsync(Deadline);
        Assert.Equal(BulkJobState.Succeeded, final.State);
        Assert.Contains("does not exist", final.Summary);

        var denied = Assert.Throws<BulkJobAccessDeniedException>(() => jobs.Get(Bob, job.Id));
        Assert.Contains("bob may not", denied.Message);
        Assert.Throws<BulkJobAccessDeniedException>(() => jobs.Cancel(Bob, job.Id));
        await Assert.ThrowsAsync<BulkJobAccessDeniedException>(() => jobs.WaitAsync(Bob, job.Id));
        Assert.Empty(jobs.List(Bob));
        Assert.Equal(0, Volatile.Read(ref bobSaw));
        // Same name from another provider is someone else.
        Assert.Throws<BulkJobAccessDeniedException>(() => jobs.Get(Alice with { Provider = "ldap" }, job.Id));

        Assert.Equal(job.Id, jobs.Get(Carol, job.Id).Id);
        Assert.Equal(job.Id, Assert.Single(jobs.List(Alice)).Id);
        Assert.Equal(job.Id, Assert.Single(jobs.List(Carol)).Id);
        var missing = Assert.Throws<BulkJobNotFoundException>(() => jobs.Get(Alice, "no-such-job"));
        Assert.Contains("no-such-job", missing.Message);
    }

    [Fact]
    public async Task Start_OperationRefused_JobFailsWithTheReasonAndFinishedJobsAreBounded()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var jobs = NewJobs(h, o => o.MaxFinished = 2);

        var root = jobs.StartDeleteRecursive(Alice, Main, "/");
        var failed = await jobs.WaitAsync(Alice, root.Id).WaitAsync(Deadline);
        Assert.Equal(BulkJobState.Failed, failed.State);
        Assert.Contains("root node cannot be deleted", failed.Error);
        Assert.IsType<ArgumentException>(failed.Exception);
        Assert.Null(failed.Result);

        var copyIntoItself = jobs.StartCopy(Alice, new CopyRequest(Main, "/a", Main, "/a/b", Move: true));
        var refused = await jobs.WaitAsync(Alice, copyIntoItself.Id).WaitAsync(Deadline);
        Assert.Equal(BulkJobState.Failed, refused.State);
        Assert.Equal(BulkJobKind.Move, refused.Kind);
        Assert.Contains("inside the source", refused.Error);

        var third = jobs.StartDeleteRecursive(Alice, Main, "/missing");
        await jobs.WaitAsync(Alice, third.Id).WaitAsync(Deadline);
        var kept = jobs.List(Alice);
        Assert.Equal(2, kept.Count);
        Assert.DoesNotContain(kept, j => j.Id == root.Id); // the oldest finished job was forgotten
        Assert.Throws<BulkJobNotFoundException>(() => jobs.Get(Alice, root.Id));
        Assert.Throws<ArgumentException>(() => jobs.StartCopy(Alice, new CopyRequest(Main, "/a", Main, "/b", DryRun: true)));
    }

    [Fact]
    public async Task StartCopy_Subtree_CopiesAsAJob()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        var total = await BuildTreeAsync(ext, "/src", branches: 3, leaves: 5);
        await using var jobs = NewJobs(h);
        var job = jobs.StartCopy(Alice, new CopyRequest(Main, "/src", Main, "/dst"));
        Assert.Equal(BulkJobKind.Copy, job.Kind);
        var final = await jobs.WaitAsync(Alice, job.Id).WaitAsync(Deadline);
        Assert.Equal(BulkJobState.Succeeded, final.State);
        Assert.Equal(total, final.Done);
        Assert.Equal(total - 1, await ext.GetAllChildrenNumberAsync("/dst"));
    }

    [Fact]
    public async Task GetAndCancel_ManageJobsOnTheJobsEnsembleOnly_DecidesForOthersAndRefusalsAreAudited()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        var audit = new RecordingAuditSink();
        // A custom role with nothing but manageJobs on "main"; an admin bound only on another ensemble.
        var access = new AccessOptions
        {
            Roles = [new AccessOptions.RoleEntry { Name = "jobkeeper", Actions = ["manageJobs"] }],
            Bindings =
            [
                new AccessOptions.BindingEntry { Subject = "group:operators", Role = "operator" },
                new AccessOptions.BindingEntry { Subject = "user:dave", Role = "jobkeeper", Ensembles = Main },
                new AccessOptions.BindingEntry { Subject = "user:erin", Role = "admin", Ensembles = "elsewhere" },
            ],
        };
        await using var jobs = NewJobs(h, policy: Policy(access), audit: audit);
        var dave = new ActingUser("dave", [], null);
        var erin = new ActingUser("erin", [], null);

        var job = jobs.StartDeleteRecursive(Alice, Main, "/nothing-at-all");
        await jobs.WaitAsync(Alice, job.Id).WaitAsync(Deadline);

        Assert.Equal(job.Id, jobs.Get(dave, job.Id).Id);
        Assert.Equal(job.Id, Assert.Single(jobs.List(dave)).Id);
        Assert.Equal(job.Id, jobs.Cancel(dave, job.Id).Id);
        var refused = Assert.Throws<BulkJobAccessDeniedException>(() => jobs.Cancel(erin, job.Id));
        Assert.Contains("manageJobs", refused.Message);
        Assert.Empty(jobs.List(erin));
        Assert.Throws<BulkJobAccessDeniedException>(() => jobs.Get(Bob, job.Id));

        var denied = audit.Records.Where(r => r.Outcome == AuditOutcome.Denied).ToList();
        Assert.Equal(2, denied.Count);
        Assert.All(denied, r => Assert.Equal("Job", r.OperationName));
        Assert.Contains(denied, r => r.Operation.User.Name == "erin" && r.Detail!.StartsWith("cancel job " + job.Id, StringComparison.Ordinal)
            && r.Operation.Kind == ZkOperationKind.DeleteRecursive && r.Operation.Path == "/nothing-at-all" && r.Operation.Ensemble == Main);
        Assert.Contains(denied, r => r.Operation.User.Name == "bob" && r.Detail!.StartsWith("see job " + job.Id, StringComparison.Ordinal));
    }

    /// <summary>The real policy over settings alone (no store): admins are admin, operators operator, everywhere.</summary>
    private static AccessPolicy Policy(AccessOptions? options = null)
    {
        options ??= new AccessOptions
        {
            Bindings =
            [
                new AccessOptions.BindingEntry { Subject = "group:admins", Role = "admin" },
                new AccessOptions.BindingEntry { Subject = "group:operators", Role = "operator" },
            ],
        };
        return new AccessPolicy(Options.Create(options), new ServiceCollection().BuildServiceProvider(), NullLogger<AccessPolicy>.Instance);
    }

    private static BulkJobs NewJobs(SessionsHarness h, Action<BulkJobOptions>? configure = null, IAccessPolicy? policy = null, IAuditSink? audit = null)
    {
        var options = new BulkJobOptions();
        configure?.Invoke(options);
        return new BulkJobs(h.Ops, policy ?? Policy(), audit ?? new RecordingAuditSink(), Options.Create(options), NullLogger<BulkJobs>.Instance);
    }

    private static async Task<long> BuildTreeAsync(ZooKeeperClient client, string root, int branches, int leaves)
    {
        await client.CreateAsync(root, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        for (var b = 0; b < branches; b++)
        {
            var ops = new List<Op> { Op.Create($"{root}/b{b}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe) };
            ops.AddRange(Enumerable.Range(0, leaves).Select(l => (Op)Op.Create($"{root}/b{b}/l{l:000}", new byte[8], Acls.OpenUnsafe)));
            await client.MultiAsync(ops);
        }
        return 1 + branches + ((long)branches * leaves);
    }
}
