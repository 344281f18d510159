using Im.Orleans.Grains.Storage;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>Where the embedded node keeps its files ("Data" section): SQLite databases, the signing key, uploads.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>The data directory; relative paths resolve against the current directory, so `dotnet run` keeps ./data.</summary>
    public string Directory { get; set; } = "data";

    /// <summary>The absolute data directory, created if missing, private to this user (700 on Unix).</summary>
    public string EnsureFullPath()
    {
        var path = Path.GetFullPath(Directory);
        PrivateFiles.CreateFolder(path);
        return path;
    }
}
