using ZkDashboard.Testing;

namespace ZkDashboard.Core.Tests.Support;

/// <summary>The shared 3-server sandbox for the registry/health/metrics classes that only read from it.</summary>
[CollectionDefinition(Name)]
public sealed class HealthEnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "HealthEnsemble";
}
