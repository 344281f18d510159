using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>One throwaway PostgreSQL server for the cluster tests: membership table and grain state, as in production.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Postgres";
}
