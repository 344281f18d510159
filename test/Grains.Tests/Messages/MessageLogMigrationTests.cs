using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Im.Orleans.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Im.Orleans.Grains.Tests.Messages;

/// <summary>A message log written before edits, reactions and system notes gets their columns and keeps its rows.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MessageLogMigrationTests(PostgresServer server)
{
    // The messages table as the first release created it.
    private const string OldTable = """
        CREATE TABLE messages (
            conversation_id {0} NOT NULL, seq {1} NOT NULL, message_id {0} NOT NULL, client_msg_id {0} NOT NULL,
            sender_id {0} NOT NULL, kind {0} NOT NULL, text {0} NULL, attachment {0} NULL, sent_at {2} NOT NULL,
            recalled {3} NOT NULL DEFAULT {4}, reply_to_seq {1} NULL,
            PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, client_msg_id));
        """;

    [Fact]
    public async Task An_old_sqlite_log_gets_the_new_columns_and_keeps_its_messages()
    {
        var directory = Path.Combine(Path.GetTempPath(), "imorleans-migrate-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new MessageStoreOptions { DataDirectory = directory };
        Directory.CreateDirectory(directory);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.SqlitePath, Pooling = false }.ConnectionString))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, OldTable, "TEXT", "INTEGER", "INTEGER", "INTEGER", "0")
                + "INSERT INTO messages VALUES ('c', 1, 'm1', 'k1', 'alice', 'text', 'old', NULL, 1000, 0, NULL);";
            create.ExecuteNonQuery();
        }
        try
        {
            using var store = new SqliteMessageStore(options);
            await store.InitializeAsync(CancellationToken.None);
            await AssertMigratedAsync(store);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_old_postgres_log_gets_the_new_columns_and_keeps_its_messages()
    {
        var connectionString = await server.CreateDatabaseAsync("migrate_" + Guid.NewGuid().ToString("N")[..12]);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                string.Format(System.Globalization.CultureInfo.InvariantCulture, OldTable, "text", "bigint", "timestamptz", "boolean", "false")
                + "INSERT INTO messages VALUES ('c', 1, 'm1', 'k1', 'alice', 'text', 'old', NULL, now(), false, NULL);", connection);
            await create.ExecuteNonQueryAsync();
        }
        await using var store = new PostgresMessageStore(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        await AssertMigratedAsync(store);
    }

    private static async Task AssertMigratedAsync(IMessageStore store)
    {
        Assert.Equal("old", (await store.ReadAfterAsync("c", 0, 10)).Single().Text);
        Assert.True(await store.EditAsync("c", 1, "new", DateTimeOffset.UnixEpoch.AddDays(1)));
        await store.AppendAsync("c", [new Message("c", 2, "m2", "k2", "bob", MessageKinds.System, null, null, DateTimeOffset.UnixEpoch, System: new SystemNote(SystemActions.Left, "bob", []))]);
        var messages = await store.ReadAfterAsync("c", 0, 10);
        Assert.Equal(("new", SystemActions.Left), (messages[0].Text, messages[1].System!.Action));
        await store.HideAsync("c", "alice", [1]);
        Assert.Equal([1L], await store.HiddenAsync("c", "alice"));
    }
}
