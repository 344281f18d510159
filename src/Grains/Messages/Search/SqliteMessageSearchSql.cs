namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// The SQLite word index. The messages table is WITHOUT ROWID, which an FTS5 external-content table cannot point
/// into, so a small rowid table maps each indexed message to an FTS5 row, and the FTS5 table is contentless (the
/// text stays only in messages). Triggers on messages keep both current: an edit of text re-indexes the row, and a
/// deleted row leaves the index. A contentless row is removed with the 'delete' command and its old text.
/// </summary>
internal static class SqliteMessageSearchSql
{
    public const string Exists = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'message_search_rows';";

    public const string CreateTables = """
        CREATE TABLE IF NOT EXISTS message_search_rows (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            UNIQUE (conversation_id, seq)
        );
        CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');
        """;

    // Messages stored before the index existed.
    public const string Backfill = """
        INSERT OR IGNORE INTO message_search_rows (conversation_id, seq)
            SELECT conversation_id, seq FROM messages WHERE kind = 'text' AND text IS NOT NULL;
        INSERT INTO message_search (rowid, text)
            SELECT r.id, m.text FROM message_search_rows r JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq = r.seq;
        """;

    private const string RowOfOld = "SELECT id FROM message_search_rows WHERE conversation_id = old.conversation_id AND seq = old.seq";

    public const string CreateTriggers = $"""
        CREATE TRIGGER IF NOT EXISTS message_search_insert AFTER INSERT ON messages
        WHEN new.kind = 'text' AND new.text IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO message_search_rows (conversation_id, seq) VALUES (new.conversation_id, new.seq);
            INSERT INTO message_search (rowid, text)
                SELECT id, new.text FROM message_search_rows WHERE conversation_id = new.conversation_id AND seq = new.seq;
        END;
        CREATE TRIGGER IF NOT EXISTS message_search_update AFTER UPDATE OF text ON messages
        WHEN old.kind = 'text' AND old.text IS NOT new.text
        BEGIN
            INSERT INTO message_search (message_search, rowid, text) SELECT 'delete', id, old.text FROM ({RowOfOld}) WHERE old.text IS NOT NULL;
            INSERT OR IGNORE INTO message_search_rows (conversation_id, seq) SELECT new.conversation_id, new.seq WHERE new.text IS NOT NULL;
            INSERT INTO message_search (rowid, text)
                SELECT id, new.text FROM message_search_rows WHERE conversation_id = new.conversation_id AND seq = new.seq AND new.text IS NOT NULL;
        END;
        CREATE TRIGGER IF NOT EXISTS message_search_delete AFTER DELETE ON messages
        WHEN old.kind = 'text'
        BEGIN
            INSERT INTO message_search (message_search, rowid, text) SELECT 'delete', id, old.text FROM ({RowOfOld}) WHERE old.text IS NOT NULL;
            DELETE FROM message_search_rows WHERE conversation_id = old.conversation_id AND seq = old.seq;
        END;
        """;

    // The conversations come as one JSON array parameter, however many the user has.
    public const string Search = """
        SELECT r.conversation_id, r.seq, m.sent_at
        FROM message_search f
        JOIN message_search_rows r ON r.id = f.rowid
        JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq = r.seq
        WHERE message_search MATCH $match
          AND r.conversation_id IN (SELECT value FROM json_each($conversations))
          AND m.kind = 'text' AND m.recalled = 0
          AND (m.sent_at, r.conversation_id, r.seq) < ($sentAt, $conversation, $seq)
        ORDER BY m.sent_at DESC, r.conversation_id DESC, r.seq DESC
        LIMIT $limit;
        """;
}
