using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Grains.Tests;

/// <summary>One throwaway PostgreSQL server for the test classes of this assembly that need one.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Postgres";
}
