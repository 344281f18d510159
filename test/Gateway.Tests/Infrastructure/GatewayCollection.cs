namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>The tests that share one <see cref="GatewayFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
