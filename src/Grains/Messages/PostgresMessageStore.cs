using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Im.Orleans.Grains.Messages;

/// <summary>The message log in PostgreSQL (cluster mode), through a pooled <see cref="NpgsqlDataSource"/>.</summary>
/// <param name="shared">The process's pools; without it the store opens a pool of its own.</param>
/// <param name="groupCommit">Limits of one group commit; the defaults when not given.</param>
internal sealed partial class PostgresMessageStore(string connectionString, PostgresDataSources? shared = null, GroupCommitOptions? groupCommit = null)
    : PostgresStore(connectionString, shared, PostgresMessageSql.CreateSchema), IMessageStore
{
    private PostgresGroupCommitWriter? _writerField;

    // Created on first use: the data source belongs to the base class and is ready only after its constructor.
    private PostgresGroupCommitWriter Writer =>
        LazyInitializer.EnsureInitialized(ref _writerField, () => new PostgresGroupCommitWriter(DataSource, groupCommit ?? new GroupCommitOptions(), WriteBatchAsync));

    /// <summary>Appends queued behind the group being written (tests use it to know a group is forming).</summary>
    internal int WaitingAppends => Writer.Waiting;

    /// <summary>Lets what is queued be written before the data source goes.</summary>
    protected override async ValueTask DisposingAsync()
    {
        if (Volatile.Read(ref _writerField) is { } writer) await writer.CompleteAsync().ConfigureAwait(false);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(cancellationToken);

    // Every append of this process goes through the one group-commit writer (one transaction per group).
    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0) return [];
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Writer.AppendAsync(conversationId, messages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts one conversation's batch inside the writer's transaction (under that batch's savepoint). When a
    /// clientMsgId turns out to be stored already, the rows just inserted are taken out again and the batch is written
    /// once more without the stored ones, each later row moved down by the duplicates before it, so a duplicate leaves no seq hole. The common
    /// case (no duplicate) stays one statement.
    /// </summary>
    private static async Task<IReadOnlyList<AppendOutcome>> WriteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, IReadOnlyList<Message> messages)
    {
        var existing = new Dictionary<string, Message>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var outcomes = new List<AppendOutcome>(messages.Count);
            var rows = new List<Message>(messages.Count);
            var skipped = 0;
            foreach (var message in messages)
            {
                if (existing.TryGetValue(message.ClientMsgId, out var stored))
                {
                    outcomes.Add(new AppendOutcome(stored, true));
                    skipped++;
                    continue;
                }
                var row = skipped == 0 ? message : message with { Seq = message.Seq - skipped };
                existing[row.ClientMsgId] = row;
                rows.Add(row);
                outcomes.Add(new AppendOutcome(row, false));
            }
            if (rows.Count == 0) return outcomes;

            var inserted = await InsertAsync(connection, transaction, conversationId, rows).ConfigureAwait(false);
            if (inserted.Count == rows.Count) return outcomes;
            if (attempt == 3) throw new InvalidOperationException($"The batch of {conversationId} kept meeting concurrently stored clientMsgIds.");

            await DeleteAsync(connection, transaction, conversationId, [.. inserted]).ConfigureAwait(false);
            // In the same transaction: a duplicate of a row another batch of this group just wrote is seen too.
            var missing = rows.Select(r => r.ClientMsgId).Where(id => !inserted.Contains(id)).ToArray();
            existing.Clear();
            foreach (var stored in await FindAsync(connection, transaction, conversationId, missing).ConfigureAwait(false)) existing[stored.ClientMsgId] = stored;
            if (existing.Count == 0) throw new InvalidOperationException($"Messages of {conversationId} were neither inserted nor found.");
        }
    }

    private static async Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, string[] clientMsgIds)
    {
        if (clientMsgIds.Length == 0) return;
        await using var command = new NpgsqlCommand(PostgresMessageSql.DeleteByClientMsgIds, connection, transaction);
        command.Parameters.AddWithValue("conversation", conversationId);
        command.Parameters.Add(Array("clientMsgIds", NpgsqlDbType.Text, clientMsgIds));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Inserts the rows in one statement; returns the clientMsgIds inserted (a clientMsgId conflict skips its row).</summary>
    private static async Task<HashSet<string>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, IReadOnlyList<Message> messages)
    {
        await using var command = new NpgsqlCommand(PostgresMessageSql.InsertBatch, connection, transaction);
        command.Parameters.AddWithValue("conversation", conversationId);
        command.Parameters.Add(Array("seqs", NpgsqlDbType.Bigint, messages.Select(m => m.Seq).ToArray()));
        command.Parameters.Add(Array("messageIds", NpgsqlDbType.Text, messages.Select(m => m.MessageId).ToArray()));
        command.Parameters.Add(Array("clientMsgIds", NpgsqlDbType.Text, messages.Select(m => m.ClientMsgId).ToArray()));
        command.Parameters.Add(Array("senderIds", NpgsqlDbType.Text, messages.Select(m => m.SenderId).ToArray()));
        command.Parameters.Add(Array("kinds", NpgsqlDbType.Text, messages.Select(m => m.Kind).ToArray()));
        command.Parameters.Add(Array("texts", NpgsqlDbType.Text, messages.Select(m => m.Text).ToArray()));
        command.Parameters.Add(Array("attachments", NpgsqlDbType.Text, messages.Select(m => MessageJson.Write(m.Attachment)).ToArray()));
        command.Parameters.Add(Array("sentAts", NpgsqlDbType.TimestampTz, messages.Select(m => m.SentAt.UtcDateTime).ToArray()));
        command.Parameters.Add(Array("recalled", NpgsqlDbType.Boolean, messages.Select(m => m.Recalled).ToArray()));
        command.Parameters.Add(Array("replyToSeqs", NpgsqlDbType.Bigint, messages.Select(m => m.ReplyToSeq).ToArray()));
        command.Parameters.Add(Array("systems", NpgsqlDbType.Text, messages.Select(m => MessageJson.WriteSystem(m.System)).ToArray()));
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false)) inserted.Add(reader.GetString(0));
        return inserted;
    }

    private static async Task<List<Message>> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, string[] clientMsgIds)
    {
        await using var find = new NpgsqlCommand(PostgresMessageSql.FindByClientMsgIds, connection, transaction);
        find.Parameters.AddWithValue("conversation", conversationId);
        find.Parameters.Add(Array("clientMsgIds", NpgsqlDbType.Text, clientMsgIds));
        await using var reader = await find.ExecuteReaderAsync().ConfigureAwait(false);
        var found = new List<Message>();
        while (await reader.ReadAsync().ConfigureAwait(false)) found.Add(ReadMessage(reader));
        return found;
    }

    public Task<IReadOnlyList<Message>> ReadAfterAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(PostgresMessageSql.ReadAfter, conversationId, c =>
        {
            c.Parameters.AddWithValue("seq", afterSeq);
            c.Parameters.AddWithValue("limit", Math.Max(0, limit));
        }, cancellationToken);

    public Task<IReadOnlyList<Message>> ReadBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(PostgresMessageSql.ReadBefore, conversationId, c =>
        {
            c.Parameters.AddWithValue("seq", beforeSeq);
            c.Parameters.AddWithValue("limit", Math.Max(0, limit));
        }, cancellationToken);

    public async Task<Message?> FindByClientMsgIdAsync(string conversationId, string clientMsgId, CancellationToken cancellationToken = default) =>
        (await FindByClientMsgIdsAsync(conversationId, [clientMsgId], cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<Message>> FindByClientMsgIdsAsync(string conversationId, IReadOnlyCollection<string> clientMsgIds, CancellationToken cancellationToken = default) =>
        ReadAsync(PostgresMessageSql.FindByClientMsgIds, conversationId,
            c => c.Parameters.Add(Array("clientMsgIds", NpgsqlDbType.Text, clientMsgIds.ToArray())), cancellationToken);

    public async Task<long> GetLastSeqAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(PostgresMessageSql.LastSeq);
        command.Parameters.AddWithValue("conversation", conversationId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<bool> MarkRecalledAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(PostgresMessageSql.MarkRecalled);
        command.Parameters.AddWithValue("conversation", conversationId);
        command.Parameters.AddWithValue("seq", seq);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<long> CountFromOthersAsync(string conversationId, string userId, long afterSeq, long upToSeq = long.MaxValue, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(PostgresMessageSql.CountFromOthers);
        command.Parameters.AddWithValue("conversation", conversationId);
        command.Parameters.AddWithValue("after", afterSeq);
        command.Parameters.AddWithValue("upTo", upToSeq);
        command.Parameters.AddWithValue("user", userId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<IReadOnlyList<Message>> ReadAsync(string sql, string conversationId, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("conversation", conversationId);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var page = new List<Message>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) page.Add(ReadMessage(reader));
        return page;
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, T[] values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values };

    private static Message ReadMessage(NpgsqlDataReader reader) => new(
        ConversationId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        MessageId: reader.GetString(2),
        ClientMsgId: reader.GetString(3),
        SenderId: reader.GetString(4),
        Kind: reader.GetString(5),
        Text: reader.IsDBNull(6) ? null : reader.GetString(6),
        Attachment: MessageJson.Read(reader.IsDBNull(7) ? null : reader.GetString(7)),
        SentAt: new DateTimeOffset(reader.GetDateTime(8), TimeSpan.Zero),
        Recalled: reader.GetBoolean(9),
        ReplyToSeq: reader.IsDBNull(10) ? null : reader.GetInt64(10),
        EditedAt: reader.IsDBNull(11) ? null : new DateTimeOffset(reader.GetDateTime(11), TimeSpan.Zero),
        Reactions: MessageJson.ReadReactions(reader.IsDBNull(12) ? null : reader.GetString(12)),
        System: MessageJson.ReadSystem(reader.IsDBNull(13) ? null : reader.GetString(13)));
}
