using System.Globalization;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.Messages;

/// <summary>The message log in a SQLite file (WAL, synchronous=FULL for appends), the embedded default; appends are group-committed.</summary>
internal sealed partial class SqliteMessageStore : IMessageStore, IDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly string _databaseFile;
    private readonly AsyncOnce _schema;
    private readonly SqliteGroupCommitWriter _writer;

    public SqliteMessageStore(MessageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _databaseFile = options.SqlitePath;
        _connections = new SqliteConnectionFactory(new SqliteConnectionStringBuilder { DataSource = _databaseFile, Pooling = true }.ConnectionString, options.BusyTimeout);
        _schema = new AsyncOnce(ct => Task.Run(CreateSchema, ct));
        _writer = new SqliteGroupCommitWriter(_connections, options.GroupCommit, WriteBatch);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(cancellationToken);

    // Every append goes through the one group-commit writer; the caller's turn is free while it waits, which is what
    // lets the conversation grain gather its next batch meanwhile.
    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0) return [];
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _writer.AppendAsync(conversationId, messages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends queued behind the group being written.</summary>
    internal int WaitingAppends => _writer.Waiting;

    /// <summary>PRAGMA synchronous of the writer's connection, as SQLite reported it.</summary>
    internal long WriterSynchronousSetting() => _writer.Synchronous;

    /// <summary>Inserts one conversation's batch inside the writer's transaction (under that batch's savepoint).</summary>
    private static IReadOnlyList<AppendOutcome> WriteBatch(SqliteConnection connection, SqliteTransaction transaction, string conversationId, IReadOnlyList<Message> messages)
    {
        using var insert = Command(connection, SqliteMessageSql.Insert, conversationId);
        insert.Transaction = transaction;
        var outcomes = new List<AppendOutcome>(messages.Count);
        var skipped = 0;
        foreach (var given in messages)
        {
            // The rows after a duplicate move up into its seq, so the batch leaves no hole.
            var message = skipped == 0 ? given : given with { Seq = given.Seq - skipped };
            BindMessage(insert, message);
            if (insert.ExecuteNonQuery() == 1)
            {
                outcomes.Add(new AppendOutcome(message, false));
                continue;
            }
            var existing = Find(connection, transaction, conversationId, message.ClientMsgId)
                ?? throw new InvalidOperationException($"Message {message.ClientMsgId} of {conversationId} was neither inserted nor found.");
            outcomes.Add(new AppendOutcome(existing, true));
            skipped++;
        }
        return outcomes;
    }

    public Task<IReadOnlyList<Message>> ReadAfterAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        ReadPageAsync(SqliteMessageSql.ReadAfter, conversationId, afterSeq, limit, cancellationToken);

    public Task<IReadOnlyList<Message>> ReadBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        ReadPageAsync(SqliteMessageSql.ReadBefore, conversationId, beforeSeq, limit, cancellationToken);

    public Task<Message?> FindByClientMsgIdAsync(string conversationId, string clientMsgId, CancellationToken cancellationToken = default) =>
        RunAsync(connection => Find(connection, null, conversationId, clientMsgId), cancellationToken);

    public Task<IReadOnlyList<Message>> FindByClientMsgIdsAsync(string conversationId, IReadOnlyCollection<string> clientMsgIds, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<Message>>(connection =>
        {
            // A local file has no round trip to save, so one indexed lookup per id is as good as an IN list.
            var found = new List<Message>();
            foreach (var id in clientMsgIds.Distinct(StringComparer.Ordinal))
            {
                if (Find(connection, null, conversationId, id) is { } message) found.Add(message);
            }
            return [.. found.OrderBy(m => m.Seq)];
        }, cancellationToken);

    public Task<long> GetLastSeqAsync(string conversationId, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var command = Command(connection, SqliteMessageSql.LastSeq, conversationId);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }, cancellationToken);

    public Task<bool> MarkRecalledAsync(string conversationId, long seq, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var command = Command(connection, SqliteMessageSql.MarkRecalled, conversationId);
            command.Parameters.AddWithValue("$seq", seq);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<long> CountFromOthersAsync(string conversationId, string userId, long afterSeq, long upToSeq = long.MaxValue, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var command = Command(connection, SqliteMessageSql.CountFromOthers, conversationId);
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$upTo", upToSeq);
            command.Parameters.AddWithValue("$user", userId);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Writes what is queued, then releases the connections so the file can be deleted.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _connections.ClearPool();
    }

    private Task<IReadOnlyList<Message>> ReadPageAsync(string sql, string conversationId, long seq, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Message>>(connection =>
        {
            using var command = Command(connection, sql, conversationId);
            command.Parameters.AddWithValue("$seq", seq);
            command.Parameters.AddWithValue("$limit", Math.Max(0, limit));
            using var reader = command.ExecuteReader();
            var page = new List<Message>();
            while (reader.Read()) page.Add(ReadMessage(reader));
            return page;
        }, cancellationToken);

    private static Message? Find(SqliteConnection connection, SqliteTransaction? transaction, string conversationId, string clientMsgId)
    {
        using var command = Command(connection, SqliteMessageSql.FindByClientMsgId, conversationId);
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$clientMsgId", clientMsgId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadMessage(reader) : null;
    }

    private async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            return work(connection);
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    private void CreateSchema()
    {
        // SQLite creates the file but not its directory (the connection factory creates the file private).
        PrivateFiles.CreateFolder(Path.GetDirectoryName(_databaseFile)!);
        using var connection = _connections.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = SqliteMessageSql.EnableWal;
        wal.ExecuteNonQuery();
        using var create = connection.CreateCommand();
        create.CommandText = SqliteMessageSql.CreateSchema;
        create.ExecuteNonQuery();
        AddMissingColumns(connection);
    }


    private static SqliteCommand Command(SqliteConnection connection, string sql, string conversationId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$conversation", conversationId);
        return command;
    }

    private static void BindMessage(SqliteCommand command, Message message)
    {
        Set(command, "$seq", message.Seq);
        Set(command, "$messageId", message.MessageId);
        Set(command, "$clientMsgId", message.ClientMsgId);
        Set(command, "$senderId", message.SenderId);
        Set(command, "$kind", message.Kind);
        Set(command, "$text", message.Text);
        Set(command, "$attachment", MessageJson.Write(message.Attachment));
        Set(command, "$sentAt", message.SentAt.ToUnixTimeMilliseconds());
        Set(command, "$recalled", message.Recalled ? 1 : 0);
        Set(command, "$replyToSeq", message.ReplyToSeq);
        Set(command, "$editedAt", message.EditedAt?.ToUnixTimeMilliseconds());
        Set(command, "$reactions", MessageJson.WriteReactions(message.Reactions));
        Set(command, "$system", MessageJson.WriteSystem(message.System));
    }

    private static void Set(SqliteCommand command, string name, object? value)
    {
        var parameter = command.Parameters.Contains(name) ? command.Parameters[name] : command.Parameters.Add(new SqliteParameter { ParameterName = name });
        parameter.Value = value ?? DBNull.Value;
    }

    private static Message ReadMessage(SqliteDataReader reader) => new(
        ConversationId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        MessageId: reader.GetString(2),
        ClientMsgId: reader.GetString(3),
        SenderId: reader.GetString(4),
        Kind: reader.GetString(5),
        Text: reader.IsDBNull(6) ? null : reader.GetString(6),
        Attachment: MessageJson.Read(reader.IsDBNull(7) ? null : reader.GetString(7)),
        SentAt: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        Recalled: reader.GetInt64(9) != 0,
        ReplyToSeq: reader.IsDBNull(10) ? null : reader.GetInt64(10),
        EditedAt: reader.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
        Reactions: MessageJson.ReadReactions(reader.IsDBNull(12) ? null : reader.GetString(12)),
        System: MessageJson.ReadSystem(reader.IsDBNull(13) ? null : reader.GetString(13)));
}
