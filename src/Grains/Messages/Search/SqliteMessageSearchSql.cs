namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// The SQLite word index. The messages table is WITHOUT ROWID, which an FTS5 external-content table cannot point
/// into, so a small rowid table maps each indexed message to an FTS5 row, and the FTS5 table is contentless (the
/// text stays only in messages). Indexing is off the send path: a trigger only appends the new message's key to a
/// queue table (one cheap rowid append in the append's own transaction, so nothing stored is ever missed), and the
/// queue is indexed in batches, in a transaction of its own, before every search and every few seconds. FTS5 writes
/// a segment per transaction, so indexing inside each group commit cost a third of the embedded send rate. An edit
/// takes the old text out of the index and queues the message again; a deleted row leaves the index.
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
        CREATE TABLE IF NOT EXISTS message_search_queue (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL
        );
        """;

    // Messages stored before the index existed.
    public const string Backfill = """
        INSERT OR IGNORE INTO message_search_rows (conversation_id, seq)
            SELECT conversation_id, seq FROM messages WHERE kind = 'text' AND text IS NOT NULL;
        INSERT INTO message_search (rowid, text)
            SELECT r.id, m.text FROM message_search_rows r JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq = r.seq;
        """;

    private const string RowOfOld = "SELECT id FROM message_search_rows WHERE conversation_id = old.conversation_id AND seq = old.seq";

    // Dropped first: a log from a build that indexed inside the append has triggers of the same names.
    public const string CreateTriggers = $"""
        DROP TRIGGER IF EXISTS message_search_insert;
        DROP TRIGGER IF EXISTS message_search_update;
        DROP TRIGGER IF EXISTS message_search_delete;
        CREATE TRIGGER message_search_insert AFTER INSERT ON messages
        WHEN new.kind = 'text' AND new.text IS NOT NULL
        BEGIN
            INSERT INTO message_search_queue (conversation_id, seq) VALUES (new.conversation_id, new.seq);
        END;
        CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
        WHEN old.kind = 'text' AND old.text IS NOT new.text
        BEGIN
            INSERT INTO message_search (message_search, rowid, text) SELECT 'delete', id, old.text FROM ({RowOfOld}) WHERE old.text IS NOT NULL;
            DELETE FROM message_search_rows WHERE conversation_id = old.conversation_id AND seq = old.seq;
            INSERT INTO message_search_queue (conversation_id, seq) SELECT new.conversation_id, new.seq WHERE new.text IS NOT NULL;
        END;
        CREATE TRIGGER message_search_delete AFTER DELETE ON messages
        WHEN old.kind = 'text'
        BEGIN
            INSERT INTO message_search (message_search, rowid, text) SELECT 'delete', id, old.text FROM ({RowOfOld}) WHERE old.text IS NOT NULL;
            DELETE FROM message_search_rows WHERE conversation_id = old.conversation_id AND seq = old.seq;
        END;
        """;

    public const string QueueEnd = "SELECT COALESCE(MAX(id), 0) FROM message_search_queue;";

    // A chunk of the queue: up to $chunk entries from its start, never past $upTo (the end when the pass began).
    public const string ChunkEnd = "SELECT COALESCE(MIN(MIN(id) + $chunk - 1, $upTo), 0) FROM message_search_queue WHERE id <= $upTo;";

    public const string RowsEnd = "SELECT COALESCE(MAX(id), 0) FROM message_search_rows;";

    // Queued keys whose message is gone (deleted) or no longer text are skipped; a key queued twice is indexed once.
    // Rows created here get ids above $rowsEnd, which is how the second statement finds exactly them.
    public const string IndexQueued = """
        INSERT OR IGNORE INTO message_search_rows (conversation_id, seq)
            SELECT DISTINCT q.conversation_id, q.seq FROM message_search_queue q
            JOIN messages m ON m.conversation_id = q.conversation_id AND m.seq = q.seq
            WHERE q.id <= $queueEnd AND m.kind = 'text' AND m.text IS NOT NULL;
        INSERT INTO message_search (rowid, text)
            SELECT r.id, m.text FROM message_search_rows r
            JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq = r.seq
            WHERE r.id > $rowsEnd;
        DELETE FROM message_search_queue WHERE id <= $queueEnd;
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
