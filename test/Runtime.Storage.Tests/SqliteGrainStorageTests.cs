using Xunit;
using Im.Orleans.Runtime;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Im.Orleans.Storage.Tests;

/// <summary>The conformance suite against <see cref="SqliteGrainStorage"/> on a database file in a temp directory.</summary>
public sealed class SqliteGrainStorageTests(ITestOutputHelper output) : GrainStorageConformanceTests(output)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imorleans-sqlite-").FullName;

    private string DatabaseFile => Path.Combine(_directory, "nested", "grains.db");

    protected override Task<IGrainStorage> CreateStorageAsync(string providerName) =>
        Task.FromResult<IGrainStorage>(new SqliteGrainStorage(
            providerName, new SqliteGrainStorageOptions { DataSource = DatabaseFile }, TestSerialization.CreateSerializer()));

    [Fact]
    public Task Reading_a_corrupt_payload_throws_storage_exception_naming_the_grain() => AssertCorruptPayloadFailsAsync();

    [Fact]
    public Task Unreachable_store_throws_storage_exception_naming_provider_and_grain_without_hanging() => AssertUnreachableStoreFailsAsync();

    protected override Task<IGrainStorage?> CreateUnavailableStorageAsync(string providerName)
    {
        // A directory cannot be created below a regular file, so the database can never be opened.
        var blocker = Path.Combine(_directory, "not-a-directory");
        File.WriteAllText(blocker, "");
        var options = new SqliteGrainStorageOptions { DataSource = Path.Combine(blocker, "sub", "grains.db") };
        return Task.FromResult<IGrainStorage?>(new SqliteGrainStorage(providerName, options, TestSerialization.CreateSerializer()));
    }

    protected override async Task<bool> CorruptPayloadAsync(GrainId grainId, string stateName)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabaseFile, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE grain_state SET payload = '{\"name\": tru' WHERE grain_type = $t AND grain_key = $k AND state_name = $s";
        command.Parameters.AddWithValue("$t", grainId.Type);
        command.Parameters.AddWithValue("$k", grainId.Key);
        command.Parameters.AddWithValue("$s", stateName);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    protected override Task OnDisposedAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
