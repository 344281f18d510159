namespace Im.Orleans.Grains.Messages;

/// <summary>Every SQL statement of <see cref="PostgresMessageStore"/>.</summary>
internal static class PostgresMessageSql
{
    // Silos start together; the advisory lock keeps their CREATE TABLE IF NOT EXISTS from racing in the catalog.
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(7316224051);
        CREATE TABLE IF NOT EXISTS messages (
            conversation_id text NOT NULL,
            seq bigint NOT NULL,
            message_id text NOT NULL,
            client_msg_id text NOT NULL,
            sender_id text NOT NULL,
            kind text NOT NULL,
            text text NULL,
            attachment text NULL,
            sent_at timestamptz NOT NULL,
            recalled boolean NOT NULL DEFAULT false,
            reply_to_seq bigint NULL,
            PRIMARY KEY (conversation_id, seq),
            UNIQUE (conversation_id, client_msg_id)
        );
        ALTER TABLE messages ADD COLUMN IF NOT EXISTS edited_at timestamptz NULL;
        ALTER TABLE messages ADD COLUMN IF NOT EXISTS reactions text NULL;
        ALTER TABLE messages ADD COLUMN IF NOT EXISTS system text NULL;
        CREATE TABLE IF NOT EXISTS message_hidden (
            conversation_id text NOT NULL,
            user_id text NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (conversation_id, user_id, seq)
        );
        """;

    private const string Columns = "conversation_id, seq, message_id, client_msg_id, sender_id, kind, text, attachment, sent_at, recalled, reply_to_seq, edited_at, reactions, system";

    private const string InsertColumns = "conversation_id, seq, message_id, client_msg_id, sender_id, kind, text, attachment, sent_at, recalled, reply_to_seq, system";

    // One statement for the whole batch. Only the clientMsgId conflict is absorbed (its rows are simply not returned);
    // a taken seq raises 23505 on the primary key and the batch fails, as a stale activation must.
    public const string InsertBatch = $"""
        INSERT INTO messages ({InsertColumns})
        SELECT @conversation, * FROM UNNEST(@seqs, @messageIds, @clientMsgIds, @senderIds, @kinds, @texts, @attachments, @sentAts, @recalled, @replyToSeqs, @systems)
        ON CONFLICT (conversation_id, client_msg_id) DO NOTHING
        RETURNING client_msg_id;
        """;

    public const string DeleteByClientMsgIds = "DELETE FROM messages WHERE conversation_id = @conversation AND client_msg_id = ANY(@clientMsgIds);";

    public const string FindByClientMsgIds = $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND client_msg_id = ANY(@clientMsgIds) ORDER BY seq;";

    public const string ReadAfter = $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq > @seq ORDER BY seq LIMIT @limit;";

    public const string ReadBefore = $"""
        SELECT * FROM (SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq < @seq ORDER BY seq DESC LIMIT @limit) AS page
        ORDER BY seq;
        """;

    public const string LastSeq = "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = @conversation;";

    public const string MarkRecalled = "UPDATE messages SET recalled = true WHERE conversation_id = @conversation AND seq = @seq;";

    public const string CountFromOthers = """
        SELECT COUNT(*) FROM messages
        WHERE conversation_id = @conversation AND seq > @after AND seq <= @upTo AND sender_id <> @user AND kind <> 'system';
        """;

    public const string Edit = "UPDATE messages SET text = @text, edited_at = @editedAt WHERE conversation_id = @conversation AND seq = @seq;";

    public const string SetReactions = "UPDATE messages SET reactions = @reactions WHERE conversation_id = @conversation AND seq = @seq;";

    public const string Hide = """
        INSERT INTO message_hidden (conversation_id, user_id, seq) SELECT @conversation, @user, s FROM UNNEST(@seqs) AS s
        ON CONFLICT DO NOTHING;
        """;

    public const string Hidden = "SELECT seq FROM message_hidden WHERE conversation_id = @conversation AND user_id = @user ORDER BY seq;";
}
