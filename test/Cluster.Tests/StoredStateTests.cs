using System.Text;
using System.Text.Json.Serialization;
using Im.Orleans.Grains;
using Im.Orleans.Grains.Storage;
using Im.Orleans.Testing;
using Npgsql;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>Grain state rows hold plain camelCase JSON: no CLR type or assembly names, so a renamed state class still reads them.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class StoredStateTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_user_row_is_plain_json_that_a_renamed_class_reads_back()
    {
        await using var chat = await ChatCluster.StartAsync(postgres, "rows", silos: 1);
        var alice = chat.Grains.GetGrain<IUserGrain>("alice");
        await alice.SetProfile("Alice", null, "user");
        await chat.Grains.GetGrain<IUserGrain>("bob").SetProfile("Bob", null, "user");
        await alice.AddContact("bob");
        await alice.Block("mallory");

        var payload = await ReadStoredPayloadAsync(chat.Database, "Alice");
        Assert.DoesNotContain("$type", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("Im.Orleans", payload, StringComparison.Ordinal);

        // The class that wrote the row is internal to the grains; a class of another name and namespace with the
        // same properties reads it, as a renamed state class would after a deploy.
        var serializer = new JsonGrainStorageSerializer(RenamedContext.Default.Options);
        var renamed = serializer.Deserialize<RenamedUserState>(new BinaryData(Encoding.UTF8.GetBytes(payload)));
        Assert.Equal(("Alice", "user"), (renamed.DisplayName, renamed.Role));
        Assert.Equal(["bob"], renamed.Contacts);
        Assert.Equal(["mallory"], renamed.Blocked);
    }

    /// <summary>The newest stored state row whose JSON names this display name, as text.</summary>
    private static async Task<string> ReadStoredPayloadAsync(string database, string displayName)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand(
            "SELECT payload FROM orleans_grain_state WHERE convert_from(payload, 'UTF8') LIKE @like ORDER BY modified_on DESC LIMIT 1");
        command.Parameters.AddWithValue("like", $"%\"displayName\":\"{displayName}\"%");
        var bytes = (byte[]?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("no stored row");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A state class of another name reading user rows.</summary>
    public sealed class RenamedUserState
    {
        public string? DisplayName { get; set; }
        public string? Role { get; set; }
        public List<string> Contacts { get; set; } = [];
        public List<string> Blocked { get; set; } = [];
    }

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(RenamedUserState))]
    internal sealed partial class RenamedContext : JsonSerializerContext;
}
