using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Znodes;

/// <summary>What the explorer says when it cannot show a node, and the "created here as …" markers.</summary>
public sealed class TruthfulStateTests
{
    private static CreatedNodeRecord Record(CreateMode mode, long ttlMs = 0) =>
        new("e", "/n", mode, ttlMs, 1, DateTimeOffset.UnixEpoch, "alice");

    [Fact]
    public void DescribeCreatedHere_ContainerAndTtl_SayHowTheyWereCreated()
    {
        Assert.Equal("container", LiveTreeDataSource.DescribeCreatedHere(Record(CreateMode.Container)));
        Assert.Equal("TTL 60 min", LiveTreeDataSource.DescribeCreatedHere(Record(CreateMode.PersistentWithTtl, 3_600_000)));
        Assert.Equal("TTL 90 s", LiveTreeDataSource.DescribeCreatedHere(Record(CreateMode.PersistentSequentialWithTtl, 90_000)));
    }

    [Fact]
    public void DescribeCreatedHere_OtherModesOrUnknownNodes_ShowNothing()
    {
        Assert.Null(LiveTreeDataSource.DescribeCreatedHere(null));
        Assert.Null(LiveTreeDataSource.DescribeCreatedHere(Record(CreateMode.Persistent)));
        Assert.Null(LiveTreeDataSource.DescribeCreatedHere(Record(CreateMode.Ephemeral)));
    }

    [Fact]
    public void From_NoAuthWithReadableAcl_NamesCredentialsAndTheAcl()
    {
        IReadOnlyList<Acl> acl = [new Acl(Perms.All, Id.Digest("alice", "secret")), new Acl(Perms.Admin, Id.AnyoneUnsafe)];
        var p = NodeProblem.From(new NodeAccessDeniedException("prod", "/locked", "read", "digest user 'dash'", acl, new NoAuthException("/locked", "NoAuth")), "prod", "/locked");

        Assert.True(p.NoAuth);
        Assert.Equal("digest user 'dash'", p.CredentialsUsed);
        Assert.Contains("The dashboard's session for 'prod' uses digest user 'dash'.", p.Message);
        Assert.Same(acl, p.Acl);
        Assert.Contains("one of the ACL entries below", p.Hint);
    }

    [Fact]
    public void From_NoAuthWithUnreadableAcl_SaysSo()
    {
        var p = NodeProblem.From(new NodeAccessDeniedException("prod", "/sealed", "read", "no credentials (world/anyone only)", null, new NoAuthException("/sealed", "NoAuth")), "prod", "/sealed");

        Assert.True(p.NoAuth);
        Assert.Null(p.Acl);
        Assert.StartsWith("The node's ACL is not readable either.", p.Hint);
    }

    [Fact]
    public void From_BadPath_SaysWhatAPathLooksLike()
    {
        var p = NodeProblem.From(new InvalidPathException("a//b", "empty node name at index 2"), "prod", "a//b");

        Assert.Equal("Invalid path", p.Title);
        Assert.Contains("Paths start with '/'", p.Hint);
    }

    [Fact]
    public void From_NoNode_OffersTheParent()
    {
        var p = NodeProblem.From(new NoNodeException("/gone", "NoNode"), "prod", "/gone");

        Assert.True(p.NodeGone);
        Assert.Contains("/gone does not exist on 'prod'", p.Message);
        Assert.Contains("Open its parent", p.Hint);
    }
}
