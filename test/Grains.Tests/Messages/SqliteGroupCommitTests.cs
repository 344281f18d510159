using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Im.Orleans.Grains.Tests.Messages;

/// <summary>
/// Group commit in the SQLite store, made deterministic by holding the database's write lock from another connection:
/// the writer takes the first batch and waits on the lock, the next batches queue, and on release they form one group.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imorleans-groupcommit-" + Guid.NewGuid().ToString("N")[..12]);
    private SqliteMessageStore? _store;

    private SqliteMessageStore Store => _store!;

    public async Task InitializeAsync()
    {
        _store = new SqliteMessageStore(new MessageStoreOptions { DataDirectory = _directory });
        await _store.InitializeAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _store?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static Message Msg(string conversationId, long seq, string? clientMsgId = null) =>
        new(conversationId, seq, $"id-{conversationId}-{seq}", clientMsgId ?? $"c-{seq}", "alice", MessageKinds.Text, $"text {seq}", null, Start.AddSeconds(seq), false, null);

    [Fact]
    public async Task One_group_commits_every_good_batch_and_fails_only_the_one_with_a_taken_seq()
    {
        await Store.AppendAsync("stale", [Msg("stale", 1)]);
        Task<IReadOnlyList<AppendOutcome>> first, good1, bad, good2, duplicate;
        using (await HoldWriteLockAsync())
        {
            first = Store.AppendAsync("first", [Msg("first", 1)]);
            await UntilAsync(() => Store.WaitingAppends == 0);
            good1 = Store.AppendAsync("good", [Msg("good", 1), Msg("good", 2)]);
            bad = Store.AppendAsync("stale", [Msg("stale", 2), Msg("stale", 1, "reused-seq")]);
            good2 = Store.AppendAsync("other", [Msg("other", 1)]);
            // A duplicate of a row written earlier in the same transaction: seen through the savepoints, not inserted.
            duplicate = Store.AppendAsync("good", [Msg("good", 3, "c-1")]);
            Assert.Equal(4, Store.WaitingAppends);
        }
        await first;
        await Assert.ThrowsAsync<SqliteException>(() => bad);
        Assert.All(await good1, o => Assert.False(o.Duplicate));
        Assert.False((await good2).Single().Duplicate);
        var dup = (await duplicate).Single();
        Assert.True(dup.Duplicate);
        Assert.Equal(Msg("good", 1), dup.Stored);
        Assert.Equal([1L, 2], (await Store.ReadAfterAsync("good", 0, 10)).Select(m => m.Seq));
        Assert.Equal([1L], (await Store.ReadAfterAsync("stale", 0, 10)).Select(m => m.Seq));
        Assert.Equal(1, await Store.GetLastSeqAsync("other"));
    }

    [Fact]
    public async Task A_batch_cancelled_while_it_waits_for_the_writer_is_not_written()
    {
        using var cancel = new CancellationTokenSource();
        Task<IReadOnlyList<AppendOutcome>> first, cancelled, kept;
        using (await HoldWriteLockAsync())
        {
            first = Store.AppendAsync("first", [Msg("first", 1)]);
            await UntilAsync(() => Store.WaitingAppends == 0);
            cancelled = Store.AppendAsync("cancelled", [Msg("cancelled", 1)], cancel.Token);
            kept = Store.AppendAsync("kept", [Msg("kept", 1)]);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }
        await Task.WhenAll(first, kept);
        Assert.Equal(0, await Store.GetLastSeqAsync("cancelled"));
        Assert.Equal(1, await Store.GetLastSeqAsync("kept"));
    }

    [Fact]
    public async Task The_writer_flushes_every_commit()
    {
        // synchronous=FULL (2): the WAL is flushed at each commit, so an acknowledged message survives a crash.
        await Store.AppendAsync("sync", [Msg("sync", 1)]);
        Assert.Equal(2L, Store.WriterSynchronousSetting());
    }

    /// <summary>Takes SQLite's write lock (BEGIN IMMEDIATE) on another connection until disposed.</summary>
    private async Task<IDisposable> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "messages.db")}");
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        return new Releaser(() =>
        {
            transaction.Rollback();
            transaction.Dispose();
            connection.Dispose();
        });
    }

    // Waits for a state the writer reaches on its own; no time is asserted, the test host's timeout is the bound.
    private static async Task UntilAsync(Func<bool> condition)
    {
        while (!condition()) await Task.Delay(5);
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
