using Im.Orleans.Grains.Options;
using Npgsql;

namespace Im.Orleans.Grains.Messages;

/// <summary>Writes one conversation's batch inside an open transaction and returns its outcomes.</summary>
internal delegate Task<IReadOnlyList<AppendOutcome>> PostgresBatchWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, IReadOnlyList<Message> messages);

/// <summary>
/// The single writer of this process's appends to the PostgreSQL message log: every batch waiting (see
/// <see cref="GroupCommitQueue"/>) goes into one transaction, a savepoint per batch, one commit (one WAL flush with
/// synchronous_commit on, the server's default, which is what makes an acknowledged message durable), then each batch
/// completes. A taken seq (23505 on the primary key) rolls back to its savepoint and fails that batch alone.
/// </summary>
internal sealed class PostgresGroupCommitWriter
{
    private const string Savepoint = "conversation_batch";
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresBatchWrite _write;
    private readonly GroupCommitQueue _queue;

    public PostgresGroupCommitWriter(NpgsqlDataSource dataSource, GroupCommitOptions options, PostgresBatchWrite write)
    {
        _dataSource = dataSource;
        _write = write;
        _queue = new GroupCommitQueue(options, WriteGroupAsync);
    }

    /// <summary>Batches queued and not yet taken by the writer.</summary>
    internal int Waiting => _queue.Waiting;

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken) =>
        _queue.AppendAsync(conversationId, messages, cancellationToken);

    /// <summary>Refuses new appends and waits until what is queued is written.</summary>
    public Task CompleteAsync() => _queue.CompleteAsync();

    private async Task WriteGroupAsync(List<PendingAppend> group)
    {
        var outcomes = new IReadOnlyList<AppendOutcome>?[group.Count];
        var errors = new Exception?[group.Count];
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
            {
                await transaction.SaveAsync(Savepoint).ConfigureAwait(false);
                try
                {
                    outcomes[i] = await _write(connection, transaction, group[i].ConversationId, group[i].Messages).ConfigureAwait(false);
                    await transaction.ReleaseAsync(Savepoint).ConfigureAwait(false);
                }
                catch (Exception error) when (error is PostgresException or InvalidOperationException)
                {
                    // Only this batch's rows go. If the rollback itself fails, the outer handler fails the whole group.
                    await transaction.RollbackAsync(Savepoint).ConfigureAwait(false);
                    await transaction.ReleaseAsync(Savepoint).ConfigureAwait(false);
                    errors[i] = error;
                }
            }
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // Nothing of the group is known to be durable: every batch fails and its conversation resynchronizes.
            foreach (var pending in group) pending.Fail(error);
            return;
        }
        for (var i = 0; i < group.Count; i++)
        {
            if (errors[i] is { } error) group[i].Fail(error);
            else group[i].Complete(outcomes[i]!);
        }
    }
}
