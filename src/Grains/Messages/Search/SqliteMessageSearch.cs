using System.Text.Json;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// FTS5 word search in the embedded default's SQLite message log (see <see cref="SqliteMessageSearchSql"/>): the
/// messages the append queued are indexed before each search and, so the queue stays short, every few seconds.
/// </summary>
internal sealed class SqliteMessageSearch : IMessageSearch, IAsyncDisposable
{
    private static readonly TimeSpan IndexInterval = TimeSpan.FromSeconds(1);
    private const long IndexChunkSize = 500;
    private readonly IMessageStore _store;
    private readonly SqliteConnectionFactory _connections;
    private readonly AsyncOnce _schema;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _indexing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _indexLoop;

    public SqliteMessageSearch(MessageStoreOptions options, IMessageStore store, TimeProvider time, ILogger<SqliteMessageSearch> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _logger = logger;
        _connections = new SqliteConnectionFactory(new SqliteConnectionStringBuilder { DataSource = options.SqlitePath, Pooling = true }.ConnectionString, options.BusyTimeout);
        _schema = new AsyncOnce(CreateAsync);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        _indexLoop ??= IndexLoopAsync(_stopping.Token);
    }

    /// <summary>Indexes every message queued so far, in chunks; returns the queue position it reached (0: it was empty).</summary>
    internal async Task<long> IndexQueuedAsync(CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _indexing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() =>
            {
                using var connection = _connections.Open();
                // The index and the queue entries it took commit together, so losing the last commit to a power cut
                // only brings those entries back: no reason to flush each chunk like an acknowledged message.
                Execute(connection, null, "PRAGMA synchronous = NORMAL;");
                try
                {
                    var upTo = Scalar(connection, null, SqliteMessageSearchSql.QueueEnd);
                    // Short chunks keep the log's single write lock free for the appends in between.
                    for (var done = 0L; done < upTo;)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        done = IndexChunk(connection, upTo);
                    }
                    return upTo;
                }
                finally
                {
                    // The connection goes back to a pool that message writes may draw from.
                    Execute(connection, null, "PRAGMA synchronous = FULL;");
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _indexing.Release();
        }
    }

    private static long IndexChunk(SqliteConnection connection, long upTo)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var chunkEnd = Scalar(connection, transaction, SqliteMessageSearchSql.ChunkEnd, ("$chunk", IndexChunkSize), ("$upTo", upTo));
        if (chunkEnd == 0) return upTo;
        var rowsEnd = Scalar(connection, transaction, SqliteMessageSearchSql.RowsEnd);
        Execute(connection, transaction, SqliteMessageSearchSql.IndexQueued, ("$queueEnd", chunkEnd), ("$rowsEnd", rowsEnd));
        transaction.Commit();
        return chunkEnd;
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, long Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, long Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, long Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_indexLoop is not null) await _indexLoop.ConfigureAwait(false);
        _stopping.Dispose();
        _indexing.Dispose();
    }

    private async Task IndexLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(IndexInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await IndexQueuedAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception error) when (error is SqliteException or InvalidOperationException)
                {
                    // The queue stays as it was; the next tick or search takes it.
                    _logger.LogWarning(error, "Indexing queued messages for search failed");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async Task<IReadOnlyList<SearchKey>> SearchAsync(
        IReadOnlyCollection<string> conversationIds, IReadOnlyList<string> words, SearchKey? before, int limit, CancellationToken cancellationToken = default)
    {
        if (conversationIds.Count == 0 || words.Count == 0) return [];
        // What was stored up to now is found: the queue is indexed first.
        await IndexQueuedAsync(cancellationToken).ConfigureAwait(false);
        var bound = before ?? SearchKey.Start;
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SqliteMessageSearchSql.Search;
            command.Parameters.AddWithValue("$match", SearchWords.Fts5Match(words));
            command.Parameters.AddWithValue("$conversations", JsonSerializer.Serialize(conversationIds.ToArray(), ChatJsonContext.Default.StringArray));
            command.Parameters.AddWithValue("$sentAt", bound.SentAtMs);
            command.Parameters.AddWithValue("$conversation", bound.ConversationId);
            command.Parameters.AddWithValue("$seq", bound.Seq);
            command.Parameters.AddWithValue("$limit", limit);
            var keys = new List<SearchKey>();
            using var reader = command.ExecuteReader();
            while (reader.Read()) keys.Add(new SearchKey(reader.GetInt64(2), reader.GetString(0), reader.GetInt64(1)));
            return (IReadOnlyList<SearchKey>)keys;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        // The triggers are on the messages table, so it must exist first.
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await Task.Run(() =>
        {
            using var connection = _connections.Open();
            // One write transaction, so no message is stored between the backfill and the triggers.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteMessageSearchSql.Exists;
            var existed = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
            command.CommandText = SqliteMessageSearchSql.CreateTables;
            command.ExecuteNonQuery();
            if (!existed)
            {
                command.CommandText = SqliteMessageSearchSql.Backfill;
                command.ExecuteNonQuery();
            }
            command.CommandText = SqliteMessageSearchSql.CreateTriggers;
            command.ExecuteNonQuery();
            transaction.Commit();
        }, cancellationToken).ConfigureAwait(false);
    }
}
