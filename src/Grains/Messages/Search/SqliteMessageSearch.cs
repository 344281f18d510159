using System.Text.Json;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>FTS5 word search in the embedded default's SQLite message log (see <see cref="SqliteMessageSearchSql"/>).</summary>
internal sealed class SqliteMessageSearch : IMessageSearch
{
    private readonly IMessageStore _store;
    private readonly SqliteConnectionFactory _connections;
    private readonly AsyncOnce _schema;

    public SqliteMessageSearch(MessageStoreOptions options, IMessageStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _connections = new SqliteConnectionFactory(new SqliteConnectionStringBuilder { DataSource = options.SqlitePath, Pooling = true }.ConnectionString, options.BusyTimeout);
        _schema = new AsyncOnce(CreateAsync);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    public async Task<IReadOnlyList<SearchKey>> SearchAsync(
        IReadOnlyCollection<string> conversationIds, IReadOnlyList<string> words, SearchKey? before, int limit, CancellationToken cancellationToken = default)
    {
        if (conversationIds.Count == 0 || words.Count == 0) return [];
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
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
