using Im.Orleans.Grains.Storage;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// Word search in the PostgreSQL message log: a GIN index on to_tsvector('simple', text) of text messages, queried
/// with plainto_tsquery (every word). The index is on the table itself, so an edit of text is found by its new text.
/// </summary>
internal sealed class PostgresMessageSearch(string connectionString, IMessageStore store, PostgresDataSources? shared = null)
    : PostgresStore(connectionString, shared, CreateIndex), IMessageSearch
{
    // Silos start together: the same advisory lock as the message table's schema keeps them from racing. Building the
    // index on an existing log blocks writes to it while it builds (once).
    private const string CreateIndex = """
        SELECT pg_advisory_xact_lock(7316224051);
        CREATE INDEX IF NOT EXISTS messages_text_search ON messages USING GIN (to_tsvector('simple', text)) WHERE kind = 'text';
        """;

    private const string Search = """
        SELECT conversation_id, seq, sent_at FROM messages
        WHERE kind = 'text' AND NOT recalled AND conversation_id = ANY(@conversations)
          AND to_tsvector('simple', text) @@ plainto_tsquery('simple', @words)
          AND (sent_at, conversation_id, seq) < (@sentAt, @conversation, @seq)
        ORDER BY sent_at DESC, conversation_id DESC, seq DESC
        LIMIT @limit
        """;

    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(cancellationToken);

    public async Task<IReadOnlyList<SearchKey>> SearchAsync(
        IReadOnlyCollection<string> conversationIds, IReadOnlyList<string> words, SearchKey? before, int limit, CancellationToken cancellationToken = default)
    {
        if (conversationIds.Count == 0 || words.Count == 0) return [];
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var bound = before ?? SearchKey.Start;
        await using var command = DataSource.CreateCommand(Search);
        command.Parameters.AddWithValue("conversations", conversationIds.ToArray());
        command.Parameters.AddWithValue("words", string.Join(' ', words));
        // The first page's bound is past any time PostgreSQL can hold.
        command.Parameters.AddWithValue("sentAt", bound.SentAtMs == long.MaxValue ? DateTimeOffset.MaxValue.UtcDateTime : DateTimeOffset.FromUnixTimeMilliseconds(bound.SentAtMs).UtcDateTime);
        command.Parameters.AddWithValue("conversation", bound.ConversationId);
        command.Parameters.AddWithValue("seq", bound.Seq);
        command.Parameters.AddWithValue("limit", limit);
        var keys = new List<SearchKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sentAt = new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero);
            keys.Add(new SearchKey(sentAt.ToUnixTimeMilliseconds(), reader.GetString(0), reader.GetInt64(1)));
        }
        return keys;
    }

    // The index is on the messages table, so the message store's schema first.
    protected override async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await base.CreateSchemaAsync(cancellationToken).ConfigureAwait(false);
    }
}
