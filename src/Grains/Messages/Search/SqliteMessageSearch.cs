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
    private static readonly TimeSpan IndexInterval = TimeSpan.FromSeconds(2);
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

    /// <summary>Indexes every message queued so far; returns how many queue entries it took.</summary>
    internal async Task<long> IndexQueuedAsync(CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _indexing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() =>
            {
                using var connection = _connections.Open();
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = SqliteMessageSearchSql.QueueEnd;
                var queueEnd = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                if (queueEnd == 0) return 0L;
                command.CommandText = SqliteMessageSearchSql.RowsEnd;
                var rowsEnd = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = SqliteMessageSearchSql.IndexQueued;
                command.Parameters.AddWithValue("$queueEnd", queueEnd);
                command.Parameters.AddWithValue("$rowsEnd", rowsEnd);
                command.ExecuteNonQuery();
                transaction.Commit();
                return queueEnd;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _indexing.Release();
        }
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
