namespace Im.Orleans.Gateway.Files;

/// <summary>File ids are random 32-character lower-case hex strings (a Guid's "N" form); anything else names no file.</summary>
internal static class FileIds
{
    public static string New() => Guid.NewGuid().ToString("N");

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
