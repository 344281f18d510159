using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Im.Orleans.Runtime;
using Im.Orleans.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Storage.Tests;

/// <summary>The conformance suite against <see cref="PostgresGrainStorage"/> on the assembly's throwaway server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresServer server, ITestOutputHelper output) : GrainStorageConformanceTests(output)
{
    // One database for all tests; each test uses fresh grain ids, so they do not see each other's rows.
    private static readonly ConcurrentDictionary<PostgresServer, Lazy<Task<string>>> Databases = new();

    private Task<string> DatabaseAsync =>
        Databases.GetOrAdd(server, s => new Lazy<Task<string>>(() => s.CreateDatabaseAsync("storage_conformance"))).Value;

    protected override async Task<IGrainStorage> CreateStorageAsync(string providerName) =>
        new PostgresGrainStorage(providerName, new PostgresGrainStorageOptions { ConnectionString = await DatabaseAsync }, TestSerialization.CreateSerializer());

    [Fact]
    public Task Reading_a_corrupt_payload_throws_storage_exception_naming_the_grain() => AssertCorruptPayloadFailsAsync();

    [Fact]
    public Task Unreachable_store_throws_storage_exception_naming_provider_and_grain_without_hanging() => AssertUnreachableStoreFailsAsync();

    protected override Task<IGrainStorage?> CreateUnavailableStorageAsync(string providerName)
    {
        var options = new PostgresGrainStorageOptions { ConnectionString = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=3" };
        return Task.FromResult<IGrainStorage?>(new PostgresGrainStorage(providerName, options, TestSerialization.CreateSerializer()));
    }

    protected override async Task<bool> CorruptPayloadAsync(GrainId grainId, string stateName)
    {
        await using var connection = new NpgsqlConnection(await DatabaseAsync);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE grain_state SET payload = '{\"name\": tru' WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    // A port that was free a moment ago and has no listener now: connections are refused at once.
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
