namespace Im.Orleans.Grains.Messages;

/// <summary>Every SQL statement of <see cref="SqliteMessageStore"/>; sent_at is Unix milliseconds.</summary>
internal static class SqliteMessageSql
{
    public const string EnableWal = "PRAGMA journal_mode=WAL;";

    // WITHOUT ROWID: rows are clustered by (conversation_id, seq), which is exactly how every read pages.
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS messages (
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            client_msg_id TEXT NOT NULL,
            sender_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NULL,
            attachment TEXT NULL,
            sent_at INTEGER NOT NULL,
            recalled INTEGER NOT NULL DEFAULT 0,
            reply_to_seq INTEGER NULL,
            edited_at INTEGER NULL,
            reactions TEXT NULL,
            system TEXT NULL,
            PRIMARY KEY (conversation_id, seq),
            UNIQUE (conversation_id, client_msg_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS message_hidden (
            conversation_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, user_id, seq)
        ) WITHOUT ROWID;
        """;

    /// <summary>Columns added after the first release: a log created before them gets them with ALTER TABLE.</summary>
    public static readonly (string Name, string Type)[] AddedColumns = [("edited_at", "INTEGER NULL"), ("reactions", "TEXT NULL"), ("system", "TEXT NULL")];

    public const string ListColumns = "SELECT name FROM pragma_table_info('messages');";

    private const string Columns = "conversation_id, seq, message_id, client_msg_id, sender_id, kind, text, attachment, sent_at, recalled, reply_to_seq, edited_at, reactions, system";

    // Only the clientMsgId conflict is absorbed; a taken seq still fails the transaction (a stale activation).
    public const string Insert = $"""
        INSERT INTO messages ({Columns})
        VALUES ($conversation, $seq, $messageId, $clientMsgId, $senderId, $kind, $text, $attachment, $sentAt, $recalled, $replyToSeq, $editedAt, $reactions, $system)
        ON CONFLICT (conversation_id, client_msg_id) DO NOTHING;
        """;

    public const string FindByClientMsgId = $"SELECT {Columns} FROM messages WHERE conversation_id = $conversation AND client_msg_id = $clientMsgId;";

    public const string ReadAfter = $"SELECT {Columns} FROM messages WHERE conversation_id = $conversation AND seq > $seq ORDER BY seq LIMIT $limit;";

    public const string ReadBefore = $"""
        SELECT * FROM (SELECT {Columns} FROM messages WHERE conversation_id = $conversation AND seq < $seq ORDER BY seq DESC LIMIT $limit)
        ORDER BY seq;
        """;

    public const string LastSeq = "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = $conversation;";

    public const string MarkRecalled = "UPDATE messages SET recalled = 1 WHERE conversation_id = $conversation AND seq = $seq;";

    public const string CountFromOthers = """
        SELECT COUNT(*) FROM messages
        WHERE conversation_id = $conversation AND seq > $after AND seq <= $upTo AND sender_id <> $user AND kind <> 'system';
        """;

    public const string Edit = "UPDATE messages SET text = $text, edited_at = $editedAt WHERE conversation_id = $conversation AND seq = $seq;";

    public const string SetReactions = "UPDATE messages SET reactions = $reactions WHERE conversation_id = $conversation AND seq = $seq;";

    public const string Hide = "INSERT INTO message_hidden (conversation_id, user_id, seq) VALUES ($conversation, $user, $seq) ON CONFLICT DO NOTHING;";

    public const string Hidden = "SELECT seq FROM message_hidden WHERE conversation_id = $conversation AND user_id = $user ORDER BY seq;";
}
