using System.Text.Json;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains.Storage;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Files;

/// <summary>
/// Uploaded files under {data}/files/{first two id chars}/{id}.bin with {id}.json metadata: the embedded default
/// (one process, SQLite). Ids are random 32-hex strings, so a path can never be steered outside the folder. Bytes
/// are written to a temporary file and moved into place, so a reader never sees half a file. Folders are 700 and files
/// 600 from their creation (<see cref="PrivateFiles"/>): uploads are for the conversation's members only.
/// </summary>
internal sealed class DiskFileStore(IOptions<DataOptions> data) : IFileStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lazy<string> _root = new(() => PrivateFiles.CreateFolder(Path.Combine(data.Value.EnsureFullPath(), "files")).FullName);

    public async Task<StoredFile> SaveAsync(Stream content, StoredFile metadata, CancellationToken cancellationToken)
    {
        if (!FileIds.IsValid(metadata.Id)) throw new ArgumentException($"'{metadata.Id}' is not a file id.", nameof(metadata));
        var folder = PrivateFiles.CreateFolder(Path.Combine(_root.Value, metadata.Id[..2])).FullName;
        var bytesPath = Path.Combine(folder, metadata.Id + ".bin");
        var temp = bytesPath + ".tmp";
        long size;
        await using (var target = new FileStream(temp, PrivateFiles.NewFile(FileMode.CreateNew, FileAccess.Write, FileOptions.Asynchronous, 81920)))
        {
            await content.CopyToAsync(target, cancellationToken);
            size = target.Length;
        }
        File.Move(temp, bytesPath);
        var stored = metadata with { Size = size };
        // Metadata last: a file is visible only once its bytes are complete.
        await using (var json = new FileStream(Path.Combine(folder, metadata.Id + ".json"), PrivateFiles.NewFile(FileMode.CreateNew, FileAccess.Write, FileOptions.Asynchronous)))
            await JsonSerializer.SerializeAsync(json, stored, Json, cancellationToken);
        return stored;
    }

    public async Task<StoredFile?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!FileIds.IsValid(id)) return null;
        var path = Path.Combine(_root.Value, id[..2], id + ".json");
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize<StoredFile>(await File.ReadAllTextAsync(path, cancellationToken), Json);
    }

    public Task<Stream?> OpenReadAsync(StoredFile file, CancellationToken cancellationToken)
    {
        if (!FileIds.IsValid(file.Id)) return Task.FromResult<Stream?>(null);
        try
        {
            // Streamed from disk, never buffered; the download result disposes the stream.
            Stream stream = new FileStream(BytesPath(file), FileMode.Open, FileAccess.Read, FileShare.Read, 81920,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    private string BytesPath(StoredFile file) => Path.Combine(_root.Value, file.Id[..2], file.Id + ".bin");
}
