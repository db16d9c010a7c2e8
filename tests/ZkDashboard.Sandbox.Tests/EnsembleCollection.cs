using ZkDashboard.Testing;

namespace ZkDashboard.Sandbox.Tests;

[CollectionDefinition(Name)]
public sealed class EnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "Ensemble";
}
