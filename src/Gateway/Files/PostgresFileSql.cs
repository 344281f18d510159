namespace Im.Orleans.Gateway.Files;

/// <summary>Every SQL statement of <see cref="PostgresFileStore"/>.</summary>
internal static class PostgresFileSql
{
    // Gateways start together; the advisory lock keeps their CREATE TABLE IF NOT EXISTS from racing in the catalog.
    // The lock key is an arbitrary constant owned by this schema.
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(4747101);
        CREATE TABLE IF NOT EXISTS im_files (
            id              text        PRIMARY KEY,
            conversation_id text        NOT NULL,
            uploader_id     text        NOT NULL,
            file_name       text        NOT NULL,
            content_type    text        NOT NULL,
            size            bigint      NOT NULL,
            uploaded_at     timestamptz NOT NULL,
            content         bytea       NOT NULL
        );
        """;

    public const string Insert = """
        INSERT INTO im_files (id, conversation_id, uploader_id, file_name, content_type, size, uploaded_at, content)
        VALUES (@id, @conversation_id, @uploader_id, @file_name, @content_type, @size, @uploaded_at, @content)
        """;

    // Metadata only: attachments and membership checks never pull the bytes.
    public const string Find = """
        SELECT id, conversation_id, uploader_id, file_name, content_type, size, uploaded_at
        FROM im_files WHERE id = @id
        """;

    public const string ReadContent = "SELECT content FROM im_files WHERE id = @id";
}
