using Im.Orleans.Grains.Messages;
using Im.Orleans.Testing;
using Npgsql;
using Xunit;

namespace Im.Orleans.Grains.Tests.Messages;

/// <summary>
/// Group commit in the PostgreSQL store, made deterministic by a table lock held from another connection: the writer
/// takes the first batch and waits on the lock, the next batches queue, and on release they form one group.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupCommitTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private string _connectionString = "";
    private PostgresMessageStore? _store;

    private PostgresMessageStore Store => _store!;

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync("groupcommit_" + Guid.NewGuid().ToString("N")[..12]);
        _store = new PostgresMessageStore(_connectionString);
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private static Message Msg(string conversationId, long seq, string? clientMsgId = null) =>
        new(conversationId, seq, $"id-{conversationId}-{seq}", clientMsgId ?? $"c-{seq}", "alice", MessageKinds.Text, $"text {seq}", null, Start.AddSeconds(seq), false, null);

    [Fact]
    public async Task One_group_commits_every_good_batch_and_fails_only_the_one_with_a_taken_seq()
    {
        await Store.AppendAsync("stale", [Msg("stale", 1)]);
        Task<IReadOnlyList<AppendOutcome>> first, good, bad, other, duplicate;
        await using (var holder = await HoldTableLockAsync())
        {
            first = Store.AppendAsync("first", [Msg("first", 1)]);
            while (Store.WaitingAppends != 0) await Task.Delay(5);
            good = Store.AppendAsync("good", [Msg("good", 1), Msg("good", 2)]);
            bad = Store.AppendAsync("stale", [Msg("stale", 2), Msg("stale", 1, "reused-seq")]);
            other = Store.AppendAsync("other", [Msg("other", 1)]);
            // A duplicate of a row written earlier in the same transaction: seen through the savepoints, not inserted.
            duplicate = Store.AppendAsync("good", [Msg("good", 3, "c-1")]);
            Assert.Equal(4, Store.WaitingAppends);
        }
        await first;
        var error = await Assert.ThrowsAsync<PostgresException>(() => bad);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.All(await good, o => Assert.False(o.Duplicate));
        Assert.False((await other).Single().Duplicate);
        var dup = (await duplicate).Single();
        Assert.True(dup.Duplicate);
        Assert.Equal(Msg("good", 1), dup.Stored);
        Assert.Equal([1L, 2], (await Store.ReadAfterAsync("good", 0, 10)).Select(m => m.Seq));
        Assert.Equal([1L], (await Store.ReadAfterAsync("stale", 0, 10)).Select(m => m.Seq));
        Assert.Equal(1, await Store.GetLastSeqAsync("other"));
    }

    /// <summary>Another connection holding, in an open transaction, a lock every INSERT into messages waits for; closing it releases the lock.</summary>
    private async Task<NpgsqlConnection> HoldTableLockAsync()
    {
        var connection = new NpgsqlConnection(_connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("BEGIN; LOCK TABLE messages IN SHARE MODE;", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }
}
