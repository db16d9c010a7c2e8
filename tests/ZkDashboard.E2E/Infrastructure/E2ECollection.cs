namespace ZkDashboard.E2E.Infrastructure;

/// <summary>The collection of E2E tests that share one browser and one app (<see cref="AppFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<AppFixture>
{
    /// <summary>Use as [Collection(E2ECollection.Name)].</summary>
    public const string Name = "E2E";
}
