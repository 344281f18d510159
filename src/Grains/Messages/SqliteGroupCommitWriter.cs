using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.Messages;

/// <summary>Writes one conversation's batch inside an open transaction and returns its outcomes.</summary>
internal delegate IReadOnlyList<AppendOutcome> SqliteBatchWrite(SqliteConnection connection, SqliteTransaction transaction, string conversationId, IReadOnlyList<Message> messages);

/// <summary>
/// The single writer of the SQLite message log. SQLite lets one transaction write at a time anyway; what costs is the
/// flush of the WAL at every commit (synchronous=FULL). So the writer takes every batch that is waiting (see
/// <see cref="GroupCommitQueue"/>), writes them all in one transaction with a savepoint per batch, commits once, and
/// only then completes each batch: a taken seq or any other error of one batch rolls back to its savepoint and fails
/// that batch alone.
/// </summary>
internal sealed class SqliteGroupCommitWriter : IDisposable
{
    private const string Savepoint = "conversation_batch";
    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteBatchWrite _write;
    private readonly GroupCommitQueue _queue;
    private SqliteConnection? _connection;

    public SqliteGroupCommitWriter(SqliteConnectionFactory connections, GroupCommitOptions options, SqliteBatchWrite write)
    {
        _connections = connections;
        _write = write;
        _queue = new GroupCommitQueue(options, group =>
        {
            WriteGroup(group);
            return Task.CompletedTask;
        });
    }

    /// <summary>The synchronous setting the writer's connection reported when it was opened (2 = FULL).</summary>
    internal long Synchronous { get; private set; }

    /// <summary>Batches queued and not yet taken by the writer.</summary>
    internal int Waiting => _queue.Waiting;

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken) =>
        _queue.AppendAsync(conversationId, messages, cancellationToken);

    /// <summary>Writes what is queued, then closes the writer's connection.</summary>
    public void Dispose()
    {
        _queue.CompleteAsync().GetAwaiter().GetResult();
        CloseConnection();
    }

    private void WriteGroup(List<PendingAppend> group)
    {
        var outcomes = new IReadOnlyList<AppendOutcome>?[group.Count];
        var errors = new Exception?[group.Count];
        try
        {
            var connection = _connection ??= OpenConnection();
            using var transaction = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < group.Count; i++)
            {
                transaction.Save(Savepoint);
                try
                {
                    outcomes[i] = _write(connection, transaction, group[i].ConversationId, group[i].Messages);
                    transaction.Release(Savepoint);
                }
                catch (Exception error) when (error is SqliteException or InvalidOperationException)
                {
                    // Only this batch's rows go; the others stay in the transaction. If the rollback itself fails, the
                    // transaction is broken and the outer handler fails the whole group.
                    transaction.Rollback(Savepoint);
                    transaction.Release(Savepoint);
                    errors[i] = error;
                }
            }
            transaction.Commit();
        }
        catch (Exception error)
        {
            // Nothing of the group is known to be durable: every batch fails and its conversation resynchronizes from
            // the log. A fresh connection next time, in case this one is in a bad state.
            CloseConnection();
            foreach (var pending in group) pending.Fail(error);
            return;
        }
        for (var i = 0; i < group.Count; i++)
        {
            if (errors[i] is { } error) group[i].Fail(error);
            else group[i].Complete(outcomes[i]!);
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = _connections.Open();
        // Spelled out, not left to the build's default: FULL flushes the WAL at every commit, so an acknowledged
        // message survives a process kill and a power loss alike. Group commit pays that flush once per group.
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA synchronous;";
        Synchronous = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return connection;
    }

    private void CloseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
