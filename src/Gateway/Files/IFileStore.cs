namespace Im.Orleans.Gateway.Files;

// Public only because the public ChatHub takes it in its constructor; the stores themselves are internal.
/// <summary>Where uploaded files live: the data directory (embedded default) or PostgreSQL (shared by every gateway).</summary>
public interface IFileStore
{
    /// <summary>Stores the bytes under metadata.Id and answers the metadata with the size actually stored.</summary>
    Task<StoredFile> SaveAsync(Stream content, StoredFile metadata, CancellationToken cancellationToken);

    /// <summary>The file's metadata (not its bytes); null for an unknown or malformed id.</summary>
    Task<StoredFile?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>A seekable stream of the file's bytes (so downloads can answer Range requests), or null when they are gone.</summary>
    Task<Stream?> OpenReadAsync(StoredFile file, CancellationToken cancellationToken);
}
