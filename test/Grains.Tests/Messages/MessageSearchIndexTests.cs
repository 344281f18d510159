using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Messages.Search;
using Im.Orleans.Grains.Options;
using Im.Orleans.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Im.Orleans.Grains.Tests.Messages;

/// <summary>
/// Each message search index (SQLite FTS5, PostgreSQL full-text, the scan of the in-memory store) finds text
/// messages with every word, newest first with a cursor, follows an edit of the stored text, skips recalled
/// messages and other kinds, and (SQLite) indexes messages stored before the index existed, and off the send path.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MessageSearchIndexTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Kinds => ["memory", "sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Finds_every_word_newest_first_follows_edits_and_skips_recalled_and_other_kinds(string kind)
    {
        var (store, search, edit) = await CreateAsync(kind);
        await store.AppendAsync("d:a:b", [
            Text("d:a:b", 1, "Red apples and green pears", 0),
            Text("d:a:b", 2, "green APPLES", 1),
            new Message("d:a:b", 3, "m3", "c3", "a", MessageKinds.Image, "apples green photo", null, T0.AddSeconds(2)),
            Text("d:a:b", 4, "apples green, recalled", 3),
        ]);
        await store.AppendAsync("g:x", [Text("g:x", 1, "green apples in the group", 4)]);
        await store.AppendAsync("g:other", [Text("g:other", 1, "green apples elsewhere", 5)]);
        await store.MarkRecalledAsync("d:a:b", 4);

        var words = SearchWords.Of("Apples GREEN");
        var all = await search.SearchAsync(["d:a:b", "g:x"], words, null, 10);
        Assert.Equal([("g:x", 1L), ("d:a:b", 2L), ("d:a:b", 1L)], all.Select(k => (k.ConversationId, k.Seq)));

        var page = await search.SearchAsync(["d:a:b", "g:x"], words, null, 1);
        var rest = await search.SearchAsync(["d:a:b", "g:x"], words, SearchKey.Decode(page[^1].Encode()), 10);
        Assert.Equal([("d:a:b", 2L), ("d:a:b", 1L)], rest.Select(k => (k.ConversationId, k.Seq)));

        if (edit is null) return;
        await edit("d:a:b", 1, "bananas only now");
        Assert.Equal([("g:x", 1L), ("d:a:b", 2L)], (await search.SearchAsync(["d:a:b", "g:x"], words, null, 10)).Select(k => (k.ConversationId, k.Seq)));
        Assert.Equal([("d:a:b", 1L)], (await search.SearchAsync(["d:a:b"], SearchWords.Of("bananas"), null, 10)).Select(k => (k.ConversationId, k.Seq)));
    }

    [Fact]
    public async Task A_sqlite_log_from_before_the_index_is_searchable_once_the_index_is_created()
    {
        var options = SqliteOptions();
        var store = new SqliteMessageStore(options);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync("d:a:b", [Text("d:a:b", 1, "written before search existed", 0)]);

        var search = NewSqliteSearch(options, store);
        await search.InitializeAsync(CancellationToken.None);
        await store.AppendAsync("d:a:b", [Text("d:a:b", 2, "written after search existed", 1)]);

        var hits = await search.SearchAsync(["d:a:b"], SearchWords.Of("search existed"), null, 10);
        Assert.Equal([2L, 1L], hits.Select(k => k.Seq));
    }

    [Fact]
    public async Task Sqlite_indexes_what_the_append_queued_every_few_seconds_without_a_search()
    {
        var options = SqliteOptions();
        var store = new SqliteMessageStore(options);
        var clock = new FakeTimeProvider(T0);
        await using var search = new SqliteMessageSearch(options, store, clock, NullLogger<SqliteMessageSearch>.Instance);
        await search.InitializeAsync(CancellationToken.None);
        await store.AppendAsync("d:a:b", [Text("d:a:b", 1, "queued for the index", 0), Text("d:a:b", 2, "queued as well", 1)]);
        Assert.Equal(2, await QueuedAsync(options));

        clock.Advance(TimeSpan.FromSeconds(2));
        // The background pass runs on the pool once the timer fires; wait for it rather than for a time.
        for (var tries = 0; tries < 200 && await QueuedAsync(options) > 0; tries++) await Task.Delay(50);
        Assert.Equal(0, await QueuedAsync(options));
        Assert.Equal([2L, 1L], (await search.SearchAsync(["d:a:b"], SearchWords.Of("queued"), null, 10)).Select(k => k.Seq));
    }

    [Fact]
    public async Task Sqlite_edit_of_a_message_still_queued_is_found_once_by_its_new_text_only()
    {
        var (store, search, edit) = await CreateAsync("sqlite");
        await store.AppendAsync("d:a:b", [Text("d:a:b", 1, "old words here", 0)]);
        await edit!("d:a:b", 1, "new words here");
        Assert.Empty(await search.SearchAsync(["d:a:b"], SearchWords.Of("old"), null, 10));
        Assert.Equal([1L], (await search.SearchAsync(["d:a:b"], SearchWords.Of("words here"), null, 10)).Select(k => k.Seq));
    }

    private static SqliteMessageSearch NewSqliteSearch(MessageStoreOptions options, IMessageStore store) =>
        new(options, store, TimeProvider.System, NullLogger<SqliteMessageSearch>.Instance);

    private static async Task<long> QueuedAsync(MessageStoreOptions options)
    {
        await using var connection = new SqliteConnection($"Data Source={options.SqlitePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM message_search_queue";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Message Text(string conversationId, long seq, string text, int second) =>
        new(conversationId, seq, $"m{seq}", $"{conversationId}-c{seq}", "a", MessageKinds.Text, text, null, T0.AddSeconds(second));

    private static MessageStoreOptions SqliteOptions() =>
        new() { DataDirectory = Path.Combine(Path.GetTempPath(), "im-search-" + Guid.NewGuid().ToString("N")) };

    /// <summary>The store, its search, and a way to change a stored text as an edit does (none for the in-memory log).</summary>
    private async Task<(IMessageStore Store, IMessageSearch Search, Func<string, long, string, Task>? Edit)> CreateAsync(string kind)
    {
        switch (kind)
        {
            case "memory":
            {
                var store = new MemoryMessageStore();
                return (store, new ScanMessageSearch(store), null);
            }
            case "sqlite":
            {
                var options = SqliteOptions();
                var store = new SqliteMessageStore(options);
                var search = NewSqliteSearch(options, store);
                await search.InitializeAsync(CancellationToken.None);
                return (store, search, (conversationId, seq, text) => Task.Run(() =>
                {
                    using var connection = new SqliteConnection($"Data Source={options.SqlitePath};Pooling=False");
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "UPDATE messages SET text = $text WHERE conversation_id = $c AND seq = $s";
                    command.Parameters.AddWithValue("$text", text);
                    command.Parameters.AddWithValue("$c", conversationId);
                    command.Parameters.AddWithValue("$s", seq);
                    command.ExecuteNonQuery();
                }));
            }
            default:
            {
                var connectionString = await server.CreateDatabaseAsync("search_" + Guid.NewGuid().ToString("N")[..12]);
                var store = new PostgresMessageStore(connectionString);
                var search = new PostgresMessageSearch(connectionString, store);
                await search.InitializeAsync(CancellationToken.None);
                return (store, search, async (conversationId, seq, text) =>
                {
                    await using var connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand("UPDATE messages SET text = @text WHERE conversation_id = @c AND seq = @s", connection);
                    command.Parameters.AddWithValue("text", text);
                    command.Parameters.AddWithValue("c", conversationId);
                    command.Parameters.AddWithValue("s", seq);
                    await command.ExecuteNonQueryAsync();
                });
            }
        }
    }
}
