namespace Im.Orleans.Grains.Storage;

/// <summary>
/// Files and folders only their owner may use: on Unix folders 700 and files 600, whatever the umask. The data folder
/// holds password hashes, messages, grain state, uploads and the signing key, none of them for other local users.
/// Windows has no such modes; there the folder's ACL decides.
/// </summary>
public static class PrivateFiles
{
    /// <summary>rwx for the owner only.</summary>
    public const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner only.</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the folder private (missing parents get the usual mode); an existing folder keeps its mode.</summary>
    public static DirectoryInfo CreateFolder(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, PrivateFolderMode);

    /// <summary>
    /// Creates an empty private file when there is none, so a database opened there later keeps that mode: SQLite
    /// creates its -wal, -shm and -journal files with the mode of the database file.
    /// </summary>
    public static void EnsureFile(string path)
    {
        CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (File.Exists(path)) return;
        try
        {
            using var created = new FileStream(path, NewFile(FileMode.CreateNew, FileAccess.Write));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process or thread created it first: theirs is as private as ours would be.
        }
    }

    /// <summary>Options for a new file, private from its creation (not chmod-ed afterwards, which leaves a moment open).</summary>
    public static FileStreamOptions NewFile(FileMode mode, FileAccess access, FileOptions options = FileOptions.None, int bufferSize = 4096)
    {
        var result = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, Options = options, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows()) result.UnixCreateMode = PrivateFileMode;
        return result;
    }

    /// <summary>
    /// Takes every group and other permission off the folder and everything under it: a data folder an older
    /// version (or a umask) left open. Symbolic links are not followed. Returns what could not be changed (e.g. an
    /// entry of another owner), for the caller to log.
    /// </summary>
    public static IReadOnlyList<string> Tighten(string root)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(root)) return [];
        var failures = new List<string>();
        TightenEntry(new DirectoryInfo(root), failures);
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", walk)) TightenEntry(entry, failures);
        return failures;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void TightenEntry(FileSystemInfo entry, List<string> failures)
    {
        try
        {
            var mode = entry.UnixFileMode;
            if ((mode & GroupOrOther) != 0) entry.UnixFileMode = mode & ~GroupOrOther;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            failures.Add($"{entry.FullName}: {e.Message}");
        }
    }
}
