using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>One throwaway PostgreSQL server for every cluster test of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Postgres";
}
