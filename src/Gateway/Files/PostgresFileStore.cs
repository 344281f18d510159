using Im.Orleans.Grains.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Im.Orleans.Gateway.Files;

/// <summary>
/// Uploaded files in the im_files table of the gateway's PostgreSQL database (metadata and bytes in one row), so
/// every gateway of a cluster serves every file and gateways keep nothing on local disk.
/// </summary>
/// <param name="shared">The process's pools; without it the store opens a pool of its own.</param>
internal sealed class PostgresFileStore(string connectionString, PostgresDataSources? shared = null)
    : PostgresStore(connectionString, shared, PostgresFileSql.CreateSchema), IFileStore
{
    public async Task<StoredFile> SaveAsync(Stream content, StoredFile metadata, CancellationToken cancellationToken)
    {
        if (!FileIds.IsValid(metadata.Id)) throw new ArgumentException($"'{metadata.Id}' is not a file id.", nameof(metadata));
        // Uploads are capped at Files:MaxBytes (10 MiB by default) before they get here, so one buffer is fine.
        byte[] bytes;
        using (var buffer = new MemoryStream(metadata.Size is > 0 and <= int.MaxValue ? (int)metadata.Size : 0))
        {
            await content.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }
        var stored = metadata with { Size = bytes.LongLength };

        await EnsureSchemaAsync(cancellationToken);
        await using var command = DataSource.CreateCommand(PostgresFileSql.Insert);
        command.Parameters.AddWithValue("id", NpgsqlDbType.Text, stored.Id);
        command.Parameters.AddWithValue("conversation_id", NpgsqlDbType.Text, stored.ConversationId);
        command.Parameters.AddWithValue("uploader_id", NpgsqlDbType.Text, stored.UploaderId);
        command.Parameters.AddWithValue("file_name", NpgsqlDbType.Text, stored.FileName);
        command.Parameters.AddWithValue("content_type", NpgsqlDbType.Text, stored.ContentType);
        command.Parameters.AddWithValue("size", NpgsqlDbType.Bigint, stored.Size);
        command.Parameters.AddWithValue("uploaded_at", NpgsqlDbType.TimestampTz, stored.UploadedAt.ToUniversalTime());
        command.Parameters.AddWithValue("content", NpgsqlDbType.Bytea, bytes);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return stored;
    }

    public async Task<StoredFile?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!FileIds.IsValid(id)) return null;
        await EnsureSchemaAsync(cancellationToken);
        await using var command = DataSource.CreateCommand(PostgresFileSql.Find);
        command.Parameters.AddWithValue("id", NpgsqlDbType.Text, id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredFile(
            Id: reader.GetString(0),
            ConversationId: reader.GetString(1),
            UploaderId: reader.GetString(2),
            FileName: reader.GetString(3),
            ContentType: reader.GetString(4),
            Size: reader.GetInt64(5),
            UploadedAt: reader.GetFieldValue<DateTimeOffset>(6));
    }

    public async Task<Stream?> OpenReadAsync(StoredFile file, CancellationToken cancellationToken)
    {
        if (!FileIds.IsValid(file.Id)) return null;
        await EnsureSchemaAsync(cancellationToken);
        await using var command = DataSource.CreateCommand(PostgresFileSql.ReadContent);
        command.Parameters.AddWithValue("id", NpgsqlDbType.Text, file.Id);
        // The whole file is read into memory rather than streamed off the connection: files are at most
        // Files:MaxBytes (10 MiB by default), and a seekable MemoryStream lets the download answer Range requests
        // without holding a pooled connection open while a slow client reads.
        var content = await command.ExecuteScalarAsync(cancellationToken);
        return content is byte[] bytes ? new MemoryStream(bytes, writable: false) : null;
    }
}
