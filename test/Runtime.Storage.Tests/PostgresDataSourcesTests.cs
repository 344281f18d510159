using Im.Orleans.Hosting;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Im.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Im.Orleans.Storage.Tests;

/// <summary>The stores of one node share one pool per connection string, and it closes with the node.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDataSourcesTests(PostgresServer server)
{
    [Fact]
    public async Task Two_providers_on_one_connection_string_use_one_pool_that_closes_with_the_node()
    {
        var connectionString = await server.CreateDatabaseAsync("shared_pool");
        var builder = new TestSiloBuilder();
        builder.Services.AddSingleton<GrainSerializer>(_ => TestSerialization.CreateSerializer());
        builder.AddPostgresGrainStorage("first", o => o.ConnectionString = connectionString);
        builder.AddPostgresGrainStorage("second", o => o.ConnectionString = connectionString);

        await using (var services = builder.Services.BuildServiceProvider())
        {
            foreach (var name in new[] { "first", "second" })
            {
                var storage = services.GetRequiredKeyedService<IGrainStorage>(name);
                await storage.WriteStateAsync("s", new GrainId("pool", name), new GrainState<TestState>(new TestState { Name = name }));
            }

            // One after the other, both providers ran on the same idle connection; a pool each would hold two.
            Assert.Equal(1, await BackendsAsync(connectionString));
        }

        using var closed = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await BackendsAsync(connectionString) > 0) await Task.Delay(50, closed.Token);
    }

    [Fact]
    public async Task One_source_per_connection_string_and_none_after_disposal()
    {
        var sources = new PostgresDataSources();
        var first = sources.Get("Host=127.0.0.1;Database=a");

        Assert.Same(first, sources.Get("Host=127.0.0.1;Database=a"));
        Assert.NotSame(first, sources.Get("Host=127.0.0.1;Database=b"));
        await sources.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => sources.Get("Host=127.0.0.1;Database=a"));
    }

    private static async Task<long> BackendsAsync(string connectionString)
    {
        var observer = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(observer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
