using System.Text.Json;
using Im.Orleans.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Files;

/// <summary>
/// Uploaded files under {data}/files/{first two id chars}/{id}.bin with {id}.json metadata. Ids are random
/// 32-hex strings, so a path can never be steered outside the folder. Bytes are written to a temporary file and
/// moved into place, so a reader never sees half a file.
/// </summary>
public sealed class FileStore(IOptions<DataOptions> data)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lazy<string> _root = new(() => Directory.CreateDirectory(Path.Combine(data.Value.EnsureFullPath(), "files")).FullName);

    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    public async Task<StoredFile> SaveAsync(Stream content, StoredFile metadata, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.Value, metadata.Id[..2])).FullName;
        var bytesPath = Path.Combine(folder, metadata.Id + ".bin");
        var temp = bytesPath + ".tmp";
        long size;
        await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(target, cancellationToken);
            size = target.Length;
        }
        File.Move(temp, bytesPath);
        var stored = metadata with { Size = size };
        // Metadata last: a file is visible only once its bytes are complete.
        await File.WriteAllTextAsync(Path.Combine(folder, metadata.Id + ".json"), JsonSerializer.Serialize(stored, Json), cancellationToken);
        return stored;
    }

    public async Task<StoredFile?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id)) return null;
        var path = Path.Combine(_root.Value, id[..2], id + ".json");
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize<StoredFile>(await File.ReadAllTextAsync(path, cancellationToken), Json);
    }

    public string BytesPath(StoredFile file) => Path.Combine(_root.Value, file.Id[..2], file.Id + ".bin");
}
