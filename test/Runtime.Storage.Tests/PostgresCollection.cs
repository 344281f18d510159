using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Storage.Tests;

/// <summary>One throwaway PostgreSQL server for every test class in this assembly that joins the collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Postgres";
}
