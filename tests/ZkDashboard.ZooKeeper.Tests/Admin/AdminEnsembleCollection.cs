using ZkDashboard.Testing;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>
/// The four-letter-word live tests share one 3-server ensemble. The collection runs on its own (not in
/// parallel with other collections), so its ensemble never competes with another one for the 2 cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AdminEnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "Admin 4lw ensemble";
}
